import { LuaRunner, Presence, type RedisClient, type ScriptClient } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let presence: Presence;
beforeAll(async () => {
  rt = await openRealtime();
  presence = new Presence(rt.lua, rt.keys, rt.client);
});
afterAll(() => rt.close());

/** Makes a pod's lease lapse now, on Redis's clock, as a stall past the lease would. */
const lapse = (podId: string) => rt.client.zAdd(rt.keys.presencePods(), { score: 0, value: podId });

test('a user with sockets on two pods stays online until both close', async () => {
  expect(await presence.connect('pod-a', 'ann')).toBe(1);
  expect(await presence.connect('pod-b', 'ann')).toBe(2);
  expect(await presence.disconnect('pod-a', 'ann')).toBe(1);
  expect(await presence.onlineUsers(['ann', 'nobody'])).toEqual(new Set(['ann']));
  expect(await presence.disconnect('pod-b', 'ann')).toBe(0);
  expect(await presence.onlineUsers(['ann'])).toEqual(new Set());
});

test('a pod whose lease lapsed is swept once, taking offline only users with no socket elsewhere', async () => {
  await presence.heartbeat('pod-dead', 60_000, true);
  await presence.heartbeat('pod-live', 60_000, true);
  await presence.connect('pod-dead', 'solo');
  await presence.connect('pod-dead', 'both');
  await presence.connect('pod-live', 'both');
  await lapse('pod-dead');
  const [first, second] = await Promise.all([presence.sweep(), presence.sweep()]);
  const claimed = [...(first ?? []), ...(second ?? [])];
  expect(claimed).toEqual([{ podId: 'pod-dead', wentOffline: ['solo'] }]);
  expect(await presence.onlineUsers(['solo', 'both'])).toEqual(new Set(['both']));
  expect(await presence.disconnect('pod-dead', 'both')).toBe(-1);
});

test('a lease renewed after a sweeper listed it as lapsed is not claimed', async () => {
  await presence.heartbeat('pod-slow', 60_000, true);
  await presence.connect('pod-slow', 'sam');
  await lapse('pod-slow');
  expect(await rt.lua.run('presenceLapsed', [rt.keys.presencePods()], [20])).toContain('pod-slow');
  expect(await presence.heartbeat('pod-slow', 60_000)).toBe(true);
  const claimKeys = [rt.keys.presencePods(), rt.keys.presenceOnline(), rt.keys.presencePod('pod-slow')];
  expect(await rt.lua.run('presenceClaim', claimKeys, ['pod-slow', ''])).toEqual([0]);
  expect(await presence.onlineUsers(['sam'])).toEqual(new Set(['sam']));
});

test('a pod claims its own previous life at start', async () => {
  await presence.heartbeat('pod-reborn', 60_000, true);
  await presence.connect('pod-reborn', 'ghost');
  expect(await presence.sweep('pod-reborn')).toEqual([{ podId: 'pod-reborn', wentOffline: ['ghost'] }]);
});

test('the heartbeat reports a lease lost to a sweep, but not the first one it takes', async () => {
  expect(await presence.heartbeat('pod-new', 60_000, true)).toBe(true);
  expect(await presence.heartbeat('pod-new', 60_000)).toBe(true);
  await lapse('pod-new');
  expect((await presence.sweep()).map((p) => p.podId)).toEqual(['pod-new']);
  expect(await presence.heartbeat('pod-new', 60_000)).toBe(false);
  // Reporting it does not take the lease back: the pod's sockets are not counted yet.
  expect(await presence.heartbeat('pod-new', 60_000)).toBe(false);
});

