import { dropNamespace, type ManagedProcess, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record } from './harness/chat-clients';
import { GatewayCluster, serviceUrls, spawnGateway } from './harness/gateway-cluster';

afterEach(closeAllClients);

const onlineIn = async (socket: ClientSocket, roomId: string) => {
  const answer = await socket.emitWithAck('get_online_users', { roomId });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.onlineUsers.sort();
};

describe('on three in-process pods', () => {
  let cluster: GatewayCluster;
  beforeAll(async () => {
    cluster = await GatewayCluster.start(__filename, 3);
    await createRoom(cluster.url(0), 'olga', 'lobby', ['pat', 'quinn']);
  });
  afterAll(() => cluster.stop());

  test('a user with two tabs on two pods stays online until both close', async () => {
    const watcher = await connectAs(cluster.url(2), 'olga');
    const tab1 = await connectAs(cluster.url(0), 'pat');
    const tab2 = await connectAs(cluster.url(1), 'pat');
    await eventually(async () => (await onlineIn(watcher, 'lobby')).includes('pat'), 'pat online');
    tab1.close();
    await new Promise((r) => setTimeout(r, 200)); // give a wrong "offline" the chance to show
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
