// Redis Cluster's key -> slot mapping, as the cluster specification defines it: CRC16
// (XMODEM: polynomial 0x1021, initial 0) of the key, or of its hash tag, modulo 16384.

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

export const SLOT_COUNT = 16_384;

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/** The part of a key that is hashed: the text inside its first non-empty `{...}`, else all of it. */
export function hashTagOf(key: string | Buffer): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open === -1) return bytes;
  const close = bytes.indexOf(0x7d, open + 1);
  if (close === -1 || close === open + 1) return bytes;
  return bytes.subarray(open + 1, close);
}

export function keySlot(key: string | Buffer): number {
  return crc16(hashTagOf(key)) % SLOT_COUNT;
}

/**
 * Whether Redis Cluster would serve all of `keys` from one slot. Keys with the same hash tag
 * (every script's keys here share a room's or a user's) agree without a CRC or a Buffer: this
 * runs on every Lua call, several per message.
 */
export function sameSlot(keys: readonly string[]): boolean {
  const [first, ...rest] = keys;
  if (first === undefined) return true;
  const tag = tagText(first);
  return rest.every((key) => tagText(key) === tag || keySlot(key) === keySlot(first));
}

/** hashTagOf on the string itself: equal strings are equal bytes, so equal tags share a slot. */
function tagText(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
