import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertObjectKey, type DownloadOptions, ObjectNotFoundError, type ObjectStore } from './object-store';

export interface S3StoreSettings {
  bucket: string;
  region: string;
  /** For S3-compatible servers (Ceph, SeaweedFS, a campus appliance); AWS itself needs none. */
  endpoint?: string;
  /** Without them the SDK's default chain (IRSA, instance roles, AWS_* variables) answers. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `endpoint/bucket/key` rather than `bucket.endpoint/key`: what most non-AWS servers want. */
  forcePathStyle: boolean;
  /** How long a signed download URL works. */
  urlTtlSeconds: number;
}

/**
 * An S3 bucket. Uploads stream in parts (lib-storage keeps at most a few 5 MiB parts in memory
 * whatever the file's size); downloads are presigned GET URLs the browser follows, so the bytes
 * never pass through a gateway.
 */
export class S3Store implements ObjectStore {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly settings: S3StoreSettings) {
    this.client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
    });
  }

  async put(key: string, body: Readable, contentType: string): Promise<void> {
    assertObjectKey(key);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 2,
      leavePartsOnError: false,
    });
    // A failing body (refused type, over the limit) aborts the multipart upload: no object stays.
    body.once('error', () => void upload.abort().catch(() => undefined));
    await upload.done();
  }

  async get(key: string): Promise<Readable> {
    assertObjectKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return answer.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
  }

  async signedDownloadUrl(key: string, options: DownloadOptions): Promise<string> {
    assertObjectKey(key);
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: contentDisposition(options.disposition, options.fileName),
    });
    return getSignedUrl(this.client, command, { expiresIn: this.settings.urlTtlSeconds });
  }

  close(): void {
    this.client.destroy();
  }
}

/** RFC 6266: an ASCII fallback name plus the UTF-8 one. */
export function contentDisposition(disposition: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
