import { existsSync } from 'node:fs';
import { workerEntry } from '../cluster/repo-paths';
import { sleep, waitUntil } from '../load/concurrency';
import { newRunId } from '../load/room-plan';
import { withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { connectRaw, createRoomAs } from './raw-member';
import { StoreProbe } from './store-probe';

/** Short retry delays, so the whole schedule fits in seconds; the kill lands between retries. */
const RETRY_DELAYS_MS = [1500, 3000, 4500];

/**
 * A member that never acks makes the worker re-send a message on its schedule; the worker is
 * killed (-9) after the first re-send and another one started. The schedule must complete
 * exactly once: every retry delivered, none twice, and the queue log marked FAILED once.
 */
export const workerKillScenario: ChaosScenario = {
  name: 'worker-kill',
  title: 'kill the worker mid-retry and start another',
  run: async (context) => {
    if (!existsSync(workerEntry())) return { checks: [], facts: {}, skipped: `the worker is not built (${workerEntry()})` };
    return withCluster(
      context,
      'worker',
      { worker: true, env: { DELIVERY_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(',') } },
      async (cluster) => {
        const id = newRunId();
        const roomId = `wk${id}`;
        const senderId = `wk${id}s`;
        const silentId = `wk${id}m`;
        await createRoomAs(cluster.urls[0]!, senderId, roomId, [silentId]);
        const sender = await connectRaw(cluster.urls[0]!, senderId);
        // On another pod, so the worker's re-send crosses the cluster like a real one.
        const silent = await connectRaw(cluster.urls[1]!, silentId);
        const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
        try {
          const deliveries: number[] = [];
          let messageId = '';
          silent.on('new_message', (m) => {
            if (m.messageId === messageId || (!messageId && m.roomId === roomId)) deliveries.push(Date.now());
          });
          const sent = await sender
            .timeout(10_000)
            .emitWithAck('send_message', { roomId, content: 'never acked', lamportTimestamp: 0, idempotencyKey: `wk-${id}` });
          if (!sent.ok) throw new Error(`send refused: ${sent.error.code} ${sent.error.message}`);
          messageId = sent.messageId;
          // The sender holds its own message; only the silent member is owed re-sends.
          sender.emit('ack', { roomId, seq: sent.seq });

          const firstRetry = await waitUntil(() => deliveries.length >= 2, RETRY_DELAYS_MS[0]! + 15_000);
          context.log(`worker-kill: ${deliveries.length} deliveries so far; kill -9 the worker and start another`);
          await cluster.killWorker('SIGKILL');
          await cluster.startWorker();
          const failed = await waitUntil(async () => (await probe.queueLog(messageId)).some((e) => e.status === 'FAILED'), 90_000, 250);
          // A duplicate retry would come at most one delay after the last: give it the time.
          await sleep(RETRY_DELAYS_MS.at(-1)! + 1500);
          const log = await probe.queueLog(messageId);
          const expected = 1 + RETRY_DELAYS_MS.length;
          return {
            checks: [
              check(
                'the first retry reached the silent member before the kill',
                firstRetry,
                `${deliveries.length} deliveries before the kill`,
              ),
              check(
                'the retry schedule completes once (every re-send, none twice)',
                deliveries.length === expected,
                `${deliveries.length} deliveries of the message to the silent member; expected ${expected} (1 live + ${RETRY_DELAYS_MS.length} retries)`,
              ),
              check(
                'the queue log is marked FAILED once',
                failed && log.length === 1 && log[0]?.status === 'FAILED',
                `${log.length} log entries: ${JSON.stringify(log.map((e) => ({ status: e.status, retryCount: e.retryCount, errorMessage: e.errorMessage })))}`,
              ),
            ],
            facts: { deliveries: deliveries.length, gapsMs: deliveries.slice(1).map((t, i) => t - deliveries[i]!) },
          };
        } finally {
          sender.close();
          silent.close();
          await probe.close();
        }
      },
    );
  },
};
