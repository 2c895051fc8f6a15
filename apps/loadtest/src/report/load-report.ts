import type { IntervalSnapshot } from '../load/load-meter';
import type { FinalCheck, LoadRun, PhaseResult } from '../load/load-run';
import type { LatencySummary } from '../stats/latency-histogram';
import { num, textTable } from './text-table';

/** The closing JSON line of `npm run loadtest` (one line, so tools can `tail -1 | jq`). */
export interface LoadReport {
  tool: 'campzone-loadtest';
  runId: string;
  urls: string[];
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  targetRate: number;
  durationS: number;
  payloadBytes: number;
  connections: { planned: number; connected: number; failovers: number };
  sent: number;
  /** Sends due that were never issued because too many were outstanding (the target fell behind). */
  throttled: number;
  accepted: number;
  failed: number;
  unacknowledged: number;
  acceptedPerSec: number;
  deliveries: number;
  deliveriesPerSec: number;
  sendToAckMs: LatencySummary;
  sendToReceiveMs: LatencySummary;
  correctness: FinalCheck['correctness'];
  raw: FinalCheck['raw'];
  /** Edits and reactions mixed in with --change-ratio (all 0 without it); never counted as messages. */
  changes: FinalCheck['changes'];
  errors: Record<string, number>;
  /** No correctness violation (the exit status is 0 exactly when this is true). */
  ok: boolean;
}

export function buildReport(run: LoadRun, phase: PhaseResult, final: FinalCheck, durationS: number): LoadReport {
  const { plan } = run;
  return {
    tool: 'campzone-loadtest',
    runId: plan.runId,
    urls: plan.urls,
    rooms: plan.rooms,
    membersPerRoom: plan.membersPerRoom,
    sendersPerRoom: plan.sendersPerRoom,
    targetRate: phase.rate,
    durationS,
    payloadBytes: plan.payloadBytes,
    connections: { planned: run.members.length, connected: run.members.length - final.disconnected, failovers: run.failovers },
    sent: run.meter.total.offered,
    throttled: run.meter.total.throttled,
    accepted: run.meter.total.accepted,
    failed: run.meter.total.failed,
    unacknowledged: final.unacknowledged,
    acceptedPerSec: phase.acceptedPerSec,
    deliveries: run.meter.total.deliveries,
    deliveriesPerSec: phase.deliveriesPerSec,
    sendToAckMs: phase.sendToAck,
    sendToReceiveMs: phase.sendToReceive,
    correctness: final.correctness,
    raw: final.raw,
    changes: final.changes,
    errors: run.meter.errors,
    ok: final.violations === 0,
  };
}

export function formatReportTable(report: LoadReport): string {
  const latency = (name: string, s: LatencySummary): string[] => [name, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), num(s.count)];
  const c = report.correctness;
  const lines = [
    textTable(
      ['throughput (measured window)', 'value'],
      [
        ['connections (connected/planned)', `${report.connections.connected}/${report.connections.planned}`],
        ['failovers (reconnects to another URL)', num(report.connections.failovers)],
        ['sent / accepted / failed', `${num(report.sent)} / ${num(report.accepted)} / ${num(report.failed)}`],
        [
          report.changes.ratio > 0 ? 'accepted msg/s (target ops/s)' : 'accepted msg/s (target)',
          `${num(report.acceptedPerSec, 1)} (${num(report.targetRate)})`,
        ],
        ['deliveries/s', num(report.deliveriesPerSec, 1)],
      ],
    ),
    '',
    textTable(
      ['latency ms', 'p50', 'p95', 'p99', 'max', 'samples'],
      [latency('send-to-ack', report.sendToAckMs), latency('send-to-receive', report.sendToReceiveMs)],
    ),
    '',
    textTable(
      ['correctness (after final sync)', 'count'],
      [
        ['lost (acked, never shown to a member)', `${num(c.lost)}${c.lostDeliveries ? ` (${num(c.lostDeliveries)} deliveries)` : ''}`],
        ['duplicated (messageId shown twice)', num(c.duplicated)],
        ['misordered (seq went back)', num(c.misordered)],
        ['rooms whose members saw different orders', num(c.orderMismatchRooms)],
        ['seq conflicts (one seq, two messages)', num(c.seqConflicts)],
        ['unacknowledged at the end (info)', num(report.unacknowledged)],
        ['raw deliveries / raw duplicates (info)', `${num(report.raw.rawDeliveries)} / ${num(report.raw.rawDuplicates)}`],
      ],
    ),
  ];
  if (report.changes.ratio > 0) lines.push('', changesTable(report.changes));
  const errors = Object.entries(report.errors);
  if (errors.length > 0) lines.push('', `errors answered (by code): ${errors.map(([code, n]) => `${code}=${n}`).join(' ')}`);
  const notCarried = notCarriedNote(report);
  if (notCarried) lines.push('', notCarried);
  const converged = report.changes.ratio > 0 ? ', every member on the newest edits and reactions' : '';
  lines.push(
    '',
    report.ok ? `RESULT: PASS (0 lost, 0 duplicated, 0 misordered${converged})` : 'RESULT: FAIL (correctness violations above)',
  );
  return lines.join('\n');
}

