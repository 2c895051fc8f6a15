import { randomBytes } from 'node:crypto';
import { EncryptedContentCodec, MasterKeyMismatchError, RoomKeyring } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
const master = randomBytes(32);
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

test('sealed content is not the plaintext and opens back to it', async () => {
  const codec = new EncryptedContentCodec(new RoomKeyring(fixture.store.collections.encryptionKeys, master));
  const sealed = await codec.seal('secret-room', 'meet at the library');
  expect(sealed.content).not.toContain('library');
  expect(sealed.keyVersion).toBe(1);
  expect(await codec.open('secret-room', sealed.content, sealed.keyVersion)).toBe('meet at the library');
});

test('content sealed for one room does not open as another room', async () => {
  const codec = new EncryptedContentCodec(new RoomKeyring(fixture.store.collections.encryptionKeys, master));
  const sealed = await codec.seal('room-a', 'for a only');
  await codec.seal('room-b', 'make room-b a key');
  await expect(codec.open('room-b', sealed.content, 1)).rejects.toThrow();
});

test('after rotation new content uses the new version and old content still opens', async () => {
  const keyring = new RoomKeyring(fixture.store.collections.encryptionKeys, master);
  const codec = new EncryptedContentCodec(keyring);
  const before = await codec.seal('rotating', 'old words');
  expect(await keyring.rotate('rotating')).toBe(2);
  const after = await codec.seal('rotating', 'new words');
  expect(after.keyVersion).toBe(2);
  // A fresh keyring (another pod) reads both versions from MongoDB.
  const elsewhere = new EncryptedContentCodec(new RoomKeyring(fixture.store.collections.encryptionKeys, master));
  expect(await elsewhere.open('rotating', before.content, before.keyVersion)).toBe('old words');
  expect(await elsewhere.open('rotating', after.content, after.keyVersion)).toBe('new words');
});

test('the wrong master key is detected before anything is read', async () => {
  await new RoomKeyring(fixture.store.collections.encryptionKeys, master).verifyMasterKey();
  const wrong = new RoomKeyring(fixture.store.collections.encryptionKeys, randomBytes(32));
  await expect(wrong.verifyMasterKey()).rejects.toThrow(MasterKeyMismatchError);
});

test('messages stored before encryption was turned on still read as they are', async () => {
  const codec = new EncryptedContentCodec(new RoomKeyring(fixture.store.collections.encryptionKeys, master));
  expect(await codec.open('legacy', 'plain old text')).toBe('plain old text');
});

test('the keyring holds at most its bound of keys and still opens content whose key it dropped', async () => {
  const keyring = new RoomKeyring(fixture.store.collections.encryptionKeys, master, { maxCachedKeys: 2 });
  const codec = new EncryptedContentCodec(keyring);
  const rooms = ['lru-a', 'lru-b', 'lru-c', 'lru-d'];
  const sealed = [];
  for (const room of rooms) sealed.push({ room, ...(await codec.seal(room, `words of ${room}`)) });
  expect(keyring.cachedKeys).toBe(2);
  for (const s of sealed) expect(await codec.open(s.room, s.content, s.keyVersion)).toBe(`words of ${s.room}`);
  expect(keyring.cachedKeys).toBe(2);
  // A room whose current key was dropped seals with its stored key again, not a new one.
  const again = await codec.seal('lru-a', 'more words');
  expect(again.keyVersion).toBe(1);
  expect(
    await new EncryptedContentCodec(new RoomKeyring(fixture.store.collections.encryptionKeys, master)).open('lru-a', again.content, 1),
  ).toBe('more words');
});
