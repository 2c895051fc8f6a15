import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertObjectKey, ObjectNotFoundError, type ObjectStore } from './object-store';

/**
 * Objects as files under one directory: the embedded default for `npm start` and one-node
 * installs. It has no signed URLs, so the gateway streams downloads itself. Writes go to a
 * temporary name and are renamed into place, so a reader never sees half an object.
 */
export class LocalDirectoryStore implements ObjectStore {
  readonly kind = 'local';

  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    // Opened first so a missing file rejects here, not as a stream error mid-response.
    const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new ObjectNotFoundError(key) : err;
    });
    // The stream owns the handle and closes it: a stream given only `handle.fd` would close the
    // descriptor itself, and the handle, collected later, would close it again (EBADF kills the process).
    return handle.createReadStream({ autoClose: true });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async signedDownloadUrl(): Promise<undefined> {
    return undefined;
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    return join(this.root, key);
  }
}
