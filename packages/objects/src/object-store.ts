import type { Readable } from 'node:stream';

/** How a signed download presents the object to the browser. */
export interface DownloadOptions {
  fileName: string;
  contentType: string;
  /** `inline` for images shown in place; `attachment` for everything else (saved, never rendered). */
  disposition: 'inline' | 'attachment';
}

/**
 * Where attachment bytes live. Keys are ours (`rooms/<roomId>/<attachmentId>[.thumb]`), never
 * a user's file name. Both gateway (uploads, downloads) and worker (scans, thumbnails,
 * deletes) use it.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Streams body into key; rejects (and leaves no object) if body errors. */
  put(key: string, body: Readable, contentType: string): Promise<void>;
  /** The object's bytes; rejects with ObjectNotFoundError when there is none. */
  get(key: string): Promise<Readable>;
  /** Removes the object; removing one that is not there succeeds (deletes are retried). */
  delete(key: string): Promise<void>;
  /**
   * A short-lived URL the browser fetches directly, or undefined when this store has none
   * (then the gateway streams get()).
   */
  signedDownloadUrl(key: string, options: DownloadOptions): Promise<string | undefined>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';

  constructor(key: string) {
    super(`no object ${key}`);
  }
}

const KEY_PATTERN = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Keys are built by the code, but checked anyway: a `..` must never walk out of a directory. */
export function assertObjectKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`invalid object key ${JSON.stringify(key)}`);
  }
}
