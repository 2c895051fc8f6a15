import {
  applyMessageChange,
  type ChatMessage,
  type DeliveryStatus,
  type MessageChange,
  type MessageInfo,
  type StatusChange,
} from '@campzone/client/browser';
import { mergeStatus } from './message-marks';

/** One line of a room's message list. */
export interface MessageEntry {
  /** Stable key of its element: the local id of a send from this tab, else the messageId. */
  readonly key: string;
  localId?: string;
  messageId?: string;
  /** Set once the SDK presents the message (the server stored it); pending sends have none. */
  seq?: number;
  senderId: string;
  content: string;
  createdAt: string;
  own: boolean;
  /** Own messages only. */
  status?: DeliveryStatus;
  readers: string[];
  readByAll: boolean;
  /** Why a send was given up. */
  failure?: string;
  /** The stored message as it now is (edits, delete, reactions, pin, thread summary applied). */
  message?: ChatMessage;
  /** A pending send that answers this message. */
  replyTo?: string;
}

export interface Presented {
  entry: MessageEntry;
  /** A new line (not a pending send turning into its stored message). */
  added: boolean;
  /** The SDK already presented this message: nothing to show. */
  duplicate: boolean;
}

const SERVER_STATUS: Record<ChatMessage['status'], DeliveryStatus> = { PENDING: 'sent', DELIVERED: 'delivered', READ: 'read' };
/** Statuses that arrive before their message (an ack before the broadcast) wait this many at most. */
const EARLY_LIMIT = 500;

/**
 * A room's messages as the page shows them: stored messages in seq order (the SDK presents
 * them in that order, exactly once; a `late` one is placed by its seq), then this tab's sends
 * still waiting for the server, in the order typed. A send keeps its line when it is stored.
 */
