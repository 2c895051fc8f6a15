import type {
  ChatMessage,
  JoinedRoom,
  LeftRoom,
  MarkedRead,
  MessageDeleted,
  MessageEdited,
  MessagePinned,
  MessageSent,
  Messages,
  OnlineUsers,
  ParticipantRemoved,
  PinsResponse,
  ReactionUpdated,
  Reauthenticated,
  ServerToClientEvents,
  Synced,
  Thread,
} from '@campzone/protocol';
import { AckCoalescer } from './ack-coalescer';
import { backoffDelay, reconnectDelay } from './backoff';
import { BlockedUsers } from './blocked-users';
import { ChangeQueue } from './change-queue';
import { ChatClientError, isErrorCode, toChatClientError } from './chat-client-error';
import type { ChatClientEvents, ConnectionState } from './chat-client-events';
import { type ChatClientOptions, type ResolvedOptions, resolveOptions } from './chat-client-options';
import { createIdempotencyKey } from './idempotency-key';
import { LamportClock } from './lamport-clock';
import { deletedChange, editedChange, type MessageChange, pinnedChange, reactionChange } from './message-change';
import { MessageChangeFeed } from './message-change-feed';
import { MessageStatusTracker } from './message-status-tracker';
import { Outbox, type OutboxEvent } from './outbox';
import type { ClientMessageType, OutboxRecord } from './outbox-record';
import { browserLocalStorage, webStorageOutbox } from './outbox-storage';
import { RequestRunner } from './request-runner';
import { type FetchLike, RestClient } from './rest-client';
import { RoomTimeline, type SyncPage } from './room-timeline';
import { type Scheduler, systemScheduler, Timer } from './scheduler';
import { socketIoTransport } from './socket-io-transport';
import { tokenAuth } from './token-auth';
import type { ChatTransport, ClientEventName, PayloadOf, ReplyOf, ServerMessage } from './transport';
import { TypedEmitter } from './typed-emitter';
import { TypingThrottle } from './typing-throttle';

/** `send()`'s promise, which also carries the id to show the message under until it is acked. */
export type SendPromise = Promise<MessageSent> & { readonly localId: string };

export interface SendOptions {
  messageType?: ClientMessageType;
  /** Answers this message (of the same room): the reply joins its thread. */
  replyTo?: string;
  /** Uploaded attachments that are ready (see `POST /v1/rooms/:roomId/attachments`); with messageType image or file. */
  attachmentIds?: string[];
}

/** Requests that change a stored message: queued, retried until answered, applied once. */
type ChangeEvent = 'edit_message' | 'delete_message' | 'add_reaction' | 'remove_reaction' | 'pin_message' | 'unpin_message';

/**
 * Events the SDK sends with an ack callback: their failures reach the caller's promise, so the
 * server's `error` event for the same failure is not reported a second time.
 */
const ACKED_EVENTS: ReadonlySet<string> = new Set<ClientEventName>([
  'join_room',
  'leave_room',
  'send_message',
  'mark_read',
  'get_messages',
  'get_online_users',
  'sync',
  'edit_message',
  'delete_message',
  'add_reaction',
  'remove_reaction',
  'pin_message',
  'unpin_message',
  'get_thread',
  'reauthenticate',
]);

/**
 * The CampZone chat SDK: one socket to a gateway, and every guarantee of the design on screen
 * (ordered, exactly-once messages per room; sends that survive drops and reloads; acks, typing,
 * receipts and presence) without the app writing any of it.
 */
export class ChatClient extends TypedEmitter<ChatClientEvents> {
  private readonly config: ResolvedOptions;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;
  private readonly transport: ChatTransport;
  private readonly requests: RequestRunner;
  private readonly clock: LamportClock;
  private readonly outbox: Outbox;
  private readonly statuses: MessageStatusTracker;
  private readonly acks: AckCoalescer;
  private readonly changes: MessageChangeFeed;
  private readonly changeQueue: ChangeQueue;
  private readonly rest: RestClient;
  private readonly blocked = new BlockedUsers();
  /** A block-list load in flight: a room's catch-up waits for it, so it presents nothing it must hide. */
  private blocksLoading: Promise<unknown> | undefined;
  private readonly timelines = new Map<string, RoomTimeline>();
  private readonly typers = new Map<string, TypingThrottle>();
  /** Rooms the app left: not auto-tracked again until it joins them. */
  private readonly leftRooms = new Set<string>();
  private readonly reconnectTimer: Timer;
  private readonly tokenTimer: Timer;
  private knownUserId: string | undefined;
  private storageAttached = false;
  private everConnected = false;
  private closed = false;
  private reconnectAttempts = 0;
  private authAttempts = 0;

