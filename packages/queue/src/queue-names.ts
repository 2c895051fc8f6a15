/**
 * Queue and job names shared by the gateway (producer) and the worker (consumer).
 * Do not change the values: jobs already queued under a name would be stranded.
 */
export const QueueName = {
  /** Delivery tracking: one `track` job per producer batch, then one `check` job per retry stage. */
  delivery: 'chat-delivery',
  /** Message status rollups (DELIVERED / READ), coalesced per room, and thread summaries, per root. */
  rollup: 'chat-rollup',
  /** Repeatable sweeps: lost delivery tracking, the queue log's lost entries and retention. */
  maintenance: 'chat-maintenance',
  /** Web Push to offline members: one delayed job per (room, member), folding that room's messages. */
  notify: 'chat-notify',
  /** Uploaded attachments: scan, measure and thumbnail each one; delete a deleted message's objects. */
  attachments: 'chat-attachments',
  /** Outgoing webhooks: `dispatch` turns stored events into one `deliver` job per subscribed webhook. */
  webhooks: 'chat-webhooks',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Do not change the values either: a worker dispatches on them. */
export const JobName = {
  deliveryTrack: 'track',
  deliveryCheck: 'check',
  rollup: 'rollup',
  threadSummary: 'thread-summary',
  sweep: 'sweep',
  notify: 'notify',
  attachmentProcess: 'attachment-process',
  attachmentPurge: 'attachment-purge',
  webhookDispatch: 'dispatch',
  webhookDeliver: 'deliver',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];
