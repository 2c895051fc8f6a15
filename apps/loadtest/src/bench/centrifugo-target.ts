import { uniqueNamespace } from '@campzone/testkit';
import { CentrifugeRun } from '../centrifugo/centrifuge-run';
import { CentrifugoCluster } from '../centrifugo/centrifugo-cluster';
import { installCentrifugo } from '../centrifugo/centrifugo-installer';
import { newRunId } from '../load/room-plan';
import type { TargetResult } from './bench-report';
import { type BenchContext, driveTarget, halfRate, idleMemory, JWT_SECRET } from './bench-targets';

/**
 * One round of Centrifugo v6.9.1: 3 nodes on the bench's Redis (a 4th fresh one for memory),
 * driven like the others: the same rooms, members, senders, payloads and phases, through
 * Centrifugo's own JavaScript SDK. Sends are client publishes over the sender's connection,
 * the closest to our send_message: answered once Centrifugo has added the publication to the
 * channel's history stream in Redis and broadcast it.
 */
export async function benchCentrifugo(ctx: BenchContext, sameRate: number | undefined): Promise<TargetResult> {
  const { options, services, log } = ctx;
  const binary = await installCentrifugo((line) => log(`centrifugo: ${line}`));
  log('centrifugo: 3 nodes on Redis, history and recovery on (+1 fresh node for memory)');
  const cluster = await CentrifugoCluster.start({
    binary,
    nodes: 4,
    redisUrl: services.redisUrl,
    prefix: uniqueNamespace('bench-centrifugo').prefix,
    hmacSecret: JWT_SECRET,
  });
  try {
    const memoryNode = cluster.nodes[3]!;
    const memory =
      options.memoryLevels.length > 0
        ? await idleMemory('centrifugo', memoryNode.url, memoryNode.proc.pid, options, log, 'centrifugo')
        : undefined;
    const urls = cluster.urls.slice(0, 3);
    const sampled = () => {
      const pids = cluster.pids();
      delete pids['centrifugo-4'];
      return { ...pids, ...ctx.infra() };
    };
    const open = (say: (line: string) => void) =>
      CentrifugeRun.start(
        {
          urls,
          runId: newRunId(),
          rooms: options.rooms,
          membersPerRoom: options.members,
          sendersPerRoom: options.senders,
          payloadBytes: options.payloadBytes,
          hmacSecret: JWT_SECRET,
          connectConcurrency: 50,
          connectTimeoutMs: 30_000,
        },
        say,
      );
    const result = await driveTarget('centrifugo', urls, open, sampled, () => ({}), ctx);
    result.memory = memory;
    Object.assign(result, await halfRate('centrifugo', open, result.maxAcceptedPerSec, sameRate, sampled, () => ({}), ctx));
    return result;
  } finally {
    await cluster.stop();
  }
}
