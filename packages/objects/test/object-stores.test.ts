import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { type S3Server, startS3Server } from '@campzone/testkit';
import { LocalDirectoryStore, ObjectNotFoundError, type ObjectStore, S3Store } from '../src';

const failing = () =>
  new Readable({
    read() {
      this.push('half of it');
      this.destroy(new Error('refused mid-stream'));
    },
  });

function behavesAsAnObjectStore(name: string, open: () => ObjectStore) {
  describe(name, () => {
    it('stores a stream, reads it back, and deletes it (twice without error)', async () => {
      const store = open();
      await store.put('rooms/r1/a1', Readable.from(['hello ', 'world']), 'text/plain');
      expect(await text(await store.get('rooms/r1/a1'))).toBe('hello world');
      await store.delete('rooms/r1/a1');
      await store.delete('rooms/r1/a1');
      await expect(store.get('rooms/r1/a1')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('leaves no object when the body fails', async () => {
      const store = open();
      await expect(store.put('rooms/r1/broken', failing(), 'text/plain')).rejects.toThrow();
      await expect(store.get('rooms/r1/broken')).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('refuses a key that could leave its directory', async () => {
      await expect(open().put('rooms/../etc', Readable.from(['x']), 'text/plain')).rejects.toThrow(/invalid object key/);
    });
  });
}

let dir: string;
let s3: S3Server;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'campzone-objects-'));
  s3 = await startS3Server();
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await s3?.stop();
});

behavesAsAnObjectStore('LocalDirectoryStore', () => new LocalDirectoryStore(dir));
behavesAsAnObjectStore('S3Store against a real S3-compatible server', () => s3Store());

function s3Store(): S3Store {
  return new S3Store({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.url,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    urlTtlSeconds: 60,
  });
}

it('an S3 presigned URL serves the object to a plain fetch, with the asked disposition', async () => {
  const store = s3Store();
  await store.put('rooms/r2/a2', Readable.from([Buffer.from('png-ish')]), 'image/png');
  const url = await store.signedDownloadUrl('rooms/r2/a2', { fileName: 'notes é.png', contentType: 'image/png', disposition: 'inline' });
  expect(url).toContain('X-Amz-Signature=');
  const answer = await fetch(url);
  expect(answer.status).toBe(200);
  expect(await answer.text()).toBe('png-ish');
});

it('the local store has no signed URLs: the gateway streams', async () => {
  expect(await new LocalDirectoryStore(dir).signedDownloadUrl()).toBeUndefined();
});
