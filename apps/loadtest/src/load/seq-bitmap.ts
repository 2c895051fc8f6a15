/**
 * Which seqs (dense positive integers) one member has seen: one bit each, grown on demand.
 * A member of a room that carried 1 000 000 messages costs 125 kB, where a Set would cost MBs.
 */
export class SeqBitmap {
  private bits = new Uint8Array(1024);
  private size = 0;

  get count(): number {
    return this.size;
  }

  has(seq: number): boolean {
    const byte = seq >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (seq & 7))) !== 0;
  }

  /** Marks seq; answers false when it was already marked. */
  add(seq: number): boolean {
    const byte = seq >>> 3;
    if (byte >= this.bits.length) {
      let length = this.bits.length;
      while (length <= byte) length *= 2;
      const grown = new Uint8Array(length);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    if ((this.bits[byte]! & mask) !== 0) return false;
    this.bits[byte]! |= mask;
    this.size += 1;
    return true;
  }
}
