import { type ConnectionOptions, Queue } from 'bullmq';
import { Cluster, type RedisOptions } from 'ioredis';
import type {
  AttachmentProcessJob,
  AttachmentPurgeJob,
  DeliveryCheckJob,
  DeliveryTrackJob,
  NotifyJob,
  RollupJob,
  SweepJob,
  WebhookDeliverJob,
  WebhookDispatchJob,
} from './job-schemas';
import { QueueName } from './queue-names';

/** A Redis URL, or BullMQ connection options (ioredis options or a client). */
export type QueueConnection = string | ConnectionOptions;

export interface QueueSettings {
  connection: QueueConnection;
  /** RedisKeys.bullPrefix(): queues live under `<prefix>:<queue name>`. */
  prefix: string;
}

/** Where Redis is (the config package's RedisTarget). */
export type QueueRedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: ReadonlyArray<{ host: string; port: number }> }
  | { mode: 'sentinel'; sentinels: ReadonlyArray<{ host: string; port: number }>; masterName: string };

/**
 * What BullMQ connects through: the URL of one Redis, or one ioredis Cluster shared by every
 * queue and worker of the process (BullMQ duplicates it for blocking reads and leaves it open:
 * the caller quits it at shutdown). On a cluster, the prefix must be one hash tag
 * (RedisKeys.bullPrefix('cluster')) so each queue's keys share a slot, as BullMQ requires.
 */
export function createQueueConnection(target: QueueRedisTarget): { connection: QueueConnection; close(): Promise<void> } {
  if (target.mode === 'single') return { connection: target.url, close: async () => undefined };
  if (target.mode === 'sentinel') {
    // ioredis asks the sentinels for the master and asks again on every reconnect, so BullMQ
    // follows a failover by itself. BullMQ's production guide: maxRetriesPerRequest null (a
    // worker's blocking read waits out the failover instead of failing after N retries) and
    // the offline queue on, so commands issued while reconnecting wait for the new master.
    // Each queue and worker makes its own ioredis client from these options.
    const options: RedisOptions = {
      sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: target.masterName,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      // A replica answers -READONLY to writes (a demoted master before Sentinel reconfigures it): reconnect, re-asking the sentinels.
      reconnectOnError: (err) => err.message.startsWith('READONLY'),
    };
    return { connection: options, close: async () => undefined };
  }
  // Workers block on BZPOPMIN: a command must wait out a failover instead of failing after N retries.
  const cluster = new Cluster(
    target.nodes.map((node) => ({ host: node.host, port: node.port })),
    { redisOptions: { maxRetriesPerRequest: null } },
  );
  // An 'error' event without a listener would throw; ioredis reconnects and refreshes slots by itself.
  cluster.on('error', () => undefined);
  return {
    connection: cluster,
    close: async () => {
      await cluster.quit().catch(() => cluster.disconnect());
    },
  };
}

/** BullMQ connection options from a URL or options. */
export function connectionOptions(connection: QueueConnection): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection } : connection;
}

export type DeliveryQueue = Queue<DeliveryTrackJob | DeliveryCheckJob>;
export type RollupQueue = Queue<RollupJob>;
export type MaintenanceQueue = Queue<SweepJob>;
export type NotifyQueue = Queue<NotifyJob>;
export type AttachmentQueue = Queue<AttachmentProcessJob | AttachmentPurgeJob>;
export type WebhookQueue = Queue<WebhookDispatchJob | WebhookDeliverJob>;

export interface ChatQueues {
  delivery: DeliveryQueue;
  rollup: RollupQueue;
  maintenance: MaintenanceQueue;
  notify: NotifyQueue;
  attachments: AttachmentQueue;
  webhooks: WebhookQueue;
}

/** Every queue of the system, for the worker (which also produces) and tools. */
export function openQueues(settings: QueueSettings): ChatQueues {
  const opts = { connection: connectionOptions(settings.connection), prefix: settings.prefix };
  return {
    delivery: new Queue<DeliveryTrackJob | DeliveryCheckJob>(QueueName.delivery, opts),
    rollup: new Queue<RollupJob>(QueueName.rollup, opts),
    maintenance: new Queue<SweepJob>(QueueName.maintenance, opts),
    notify: new Queue<NotifyJob>(QueueName.notify, opts),
    attachments: new Queue<AttachmentProcessJob | AttachmentPurgeJob>(QueueName.attachments, opts),
    webhooks: new Queue<WebhookDispatchJob | WebhookDeliverJob>(QueueName.webhooks, opts),
  };
}

export async function closeQueues(queues: ChatQueues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((q: Queue) => q.close()));
}
