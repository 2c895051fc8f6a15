import { ChangeLedger } from '../src/load/change-ledger';
import { formatReportTable, type LoadReport } from '../src/report/load-report';

// What the closing table says about a run whose target did not keep up: correctness is judged
// on acknowledged messages only, so the PASS must not be read as "carried the rate".

const latency = { count: 100, p50: 10, p95: 20, p99: 30, max: 40, mean: 12 };

function report(counts: Pick<LoadReport, 'sent' | 'throttled' | 'accepted' | 'failed' | 'unacknowledged'>): LoadReport {
  return {
    tool: 'campzone-loadtest',
    runId: 'r1',
    urls: ['http://127.0.0.1:3000'],
    rooms: 10,
    membersPerRoom: 10,
    sendersPerRoom: 2,
    targetRate: 257,
    durationS: 60,
    payloadBytes: 100,
    connections: { planned: 100, connected: 100, failovers: 0 },
    ...counts,
    acceptedPerSec: counts.accepted / 60,
    deliveries: counts.accepted * 10,
    deliveriesPerSec: counts.accepted / 6,
    sendToAckMs: latency,
    sendToReceiveMs: latency,
    correctness: { lost: 0, lostDeliveries: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 },
    raw: { rawDeliveries: counts.accepted * 10, rawDuplicates: 0, late: 0 },
    changes: new ChangeLedger(0).verdict(),
    errors: counts.failed > 0 ? { UNAVAILABLE: counts.failed } : {},
    ok: true,
  };
}

test('a run that lost most of its sends to refusals says it did not carry the rate, before its PASS', () => {
  const text = formatReportTable(report({ sent: 9_900, throttled: 100, accepted: 800, failed: 9_000, unacknowledged: 100 }));
  const lines = text.split('\n');
  const note = lines.findIndex((line) => line.startsWith('NOT CARRIED'));
  expect(lines[note]).toContain('9,200 of 10,000 sends due (92.0 %) were not acknowledged');
  expect(lines[note]).toContain('9,000 refused, 100 unanswered at the end, 100 never sent');
  expect(lines[note]).toContain('did not carry 257/s');
  expect(note).toBeLessThan(lines.findIndex((line) => line.startsWith('RESULT: PASS')));
});

test('a run that acknowledged all but 1 % of its sends prints no such line', () => {
  expect(formatReportTable(report({ sent: 10_000, throttled: 0, accepted: 9_900, failed: 100, unacknowledged: 0 }))).not.toContain(
    'NOT CARRIED',
  );
  expect(formatReportTable(report({ sent: 0, throttled: 0, accepted: 0, failed: 0, unacknowledged: 0 }))).not.toContain('NOT CARRIED');
});
