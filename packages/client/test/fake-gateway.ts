import type { ChatMessage, MessageSent, SendMessage } from '@campzone/protocol';
import type { ChatTransport, ServerMessage, TransportFactory, TransportHandlers } from '../src/transport';
import { FakeChanges, type Told } from './fake-changes';
import { messageIdFor } from './messages';

type Emitted = { event: string; payload: Record<string, unknown>; ack: ((response: unknown) => void) | undefined };
/** Override for one client event: an ack to answer with, 'drop' to never answer, undefined for the default. */
export type Override = (event: string, payload: Record<string, unknown>) => unknown | 'drop' | undefined;

/**
 * Plays one gateway pod for one socket: stores messages with a dense seq per room, dedups sends
 * by idempotency key, answers every event's ack like the real one, and lets a test drop, kick
 * or refuse the connection.
 */
export class FakeGateway {
  readonly stored = new Map<string, ChatMessage[]>();
  readonly emitted: Emitted[] = [];
  readonly latest = new Map<string, number>();
  private readonly byKey = new Map<string, MessageSent>();
  private readonly lamports = new Map<string, number>();
  private handlers: TransportHandlers | undefined;
  private sockets = 0;
  connectCalls = 0;
  autoAccept = true;
  /** Broadcast `new_message` to this socket after storing its own send (as the gateway does). */
  echoOwnSends = true;
  echoInSameRead = false;
  /** Tell this socket about the changes it asks for, after the ack (as the gateway tells the room). */
  echoChanges = true;
  override: Override | undefined;
  readonly changes: FakeChanges;

  constructor(readonly userId = 'alice') {
    this.changes = new FakeChanges(this.stored, userId);
  }

  readonly transport: ChatTransport & { connected: boolean; socketId: string | undefined } = {
    connected: false,
    socketId: undefined,
    emit: (event, payload, ack) => this.onEmit({ event, payload: payload as unknown as Record<string, unknown>, ack }),
    connect: () => {
      this.connectCalls += 1;
      if (this.autoAccept) queueMicrotask(() => this.accept());
    },
    disconnect: () => {
      if (!this.transport.connected) return;
      this.transport.connected = false;
      this.handlers?.onDisconnect('io client disconnect', false);
    },
  };

  readonly factory: TransportFactory = (handlers) => {
    this.handlers = handlers;
    return this.transport;
  };

  // ---- connection control ----

  accept(): void {
    if (this.transport.connected) return;
    this.sockets += 1;
    this.transport.connected = true;
    this.transport.socketId = `sock-${this.sockets}`;
    this.handlers!.onConnect();
    this.push({ event: 'connected', payload: { socketId: this.transport.socketId, userId: this.userId, message: 'welcome' } });
  }

  /** A network drop on a transport that reconnects by itself (here: when the test accepts). */
  drop(): void {
    this.transport.connected = false;
    this.handlers!.onDisconnect('transport close', true);
  }

  /** A network drop as the SDK's own transports report it (they leave reconnecting to the SDK), e.g. a pod killed. */
  lose(): void {
    this.transport.connected = false;
    this.handlers!.onDisconnect('transport close', false);
  }

  /** The server disconnects the socket (a draining pod). */
  kick(): void {
    this.transport.connected = false;
    this.handlers!.onDisconnect('io server disconnect', false);
  }

  refuse(code: string, willRetry = false, retryAfterMs?: number): void {
    this.handlers!.onConnectError(code, willRetry, retryAfterMs);
  }

  push(message: ServerMessage): void {
    this.handlers!.onServerMessage(message);
  }

  // ---- server model ----

  /** Another user's message, stored (seq allocated) but not broadcast. */
  storeFrom(senderId: string, roomId: string, content: string, clientLamport = 0): ChatMessage {
    const seq = (this.latest.get(roomId) ?? 0) + 1;
    const lamport = Math.max(this.lamports.get(roomId) ?? 0, clientLamport) + 1;
    this.latest.set(roomId, seq);
    this.lamports.set(roomId, lamport);
    const message: ChatMessage = {
      messageId: messageIdFor(roomId, seq),
      roomId,
      senderId,
      content,
      messageType: 'text',
      lamportTimestamp: lamport,
      seq,
      createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
      status: 'PENDING',
      rev: this.changes.nextRev(roomId),
    };
    const list = this.stored.get(roomId) ?? [];
    list.push(message);
    this.stored.set(roomId, list);
    return message;
  }

  broadcast(message: ChatMessage): void {
    if (this.transport.connected) this.push({ event: 'new_message', payload: { ...message } });
  }

  /** Stores and broadcasts another user's message. */
  say(senderId: string, roomId: string, content: string): ChatMessage {
    const message = this.storeFrom(senderId, roomId, content);
    this.broadcast(message);
    return message;
  }

