import { QueueName, SWEEP_SCHEDULER_ID } from '@campzone/queue';
import { keySlot, RedisKeys } from '@campzone/realtime';
import { ObjectId, type QueueLogDoc } from '@campzone/store';
import { type RedisCluster, redisModeOf, startRedisCluster } from '@campzone/testkit';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, record, send } from './harness/chat-clients';
import { Stack } from './harness/stack';

// Issue #16: on a Redis Cluster every BullMQ key lives in one slot ({<prefix>:bull}), and
// replication is asynchronous, so a master killed before its replica copied its last writes
// takes those jobs with it. Here the loss is made certain: right before the master is killed,
// the message's waiting delivery check and the sweep's schedule (with its next job) are removed
// on it (the removals reach the replica), as if the replica had never had them. The worker must
// follow the failover, recreate its queue Workers and schedule its sweeps again, and a sweep must
// find the message whose check was lost, so it still reaches every member and ends DELIVERED.
// A second room loses a rollup: every member acked its message, and nothing acks there again,
// so only the worker's rollups of recently active rooms after the failover can tick it. And the
// promoted replica lacks an ack: Eve acked and went offline (so nothing re-sends to her), and her
// cursor is removed before the kill. It comes back only through the gateway's MongoDB copy, up to
// two CURSOR_FLUSH_MS (30 s, the default) later; the worker's second round of rollups then ticks.

const onCluster = redisModeOf() === 'cluster';
/** The first check and the rollups 8 s after their cause: time to lose them, and fail over, before they run. */
const DELAYS = {
  DELIVERY_RETRY_DELAYS_MS: '8000,200,200',
  ROLLUP_DELAY_MS: '8000',
};

let cluster: RedisCluster | undefined;
let stack: Stack | undefined;
afterAll(async () => {
  closeAllClients();
  await stack?.stop();
  await cluster?.stop();
});

// It kills a master of a Redis Cluster of its own (like the chaos failover scenario): the cluster pass runs it.
(onCluster ? test : test.skip)(
  'jobs lost with a killed master (a delivery check, the sweep schedule, a rollup) are caught: the message reaches every member, both rooms tick DELIVERED',
  async () => {
    cluster = await startRedisCluster();
    const nodes = cluster.nodeList.split(',').map((node) => ({ host: node.split(':')[0] ?? '', port: Number(node.split(':')[1]) }));
    stack = await Stack.start(__filename, { redis: { mode: 'cluster', nodes }, gatewayEnv: DELAYS, workerEnv: DELAYS });
    const delivery = stack.queue(QueueName.delivery);
    const maintenance = stack.queue(QueueName.maintenance);
    const rollup = stack.queue(QueueName.rollup);

    await createRoom(stack.gatewayUrl, 'ann', 'failover', ['bob', 'cat', 'eve']);
    await createRoom(stack.gatewayUrl, 'ann', 'quiet', ['dan']);
    const ann = await connectAs(stack.gatewayUrl, 'ann');
    const bob = await connectAs(stack.gatewayUrl, 'bob');
    const cat = await connectAs(stack.gatewayUrl, 'cat');
    const dan = await connectAs(stack.gatewayUrl, 'dan');
    const eve = await connectAs(stack.gatewayUrl, 'eve');
    ackEverything(ann);
    ackEverything(cat);
    ackEverything(dan);
    ackEverything(eve);
    const toDan = record(dan, 'new_message');
    const toBob = record(bob, 'new_message');
    const toCat = record(cat, 'new_message');
    const toAnn = record(ann, 'message_status');
    // Bob's ack of the live copy is lost; he acks the copies that follow.
    bob.on('new_message', (m) => {
      if (toBob.length > 1) bob.emit('ack', { roomId: m.roomId, seq: m.seq });
    });

    const quiet = await send(ann, 'quiet', 'acked by everyone before the failover');
    await eventually(() => toDan.length === 1, "the quiet room's broadcast");
    const sent = await send(ann, 'failover', 'still there after the failover?');
    await eventually(() => toBob.length === 1 && toCat.length === 1, 'the live broadcast');
    const cursors = await delivery.client;
    const ackedIn = new RedisKeys(stack.ns.prefix).deliveredCursors('failover');
    await eventually(async () => Number(await cursors.hget(ackedIn, 'eve')) >= sent.seq, "eve's ack");
    eve.disconnect();
    // Dan's and Cat's acks queued the rooms' rollups, waiting their 8 s.
    await eventually(async () => ((await rollup.getJobCounts('delayed')).delayed ?? 0) >= 2, "both rooms' rollups, delayed");
    // The worker ran the gateway's track job, which left the first check waiting its 8 s.
    await eventually(async () => ((await delivery.getJobCounts('delayed')).delayed ?? 0) >= 1, 'the first check, delayed');

    // Every queue's keys live in the slot of the prefix's hash tag, on the master killed next.
    await delivery.drain(true);
    await rollup.drain(true);
    expect(await cursors.hdel(ackedIn, 'eve')).toBe(1);
    expect(await maintenance.removeJobScheduler(SWEEP_SCHEDULER_ID)).toBe(true);
    const { killed, promoted } = await cluster.killMasterOf(keySlot(stack.bullPrefix));
    expect(promoted.port).not.toBe(killed.port);

    // The check never ran: nothing in MongoDB says the message was tracked.
    const queueLog = (await stack.db()).collection<QueueLogDoc>('message_queue_log');
    expect(await queueLog.findOne({ roomId: 'failover', _id: new ObjectId(sent.messageId) })).toBeNull();

    const worker = stack.workers[0];
    if (!worker) throw new Error('no worker');
    await worker.proc.waitForLine(/"msg":"sweep and webhook schedules upserted after a redis failover"/, 30_000);
    await eventually(() => toBob.length >= 2, 'a sweep to find the message and re-send it to bob', 60_000);
    expect(toBob[1]?.payload).toMatchObject({ messageId: sent.messageId, seq: sent.seq });
    // Bob's ack of the copy closes the entry the sweep's check opened: the member-level DELIVERED.
    await eventually(
      async () => (await queueLog.findOne({ roomId: 'failover', _id: new ObjectId(sent.messageId) }))?.status === 'DELIVERED',
      'the queue-log entry to say DELIVERED',
      30_000,
    );
    // The message's own status: a rollup job after the failover, taken by the worker's new
    // rollup Worker (the one from before the failover could stay blocked for good).
    const delivered = (roomId: string, seq: number) =>
      toAnn.some((e) => e.payload.roomId === roomId && e.payload.status === 'DELIVERED' && (e.payload.uptoSeq ?? 0) >= seq);
    // Eve's ack is back from MongoDB two copy intervals after the failover, at the latest.
    await eventually(() => delivered('failover', sent.seq), 'DELIVERED announced to the sender', 120_000);
    // Nothing acked in the quiet room after the failover: its tick is the worker's catch-up rollup.
    await eventually(() => delivered('quiet', quiet.seq), "the quiet room's DELIVERED, though its rollup was lost", 30_000);
    // Cat acked the live copy: the sweep sent her nothing.
    expect(toCat).toHaveLength(1);
  },
  300_000,
);