  constructor(private readonly options: ChatClientOptions) {
    super();
    if (!options.token && !options.getToken) throw new TypeError('ChatClient needs a token or a getToken callback');
    this.config = resolveOptions(options);
    this.scheduler = options.scheduler ?? systemScheduler;
    this.random = options.random ?? Math.random;
    this.knownUserId = options.userId;
    this.clock = new LamportClock(options.initialLamport);
    this.reconnectTimer = new Timer(this.scheduler);
    this.tokenTimer = new Timer(this.scheduler);
    this.statuses = new MessageStatusTracker({ emit: (change) => this.emit('status', change) });
    this.requests = new RequestRunner(() => this.transport, this.scheduler, this.config.requestTimeoutMs);
    this.acks = new AckCoalescer({
      scheduler: this.scheduler,
      intervalMs: this.config.ackIntervalMs,
      send: (roomId, seq) => this.fireAndForget('ack', { roomId, seq }),
    });
    this.changes = new MessageChangeFeed({
      scheduler: this.scheduler,
      gapHoldMs: this.config.gapHoldMs,
      retry: this.config.syncRetry,
      random: this.random,
      selfId: () => this.knownUserId,
      emit: (change) => this.emit('message_changed', change),
      onGap: (roomId) => void this.timelines.get(roomId)?.fillGap(),
      ignoresRoom: (roomId) => this.leftRooms.has(roomId),
    });
    this.changeQueue = new ChangeQueue({
      scheduler: this.scheduler,
      maxAttempts: this.config.maxAttempts,
      maxAgeMs: this.config.maxAgeMs,
      retry: this.config.sendRetry,
      random: this.random,
    });
    this.rest = new RestClient(options.url, () => this.currentToken(), options.fetch ?? defaultFetch());
    this.outbox = new Outbox({
      transmit: (payload) => this.requests.request('send_message', payload, { onReply: (sent) => this.onSendAck(payload, sent) }),
      scheduler: this.scheduler,
      maxAttempts: this.config.maxAttempts,
      retry: this.config.sendRetry,
      maxInFlightPerRoom: this.config.maxInFlightPerRoom,
      random: this.random,
      onEvent: (event) => this.onOutboxEvent(event),
      onError: (err) => this.report(err),
    });
    const factory =
      options.transport ??
      socketIoTransport({
        url: options.url,
        ...(options.fallbackUrls ? { fallbackUrls: options.fallbackUrls } : {}),
        auth: tokenAuth(options.token, options.getToken, (err) => this.report(err)),
        transports: options.transports ?? ['websocket'],
        ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
      });
    this.transport = factory({
      onConnect: () => this.onConnect(),
      onDisconnect: (reason, willReconnect) => this.onDisconnect(reason, willReconnect),
      onConnectError: (message, willRetry, retryAfterMs) => this.onConnectError(message, willRetry, retryAfterMs),
      onServerMessage: (message) => this.onServerMessage(message),
    });
    for (const room of options.rooms ?? []) {
      const start = typeof room === 'string' ? { roomId: room } : room;
      if (!this.timelines.has(start.roomId)) this.track(start.roomId, start.afterSeq, start.afterRev);
    }
    this.attachStorage();
    if (options.autoConnect ?? true) this.connect();
  }

  /** The current user's id: from the options, else from the server's `connected`. */
  get userId(): string | undefined {
    return this.knownUserId;
  }

  get connected(): boolean {
    return this.transport.connected;
  }

  /** The Lamport clock's current value (the app may save it and pass it back as `initialLamport`). */
  get lamport(): number {
    return this.clock.value;
  }

  /** Rooms whose messages are being presented. */
  get rooms(): string[] {
    return [...this.timelines.keys()];
  }

