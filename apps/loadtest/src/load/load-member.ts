import { ChatClient, type ChatTransport, isChatClientError, type MessageSent } from '@campzone/client';
import type { ChangeLedger } from './change-ledger';
import type { ClientTuning } from './client-tuning';
import { nowMs } from './clock';
import type { CorrectnessLedger } from './correctness-ledger';
import { failoverTransport } from './failover-transport';
import type { LoadMeter } from './load-meter';
import { type ChangeRequest, MemberChanges } from './member-changes';
import { makeContent, sentAtOf } from './message-content';

export interface MemberPlan {
  userId: string;
  roomId: string;
  sender: boolean;
  /** Which URL this member starts on (members are spread over the gateways). */
  urlIndex: number;
}

export interface MemberDeps {
  urls: readonly string[];
  token: string;
  tuning: ClientTuning;
  ledger: CorrectnessLedger;
  meter: LoadMeter;
  payloadBytes: number;
  /** Edits and reactions: the ledger they are booked in and the share of a sender's operations they take. */
  changes: { ledger: ChangeLedger; ratio: number };
  /** Told of every successful send ack: chaos checks inspect when, what and by whom it was acknowledged. */
  onAck?: (sent: MessageSent, sentAtMs: number, member: MemberPlan) => void;
}

/**
 * One virtual user in one room, through the real SDK: what it is shown is what a user would
 * see. Sends go through the SDK's outbox (resent with the same key until acknowledged).
 */
export class LoadMember {
  readonly client: ChatClient;
  /** Connections opened after the first (a failover or a reconnect). */
  failovers = 0;
  private outstanding = 0;
  private readonly changes: MemberChanges;
  /** The connection the SDK uses, captured when the SDK builds it: changes go out on it too. */
  private transport: ChatTransport | undefined;

  constructor(
    readonly plan: MemberPlan,
    private readonly deps: MemberDeps,
  ) {
    const { tuning, ledger, meter } = deps;
    const changeLedger = deps.changes.ledger;
    ledger.addMember(plan.roomId, plan.userId);
    changeLedger.addMember(plan.roomId, plan.userId);
    this.changes = new MemberChanges({
      roomId: plan.roomId,
      userId: plan.userId,
      ratio: deps.changes.ratio,
      payloadBytes: deps.payloadBytes,
      ledger: changeLedger,
      request: (request) => this.request(request),
      connected: () => this.transport?.connected ?? false,
    });
    const transport = failoverTransport({
      urls: deps.urls,
      start: plan.urlIndex,
      token: deps.token,
      tap: (message) => {
        const { userId } = plan;
        if (message.event === 'new_message') ledger.recordRaw(message.payload.roomId, userId, message.payload.seq);
        else if (message.event === 'message_edited') {
          const { roomId, messageId, content, rev } = message.payload;
          changeLedger.recordEditEvent(roomId, userId, messageId, content, rev);
        } else if (message.event === 'reaction_updated') {
          const { roomId, messageId, emoji, count, rev } = message.payload;
          changeLedger.recordReactionEvent(roomId, userId, messageId, emoji, count, rev);
        }
      },
      tapAck: (event, response) => {
        if (event !== 'send_message') return;
        const answer = response as { ok?: unknown; error?: { code?: unknown } } | undefined;
        if (answer?.ok === false && typeof answer.error?.code === 'string') meter.error(answer.error.code);
      },
      onFailover: () => {
        this.failovers += 1;
        changeLedger.markReconnected(plan.roomId, plan.userId);
      },
    });
    this.client = new ChatClient({
      url: deps.urls[plan.urlIndex % deps.urls.length]!,
      token: deps.token,
      userId: plan.userId,
      rooms: [{ roomId: plan.roomId, afterSeq: 0 }],
      autoConnect: false,
      requestTimeoutMs: tuning.requestTimeoutMs,
      holeTimeoutMs: tuning.holeTimeoutMs,
      reconnection: { baseMs: tuning.reconnectBaseMs, maxMs: tuning.reconnectMaxMs },
      outbox: {
        maxInFlightPerRoom: tuning.maxInFlight,
        // Load senders never give up: a send abandoned mid-outage would leave a real hole.
        maxAttempts: 1_000_000,
        maxAgeMs: 6 * 3600 * 1000,
        retry: { baseMs: tuning.reconnectBaseMs, maxMs: tuning.reconnectMaxMs },
        storage: false,
      },
      transport: (handlers) => (this.transport = transport(handlers)),
    });
    this.client.on('message', (message, info) => {
      ledger.recordShown(message.roomId, plan.userId, message.messageId, message.seq, info.late);
      this.changes.noteShown(message.messageId);
      const sentAt = sentAtOf(message.content);
      meter.delivered(sentAt === undefined ? undefined : nowMs() - sentAt);
    });
    this.client.on('error', (err) => {
      // Send failures are counted per transmission by tapAck; the rest (syncs, handshakes) here.
      if (err.event !== 'send_message') meter.error(err.code);
    });
  }

