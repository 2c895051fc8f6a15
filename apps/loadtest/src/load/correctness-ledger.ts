import { SeqBitmap } from './seq-bitmap';

/** What the server acknowledged to a sender. */
export interface AckedMessage {
  roomId: string;
  messageId: string;
  seq: number;
}

/** The correctness half of a report: every count must be 0 for a run to pass. */
export interface CorrectnessCounts {
  /** Acknowledged messages that at least one member of the room was never shown. */
  lost: number;
  /** (message, member) pairs behind `lost`. */
  lostDeliveries: number;
  /** A messageId shown twice to one member. */
  duplicated: number;
  /** A member was shown a seq lower than one it had already been shown. */
  misordered: number;
  /** Rooms whose members were not all shown the same messages in the same order. */
  orderMismatchRooms: number;
  /** Two different messageIds carried the same seq in one room (a reused seq). */
  seqConflicts: number;
}

/** Counted for information: the SDK is expected to absorb these. */
export interface RawCounts {
  /** `new_message` events received, over all members. */
  rawDeliveries: number;
  /** `new_message` events for a seq the member had already received (resends, sync overlap). */
  rawDuplicates: number;
  /** Messages the SDK presented as `late` (after it had skipped their seq as a hole). */
  late: number;
}

interface RoomBook {
  idBySeq: Map<number, string>;
  seqById: Map<string, number>;
  /** Seqs seen with more than one messageId (or a messageId seen at two seqs). */
  conflicts: Set<number>;
  members: MemberBook[];
}

interface MemberBook {
  userId: string;
  shown: SeqBitmap;
  raw: SeqBitmap;
  lastShown: number;
  /** Order fingerprint: FNV-1a over the seqs in the order shown. */
  orderHash: number;
}

/**
 * The ground truth of a load run: what the server acknowledged, and what each member was shown
 * (through the SDK) and received (raw). Memory is bitmaps per member plus one id map per room,
 * so long runs at thousands of messages a second stay small.
 */
export class CorrectnessLedger {
  private readonly rooms = new Map<string, RoomBook>();
  private readonly memberIndex = new Map<string, MemberBook>();
  private readonly acked = new Map<string, AckedMessage>();
  private counts: CorrectnessCounts = { lost: 0, lostDeliveries: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 };
  private raw: RawCounts = { rawDeliveries: 0, rawDuplicates: 0, late: 0 };
  /** The first messages shown late or out of order, for a report to say which. */
  readonly outOfOrder: Array<{
    roomId: string;
    userId: string;
    seq: number;
    messageId: string;
    afterSeq: number;
    late: boolean;
    atMs: number;
  }> = [];

  addMember(roomId: string, userId: string): void {
    const room = this.room(roomId);
    const member: MemberBook = { userId, shown: new SeqBitmap(), raw: new SeqBitmap(), lastShown: 0, orderHash: 0x811c9dc5 };
    room.members.push(member);
    this.memberIndex.set(key(roomId, userId), member);
  }

  get ackedCount(): number {
    return this.acked.size;
  }

  /** A sender's ack. A repeat of the same messageId (a resend answered `duplicate`) counts once. */
  recordAck(message: AckedMessage): void {
    if (this.acked.has(message.messageId)) return;
    this.acked.set(message.messageId, message);
    this.claimSeq(message.roomId, message.seq, message.messageId);
  }

  /** The SDK presented a message to a member. */
  recordShown(roomId: string, userId: string, messageId: string, seq: number, late: boolean): void {
    const member = this.memberIndex.get(key(roomId, userId));
    if (!member) return;
    const conflict = !this.claimSeq(roomId, seq, messageId);
    if (!member.shown.add(seq)) {
      if (!conflict) this.counts.duplicated += 1;
    }
    if (late) this.raw.late += 1;
    if (seq <= member.lastShown) {
      this.counts.misordered += 1;
      if (this.outOfOrder.length < 50)
        this.outOfOrder.push({ roomId, userId, seq, messageId, afterSeq: member.lastShown, late, atMs: Date.now() });
    } else member.lastShown = seq;
    member.orderHash = fnv(member.orderHash, seq);
  }

  /** A raw `new_message` reached a member's socket. */
  recordRaw(roomId: string, userId: string, seq: number): void {
    const member = this.memberIndex.get(key(roomId, userId));
    if (!member) return;
    this.raw.rawDeliveries += 1;
    if (!member.raw.add(seq)) this.raw.rawDuplicates += 1;
  }

  /** Whether the member has been shown this seq. */
  hasShown(roomId: string, userId: string, seq: number): boolean {
    return this.memberIndex.get(key(roomId, userId))?.shown.has(seq) ?? false;
  }

  /** Whether the member was shown every acknowledged message of its room (then a final sync cannot change its verdict). */
  hasAllAcked(roomId: string, userId: string): boolean {
    const member = this.memberIndex.get(key(roomId, userId));
    const room = this.rooms.get(roomId);
    if (!member || !room) return false;
    for (const [seq, messageId] of room.idBySeq) {
      if (this.acked.has(messageId) && !member.shown.has(seq)) return false;
    }
    return true;
  }

  /** Acknowledged messages of a room, for checks that look a message up. */
  ackedIn(roomId: string): AckedMessage[] {
    return [...this.acked.values()].filter((m) => m.roomId === roomId);
  }

  /** Final verdict: call after the final sync. Lost and order mismatches are computed here. */
  verdict(): { correctness: CorrectnessCounts; raw: RawCounts } {
    let lost = 0;
    let lostDeliveries = 0;
    for (const message of this.acked.values()) {
      const room = this.rooms.get(message.roomId);
      if (!room) continue;
      const missing = room.members.filter((m) => !m.shown.has(message.seq)).length;
      if (missing > 0) {
        lost += 1;
        lostDeliveries += missing;
      }
    }
    let orderMismatchRooms = 0;
    let seqConflicts = 0;
    for (const room of this.rooms.values()) {
      seqConflicts += room.conflicts.size;
      const first = room.members[0];
      if (!first) continue;
      const same = room.members.every((m) => m.orderHash === first.orderHash && m.shown.count === first.shown.count);
      if (!same) orderMismatchRooms += 1;
    }
    return { correctness: { ...this.counts, lost, lostDeliveries, orderMismatchRooms, seqConflicts }, raw: { ...this.raw } };
  }

  /** Binds seq to messageId in the room; answers false when the seq already belongs to another message. */
  private claimSeq(roomId: string, seq: number, messageId: string): boolean {
    const room = this.room(roomId);
    const owner = room.idBySeq.get(seq);
    const knownSeq = room.seqById.get(messageId);
    if (owner === undefined && knownSeq === undefined) {
      room.idBySeq.set(seq, messageId);
      room.seqById.set(messageId, seq);
      return true;
    }
    if (owner === messageId && knownSeq === seq) return true;
    room.conflicts.add(seq);
    return false;
  }

  private room(roomId: string): RoomBook {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { idBySeq: new Map(), seqById: new Map(), conflicts: new Set(), members: [] };
      this.rooms.set(roomId, room);
    }
    return room;
  }
}

function key(roomId: string, userId: string): string {
  return `${roomId}\u0000${userId}`;
}

function fnv(hash: number, value: number): number {
  let h = hash;
  for (let shift = 0; shift < 48; shift += 8) {
    h ^= Math.floor(value / 2 ** shift) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
