import { ChatClient, isChatClientError, type MessageSent } from '@campzone/client';
import type { ClientTuning } from './client-tuning';
import { nowMs } from './clock';
import type { CorrectnessLedger } from './correctness-ledger';
import { failoverTransport } from './failover-transport';
import type { LoadMeter } from './load-meter';
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
  /** Told of every successful send ack: chaos checks inspect when and what was acknowledged. */
  onAck?: (sent: MessageSent, sentAtMs: number) => void;
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

  constructor(
    readonly plan: MemberPlan,
    private readonly deps: MemberDeps,
  ) {
    const { tuning, ledger, meter } = deps;
    ledger.addMember(plan.roomId, plan.userId);
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
      transport: failoverTransport({
        urls: deps.urls,
        start: plan.urlIndex,
        token: deps.token,
        reconnect: { baseMs: tuning.reconnectBaseMs, maxMs: tuning.reconnectMaxMs },
        tap: (message) => {
          if (message.event === 'new_message') ledger.recordRaw(message.payload.roomId, plan.userId, message.payload.seq);
        },
        tapAck: (event, response) => {
          if (event !== 'send_message') return;
          const answer = response as { ok?: unknown; error?: { code?: unknown } } | undefined;
          if (answer?.ok === false && typeof answer.error?.code === 'string') meter.error(answer.error.code);
        },
        onFailover: () => {
          this.failovers += 1;
        },
      }),
    });
    this.client.on('message', (message, info) => {
      ledger.recordShown(message.roomId, plan.userId, message.messageId, message.seq, info.late);
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

  /** Sends not yet acknowledged (or given up). */
  get pending(): number {
    return this.outstanding;
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
        this.deps.onAck?.(sent, sentAt);
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
}