  get roomId(): string {
    return this.plan.roomId;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Sends not yet acknowledged (or given up), and changes not yet answered. */
  get pending(): number {
    return this.outstanding + this.changes.pending;
  }

  /** Connects and resolves once the room is joined and caught up. */
  async start(timeoutMs: number): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.plan.userId} did not connect within ${timeoutMs} ms`)), timeoutMs);
      const off = this.client.on('connection', (state) => {
        if (state.state === 'connected') {
          clearTimeout(timer);
          off();
          resolve();
        } else if (state.state === 'disconnected') {
          clearTimeout(timer);
          off();
          reject(new Error(`${this.plan.userId} could not connect: ${state.error?.message ?? state.reason}`));
        }
      });
    });
    this.client.connect();
    await connected;
    await this.client.joinRoom(this.plan.roomId);
  }

  /** One operation of a sender: a message, or (the configured share of the time) an edit or a reaction. */
  operate(): void {
    if (this.changes.nextIsChange() && this.changes.tryChange()) return;
    this.send();
  }

  /** Sends one message stamped with its send time; the outcome lands in the meter and ledger. */
  send(): void {
    const sentAt = nowMs();
    const { meter, ledger } = this.deps;
    meter.offered();
    this.outstanding += 1;
    this.client.send(this.plan.roomId, makeContent(sentAt, this.deps.payloadBytes)).then(
      (sent) => {
        this.outstanding -= 1;
        meter.accepted(nowMs() - sentAt);
        ledger.recordAck({ roomId: sent.roomId, messageId: sent.messageId, seq: sent.seq });
        this.changes.noteOwn(sent.messageId);
        this.deps.onAck?.(sent, sentAt, this.plan);
      },
      (err: unknown) => {
        this.outstanding -= 1;
        meter.failed(isChatClientError(err) ? err.code : 'INTERNAL');
      },
    );
  }

  /**
   * Syncs the room until this member has been shown everything up to the room's latest seq,
   * or the deadline passes (a gap still open then stays open: its messages count as lost).
   */
  async syncToLatest(deadline: number): Promise<void> {
    let target = 0;
    let synced = false;
    for (;;) {
      try {
        for (let page = 0; page < 1000; page++) {
          const before = this.client.cursor(this.plan.roomId) ?? 0;
          const reply = await this.client.sync(this.plan.roomId);
          target = Math.max(target, reply.latestSeq);
          synced = true;
          const after = this.client.cursor(this.plan.roomId) ?? 0;
          if (!reply.hasMore || after <= before) break;
        }
      } catch {
        // Not connected yet or the sync failed: try again until the deadline.
      }
      if (synced && (this.client.cursor(this.plan.roomId) ?? 0) >= target) return;
      if (Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A change on the SDK's connection; resolves with the ack, or undefined after the request timeout. */
  private request(request: ChangeRequest): Promise<unknown> {
    return new Promise((resolve) => {
      const transport = this.transport;
      if (!transport?.connected) {
        resolve(undefined);
        return;
      }
      const timer = setTimeout(() => resolve(undefined), this.deps.tuning.requestTimeoutMs);
      transport.emit(request.event, request.payload, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }
}