  /** Another user's change to a stored message, applied like the gateway does; told to this socket unless `tell` is false. */
  changeFrom(userId: string, event: string, payload: Record<string, unknown>, tell = true): Told {
    const { answer, told } = this.changes.apply(userId, event, payload);
    if (!answer.ok || !told) throw new Error(`${event} refused: ${answer.ok ? 'no change' : answer.error.code}`);
    if (tell) this.tell(told);
    return told;
  }

  tell(told: Told): void {
    if (this.transport.connected) this.push(told);
  }

  sent(event: string): Array<Record<string, unknown>> {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload);
  }

  private onEmit(emitted: Emitted): void {
    this.emitted.push(emitted);
    if (!this.transport.connected) throw new Error(`emit of ${emitted.event} while disconnected`);
    const custom = this.override?.(emitted.event, emitted.payload);
    if (custom === 'drop') return;
    const answer = custom ?? this.answer(emitted.event, emitted.payload);
    if (answer !== undefined && emitted.ack) emitted.ack(answer);
    if (emitted.event === 'send_message' && custom === undefined && this.echoOwnSends) {
      const sent = answer as MessageSent & { ok: true };
      const echo = () => this.broadcast(this.stored.get(sent.roomId)!.find((m) => m.seq === sent.seq)!);
      // The real gateway sends the sender its ack before the broadcast of the message (see
      // apps/gateway/test/sdk/own-message-link.test.ts, which checks that order end to end).
      // In the same socket read, socket.io-client dispatches the broadcast right after the ack,
      // with no microtask turn between; otherwise it comes in a later task.
      if (!sent.duplicate) {
        if (this.echoInSameRead) echo();
        else setImmediate(echo);
      }
    }
  }

  private answer(event: string, p: Record<string, unknown>): unknown {
    const roomId = p.roomId as string;
    switch (event) {
      case 'join_room':
        return { ok: true, roomId, message: `joined ${roomId}` };
      case 'leave_room':
        return { ok: true, roomId };
      case 'send_message': {
        const send = p as unknown as SendMessage;
        const previous = this.byKey.get(send.idempotencyKey);
        if (previous) return { ok: true, ...previous, duplicate: true };
        const message = this.storeFrom(this.userId, roomId, send.content, send.lamportTimestamp);
        if (send.replyTo) {
          const parent = this.stored.get(roomId)?.find((m) => m.messageId === send.replyTo);
          message.replyTo = send.replyTo;
          message.threadRootId = parent?.threadRootId ?? send.replyTo;
        }
        const sent: MessageSent = {
          messageId: message.messageId,
          idempotencyKey: send.idempotencyKey,
          status: 'PENDING',
          lamportTimestamp: message.lamportTimestamp,
          seq: message.seq,
          duplicate: false,
          roomId,
          createdAt: message.createdAt,
        };
        this.byKey.set(send.idempotencyKey, sent);
        return { ok: true, ...sent };
      }
      case 'sync': {
        const afterSeq = p.afterSeq as number;
        const limit = (p.limit as number | undefined) ?? 500;
        const after = (this.stored.get(roomId) ?? []).filter((m) => m.seq > afterSeq);
        const messages = after.slice(0, limit).map((m) => ({ ...m }));
        const synced: Record<string, unknown> = {
          ok: true,
          roomId,
          messages,
          count: messages.length,
          latestSeq: this.latest.get(roomId) ?? 0,
          hasMore: after.length > limit,
        };
        if (typeof p.afterRev === 'number') {
          synced.changed = this.changes.changedSince(roomId, afterSeq, p.afterRev);
          synced.latestRev = this.changes.latestRev(roomId);
        }
        return synced;
      }
      case 'edit_message':
      case 'delete_message':
      case 'add_reaction':
      case 'remove_reaction':
      case 'pin_message':
      case 'unpin_message': {
        const { answer, told } = this.changes.apply(this.userId, event, p);
        if (told && this.echoChanges) setImmediate(() => this.tell(told));
        return answer;
      }
      case 'get_thread': {
        const rootId = p.rootId as string;
        const messages = (this.stored.get(roomId) ?? [])
          .filter((m) => m.messageId === rootId || m.threadRootId === rootId)
          .map((m) => ({ ...m }));
        return { ok: true, roomId, rootId, messages, hasMore: false };
      }
      case 'get_messages': {
        const messages = (this.stored.get(roomId) ?? []).slice(-((p.limit as number | undefined) ?? 50)).map((m) => ({ ...m }));
        return { ok: true, roomId, messages, count: messages.length };
      }
      case 'get_online_users':
        return { ok: true, roomId, onlineUsers: [this.userId], count: 1 };
      case 'reauthenticate':
        return { ok: true, userId: this.userId, expiresAt: new Date(1_800_000_000_000).toISOString() };
      case 'mark_read':
        return { ok: true, roomId, messageId: p.messageId, duplicate: false };
      default:
        return undefined; // ack, typing_*: fire-and-forget
    }
  }
}
