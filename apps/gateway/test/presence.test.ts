import { RedisKeys } from '@campzone/realtime';
import { dropNamespace, type ManagedProcess, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record } from './harness/chat-clients';
import { connectTestRedis, GatewayCluster, serviceUrls, spawnGateway } from './harness/gateway-cluster';

afterEach(closeAllClients);

/** Short enough that a wrong sweep shows within a test, long enough for a loaded CI machine. */
const LEASE_MS = 2000;

const onlineIn = async (socket: ClientSocket, roomId: string) => {
  const answer = await socket.emitWithAck('get_online_users', { roomId });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.onlineUsers.sort();
};

describe('on three in-process pods', () => {
  let cluster: GatewayCluster;
  beforeAll(async () => {
    cluster = await GatewayCluster.start(__filename, 3, { PRESENCE_LEASE_MS: String(LEASE_MS) });
    await createRoom(cluster.url(0), 'olga', 'lobby', ['pat', 'quinn']);
  });
  afterAll(() => cluster.stop());

  /** Resolves once every pod's lease was renewed after `at` (leases are expiries: renewal + lease). */
  async function everyPodRenewedAfter(at: number): Promise<void> {
    const redis = await connectTestRedis();
    try {
      const pods = new RedisKeys(cluster.ns.prefix).presencePods();
      const renewed = async () => {
        const leases = await redis.zRangeWithScores(pods, 0, -1);
        return leases.length === cluster.pods.length && leases.every((l) => l.score - LEASE_MS > at);
      };
      await eventually(renewed, 'every pod to renew its lease', 4 * LEASE_MS + 10_000);
    } finally {
      await redis.quit();
    }
  }

  test('a user with two tabs on two pods stays online until both close', async () => {
    const watcher = await connectAs(cluster.url(2), 'olga');
    const left = record(watcher, 'user_left');
    const tab1 = await connectAs(cluster.url(0), 'pat');
    const tab2 = await connectAs(cluster.url(1), 'pat');
    await eventually(async () => (await onlineIn(watcher, 'lobby')).includes('pat'), 'pat online');
    tab1.close();
    // A wrong "offline" could come from the disconnect or from any sweep: wait until every
    // pod has renewed its lease (and swept, in the same tick) two lease periods later.
    await everyPodRenewedAfter(Date.now() + 2 * LEASE_MS);
    expect(left.filter((e) => e.userId === 'pat')).toEqual([]);
    expect(await onlineIn(watcher, 'lobby')).toEqual(['olga', 'pat']);
    tab2.close();
    await eventually(async () => !(await onlineIn(watcher, 'lobby')).includes('pat'), 'pat offline after the last tab');
  });

  test('coming online and going offline are announced to the user’s rooms and mirrored in MongoDB', async () => {
    const watcher = await connectAs(cluster.url(0), 'olga');
    const joined = record(watcher, 'user_joined');
    const left = record(watcher, 'user_left');
    const quinn = await connectAs(cluster.url(1), 'quinn');
    await eventually(() => joined.some((e) => e.userId === 'quinn' && e.roomId === 'lobby'), 'user_joined for quinn');
    const users = (await cluster.db()).collection('users');
    await eventually(async () => (await users.findOne({ userId: 'quinn' }))?.isOnline === true, 'quinn online in MongoDB');
    quinn.close();
    await eventually(() => left.some((e) => e.userId === 'quinn'), 'user_left for quinn');
    await eventually(async () => (await users.findOne({ userId: 'quinn' }))?.isOnline === false, 'quinn offline in MongoDB');
  });

  test('non-members cannot list who is online', async () => {
    const outsider = await connectAs(cluster.url(0), 'outsider');
    expect(await outsider.emitWithAck('get_online_users', { roomId: 'lobby' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

test('a pod killed with SIGKILL takes its users offline once its lease lapses', async () => {
  const ns = uniqueNamespace(`${__filename}-kill`);
  const procs: ManagedProcess[] = [];
  const mongo = await MongoClient.connect(serviceUrls().mongoUrl);
  try {
    // A 1 s lease (15 s by default, so a dead pod's users are offline within 30 s).
    const env = { PRESENCE_LEASE_MS: '1000' };
    const doomed = await spawnGateway(ns, 'gw-doomed', env);
    const steady = await spawnGateway(ns, 'gw-steady', env);
    procs.push(doomed.proc, steady.proc);
    await createRoom(steady.url, 'rita', 'vigil', ['sol']);
    const watcher = await connectAs(steady.url, 'rita');
    const left = record(watcher, 'user_left');
    await connectAs(doomed.url, 'sol', { reconnection: false });
    await eventually(async () => (await onlineIn(watcher, 'vigil')).includes('sol'), 'sol online');

    const killedAt = Date.now();
    doomed.proc.kill('SIGKILL');
    await eventually(async () => !(await onlineIn(watcher, 'vigil')).includes('sol'), 'sol offline after the kill', 10_000);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    await eventually(() => left.some((e) => e.userId === 'sol'), 'user_left for sol');
    await eventually(
      async () => (await mongo.db(ns.db).collection('users').findOne({ userId: 'sol' }))?.isOnline === false,
      'sol offline in MongoDB',
    );
  } finally {
    closeAllClients();
    await Promise.allSettled(procs.map((p) => p.stop(2000)));
    await mongo.close();
    await dropNamespace(ns, serviceUrls());
  }
});

test('a pod that stalls past its lease counts its sockets again and announces its users back online', async () => {
  const ns = uniqueNamespace(`${__filename}-stall`);
  const procs: ManagedProcess[] = [];
  try {
    const env = { PRESENCE_LEASE_MS: '1000' };
    const stalled = await spawnGateway(ns, 'gw-stalled', env);
    const steady = await spawnGateway(ns, 'gw-steady', env);
    procs.push(stalled.proc, steady.proc);
    await createRoom(steady.url, 'tess', 'camp', ['uri', 'val']);
    const watcher = await connectAs(steady.url, 'tess');
    const joined = record(watcher, 'user_joined');
    const left = record(watcher, 'user_left');
    const joinsOf = (userId: string) => joined.filter((e) => e.userId === userId).length;
    const uri = await connectAs(stalled.url, 'uri');
    // val has a socket on each pod: the stall must not show val offline, nor online twice.
    await connectAs(stalled.url, 'val');
    await eventually(() => joinsOf('val') === 1, 'user_joined for val');
    await connectAs(steady.url, 'val');
    await eventually(async () => (await onlineIn(watcher, 'camp')).includes('uri'), 'uri online');
    const uriJoins = joinsOf('uri');

    // SIGSTOP is the stall: the steady pod sweeps the stalled pod's lease and announces uri offline.
    stalled.proc.kill('SIGSTOP');
    try {
      await eventually(() => left.some((e) => e.userId === 'uri'), 'user_left for uri once the stalled pod is swept');
    } finally {
      stalled.proc.kill('SIGCONT');
    }
    await eventually(() => joinsOf('uri') > uriJoins, 'user_joined for uri after the stall');
    await eventually(async () => (await onlineIn(watcher, 'camp')).includes('uri'), 'uri online again');
    const warning = JSON.parse(await stalled.proc.waitForLine(/"msg":"presence lease was lost/)) as Record<string, unknown>;
    expect(warning).toMatchObject({ pod: 'gw-stalled', cameOnline: 1, wentOffline: 0 });
    expect(left.filter((e) => e.userId === 'val')).toEqual([]);
    expect(joinsOf('val')).toBe(1);

    // Counted once, not twice: uri's only socket closing takes uri offline.
    uri.close();
    await eventually(async () => !(await onlineIn(watcher, 'camp')).includes('uri'), 'uri offline after closing the socket');
  } finally {
    closeAllClients();
    await Promise.allSettled(procs.map((p) => p.stop(2000)));
    await dropNamespace(ns, serviceUrls());
  }
});
