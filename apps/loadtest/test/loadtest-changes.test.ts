import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { LocalCluster } from '../src/cluster/local-cluster';
import type { LoadReport } from '../src/report/load-report';
import { runCli } from './run-cli';
import { serviceUrls } from './services';

// `npm run loadtest --change-ratio` against two real gateway processes (Redis, FerretDB, real
// sockets): edits and reactions ride along the sends, and the messages' verdict is unchanged.

const SECRET = 'loadtest-changes-secret-0123456789';
const namespace = uniqueNamespace(__filename);
let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start({ gateways: 2, services: serviceUrls(), namespace, jwtSecret: SECRET, worker: false });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await dropNamespace(namespace, serviceUrls()).catch(() => undefined);
});

test('a load with --change-ratio edits and reacts across two gateways, loses nothing and every member ends on the newest state', async () => {
  const [a, b] = cluster.urls;
  const members = 4;
  const { code, stdout, stderr } = await runCli([
    ...['--url', a!, '--url', b!, '--jwt-secret', SECRET],
    ...['--rooms', '2', '--members', String(members), '--senders', '2'],
    ...['--rate', '40', '--duration', '3', '--ramp-up', '0.5', '--change-ratio', '0.4', '--no-progress'],
  ]);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadReport;
  expect(report.correctness).toEqual({ lost: 0, lostDeliveries: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 });
  // Changes are not messages: only sends are accepted and delivered.
  expect(report.accepted).toBe(report.sent);
  expect(report.deliveries).toBe(report.accepted * members);
  const changes = report.changes;
  expect(changes.edits).toBeGreaterThan(0);
  expect(changes.reactionsAdded).toBeGreaterThan(0);
  expect(changes.sent).toBe(changes.edits + changes.reactionsAdded + changes.reactionsRemoved);
  // Two members hitting one message at once may be asked to retry (UNAVAILABLE); nothing else is refused.
  const refused = Object.values(changes.refused).reduce((sum, n) => sum + n, 0);
  expect(Object.keys(changes.refused).filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
  expect(changes.acked + refused).toBe(changes.sent);
  expect(changes.acked).toBeGreaterThan(changes.sent / 2);
  expect(changes).toMatchObject({ ratio: 0.4, unanswered: 0, mismatched: 0, membersUnchecked: 0 });
  // Each acknowledged change is told to every member of its room (a member's own included).
  expect(changes.events).toBeGreaterThanOrEqual(changes.acked * members);
  expect(changes.fieldsChecked).toBeGreaterThan(0);
  expect(report.ok).toBe(true);
  expect(stdout).toContain('members ending on an older value');
}, 90_000);
