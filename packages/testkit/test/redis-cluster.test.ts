import { createCluster } from 'redis';
import { startRedisCluster } from '../src';

// CLUSTER KEYSLOT of the key's hash tag decides its master; `{a}` and `{b}` land on different ones.
const SLOT_OF_A = 15495;

describe('startRedisCluster', () => {
  it('serves every slot from three masters; a killed master is replaced by its replica and rejoins as one', async () => {
    const cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
    const client = createCluster({ rootNodes: [{ url: cluster.nodes[0]?.url ?? '' }] });
    client.on('error', () => undefined);
    try {
      expect(cluster.nodes).toHaveLength(6);
      expect(cluster.nodeList.split(',')).toHaveLength(6);
      await client.connect();
      expect(client.masters).toHaveLength(3);
      await client.set('{a}:k', 'v');
      // Replication is asynchronous: make sure the replica holds the key before its master dies.
      await client.sendCommand('{a}:k', false, ['WAIT', '1', '5000']);
      const before = await cluster.masterOf(SLOT_OF_A);

      before.kill();
      await cluster.waitUntilHealthy(30_000);
      const after = await cluster.masterOf(SLOT_OF_A);
      expect(after.port).not.toBe(before.port);

      // node-redis v4 finds the new master through the MOVED answer of the restarted node.
      await before.restart();
      await cluster.waitUntilHealthy(30_000);
      expect((await cluster.masterOf(SLOT_OF_A)).port).toBe(after.port);
      await expect(client.get('{a}:k')).resolves.toBe('v');
    } finally {
      await client.disconnect().catch(() => undefined);
      await cluster.stop();
    }
  }, 120_000);
});
