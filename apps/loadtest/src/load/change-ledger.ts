/** What a load run changed in stored messages, and whether every member ended up seeing it. */
export interface ChangeCounts {
  /** The share of senders' operations that were changes (--change-ratio). */
  ratio: number;
  /** Change requests sent: edits of own messages, reactions added, reactions removed. */
  sent: number;
  edits: number;
  reactionsAdded: number;
  reactionsRemoved: number;
  /** Answered ok (a repeat that found the message already as asked is ok too). */
  acked: number;
  /** Answered with an error, by protocol code. */
  refused: Record<string, number>;
  /** No answer within the request timeout (the change may still have been applied). */
  unanswered: number;
  /** `message_edited` and `reaction_updated` events received, over all members. */
  events: number;
  /** Events carrying a rev the member already held or had passed (repeats, cross-pod reordering): ignored, info. */
  staleEvents: number;
  /** Message fields (a message's content, or one emoji's count on it) that some change touched. */
  fieldsChecked: number;
  /** (member, field) pairs whose final value is not the value of the field's highest rev. */
  mismatched: number;
  /** Members that reconnected during the run: change events sent while they were away are theirs to sync, so they are not checked. */
  membersUnchecked: number;
}

/** One field's value as of a rev: a content hash for the content, the count for an emoji. */
interface FieldState {
  rev: number;
  value: number;
}

interface MemberView {
  fields: Map<string, FieldState>;
  reconnected: boolean;
}

interface RoomChanges {
  /** The highest-rev state of every touched field, from answers and events alike. */
  latest: Map<string, FieldState>;
  members: Map<string, MemberView>;
}

/** The content field of a message (emoji fields are keyed by the emoji after the separator). */
const CONTENT = '';

/**
 * The ground truth of message changes in a load run. Per room it keeps the newest state of each
 * touched field (the highest rev wins, wherever it was learned) and per member what the live
 * events told it, so the verdict says which members ended on another value. Memory is one small
 * entry per touched field and member; content is kept as a hash.
 */
export class ChangeLedger {
  private readonly rooms = new Map<string, RoomChanges>();
  private readonly counts: Omit<ChangeCounts, 'ratio' | 'fieldsChecked' | 'mismatched' | 'membersUnchecked'> = {
    sent: 0,
    edits: 0,
    reactionsAdded: 0,
    reactionsRemoved: 0,
    acked: 0,
    refused: {},
    unanswered: 0,
    events: 0,
    staleEvents: 0,
  };

  constructor(readonly ratio: number) {}

  addMember(roomId: string, userId: string): void {
    this.room(roomId).members.set(userId, { fields: new Map(), reconnected: false });
  }

  /** The member opened a second connection: what it missed meanwhile is not counted against it. */
  markReconnected(roomId: string, userId: string): void {
    const member = this.rooms.get(roomId)?.members.get(userId);
    if (member) member.reconnected = true;
  }

  recordSent(kind: 'edit' | 'add' | 'remove'): void {
    this.counts.sent += 1;
    if (kind === 'edit') this.counts.edits += 1;
    else if (kind === 'add') this.counts.reactionsAdded += 1;
    else this.counts.reactionsRemoved += 1;
  }

  recordRefused(code: string): void {
    this.counts.refused[code] = (this.counts.refused[code] ?? 0) + 1;
  }

  recordUnanswered(): void {
    this.counts.unanswered += 1;
  }

  /** An ok answer to an edit: the content as of `rev`. */
  recordEditAnswer(roomId: string, messageId: string, content: string, rev: number): void {
    this.counts.acked += 1;
    this.raise(this.room(roomId).latest, field(messageId, CONTENT), { rev, value: contentHash(content) });
  }

  /** An ok answer to a reaction: the emoji's count as of `rev`. */
  recordReactionAnswer(roomId: string, messageId: string, emoji: string, count: number, rev: number): void {
    this.counts.acked += 1;
    this.raise(this.room(roomId).latest, field(messageId, emoji), { rev, value: count });
  }

  /** A `message_edited` event reached a member. */
  recordEditEvent(roomId: string, userId: string, messageId: string, content: string, rev: number): void {
    this.recordEvent(roomId, userId, field(messageId, CONTENT), { rev, value: contentHash(content) });
  }

  /** A `reaction_updated` event reached a member. */
  recordReactionEvent(roomId: string, userId: string, messageId: string, emoji: string, count: number, rev: number): void {
    this.recordEvent(roomId, userId, field(messageId, emoji), { rev, value: count });
  }

  /** Whether every member still on its first connection holds the newest rev of every touched field. */
  settled(): boolean {
    for (const room of this.rooms.values()) {
      for (const member of room.members.values()) {
        if (member.reconnected) continue;
        for (const [key, latest] of room.latest) {
          if ((member.fields.get(key)?.rev ?? 0) < latest.rev) return false;
        }
      }
    }
    return true;
  }

  /** Final verdict: call once changes are answered and events had time to arrive. */
  verdict(): ChangeCounts {
    let fieldsChecked = 0;
    let mismatched = 0;
    let membersUnchecked = 0;
    for (const room of this.rooms.values()) {
      fieldsChecked += room.latest.size;
      for (const member of room.members.values()) {
        if (member.reconnected) {
          membersUnchecked += 1;
          continue;
        }
        for (const [key, latest] of room.latest) {
          const seen = member.fields.get(key) ?? (isContent(key) ? undefined : { rev: 0, value: 0 });
          if (seen?.value !== latest.value) mismatched += 1;
        }
      }
    }
    return { ratio: this.ratio, ...this.counts, refused: { ...this.counts.refused }, fieldsChecked, mismatched, membersUnchecked };
  }

  private recordEvent(roomId: string, userId: string, key: string, state: FieldState): void {
    this.counts.events += 1;
    const room = this.room(roomId);
    this.raise(room.latest, key, state);
    const member = room.members.get(userId);
    if (member && !this.raise(member.fields, key, state)) this.counts.staleEvents += 1;
  }

  /** Keeps the state with the higher rev; answers whether `state` was newer. */
  private raise(fields: Map<string, FieldState>, key: string, state: FieldState): boolean {
    const held = fields.get(key);
    if (held && held.rev >= state.rev) return false;
    fields.set(key, state);
    return true;
  }

  private room(roomId: string): RoomChanges {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { latest: new Map(), members: new Map() };
      this.rooms.set(roomId, room);
    }
    return room;
  }
}

function field(messageId: string, emoji: string): string {
  return `${messageId}\u0000${emoji}`;
}

function isContent(key: string): boolean {
  return key.endsWith('\u0000');
}

/** FNV-1a over the UTF-16 code units: enough to tell two edits of one message apart. */
function contentHash(content: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < content.length; i++) {
    h ^= content.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