export class RoomMessages {
  private readonly entries = new Map<string, MessageEntry>();
  /** messageId and localId -> key. */
  private readonly keys = new Map<string, string>();
  private readonly early = new Map<string, StatusChange[]>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): MessageEntry | undefined {
    return this.entries.get(key);
  }

  /** A send from this tab, shown at once with status `sending`. */
  addPending(localId: string, senderId: string, content: string, createdAt: string, replyTo?: string): MessageEntry {
    const existing = this.find(localId);
    if (existing) return existing;
    const entry: MessageEntry = {
      ...(replyTo === undefined ? {} : { replyTo }),
      key: localId,
      localId,
      senderId,
      content,
      createdAt,
      own: true,
      status: 'sending',
      readers: [],
      readByAll: false,
    };
    this.entries.set(localId, entry);
    this.keys.set(localId, localId);
    this.applyEarly(entry, localId);
    return entry;
  }

  present(message: ChatMessage, info: MessageInfo): Presented {
    const existing = (info.localId ? this.find(info.localId) : undefined) ?? this.find(message.messageId);
    if (existing?.seq !== undefined) return { entry: existing, added: false, duplicate: true };
    const entry: MessageEntry = existing ?? {
      key: info.localId ?? message.messageId,
      senderId: message.senderId,
      content: message.content,
      createdAt: message.createdAt,
      own: info.own,
      readers: [],
      readByAll: false,
    };
    entry.messageId = message.messageId;
    entry.seq = message.seq;
    entry.message = message;
    entry.content = message.content;
    entry.createdAt = message.createdAt;
    if (info.localId) entry.localId = info.localId;
    if (entry.own) entry.status = mergeStatus(entry.status, SERVER_STATUS[message.status] ?? 'sent');
    this.entries.set(entry.key, entry);
    this.keys.set(message.messageId, entry.key);
    if (info.localId) this.keys.set(info.localId, entry.key);
    this.applyEarly(entry, message.messageId);
    if (info.localId) this.applyEarly(entry, info.localId);
    return { entry, added: existing === undefined, duplicate: false };
  }

  /**
   * Applies an SDK `status` event; answers the entry it changed, if it is shown, and the key of
   * a pending line it folded into that entry.
   *
   * The gateway broadcasts a message before it acks the send, so a send's own message is often
   * presented (without its localId) before the ack links the two: then the ack's status event
   * names both ids, and the pending line gives way to the stored message's line.
   */
  applyStatus(change: StatusChange): { entry: MessageEntry; removedKey?: string } | undefined {
    const byLocal = change.localId ? this.find(change.localId) : undefined;
    const byId = change.messageId ? this.find(change.messageId) : undefined;
    const entry = byId ?? byLocal;
    if (!entry) {
      this.stash(change);
      return undefined;
    }
    let removedKey: string | undefined;
    if (byLocal && byId && byLocal !== byId) {
      this.entries.delete(byLocal.key);
      removedKey = byLocal.key;
      for (const reader of byLocal.readers) if (!entry.readers.includes(reader)) entry.readers.push(reader);
    }
    if (change.localId && !entry.localId) {
      entry.localId = change.localId;
      this.keys.set(change.localId, entry.key);
    }
    if (change.messageId && !entry.messageId) {
      entry.messageId = change.messageId;
      this.keys.set(change.messageId, entry.key);
      this.applyEarly(entry, change.messageId);
    }
    this.apply(entry, change);
    return removedKey === undefined ? { entry } : { entry, removedKey };
  }

  /** A change the SDK told (`message_changed`): answers the entry it changed, if this room shows it. */
  applyChange(change: MessageChange): MessageEntry | undefined {
    const entry = this.find(change.messageId);
    if (!entry?.message) return undefined;
    entry.message = applyMessageChange(entry.message, change);
    entry.content = entry.message.content;
    return entry;
  }

  /** The entry showing a stored message. */
  byMessageId(messageId: string): MessageEntry | undefined {
    return this.find(messageId);
  }

  /** Entries answering a message (their quote shows it). */
  repliesTo(messageId: string): MessageEntry[] {
    return this.ordered().filter((e) => (e.message?.replyTo ?? e.replyTo) === messageId);
  }

  /** The user's newest stored message that can still be edited (Up-arrow in an empty composer). */
  lastEditable(): MessageEntry | undefined {
    return this.ordered()
      .reverse()
      .find((e) => e.own && e.message !== undefined && e.message.deletedAt === undefined);
  }

  /** Stored messages by seq, then pending sends in the order typed. */
  ordered(): MessageEntry[] {
    const stored: MessageEntry[] = [];
    const pending: MessageEntry[] = [];
    for (const entry of this.entries.values()) (entry.seq === undefined ? pending : stored).push(entry);
    stored.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    return [...stored, ...pending];
  }

  /** The lowest seq shown: older history pages back from it. */
  oldestSeq(): number | undefined {
    let oldest: number | undefined;
    for (const entry of this.entries.values())
      if (entry.seq !== undefined && (oldest === undefined || entry.seq < oldest)) oldest = entry.seq;
    return oldest;
  }

  /** A page of older history (REST): the messages not shown yet, as entries. */
  presentOlder(messages: readonly ChatMessage[], selfId: string): MessageEntry[] {
    const added: MessageEntry[] = [];
    for (const message of messages) {
      const { entry, duplicate } = this.present(message, { own: message.senderId === selfId, late: false });
      if (!duplicate) added.push(entry);
    }
    return added;
  }

  /** Others' stored messages after `afterSeq`, oldest first: what this user has not marked read yet. */
  unreadFromOthers(afterSeq: number): MessageEntry[] {
    return this.ordered().filter((e) => !e.own && e.seq !== undefined && e.seq > afterSeq);
  }

  private find(id: string): MessageEntry | undefined {
    const key = this.keys.get(id);
    return key === undefined ? undefined : this.entries.get(key);
  }

  private apply(entry: MessageEntry, change: StatusChange): void {
    if (!entry.own) return;
    if (change.readBy) {
      if (!entry.readers.includes(change.readBy)) entry.readers.push(change.readBy);
    } else if (change.status === 'read') {
      entry.readByAll = true;
    }
    entry.status = mergeStatus(entry.status, change.status);
    if (entry.status === 'failed') entry.failure = change.error?.message ?? 'not sent';
    else delete entry.failure;
  }

  private stash(change: StatusChange): void {
    const id = change.localId ?? change.messageId;
    if (!id) return;
    const list = this.early.get(id) ?? [];
    list.push(change);
    this.early.set(id, list);
    if (this.early.size > EARLY_LIMIT) {
      const oldest = this.early.keys().next();
      if (!oldest.done) this.early.delete(oldest.value);
    }
  }

  private applyEarly(entry: MessageEntry, id: string): void {
    const list = this.early.get(id);
    if (!list) return;
    this.early.delete(id);
    for (const change of list) this.apply(entry, change);
  }
}
