import type { UserTyping } from '@campzone/protocol';
import { dropNamespace, type ManagedProcess, uniqueNamespace } from '@campzone/testkit';
import { closeAllClients, connectAs, createRoom, eventually, record } from './harness/chat-clients';
import { GatewayCluster, serviceUrls, spawnGateway } from './harness/gateway-cluster';

afterEach(closeAllClients);

describe('across pods', () => {
  let cluster: GatewayCluster;
  beforeAll(async () => {
    cluster = await GatewayCluster.start(__filename, 2, { TYPING_TTL_MS: '600' });
    await createRoom(cluster.url(0), 'tom', 'studio', ['uma']);
  });
  afterAll(() => cluster.stop());

  test('typing reaches the room on other pods but not the typist’s own tabs, then lapses after the TTL', async () => {
    const typist = await connectAs(cluster.url(0), 'tom');
    const typistOtherTab = await connectAs(cluster.url(1), 'tom');
    const reader = await connectAs(cluster.url(1), 'uma');
    const atReader = record(reader, 'user_typing');
    const atOtherTab = record(typistOtherTab, 'user_typing');

    expect(await typist.emitWithAck('typing_start', { roomId: 'studio' })).toEqual({ ok: true, roomId: 'studio' });
    await eventually(() => atReader.length === 1, 'uma told tom types');
    expect(atReader[0]).toEqual({ roomId: 'studio', userId: 'tom', isTyping: true });
    await eventually(() => atReader.length === 2, 'the lapse announced after the TTL', 5000);
    expect(atReader[1]).toEqual({ roomId: 'studio', userId: 'tom', isTyping: false });
    expect(atOtherTab).toEqual([]);
  });

  test('keystroke-rate refreshes announce at most once a second and write nothing to MongoDB', async () => {
    const typist = await connectAs(cluster.url(0), 'tom');
    const reader = await connectAs(cluster.url(1), 'uma');
    const atReader = record(reader, 'user_typing');
    const db = await cluster.db();
    // The presence mirror creates users within a second of their first connect: let it settle.
    await eventually(
      async () => (await db.collection('users').countDocuments({ userId: { $in: ['tom', 'uma'] } })) === 2,
      'tom and uma in the presence mirror',
    );
    // Presence (isOnline, lastSeen) may still settle from earlier sockets; typing must touch nothing else.
    const snapshot = async () =>
      db
        .collection('users')
        .find({}, { projection: { isOnline: 0, lastSeen: 0 } })
        .sort({ userId: 1 })
        .toArray();
    const usersBefore = await snapshot();
    const collectionsBefore = (await db.listCollections().toArray()).map((c) => c.name).sort();
    const started = Date.now();
    for (let i = 0; i < 30; i++) await typist.emitWithAck('typing_start', { roomId: 'studio' });
    const elapsedSeconds = (Date.now() - started) / 1000;
    await typist.emitWithAck('typing_stop', { roomId: 'studio' });
    await eventually(() => atReader.some((e: UserTyping) => !e.isTyping), 'the stop');
    const starts = atReader.filter((e: UserTyping) => e.isTyping).length;
    expect(starts).toBeGreaterThanOrEqual(1);
    expect(starts).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    expect((await db.listCollections().toArray()).map((c) => c.name).sort()).toEqual(collectionsBefore);
    expect(await snapshot()).toEqual(usersBefore);
  });

  test('non-members cannot type in a room', async () => {
    const stranger = await connectAs(cluster.url(0), 'stranger');
    expect(await stranger.emitWithAck('typing_start', { roomId: 'studio' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('a closing tab', () => {
  let cluster: GatewayCluster;
  beforeAll(async () => {
    // A TTL far beyond the test: only the disconnect can end the typing in time.
    cluster = await GatewayCluster.start(`${__filename}-close`, 1, { TYPING_TTL_MS: '60000' });
    await createRoom(cluster.url(0), 'wes', 'desk', ['xia']);
  });
  afterAll(() => cluster.stop());

  test('stops its typing at once, without waiting for the TTL', async () => {
    const typist = await connectAs(cluster.url(0), 'wes');
    const reader = await connectAs(cluster.url(0), 'xia');
    const atReader = record(reader, 'user_typing');
    await typist.emitWithAck('typing_start', { roomId: 'desk' });
    await eventually(() => atReader.length === 1, 'xia told wes types');
    typist.close();
    await eventually(() => atReader.length === 2, 'the stop on close', 5000);
    expect(atReader[1]).toEqual({ roomId: 'desk', userId: 'wes', isTyping: false });
  });
});

test('the room is told isTyping: false after the TTL even when the typist’s pod was killed', async () => {
  const ns = uniqueNamespace(`${__filename}-kill`);
  const procs: ManagedProcess[] = [];
  try {
    const env = { TYPING_TTL_MS: '800' };
    const doomed = await spawnGateway(ns, 'gw-doomed', env);
    const steady = await spawnGateway(ns, 'gw-steady', env);
    procs.push(doomed.proc, steady.proc);
    await createRoom(steady.url, 'vera', 'wake', ['walt']);
    const reader = await connectAs(steady.url, 'walt');
    const atReader = record(reader, 'user_typing');
    const typist = await connectAs(doomed.url, 'vera');
    await typist.emitWithAck('typing_start', { roomId: 'wake' });
    await eventually(() => atReader.length === 1, 'walt told vera types');
    doomed.proc.kill('SIGKILL');
    await eventually(() => atReader.length === 2, 'the lapse announced by the surviving pod', 5000);
    expect(atReader[1]).toEqual({ roomId: 'wake', userId: 'vera', isTyping: false });
  } finally {
    closeAllClients();
    await Promise.allSettled(procs.map((p) => p.stop(2000)));
    await dropNamespace(ns, serviceUrls());
  }
});
