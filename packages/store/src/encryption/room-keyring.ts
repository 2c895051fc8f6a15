import { randomBytes } from 'node:crypto';
import { type Collection, MongoServerError } from 'mongodb';
import type { EncryptionKeyDoc } from '../documents';
import { open, seal } from './aes-gcm';
import { LruMap } from './lru-map';

/** Ids never contain '#', so this entry cannot collide with a room's keys. */
const MASTER_CHECK_ROOM = '#master-key-check';
const CHECK_PLAINTEXT = 'campzone-master-key-check';

export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
}

interface RoomKey {
  version: number;
  key: Buffer;
}

export interface RoomKeyringOptions {
  /** How long a pod keeps using a room's current version before asking again (a rotation elsewhere shows within it). */
  currentTtlMs?: number;
  /**
   * Opened keys (room and version) kept in memory, the least recently used dropped first; a
   * dropped one is read and unwrapped again from MongoDB when needed. Also bounds the current
   * versions kept. Each entry is a 32-byte key and its room:version name.
   */
  maxCachedKeys?: number;
}

/**
 * Per-room data keys, stored wrapped by the master key with a keyVersion. The newest
 * version seals new messages; every version stays to open old ones. The current version is
 * cached for a short while, so a rotation on one pod reaches the others within `currentTtlMs`.
 * Both caches are bounded: a pod serving every room of a large install would otherwise keep
 * every key it ever opened.
 */
export class RoomKeyring {
  private readonly opened: LruMap<string, Buffer>;
  private readonly current: LruMap<string, { key: RoomKey; until: number }>;
  private readonly currentTtlMs: number;

  constructor(
    private readonly keys: Collection<EncryptionKeyDoc>,
    private readonly masterKey: Buffer,
    options: RoomKeyringOptions = {},
  ) {
    this.currentTtlMs = options.currentTtlMs ?? 30_000;
    const maxCachedKeys = options.maxCachedKeys ?? 10_000;
    this.opened = new LruMap(maxCachedKeys);
    this.current = new LruMap(maxCachedKeys);
  }

  /** Opened keys held in memory now (at most `maxCachedKeys`). */
  get cachedKeys(): number {
    return this.opened.size;
  }

  /** Fails when the stored keys were wrapped with another master key, rather than reading garbage later. */
  async verifyMasterKey(): Promise<void> {
    const check = await this.keys.findOne({ roomId: MASTER_CHECK_ROOM, keyVersion: 0 });
    if (!check) {
      await this.insert({
        roomId: MASTER_CHECK_ROOM,
        keyVersion: 0,
        encryptionKey: this.wrap(Buffer.from(CHECK_PLAINTEXT), MASTER_CHECK_ROOM, 0),
      });
      return;
    }
    try {
      if (this.unwrap(check.encryptionKey, MASTER_CHECK_ROOM, 0).toString() === CHECK_PLAINTEXT) return;
    } catch {
      // falls through to the mismatch below
    }
    throw new MasterKeyMismatchError('ENCRYPTION_MASTER_KEY does not match the key that wrapped the stored room keys');
  }

  async currentKey(roomId: string): Promise<RoomKey> {
    const cached = this.current.get(roomId);
    if (cached && cached.until > Date.now()) return cached.key;
    const [newest] = await this.keys.find({ roomId }).sort({ keyVersion: -1 }).limit(1).toArray();
    const key = newest ? { version: newest.keyVersion, key: this.remember(newest) } : await this.create(roomId, 1);
    this.current.set(roomId, { key, until: Date.now() + this.currentTtlMs });
    return key;
  }

  async keyOf(roomId: string, version: number): Promise<Buffer> {
    const hit = this.opened.get(`${roomId}:${version}`);
    if (hit) return hit;
    const doc = await this.keys.findOne({ roomId, keyVersion: version });
    if (!doc) throw new Error(`room ${roomId} has no key version ${version}`);
    return this.remember(doc);
  }

  /** Starts a new key version for the room; older versions stay for reading. */
  async rotate(roomId: string): Promise<number> {
    for (;;) {
      const [newest] = await this.keys.find({ roomId }).sort({ keyVersion: -1 }).limit(1).toArray();
      const version = (newest?.keyVersion ?? 0) + 1;
      try {
        const key = await this.create(roomId, version);
        if (newest) await this.keys.updateOne({ roomId, keyVersion: newest.keyVersion }, { $set: { rotatedAt: new Date() } });
        this.current.set(roomId, { key, until: Date.now() + this.currentTtlMs });
        return version;
      } catch (err) {
        // Another pod rotated at the same moment: take the next version after theirs.
        if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
      }
    }
  }

  private async create(roomId: string, version: number): Promise<RoomKey> {
    const key = randomBytes(32);
    try {
      await this.insert({ roomId, keyVersion: version, encryptionKey: this.wrap(key, roomId, version) });
    } catch (err) {
      // Two pods created the room's first key at once: use the one that was stored.
      if (version === 1 && err instanceof MongoServerError && err.code === 11000) return { version, key: await this.keyOf(roomId, 1) };
      throw err;
    }
    this.opened.set(`${roomId}:${version}`, key);
    return { version, key };
  }

  private async insert(doc: Pick<EncryptionKeyDoc, 'roomId' | 'keyVersion' | 'encryptionKey'>): Promise<void> {
    await this.keys.insertOne({ ...doc, createdAt: new Date(), rotatedAt: null });
  }

  private remember(doc: EncryptionKeyDoc): Buffer {
    const key = this.unwrap(doc.encryptionKey, doc.roomId, doc.keyVersion);
    this.opened.set(`${doc.roomId}:${doc.keyVersion}`, key);
    return key;
  }

  private wrap(key: Buffer, roomId: string, version: number): string {
    return seal(this.masterKey, key, `${roomId}:${version}`);
  }

  private unwrap(wrapped: string, roomId: string, version: number): Buffer {
    return open(this.masterKey, wrapped, `${roomId}:${version}`);
  }
}