  /** A room's highest contiguous seq presented: save it to resume with `joinRoom(roomId, { afterSeq })`. */
  cursor(roomId: string): number | undefined {
    return this.timelines.get(roomId)?.lastSeq;
  }

  /** Users whose messages are not presented (with `hideBlockedUsers`, the default), sorted. */
  get blockedUsers(): string[] {
    return this.blocked.list();
  }

  /**
   * A room's rev cursor: every change up to it has been passed on. Save it with `cursor()` and
   * pass both to `joinRoom` so the changes made while away are told on return.
   */
  revCursor(roomId: string): number | undefined {
    return this.changes.cursor(roomId);
  }

  /** Changes to messages (edits, deletes, reactions, pins) not answered yet. */
  pendingChanges(): number {
    return this.changeQueue.size;
  }

  /** Sends not acknowledged yet, oldest first per room. */
  pendingSends(): OutboxRecord[] {
    return this.outbox.pending();
  }

  connect(): void {
    if (this.closed) throw new ChatClientError('UNAVAILABLE', 'client is closed', 'closed');
    this.transport.connect();
  }

  /**
   * Joins a room (needed for a room this socket is not subscribed to yet; harmless otherwise),
   * keeps it joined across reconnects, and resolves once its first catch-up sync has run.
   */
  async joinRoom(roomId: string, options: { afterSeq?: number; afterRev?: number } = {}): Promise<JoinedRoom> {
    const reply = await this.requests.request('join_room', { roomId });
    this.leftRooms.delete(roomId);
    const timeline = this.timelines.get(roomId) ?? this.track(roomId, options.afterSeq, options.afterRev);
    await this.blocksLoading;
    await timeline.catchUp();
    return reply;
  }

  /** Leaves a room and stops presenting it. */
  async leaveRoom(roomId: string): Promise<LeftRoom> {
    const reply = await this.requests.request('leave_room', { roomId });
    this.untrack(roomId);
    this.leftRooms.add(roomId);
    return reply;
  }

  /**
   * Sends a message through the outbox: Lamport `+1`, a new idempotency key, and resends with
   * that same key until acknowledged or given up. Resolves with the ack; rejects with a
   * ChatClientError. Its outcome is also reported as `status` events, so an unawaited send
   * does not raise an unhandled rejection.
   */
  send(roomId: string, content: string, options: SendOptions = {}): SendPromise {
    const now = this.scheduler.now();
    const localId = createIdempotencyKey(this.knownUserId ?? 'user', now, this.random());
    let promise: Promise<MessageSent>;
    if (typeof content !== 'string' || content.length === 0) {
      promise = Promise.reject(new ChatClientError('VALIDATION_FAILED', 'content must be a non-empty string', 'local', 'send_message'));
    } else {
      this.typers.get(roomId)?.stop();
      const record: OutboxRecord = {
        idempotencyKey: localId,
        roomId,
        content,
        lamportTimestamp: this.clock.tick(),
        createdAt: now,
        expiresAt: now + this.config.maxAgeMs,
        attempts: 0,
      };
      if (options.messageType) record.messageType = options.messageType;
      if (options.replyTo) record.replyTo = options.replyTo;
      if (options.attachmentIds && options.attachmentIds.length > 0) record.attachmentIds = [...options.attachmentIds];
      promise = this.outbox.enqueue(record);
    }
    promise.catch(() => undefined);
    return Object.assign(promise, { localId });
  }

  /** Sends a failed message again under its original key (it cannot be stored twice). */
  retrySend(localId: string): Promise<MessageSent> {
    const promise = this.outbox.retry(localId, this.config.maxAgeMs);
    promise.catch(() => undefined);
    return promise;
  }

  /** One page of history (`get_messages`); does not go through the room's presented timeline. */
  async getMessages(roomId: string, options: { limit?: number; skip?: number } = {}): Promise<Messages> {
    const payload: PayloadOf<'get_messages'> = { roomId };
    if (options.limit !== undefined) payload.limit = options.limit;
    if (options.skip !== undefined) payload.skip = options.skip;
    const reply = await this.requests.request('get_messages', payload);
    for (const message of reply.messages) this.clock.observe(message.lamportTimestamp);
    return reply;
  }

  getOnlineUsers(roomId: string): Promise<OnlineUsers> {
    return this.requests.request('get_online_users', { roomId });
  }