test('a recount after a lost lease counts every open socket once, however connects raced the sweep', async () => {
  await presence.heartbeat('pod-stalled', 60_000, true);
  await presence.connect('pod-stalled', 'uma'); // online only here
  await presence.connect('pod-stalled', 'vic'); // two sockets here, one of which closes after the sweep
  await presence.connect('pod-stalled', 'vic');
  await presence.connect('pod-stalled', 'wes'); // also online on another pod
  await presence.connect('pod-other', 'wes');
  await presence.connect('pod-stalled', 'xan'); // its socket closed, the disconnect lost to a Redis error
  await lapse('pod-stalled');
  expect(await presence.sweep()).toEqual([{ podId: 'pod-stalled', wentOffline: ['uma', 'vic', 'xan'] }]);

  // Between the sweep and the pod's next heartbeat: one of vic's sockets closes, zed connects.
  expect(await presence.disconnect('pod-stalled', 'vic')).toBe(-1);
  expect(await presence.connect('pod-stalled', 'zed')).toBe(1);
  expect(await presence.heartbeat('pod-stalled', 60_000)).toBe(false);

  const open = new Map([
    ['uma', 1],
    ['vic', 1],
    ['wes', 1],
    ['zed', 1],
  ]);
  expect(await presence.recount('pod-stalled', 60_000, open)).toEqual({ cameOnline: ['uma', 'vic'], wentOffline: [] });
  // Idempotent: the same truth again changes nothing.
  expect(await presence.recount('pod-stalled', 60_000, open)).toEqual({ cameOnline: [], wentOffline: [] });
  const counts = await rt.client.hmGet(rt.keys.presenceOnline(), ['uma', 'vic', 'wes', 'xan', 'zed']);
  expect(counts).toEqual(['1', '1', '2', null, '1']);
  expect(await presence.heartbeat('pod-stalled', 60_000)).toBe(true);

  // A socket counted on the pod and not open there any more is taken out.
  await presence.connect('pod-stalled', 'yan');
  open.delete('uma');
  expect(await presence.recount('pod-stalled', 60_000, open)).toEqual({ cameOnline: [], wentOffline: ['uma', 'yan'] });
  for (const user of ['vic', 'wes', 'zed']) await presence.disconnect('pod-stalled', user);
  await presence.disconnect('pod-other', 'wes');
  expect(await presence.onlineUsers(['uma', 'vic', 'wes', 'xan', 'yan', 'zed'])).toEqual(new Set());
});

describe('every presence script touches only the keys it is given (Redis Cluster refuses others)', () => {
  /** Every key under the test's prefix, with its content, to see what a script changed. */
  const snapshot = async (client: RedisClient, prefix: string): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const key of await client.keys(`${prefix}:*`)) {
      const type = await client.type(key);
      const content =
        type === 'hash' ? await client.hGetAll(key) : type === 'zset' ? await client.zRangeWithScores(key, 0, -1) : await client.get(key);
      out.set(key, `${type}:${JSON.stringify(content)}`);
    }
    return out;
  };

  test('connect, disconnect, heartbeat, sweep and recount write no key outside their KEYS', async () => {
    const undeclared: string[] = [];
    // One script at a time, so each snapshot pair sees only that script's writes.
    let previous: Promise<unknown> = Promise.resolve();
    const audit = async (sha: string, options: { keys: string[]; arguments: string[] }) => {
      const before = await snapshot(rt.client, rt.keys.prefix);
      const reply = await rt.client.evalSha(sha, options);
      const after = await snapshot(rt.client, rt.keys.prefix);
      for (const key of new Set([...before.keys(), ...after.keys()])) {
        if (before.get(key) !== after.get(key) && !options.keys.includes(key)) undeclared.push(key);
      }
      return reply;
    };
    // node-redis types evalSha as an overload set; LuaRunner uses only (sha, {keys, arguments}).
    const evalSha = (sha: string, options: { keys: string[]; arguments: string[] }) => {
      const run = previous.then(() => audit(sha, options));
      previous = run.catch(() => undefined);
      return run;
    };
    const auditing: ScriptClient = {
      evalSha: evalSha as ScriptClient['evalSha'],
      // The NOSCRIPT fallback is audited too: load, then run by SHA.
      eval: (async (source: string, options: { keys: string[]; arguments: string[] }) =>
        evalSha(await rt.client.scriptLoad(source), options)) as ScriptClient['eval'],
    };
    const audited = new Presence(new LuaRunner(auditing), rt.keys, rt.client);

    await audited.heartbeat('pod-audit-1', 60_000, true);
    await audited.heartbeat('pod-audit-2', 60_000, true);
    await audited.connect('pod-audit-1', 'amy');
    await audited.connect('pod-audit-2', 'bo');
    await audited.connect('pod-audit-2', 'cy');
    await audited.disconnect('pod-audit-2', 'cy');
    await lapse('pod-audit-1');
    await lapse('pod-audit-2');
    const swept = await audited.sweep('pod-audit-3');
    expect(swept.map((p) => p.podId).sort()).toEqual(['pod-audit-1', 'pod-audit-2', 'pod-audit-3']);
    expect(undeclared).toEqual([]);
    expect(await audited.heartbeat('pod-audit-1', 60_000)).toBe(false);
    await audited.recount('pod-audit-1', 60_000, new Map([['amy', 1]]));
    await audited.sweep('pod-audit-1');
    expect(undeclared).toEqual([]);
  });
});
