import type { Readable } from 'node:stream';

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_PX = 320;

export interface ImagePreview {
  width: number;
  height: number;
  /** WebP, at most THUMBNAIL_PX on its longest side. */
  thumbnail: Buffer;
}

/** Thrown when the bytes are not an image sharp can decode (a corrupt or disguised file). */
export class UndecodableImageError extends Error {
  override readonly name = 'UndecodableImageError';
}

/**
 * Measures an image as it is shown (EXIF orientation applied) and makes its thumbnail. sharp
 * (libvips) holds the decoded image, bounded by its default pixel limit; the first frame of an
 * animation stands for it.
 */
export async function imagePreview(body: Readable): Promise<ImagePreview> {
  // Loaded on first use: a worker whose sharp binaries are missing still runs every other job,
  // and its image jobs fail (and retry) with the load error in the log.
  const { default: sharp } = await import('sharp');
  const image = sharp({ failOn: 'error' }).rotate();
  body.pipe(image);
  try {
    const [meta, thumbnail] = await Promise.all([
      image.clone().metadata(),
      image.clone().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer(),
    ]);
    if (!meta.width || !meta.height) throw new UndecodableImageError('the image has no dimensions');
    // Orientations 5-8 turn the image a quarter: what is shown is the other way round.
    const turned = (meta.orientation ?? 1) >= 5;
    return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, thumbnail };
  } catch (err) {
    if (err instanceof UndecodableImageError) throw err;
    throw new UndecodableImageError(`the image could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
