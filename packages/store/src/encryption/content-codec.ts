import type { Collection } from 'mongodb';
import type { EncryptionKeyDoc } from '../documents';
import { open, seal } from './aes-gcm';
import { RoomKeyring } from './room-keyring';

/**
 * How message content is stored: as is, or sealed with the room's data key when encryption
 * at rest is on. Clients only ever see what `open` returns.
 */
export interface ContentCodec {
  seal(roomId: string, plaintext: string): Promise<{ content: string; keyVersion?: number }>;
  open(roomId: string, content: string, keyVersion?: number): Promise<string>;
}

export const plaintextCodec: ContentCodec = {
  seal: async (_roomId, plaintext) => ({ content: plaintext }),
  open: async (_roomId, content) => content,
};

/** AES-256-GCM with the room's current data key; the room id is bound in as associated data. */
export class EncryptedContentCodec implements ContentCodec {
  constructor(private readonly keyring: RoomKeyring) {}

  async seal(roomId: string, plaintext: string): Promise<{ content: string; keyVersion: number }> {
    const { version, key } = await this.keyring.currentKey(roomId);
    return { content: seal(key, Buffer.from(plaintext, 'utf8'), roomId), keyVersion: version };
  }

  async open(roomId: string, content: string, keyVersion?: number): Promise<string> {
    // Messages stored before encryption was turned on carry no keyVersion.
    if (keyVersion === undefined) return content;
    return open(await this.keyring.keyOf(roomId, keyVersion), content, roomId).toString('utf8');
  }
}

/**
 * The codec a process should use: sealing with per-room keys when a master key is set (after
 * checking it matches the stored keys, so a wrong one fails at start), plaintext otherwise.
 */
export async function openContentCodec(
  keys: Collection<EncryptionKeyDoc>,
  masterKey: Buffer | undefined,
): Promise<{ codec: ContentCodec; keyring?: RoomKeyring }> {
  if (!masterKey) return { codec: plaintextCodec };
  const keyring = new RoomKeyring(keys, masterKey);
  await keyring.verifyMasterKey();
  return { codec: new EncryptedContentCodec(keyring), keyring };
}
