import type { MessageSent } from '@campzone/client';
import type { TokenSource } from '../auth/token-source';
import { type ChangeCounts, ChangeLedger } from './change-ledger';
import type { ClientTuning } from './client-tuning';
import { mapLimit, waitUntil } from './concurrency';
import { type CorrectnessCounts, CorrectnessLedger, type RawCounts } from './correctness-ledger';
import { createRoom } from './create-room';
import { type DriveSpec, drivePhase, type PhaseResult } from './drive-phase';

export type { PhaseResult } from './drive-phase';

import { LoadMember, type MemberPlan } from './load-member';
import { type IntervalSnapshot, LoadMeter } from './load-meter';
import { type PlannedRoom, planRooms } from './room-plan';

export interface LoadPlan {
  urls: string[];
  runId: string;
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  payloadBytes: number;
  /** Share of each sender's operations that edit its recent messages or react to the room's (default 0). */
  changeRatio?: number;
  tokens: TokenSource;
  tuning: ClientTuning;
  /** Connections (and room creations) in flight at once while setting up. */
  connectConcurrency: number;
  connectTimeoutMs: number;
  onAck?: (sent: MessageSent, sentAtMs: number, member: MemberPlan) => void;
}

/** A phase of a LoadRun: the driver's spec plus a progress callback that is handed the run. */
export interface PhaseSpec extends DriveSpec {
  /** Called about once a second with the last second's figures. */
  onTick?: (interval: IntervalSnapshot, run: LoadRun) => void;
}

export interface FinalCheck {
  correctness: CorrectnessCounts;
  raw: RawCounts;
  /** Sends never acknowledged by the end (given up or still pending at the deadline). */
  unacknowledged: number;
  /** Members not connected at the end. */
  disconnected: number;
  /** Edits and reactions: what was sent and answered, and whether every member ended on the newest state. */
  changes: ChangeCounts;
  violations: number;
}

/**
 * A load run against one or many gateways: sets up fresh rooms, connects every member through
 * the SDK, drives phases at a target rate (open loop: sends go out on schedule whether or not
 * earlier ones were answered), and ends with a final sync and the correctness verdict.
 */
export class LoadRun {
  readonly meter = new LoadMeter();
  readonly ledger = new CorrectnessLedger();
  readonly changes: ChangeLedger;
  readonly members: LoadMember[] = [];
  readonly senders: LoadMember[] = [];
  private nextSender = 0;

  private constructor(
    readonly plan: LoadPlan,
    readonly rooms: PlannedRoom[],
  ) {
    this.changes = new ChangeLedger(plan.changeRatio ?? 0);
  }

  /** Creates the rooms and connects every member; rejects if any member cannot join. */
  static async start(plan: LoadPlan, log: (line: string) => void = () => undefined): Promise<LoadRun> {
    const rooms = planRooms({ ...plan, urlCount: plan.urls.length });
    const run = new LoadRun(plan, rooms);
    const plans = rooms.flatMap((room) => room.members);
    const tokens = new Map<string, string>();
    await mapLimit(plans, plan.connectConcurrency, async (member) => {
      tokens.set(member.userId, await plan.tokens(member.userId));
    });
    await mapLimit(rooms, plan.connectConcurrency, (room, i) => createPlannedRoom(plan.urls[i % plan.urls.length]!, room, tokens));
    log(`created ${rooms.length} rooms; connecting ${plans.length} members`);
    for (const member of plans) {
      const loadMember = new LoadMember(member, {
        urls: plan.urls,
        token: tokens.get(member.userId)!,
        tuning: plan.tuning,
        ledger: run.ledger,
        meter: run.meter,
        payloadBytes: plan.payloadBytes,
        changes: { ledger: run.changes, ratio: plan.changeRatio ?? 0 },
        ...(plan.onAck ? { onAck: plan.onAck } : {}),
      });
      run.members.push(loadMember);
      if (member.sender) run.senders.push(loadMember);
    }
    try {
      await mapLimit(run.members, plan.connectConcurrency, (member) => member.start(plan.connectTimeoutMs));
    } catch (err) {
      await run.close();
      throw err;
    }
    return run;
  }

  get connectedCount(): number {
    return this.members.filter((m) => m.connected).length;
  }

  get failovers(): number {
    return this.members.reduce((sum, m) => sum + m.failovers, 0);
  }

  get outstanding(): number {
    return this.senders.reduce((sum, m) => sum + m.pending, 0);
  }

  /** Deliveries owed to members for what was acknowledged so far, not yet shown. */
  get backlog(): number {
    return this.meter.total.accepted * this.plan.membersPerRoom - this.meter.total.deliveries;
  }

  /** One operation (a send, or with changeRatio sometimes an edit or a reaction) from the next sender in turn. */
  sendOne(): void {
    if (this.senders.length === 0) return;
    const sender = this.senders[this.nextSender++ % this.senders.length]!;
    sender.operate();
  }

  /** Drives one phase: ramp, then the measured window at the target rate, then a drain. */
  drive(spec: PhaseSpec): Promise<PhaseResult> {
    const { onTick } = spec;
    return drivePhase(this, spec, onTick && ((interval) => onTick(interval, this)));
  }

  /**
   * Waits for every send to be acknowledged (and every change answered), then syncs every member
   * up to its room's latest seq (the "final sync"), waits for change events to reach every
   * member, and returns the verdict: lost, duplicated, misordered, ..., changes not converged.
   */
  async finish(settleTimeoutMs: number): Promise<FinalCheck> {
    const deadline = Date.now() + settleTimeoutMs;
    await waitUntil(() => this.outstanding === 0, settleTimeoutMs, 50);
    // Only members missing an acknowledged message sync: one who was shown all of them cannot
    // lose anything to a sync, and on a MongoDB-wire server without index pushdown (FerretDB
    // on SQLite scans the whole collection per query) hundreds of needless syncs take minutes.
    const behind = this.members.filter((m) => !this.ledger.hasAllAcked(m.roomId, m.plan.userId));
    await mapLimit(behind, 20, (member) => member.syncToLatest(deadline));
    // Change events follow their answers; a member still behind at the deadline is a mismatch.
    await waitUntil(() => this.changes.settled(), Math.max(1000, deadline - Date.now()), 50);
    const changes = this.changes.verdict();
    const { correctness, raw } = this.ledger.verdict();
    const unacknowledged = this.outstanding;
    const disconnected = this.members.length - this.connectedCount;
    const violations =
      correctness.lost +
      correctness.duplicated +
      correctness.misordered +
      correctness.orderMismatchRooms +
      correctness.seqConflicts +
      changes.mismatched;
    return { correctness, raw, unacknowledged, disconnected, changes, violations };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.close()));
  }
}

async function createPlannedRoom(url: string, room: PlannedRoom, tokens: Map<string, string>): Promise<void> {
  const [admin, ...others] = room.members;
  if (!admin) return;
  await createRoom(
    url,
    tokens.get(admin.userId) ?? '',
    room.roomId,
    others.map((m) => m.userId),
  );
}
