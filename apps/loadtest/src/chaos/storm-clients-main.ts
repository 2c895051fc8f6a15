import { parseArgs } from 'node:util';
import { secretTokenSource } from '../auth/token-source';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { nowMs } from '../load/clock';
import { sleep, waitUntil } from '../load/concurrency';
import type { FinalCheck } from '../load/load-run';
import { LoadRun } from '../load/load-run';
import { type HistogramSnapshot, LatencyHistogram } from '../stats/latency-histogram';

// One process of the reconnect storm's clients: many SDK clients (a LoadRun over its own rooms),
// so 5,000 clients spread over several processes and no event loop of the load generator is
// what limits a reconnect. Prints {"msg":"storm ready"} once every member is connected and
// caught up, then a {"msg":"storm status"} line every 250 ms. Each SIGUSR2 moves it on:
// 1st: start sending; 2nd: the storm began (the undisturbed members' send latency is measured
// from now); 3rd: every client is back: stop sending, wait until every member has been shown
// every acknowledged message ({"msg":"storm synced"}), then the final verdict ({"msg":"storm done"}).

export interface StormStatus {
  msg: 'storm status';
  members: number;
  connected: number;
  accepted: number;
  /** The members not connected, by their last connection state and its error code (`reconnecting RATE_LIMITED`: 12). */
  waiting: Record<string, number>;
}

export interface StormSynced {
  msg: 'storm synced';
  /** Members still missing an acknowledged message at the deadline (0: all synced). */
  behind: number;
}

export interface StormDone extends Pick<FinalCheck, 'correctness' | 'raw' | 'unacknowledged' | 'disconnected'> {
  msg: 'storm done';
  acked: number;
  failovers: number;
  errors: Record<string, number>;
  /** Send-to-ack latency of members not on the killed pod, for sends made during the storm. */
  undisturbedSendToAck: HistogramSnapshot;
}

function print(line: StormStatus | StormSynced | StormDone | { msg: 'storm ready'; members: number }): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      urls: { type: 'string' },
      run: { type: 'string' },
      rooms: { type: 'string' },
      members: { type: 'string' },
      secret: { type: 'string' },
      rate: { type: 'string' },
      victim: { type: 'string' },
      'sync-deadline': { type: 'string' },
    },
  });
  const urls = (values.urls ?? '').split(',');
  const victim = Number(values.victim ?? 0);
  const syncDeadlineMs = Number(values['sync-deadline'] ?? 60_000);
  const stormSends = new LatencyHistogram();
  let stormFrom = Number.POSITIVE_INFINITY;
  let stormUntil = Number.POSITIVE_INFINITY;
  // Before "storm ready" is printed: a SIGUSR2 that arrives with no handler installed kills the
  // process (its default action), and the parent signals as soon as it reads that line.
  const step = nextSignal();
  const run = await LoadRun.start({
    urls,
    runId: values.run ?? 'storm',
    rooms: Number(values.rooms),
    membersPerRoom: Number(values.members),
    sendersPerRoom: 1,
    payloadBytes: 64,
    tokens: secretTokenSource(values.secret ?? ''),
    // The SDK's own reconnect defaults, so the storm is the one real clients would make.
    tuning: { ...DEFAULT_TUNING, reconnectBaseMs: 500, reconnectMaxMs: 10_000 },
    // Several of these processes set up at once against one MongoDB-wire server: gently.
    connectConcurrency: 5,
    connectTimeoutMs: 300_000,
    onAck: (_sent, sentAtMs, member) => {
      if (member.urlIndex !== victim && sentAtMs >= stormFrom && sentAtMs <= stormUntil) stormSends.record(nowMs() - sentAtMs);
    },
  });
  print({ msg: 'storm ready', members: run.members.length });
  const lastState = new Map<string, string>();
  for (const member of run.members) {
    member.client.on('connection', (state) => {
      const code = state.state === 'connected' ? '' : (state.error?.code ?? (state.state === 'disconnected' ? state.reason : 'network'));
      lastState.set(member.plan.userId, `${state.state} ${code}`.trim());
    });
  }
  const waiting = (): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const member of run.members) {
      if (member.connected) continue;
      const state = lastState.get(member.plan.userId) ?? 'unknown';
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  };
  const status = setInterval(
    () =>
      print({
        msg: 'storm status',
        members: run.members.length,
        connected: run.connectedCount,
        accepted: run.meter.total.accepted,
        waiting: waiting(),
      }),
    250,
  );
  await step();
  const stop = new AbortController();
  const load = run.drive({ rate: Number(values.rate), durationMs: 3_600_000, rampUpMs: 1000, drainMs: 0, signal: stop.signal });

  await step();
  stormFrom = nowMs();

  await step();
  stormUntil = nowMs();
  stop.abort();
  await load;
  const behind = () => run.members.filter((m) => !run.ledger.hasAllAcked(m.roomId, m.plan.userId)).length;
  await waitUntil(() => run.outstanding === 0 && behind() === 0, syncDeadlineMs, 100);
  print({ msg: 'storm synced', behind: behind() });
  const final = await run.finish(120_000);
  clearInterval(status);
  print({
    msg: 'storm done',
    correctness: final.correctness,
    raw: final.raw,
    unacknowledged: final.unacknowledged,
    disconnected: final.disconnected,
    acked: run.ledger.ackedCount,
    failovers: run.failovers,
    errors: run.meter.errors,
    undisturbedSendToAck: stormSends.snapshot(),
  });
  await run.close();
  // Let stdout drain before exiting.
  await sleep(100);
  process.exit(0);
}

/** Each call resolves on the next SIGUSR2 (signals that come before the call are kept). */
function nextSignal(): () => Promise<void> {
  let received = 0;
  let waiting: { upTo: number; resolve: () => void } | undefined;
  process.on('SIGUSR2', () => {
    received += 1;
    if (waiting && received >= waiting.upTo) {
      waiting.resolve();
      waiting = undefined;
    }
  });
  let consumed = 0;
  return () =>
    new Promise<void>((resolve) => {
      consumed += 1;
      if (received >= consumed) resolve();
      else waiting = { upTo: consumed, resolve };
    });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
