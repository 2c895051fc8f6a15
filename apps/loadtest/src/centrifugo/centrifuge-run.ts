import { Centrifuge, type PublicationContext, type Subscription } from 'centrifuge';
import WebSocket from 'ws';
import { signHs256 } from '../auth/hs256-signer';
import { ChangeLedger } from '../load/change-ledger';
import { nowMs } from '../load/clock';
import { mapLimit, waitUntil } from '../load/concurrency';
import { CorrectnessLedger } from '../load/correctness-ledger';
import { drivePhase, type PhaseTarget } from '../load/drive-phase';
import { LoadMeter } from '../load/load-meter';
import type { FinalCheck, PhaseResult, PhaseSpec } from '../load/load-run';
import { makeContent, sentAtOf } from '../load/message-content';
import { planRooms } from '../load/room-plan';
import { CHAT_NAMESPACE } from './centrifugo-cluster';

export interface CentrifugePlan {
  urls: string[];
  runId: string;
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  payloadBytes: number;
  hmacSecret: string;
  connectConcurrency: number;
  connectTimeoutMs: number;
}

/** What a publication carries: an id the ledger books it under, and content stamped with its send time. */
interface ChatPublication {
  id: string;
  c: string;
}

function isChatPublication(data: unknown): data is ChatPublication {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as ChatPublication).id === 'string' &&
    typeof (data as ChatPublication).c === 'string'
  );
}

/**
 * One virtual user on Centrifugo through its JavaScript SDK (`centrifuge` over `ws`): one
 * connection, one subscription to its room's channel, publishing over its own connection as our
 * members send over theirs. The publication's offset plays our seq in the correctness ledger.
 */
class CentrifugeMember {
  readonly client: Centrifuge;
  readonly subscription: Subscription;
  pending = 0;
  private sent = 0;

  constructor(
    readonly roomId: string,
    readonly userId: string,
    url: string,
    token: string,
    private readonly run: CentrifugeRun,
  ) {
    this.client = new Centrifuge(url, { token, websocket: WebSocket, timeout: 30_000 });
    this.subscription = this.client.newSubscription(`${CHAT_NAMESPACE}:${roomId}`);
    this.subscription.on('publication', (ctx: PublicationContext) => this.run.shown(this, ctx));
  }

  async start(timeoutMs: number): Promise<void> {
    const subscribed = new Promise<void>((resolve, reject) => {
      this.subscription.once('subscribed', () => resolve());
      this.subscription.once('unsubscribed', (ctx) => reject(new Error(`unsubscribed: ${ctx.reason}`)));
    });
    this.subscription.subscribe();
    this.client.connect();
    await Promise.race([
      subscribed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`${this.userId} not subscribed within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  }

  send(): void {
    const sentAt = nowMs();
    const id = `${this.userId}:${++this.sent}`;
    this.run.meter.offered();
    this.pending += 1;
    this.subscription.publish({ id, c: makeContent(sentAt, this.run.plan.payloadBytes) } satisfies ChatPublication).then(
      () => {
        this.pending -= 1;
        this.run.meter.accepted(nowMs() - sentAt);
        this.run.published(this.roomId, id);
      },
      (err: unknown) => {
        this.pending -= 1;
        const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'INTERNAL';
        this.run.meter.failed(code);
      },
    );
  }

  close(): void {
    this.client.disconnect();
  }
}

/**
 * A load run on Centrifugo with the same rooms, members, senders, payloads and phases as
 * LoadRun on our cluster: the same meter, ledger and open-loop driver, only the client differs.
 */
export class CentrifugeRun implements PhaseTarget {
  readonly meter = new LoadMeter();
  readonly ledger = new CorrectnessLedger();
  readonly members: CentrifugeMember[] = [];
  private readonly senders: CentrifugeMember[] = [];
  private nextSender = 0;
  /** Offsets of publications seen so far, by room then id; published ids waiting for theirs. */
  private readonly offsets = new Map<string, Map<string, number>>();
  private readonly unseen = new Map<string, string>();

  private constructor(readonly plan: CentrifugePlan) {}

  static async start(plan: CentrifugePlan, log: (line: string) => void = () => undefined): Promise<CentrifugeRun> {
    const run = new CentrifugeRun(plan);
    const rooms = planRooms({ ...plan, urlCount: plan.urls.length });
    for (const room of rooms) {
      run.offsets.set(room.roomId, new Map());
      for (const member of room.members) {
        run.ledger.addMember(room.roomId, member.userId);
        const m = new CentrifugeMember(
          room.roomId,
          member.userId,
          plan.urls[member.urlIndex % plan.urls.length]!,
          signHs256(plan.hmacSecret, member.userId),
          run,
        );
        run.members.push(m);
        if (member.sender) run.senders.push(m);
      }
    }
    log(`connecting ${run.members.length} Centrifugo members in ${rooms.length} rooms`);
    try {
      await mapLimit(run.members, plan.connectConcurrency, (m) => m.start(plan.connectTimeoutMs));
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  get outstanding(): number {
    return this.senders.reduce((sum, m) => sum + m.pending, 0);
  }

  get backlog(): number {
    return this.meter.total.accepted * this.plan.membersPerRoom - this.meter.total.deliveries;
  }

  sendOne(): void {
    if (this.senders.length === 0) return;
    this.senders[this.nextSender++ % this.senders.length]!.send();
  }

  drive(spec: PhaseSpec): Promise<PhaseResult> {
    return drivePhase(this, spec);
  }

  /** A publication reached a member. */
  shown(member: CentrifugeMember, ctx: PublicationContext): void {
    if (!isChatPublication(ctx.data) || ctx.offset === undefined) return;
    const { id, c } = ctx.data;
    const offsets = this.offsets.get(member.roomId);
    if (offsets && !offsets.has(id)) {
      offsets.set(id, ctx.offset);
      if (this.unseen.delete(id)) this.ledger.recordAck({ roomId: member.roomId, messageId: id, seq: ctx.offset });
    }
    this.ledger.recordShown(member.roomId, member.userId, id, ctx.offset, false);
    const sentAt = sentAtOf(c);
    this.meter.delivered(sentAt === undefined ? undefined : nowMs() - sentAt);
  }

  /** Centrifugo answered a publish: booked as acknowledged once its offset is known. */
  published(roomId: string, id: string): void {
    const offset = this.offsets.get(roomId)?.get(id);
    if (offset === undefined) this.unseen.set(id, roomId);
    else this.ledger.recordAck({ roomId, messageId: id, seq: offset });
  }

  /**
   * Waits for publishes to be answered and deliveries to catch up (recovery runs on the SDK's
   * own resubscribe; there is no separate sync to call), then the verdict. A publish answered
   * but never delivered to anyone has no offset: it counts as lost.
   */
  async finish(settleTimeoutMs: number): Promise<FinalCheck> {
    await waitUntil(() => this.outstanding === 0 && this.backlog <= 0 && this.unseen.size === 0, settleTimeoutMs, 50);
    const { correctness, raw } = this.ledger.verdict();
    correctness.lost += this.unseen.size;
    const changes = new ChangeLedger(0).verdict();
    const disconnected = this.members.filter((m) => m.client.state !== 'connected').length;
    const violations =
      correctness.lost + correctness.duplicated + correctness.misordered + correctness.orderMismatchRooms + correctness.seqConflicts;
    return { correctness, raw, unacknowledged: this.outstanding, disconnected, changes, violations };
  }

  async close(): Promise<void> {
    for (const m of this.members) m.close();
  }
}