/**
 * Correctness is judged on acknowledged messages only, so a target that refused or dropped most
 * sends still passes; this line says so, lest a PASS read as "carried the rate". Past 1 % missing.
 */
function notCarriedNote(report: LoadReport): string | undefined {
  const due = report.sent + report.throttled;
  const missing = due - report.accepted;
  if (due === 0 || missing <= due * 0.01) return undefined;
  return (
    `NOT CARRIED: ${num(missing)} of ${num(due)} sends due (${((100 * missing) / due).toFixed(1)} %) were not acknowledged: ` +
    `${num(report.failed)} refused, ${num(report.unacknowledged)} unanswered at the end, ${num(report.throttled)} never sent ` +
    `(too many outstanding). The target did not carry ${num(report.targetRate)}/s; the result below judges only what was acknowledged.`
  );
}

function changesTable(c: LoadReport['changes']): string {
  const refused = Object.entries(c.refused);
  const refusedText = refused.length === 0 ? '0' : refused.map(([code, n]) => `${code}=${n}`).join(' ');
  return textTable(
    [`changes (ratio ${c.ratio}; not counted as messages)`, 'count'],
    [
      [
        'sent: edits / reactions added / removed',
        `${num(c.sent)}: ${num(c.edits)} / ${num(c.reactionsAdded)} / ${num(c.reactionsRemoved)}`,
      ],
      ['acked / unanswered', `${num(c.acked)} / ${num(c.unanswered)}`],
      ['refused (by code)', refusedText],
      ['change events received (stale, info)', `${num(c.events)} (${num(c.staleEvents)})`],
      ['fields changed (content, emoji counts)', num(c.fieldsChecked)],
      [
        'members ending on an older value',
        `${num(c.mismatched)}${c.membersUnchecked ? ` (${num(c.membersUnchecked)} reconnected members not checked)` : ''}`,
      ],
    ],
  );
}

/** The live line: last second's rates and latencies. */
export function formatProgress(elapsedS: number, interval: IntervalSnapshot, run: LoadRun): string {
  const perSec = (n: number) => num(n / Math.max(interval.seconds, 0.001));
  return [
    `t=${elapsedS.toFixed(0)}s`,
    `conns=${run.connectedCount}/${run.members.length}`,
    `sent/s=${perSec(interval.offered)}`,
    `acked/s=${perSec(interval.accepted)}`,
    `deliv/s=${perSec(interval.deliveries)}`,
    `ack p99=${ms(interval.sendToAck.p99)}ms`,
    `recv p99=${ms(interval.sendToReceive.p99)}ms`,
    `pending=${run.outstanding}`,
    `backlog=${Math.max(0, run.backlog)}`,
    `failovers=${run.failovers}`,
  ].join(' ');
}

function ms(value: number): string {
  return value.toFixed(value >= 100 ? 0 : 1);
}