  markRead(roomId: string, messageId: string): Promise<MarkedRead> {
    return this.requests.request('mark_read', { roomId, messageId });
  }

  /**
   * Hands the open socket a fresh token (`reauthenticate`), moving the moment the gateway closes
   * it. With `getToken` the SDK does this by itself on `token_expiring`; an app with a static
   * token calls it from its `token_expiring` listener. Rejects with UNAUTHORIZED (a bad or
   * expired token) or FORBIDDEN (a token for another user); the socket keeps its old expiry.
   */
  reauthenticate(token: string): Promise<Reauthenticated> {
    return this.requests.request('reauthenticate', { token });
  }

  /**
   * One `sync` page after `afterSeq` (default: the room's cursor). Its messages are also fed to
   * the room's timeline, so they are presented in order and never twice.
   */
  async sync(roomId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<Synced> {
    const payload: PayloadOf<'sync'> = {
      roomId,
      afterSeq: options.afterSeq ?? this.cursor(roomId) ?? 0,
      afterRev: this.changes.afterRev(roomId),
    };
    if (options.limit !== undefined) payload.limit = options.limit;
    const reply = await this.requests.request('sync', payload);
    this.changes.synced(roomId, reply);
    for (const message of reply.messages) this.receive(message);
    return reply;
  }

  /**
   * Replaces the content of the user's own message. Resolves with the change, which is also told
   * as `message_changed`; retried through disconnects and retryable refusals until answered, and
   * applied once (the server applies a change by the state it asks for). Rejects with the
   * server's code: FORBIDDEN (not the sender), CONFLICT (deleted, or past the edit window), ...
   */
  editMessage(roomId: string, messageId: string, content: string): Promise<MessageEdited> {
    if (typeof content !== 'string' || content.length === 0) {
      return Promise.reject(new ChatClientError('VALIDATION_FAILED', 'content must be a non-empty string', 'local', 'edit_message'));
    }
    return this.change('edit_message', { roomId, messageId, content }, editedChange);
  }

  /** Deletes a message (own, or any as a room admin or moderator): a tombstone stays in its place. */
  deleteMessage(roomId: string, messageId: string): Promise<MessageDeleted> {
    return this.change('delete_message', { roomId, messageId }, deletedChange);
  }

  /** Adds the user's reaction (one emoji, or a `:short_code:`); adding it twice is one reaction. */
  addReaction(roomId: string, messageId: string, emoji: string): Promise<ReactionUpdated> {
    return this.change('add_reaction', { roomId, messageId, emoji }, (r) => reactionChange(r, this.knownUserId));
  }

  /** Takes the user's reaction back; taking back one that is not there is answered ok. */
  removeReaction(roomId: string, messageId: string, emoji: string): Promise<ReactionUpdated> {
    return this.change('remove_reaction', { roomId, messageId, emoji }, (r) => reactionChange(r, this.knownUserId));
  }

  /** Pins a message to the room (room admins and moderators). */
  pinMessage(roomId: string, messageId: string): Promise<MessagePinned> {
    return this.change('pin_message', { roomId, messageId }, pinnedChange);
  }

  unpinMessage(roomId: string, messageId: string): Promise<MessagePinned> {
    return this.change('unpin_message', { roomId, messageId }, pinnedChange);
  }

  /**
   * The room's pinned messages (`GET /v1/rooms/:roomId/pins`, newest pin first), each with the
   * changes already told for it applied. Members only; failures are ChatClientErrors.
   */
  async getPins(roomId: string): Promise<PinsResponse> {
    const call = `GET /v1/rooms/${encodeURIComponent(roomId)}/pins`;
    const answer = await this.rest.request('GET', `/v1/rooms/${encodeURIComponent(roomId)}/pins`);
    const messages = typeof answer === 'object' && answer !== null ? (answer as { messages?: unknown }).messages : undefined;
    if (!Array.isArray(messages)) throw new ChatClientError('INTERNAL', `${call}: the gateway sent no pinned messages`, 'server', call);
    return { roomId, messages: (messages as ChatMessage[]).map((m) => this.changes.current(m)) };
  }

  /** A page of a thread: its root first (unless `afterSeq` pages on), then replies in seq order. */
  async getThread(roomId: string, rootId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<Thread> {
    const payload: PayloadOf<'get_thread'> = { roomId, rootId };
    if (options.afterSeq !== undefined) payload.afterSeq = options.afterSeq;
    if (options.limit !== undefined) payload.limit = options.limit;
    const reply = await this.requests.request('get_thread', payload);
    for (const message of reply.messages) this.clock.observe(message.lamportTimestamp);
    return reply;
  }

  /**
   * Loads the current user's block list (`GET /v1/users/me/blocks`). Call it once after sign-in:
   * rooms joined while it loads wait for it, so a blocked user's messages are never presented.
   */
  loadBlocks(): Promise<string[]> {
    const call = 'GET /v1/users/me/blocks';
    const loading = this.rest.request('GET', '/v1/users/me/blocks').then((answer) => this.applyBlocks(answer, call));
    this.blocksLoading = loading.catch(() => undefined);
    return loading;
  }

  /** Blocks a user: no one-to-one room with them, and their messages are no longer presented. */
  async blockUser(userId: string): Promise<string[]> {
    return this.applyBlocks(await this.rest.request('POST', '/v1/users/me/blocks', { userId }), 'POST /v1/users/me/blocks');
  }

  async unblockUser(userId: string): Promise<string[]> {
    const path = `/v1/users/me/blocks/${encodeURIComponent(userId)}`;
    return this.applyBlocks(await this.rest.request('DELETE', path), `DELETE ${path}`);
  }

  /** Call on every keystroke in a room's input: `typing_start` at most once a second, `typing_stop` after 2 s idle. */
  typing(roomId: string): void {
    let typer = this.typers.get(roomId);
    if (!typer) {
      typer = new TypingThrottle({
        scheduler: this.scheduler,
        startIntervalMs: this.config.typingStartIntervalMs,
        idleMs: this.config.typingIdleMs,
        emitStart: () => void this.fireAndForget('typing_start', { roomId }),
        emitStop: () => void this.fireAndForget('typing_stop', { roomId }),
      });
      this.typers.set(roomId, typer);
    }
    typer.input();
  }

  /** The user stopped typing (blur, cleared input); `send()` does this by itself. */
  stopTyping(roomId: string): void {
    this.typers.get(roomId)?.stop();
  }

  /** Drops the connection but keeps all state; `connect()` resumes where it left off. */
  disconnect(): void {
    this.reconnectTimer.clear();
    this.tokenTimer.clear();
    this.transport.disconnect();
  }

  /**
   * Ends the client: disconnects, stops every timer, fails pending requests. Unacknowledged
   * sends stay in the outbox storage (if any) for the next client; resolves once it is written.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const typer of this.typers.values()) typer.stop(); // still connected: others see the stop
    this.closed = true;
    this.reconnectTimer.clear();
    this.tokenTimer.clear();
    this.requests.close();
    this.outbox.close();
    this.changeQueue.close();
    this.changes.dispose();
    this.acks.dispose();
    for (const timeline of this.timelines.values()) timeline.dispose();
    this.transport.disconnect();
    this.setConnection({ state: 'disconnected', reason: 'closed' });
    await this.outbox.flushed();
  }

  // ---- connection lifecycle ----

  private onConnect(): void {
    this.reconnectAttempts = 0;
    this.authAttempts = 0;
    this.reconnectTimer.clear();
    // The handshake just asked getToken for a fresh token: a refresh for the old one is moot.
    this.tokenTimer.clear();
    this.requests.connected();
    this.outbox.setOnline(true);
    this.changeQueue.setOnline(true);
    this.acks.flushAll(true);
    for (const roomId of this.timelines.keys()) void this.rejoin(roomId);
  }

  /** After every (re)connect: join the room again, then sync it from its cursor. */
  private async rejoin(roomId: string): Promise<void> {
    try {
      await this.requests.request('join_room', { roomId });
    } catch (err) {
      // The gateway subscribes members to their rooms anyway; the sync below still runs.
      this.reportBackground(err);
    }
    await this.blocksLoading;
    await this.timelines.get(roomId)?.catchUp();
  }

  private onDisconnect(reason: string, willReconnect: boolean): void {
    this.requests.disconnected();
    this.outbox.setOnline(false);
    this.changeQueue.setOnline(false);
    for (const typer of this.typers.values()) typer.reset();
    if (this.closed) return;
    this.tokenTimer.clear();
    if (this.closed) return;
    if (willReconnect) {
      this.setConnection({ state: 'reconnecting', attempt: 0 });
    } else if (reason === 'io client disconnect') {
      this.setConnection({ state: 'disconnected', reason });
    } else {
      // A drop, a dead pod or a server kick (a draining pod): we come back, on our own timing.
      this.scheduleReconnect('drop');
    }
  }

  private onConnectError(message: string, willRetry: boolean, retryAfterMs?: number): void {
    if (this.closed) return;
    // A network failure is told by the `reconnecting` states; a refusal by the server (an
    // ErrorCode) is worth an `error`.
    const refused = isErrorCode(message);
    const error = new ChatClientError(refused ? message : 'UNAVAILABLE', message, 'handshake', undefined, retryAfterMs);
    if (refused) this.report(error);
    if (willRetry) return;
    const authFailure = error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN';
    if (!authFailure) {
      this.scheduleReconnect('drop', error);
    } else if (error.code === 'UNAUTHORIZED' && this.options.getToken && this.authAttempts < this.config.maxAuthRetries) {
      this.scheduleReconnect('auth', error);
    } else {
      this.setConnection({ state: 'disconnected', reason: error.code, error });
    }
  }

  /** Full jitter on the attempt's ceiling, and never sooner than a refusing gateway's retryAfterMs. */
  private scheduleReconnect(kind: 'drop' | 'auth', error?: ChatClientError): void {
    const attempt = kind === 'auth' ? ++this.authAttempts : ++this.reconnectAttempts;
    const delayMs = reconnectDelay(attempt, this.config.reconnection, this.random, error?.retryAfterMs);
    this.setConnection(error ? { state: 'reconnecting', attempt, delayMs, error } : { state: 'reconnecting', attempt, delayMs });
    this.reconnectTimer.set(delayMs, () => {
      if (!this.closed) this.transport.connect();
    });
  }

  /**
   * On `token_expiring`: a fresh token from getToken, handed over with `reauthenticate`. A
   * failure (the provider, or the gateway refusing its token) is told as `token_refresh_failed`
   * and tried again with backoff while the old token is still good; after that the gateway
   * closes the socket at exp, and the reconnect's handshake asks getToken once more.
   */
  private async refreshToken(expiresAtMs: number, attempt: number): Promise<void> {
    const getToken = this.options.getToken;
    if (!getToken || this.closed) return;
    try {
      await this.reauthenticate(await getToken());
    } catch (err) {
      const error = toChatClientError(err, 'local', 'reauthenticate');
      // Dropped meanwhile: the reconnect's handshake takes a fresh token anyway.
      if (this.closed || error.source === 'disconnected' || error.source === 'closed') return;
      const delayMs = backoffDelay(attempt, this.config.syncRetry, this.random);
      if (this.scheduler.now() + delayMs >= expiresAtMs) {
        this.emit('token_refresh_failed', { error, attempt });
        return;
      }
      this.emit('token_refresh_failed', { error, attempt, retryInMs: delayMs });
      this.tokenTimer.set(delayMs, () => void this.refreshToken(expiresAtMs, attempt + 1));
    }
  }

  private async currentToken(): Promise<string> {
    if (this.options.getToken) {
      try {
        return await this.options.getToken();
      } catch (err) {
        if (!this.options.token) throw toChatClientError(err, 'local');
      }
    }
    return this.options.token ?? '';
  }

  private applyBlocks(answer: unknown, call: string): string[] {
    if (this.blocked.replace(answer, call)) this.emit('blocks', this.blocked.list());
    return this.blocked.list();
  }

  private setConnection(state: ConnectionState): void {
    this.emit('connection', state);
  }

  // ---- server events ----

  private onServerMessage(message: ServerMessage): void {
    if (this.closed) return;
    switch (message.event) {
      case 'connected':
        this.onConnected(message.payload);
        break;
      case 'new_message':
        this.receive(message.payload);
        break;
      case 'user_typing':
        this.emit('typing', message.payload);
        break;
      case 'read_receipt':
        this.statuses.applyReadReceipt(message.payload);
        break;
      case 'message_status':
        this.statuses.applyServerStatus(message.payload);
        break;
      case 'online_users': {
        const { roomId, onlineUsers, count } = message.payload;
        this.emit('presence', { type: 'online', roomId, onlineUsers, count });
        break;
      }
      case 'user_joined':
      case 'user_left': {
        const { roomId, userId, timestamp } = message.payload;
        this.emit('presence', { type: message.event === 'user_joined' ? 'joined' : 'left', roomId, userId, timestamp });
        break;
      }
      case 'participant_removed':
        this.onParticipantRemoved(message.payload);
        break;
      case 'room_updated':
        this.emit('room_updated', message.payload);
        break;
      case 'token_expiring': {
        this.emit('token_expiring', message.payload);
        const expiresAtMs = Date.parse(message.payload.expiresAt);
        this.tokenTimer.clear();
        void this.refreshToken(Number.isNaN(expiresAtMs) ? this.scheduler.now() : expiresAtMs, 1);
        break;
      }
      case 'error': {
        const { code, message: text, event } = message.payload;
        // A failure of an acked request already rejected that request's promise.
        if (!ACKED_EVENTS.has(event)) this.report(new ChatClientError(isErrorCode(code) ? code : 'INTERNAL', text, 'server', event));
        break;
      }
      case 'message_edited':
      case 'message_deleted':
      case 'reaction_updated':
      case 'message_pinned':
      case 'thread_updated':
        this.changes.live(message);
        break;
      default:
        // Named replies (joined_room, message_sent, messages, synced, left_room, thread)
        // duplicate the ack callbacks the SDK relies on.
        break;
    }
  }

  private onConnected(payload: Parameters<ServerToClientEvents['connected']>[0]): void {
    this.knownUserId = payload.userId;
    this.attachStorage();
    this.setConnection({ state: 'connected', userId: payload.userId, socketId: payload.socketId, reconnect: this.everConnected });
    this.everConnected = true;
  }

  /** Removed for good (or banned): the room stops syncing here and is not tracked again unless joined. */
  private onParticipantRemoved(payload: ParticipantRemoved): void {
    const self = payload.userId === this.knownUserId;
    if (self) {
      this.untrack(payload.roomId);
      this.leftRooms.add(payload.roomId);
    }
    this.emit('participant_removed', { ...payload, self });
  }

  /** Every message from the server (live, sync) goes through here, and from here to the room's timeline. */
  private receive(message: ChatMessage): void {
    this.clock.observe(message.lamportTimestamp);
    this.changes.arrived(message);
    const existing = this.timelines.get(message.roomId);
    if (existing) {
      existing.receive(message);
      return;
    }
    if (!this.config.autoTrackRooms || this.leftRooms.has(message.roomId)) return;
    const timeline = this.track(message.roomId);
    timeline.receive(message);
    void timeline.catchUp();
  }

  // ---- rooms ----

  private track(roomId: string, afterSeq?: number, afterRev?: number): RoomTimeline {
    this.changes.start(roomId, afterRev);
    const timeline = new RoomTimeline({
      roomId,
      ...(afterSeq !== undefined ? { afterSeq } : {}),
      initialHistory: this.config.initialHistory,
      gapHoldMs: this.config.gapHoldMs,
      holeTimeoutMs: this.config.holeTimeoutMs,
      retry: this.config.syncRetry,
      scheduler: this.scheduler,
      random: this.random,
      otherGapOpen: () => this.changes.gapOpen(roomId),
      fetchAfter: (after, limit) => this.fetchPage(roomId, after, limit),
      present: (message, info) => {
        const own = message.senderId === this.knownUserId;
        if (!own && this.config.hideBlockedUsers && this.blocked.has(message.senderId)) return;
        if (own) this.statuses.observeOwn(message);
        const localId = own ? this.statuses.localIdOf(message.messageId) : undefined;
        const shown = this.changes.presented(message);
        this.emit('message', shown, localId ? { own, late: info.late, localId } : { own, late: info.late });
      },
      advanced: (seq) => this.acks.note(roomId, seq),
      onError: (err) => this.reportBackground(err),
    });
    this.timelines.set(roomId, timeline);
    return timeline;
  }

  private untrack(roomId: string): void {
    this.timelines.get(roomId)?.dispose();
    this.timelines.delete(roomId);
    this.acks.forget(roomId);
    this.changes.forget(roomId);
    this.typers.get(roomId)?.stop();
    this.typers.delete(roomId);
  }

  private async fetchPage(roomId: string, afterSeq: number, limit?: number): Promise<SyncPage> {
    const payload: PayloadOf<'sync'> = { roomId, afterSeq, afterRev: this.changes.afterRev(roomId) };
    if (limit !== undefined) payload.limit = limit;
    const reply = await this.requests.request('sync', payload);
    const messages = Array.isArray(reply.messages) ? reply.messages : [];
    for (const message of messages) {
      this.clock.observe(message.lamportTimestamp);
      this.changes.arrived(message);
    }
    const revAdvanced = this.changes.synced(roomId, reply);
    const page: SyncPage = { messages, latestSeq: reply.latestSeq, hasMore: reply.hasMore === true, revAdvanced };
    if (Array.isArray(reply.holes)) page.holes = reply.holes;
    return page;
  }

  // ---- changes to messages ----

  /**
   * Queues one change behind the others to the same message. The answer is told as
   * `message_changed` inside the ack callback, so the room's broadcast of the same change,
   * often read right after it, is then dropped as already told.
   */
  private change<E extends ChangeEvent>(
    event: E,
    payload: PayloadOf<E>,
    toChange: (reply: ReplyOf<E>) => MessageChange,
  ): Promise<ReplyOf<E>> {
    return this.changeQueue.enqueue(`${payload.roomId} ${payload.messageId}`, event, () =>
      this.requests.request(event, payload, { onReply: (reply) => this.changes.answered(toChange(reply)) }),
    );
  }

  // ---- sends ----

  /**
   * Runs inside the ack callback, so the broadcast of the same message, often read from the
   * socket right after the ack, is presented already linked to its local id.
   */
  private onSendAck(payload: PayloadOf<'send_message'>, sent: MessageSent): void {
    this.clock.observe(sent.lamportTimestamp);
    this.statuses.sent(payload.idempotencyKey, sent);
  }

  private onOutboxEvent(event: OutboxEvent): void {
    const { roomId, idempotencyKey } = event.record;
    // 'sent' was reported from the ack callback already (onSendAck).
    if (event.type === 'queued') this.statuses.sending(roomId, idempotencyKey);
    else if (event.type === 'failed') this.statuses.failed(roomId, idempotencyKey, event.error);
    else if (event.type === 'retrying')
      this.emit('send_retrying', { roomId, localId: idempotencyKey, error: event.error, retryInMs: event.delayMs });
  }

  /** Loads the persisted outbox once the storage can be chosen (for localStorage: once the user is known). */
  private attachStorage(): void {
    if (this.storageAttached) return;
    const configured = this.options.outbox?.storage;
    if (configured === false) return;
    let storage = configured;
    if (!storage) {
      const local = browserLocalStorage();
      if (!local || !this.knownUserId) return;
      storage = webStorageOutbox(local, `campzone:outbox:${this.knownUserId}`);
    }
    this.storageAttached = true;
    void this.outbox.attachStorage(storage);
  }

  // ---- plumbing ----

  /** Events without an ack (ack, typing): sent only while connected; their state is re-sent or lapses. */
  private fireAndForget<E extends 'ack' | 'typing_start' | 'typing_stop'>(event: E, payload: PayloadOf<E>): boolean {
    if (this.closed || !this.transport.connected) return false;
    this.transport.emit(event, payload);
    return true;
  }

  private report(err: unknown): void {
    this.emit('error', toChatClientError(err));
  }

  /** Failures of work the SDK redoes by itself after a reconnect are not news while offline. */
  private reportBackground(err: unknown): void {
    const error = toChatClientError(err);
    if (error.source !== 'disconnected' && error.source !== 'closed') this.report(error);
  }
}

function defaultFetch(): FetchLike | undefined {
  return typeof globalThis.fetch === 'function' ? (url, init) => globalThis.fetch(url, init) : undefined;
}

export function createChatClient(options: ChatClientOptions): ChatClient {
  return new ChatClient(options);
}
