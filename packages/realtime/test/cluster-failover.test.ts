import { startRedisCluster } from '@campzone/testkit';
import { connectRedisClients, createStartupRedisConnection, FAILOVER_FOLLOWED, type FailoverFollowed, isCluster, keySlot } from '../src';

// A master killed with no restart: without the watch, node-redis v4 would keep sending this
// slot's commands to the dead node and keep the sharded subscription there, for good.
test('a client follows a failover by itself: commands and sharded subscriptions move to the promoted replica', async () => {
  const cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
  const target = {
    mode: 'cluster' as const,
    nodes: cluster.nodeList.split(',').map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })),
  };
  const command = createStartupRedisConnection(target);
  const sub = createStartupRedisConnection(target);
  const followed: FailoverFollowed[] = [];
  for (const client of [command, sub]) client.on('error', () => undefined);
  sub.on(FAILOVER_FOLLOWED, (detail: FailoverFollowed) => followed.push(detail));
  try {
    await connectRedisClients([command, sub]);
    if (!isCluster(command) || !isCluster(sub)) throw new Error('expected cluster clients');
    const heard: string[] = [];
    await sub.sSubscribe('{a}:channel', (message) => heard.push(message));
    await command.set('{a}:k', 'v');
    // Replication is asynchronous: the replica must hold the key before its master dies.
    await command.sendCommand('{a}:k', false, ['WAIT', '1', '5000']);

    const { killed, promoted } = await cluster.killMasterOf(keySlot('{a}:k'), 30_000);
    expect(promoted.port).not.toBe(killed.port);

    // Each try is bounded: a client stuck on the dead master queues the command for good.
    await waitFor(async () => (await bounded(command.get('{a}:k'))) === 'v');
    await waitFor(async () => {
      await bounded(command.sPublish('{a}:channel', 'after'));
      return heard.includes('after');
    });
    expect(followed.some((f) => f.from.includes(`127.0.0.1:${killed.port}`) && f.resubscribed === 1)).toBe(true);
  } finally {
    await Promise.allSettled([command.disconnect(), sub.disconnect()]);
    await cluster.stop();
  }
}, 120_000);

function bounded<T>(call: Promise<T>): Promise<T | undefined> {
  return Promise.race([call.catch(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
