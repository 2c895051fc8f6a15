import type { MessageSent } from '@campzone/protocol';
import type { ChatClientError } from '../src/chat-client-error';
import { Outbox } from '../src/outbox';
import { memoryOutboxStorage } from '../src/outbox-storage';
import { FakeScheduler, settle } from './fake-scheduler';
import { ackFor, disconnected, outboxHarness, record, serverError, timedOut } from './outbox-harness';

describe('Outbox', () => {
  it('sends the record as given and resolves with the ack', async () => {
    const { outbox, wire, scheduler, types } = outboxHarness();
    outbox.setOnline(true);
    const r = record('room-a', 'hello', scheduler.now(), { messageType: 'text' });
    const sent = outbox.enqueue(r);
    expect(wire).toHaveLength(1);
    expect(wire[0]!.payload).toEqual({
      roomId: 'room-a',
      content: 'hello',
      lamportTimestamp: r.lamportTimestamp,
      idempotencyKey: r.idempotencyKey,
      messageType: 'text',
    });
    wire[0]!.resolve(ackFor(wire[0]!.payload, 1));
    await expect(sent).resolves.toMatchObject({ seq: 1, idempotencyKey: r.idempotencyKey });
    expect(outbox.size).toBe(0);
    expect(types()).toEqual(['queued', 'sent']);
  });

  it('holds sends while offline and sends them when back online', async () => {
    const { outbox, wire, scheduler } = outboxHarness();
    void outbox.enqueue(record('room-a', 'offline', scheduler.now()));
    expect(wire).toHaveLength(0);
    outbox.setOnline(true);
    expect(wire).toHaveLength(1);
  });

  it('resends a send lost to a disconnect with the same key, content and timestamp, without counting an attempt', async () => {
    const { outbox, wire, scheduler } = outboxHarness({ maxAttempts: 1 });
    outbox.setOnline(true);
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    outbox.setOnline(false);
    wire[0]!.reject(disconnected());
    await settle();
    expect(wire).toHaveLength(1);
    outbox.setOnline(true);
    expect(wire).toHaveLength(2);
    expect(wire[1]!.payload).toEqual(wire[0]!.payload);
    wire[1]!.resolve(ackFor(wire[1]!.payload, 7, true));
    await expect(sent).resolves.toMatchObject({ seq: 7, duplicate: true });
  });

  it('retries UNAVAILABLE and timeouts with backoff, with the same key, until acknowledged', async () => {
    const { outbox, wire, scheduler, types } = outboxHarness();
    outbox.setOnline(true);
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    wire[0]!.reject(serverError('UNAVAILABLE'));
    await scheduler.advance(749); // first delay: 500 ms fixed + half of the other 500 (jitter 0.5)
    expect(wire).toHaveLength(1);
    await scheduler.advance(1);
    expect(wire).toHaveLength(2);
    wire[1]!.reject(timedOut());
    await scheduler.advance(1500); // second delay: 1000 ms fixed + half of the other 1000
    expect(wire).toHaveLength(3);
    expect(new Set(wire.map((w) => w.payload.idempotencyKey)).size).toBe(1);
    wire[2]!.resolve(ackFor(wire[2]!.payload, 3));
    await expect(sent).resolves.toMatchObject({ seq: 3 });
    expect(types()).toEqual(['queued', 'retrying', 'retrying', 'sent']);
  });

  it('waits as long as the server asks after RATE_LIMITED', async () => {
    const { outbox, wire, scheduler } = outboxHarness();
    outbox.setOnline(true);
    void outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    wire[0]!.reject(serverError('RATE_LIMITED', 4000));
    await scheduler.advance(3999);
    expect(wire).toHaveLength(1);
    await scheduler.advance(1);
    expect(wire).toHaveLength(2);
  });

  it.each(['VALIDATION_FAILED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE'] as const)('gives up at once on %s and never resends', async (code) => {
    const { outbox, wire, scheduler, events } = outboxHarness();
    outbox.setOnline(true);
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    wire[0]!.reject(serverError(code));
    await expect(sent).rejects.toMatchObject({ code, source: 'server' });
    await scheduler.advance(60_000);
    expect(wire).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { code } });
  });

  it('gives up after maxAttempts failed transmissions with the last error', async () => {
    const { outbox, wire, scheduler } = outboxHarness({ maxAttempts: 2 });
    outbox.setOnline(true);
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    wire[0]!.reject(timedOut());
    await scheduler.advance(750);
    wire[1]!.reject(timedOut());
    await expect(sent).rejects.toMatchObject({ code: 'UNAVAILABLE', source: 'timeout' });
    await scheduler.advance(60_000);
    expect(wire).toHaveLength(2);
  });

  it('gives up on a send still offline when it expires', async () => {
    const { outbox, wire, scheduler } = outboxHarness();
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now(), { expiresAt: scheduler.now() + 5000 }));
    const failure = sent.catch((err: ChatClientError) => err);
    await scheduler.advance(5000);
    expect(await failure).toMatchObject({ code: 'UNAVAILABLE', source: 'timeout' });
    outbox.setOnline(true);
    expect(wire).toHaveLength(0);
  });

  it('keeps one room in the order typed: the next send waits for the ack, and a retry is not overtaken', async () => {
    const { outbox, wire, scheduler } = outboxHarness();
    outbox.setOnline(true);
    void outbox.enqueue(record('room-a', 'first', scheduler.now()));
    void outbox.enqueue(record('room-a', 'second', scheduler.now()));
    void outbox.enqueue(record('room-b', 'other room', scheduler.now()));
    expect(wire.map((w) => w.payload.content)).toEqual(['first', 'other room']);
    wire[0]!.reject(serverError('UNAVAILABLE'));
    await scheduler.advance(500);
    expect(wire).toHaveLength(2); // 'second' waits behind 'first' in backoff
    await scheduler.advance(250);
    expect(wire.map((w) => w.payload.content)).toEqual(['first', 'other room', 'first']);
    wire[2]!.resolve(ackFor(wire[2]!.payload, 1));
    await settle();
    expect(wire.map((w) => w.payload.content)).toEqual(['first', 'other room', 'first', 'second']);
  });

  it('pipelines up to maxInFlightPerRoom sends of one room', () => {
    const { outbox, wire, scheduler } = outboxHarness({ maxInFlightPerRoom: 3 });
    outbox.setOnline(true);
    for (const content of ['a', 'b', 'c', 'd']) void outbox.enqueue(record('room-a', content, scheduler.now()));
    expect(wire.map((w) => w.payload.content)).toEqual(['a', 'b', 'c']);
  });

  it('a manual retry of a failed send reuses its key', async () => {
    const { outbox, wire, scheduler } = outboxHarness({ maxAttempts: 1 });
    outbox.setOnline(true);
    const r = record('room-a', 'hi', scheduler.now());
    const first = outbox.enqueue(r);
    wire[0]!.reject(timedOut());
    await expect(first).rejects.toBeDefined();
    const again = outbox.retry(r.idempotencyKey, 60_000);
    expect(wire[1]!.payload.idempotencyKey).toBe(r.idempotencyKey);
    wire[1]!.resolve(ackFor(wire[1]!.payload, 4, true));
    await expect(again).resolves.toMatchObject({ seq: 4 });
    await expect(outbox.retry('unknown-key', 60_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects waiting sends on close', async () => {
    const { outbox, scheduler } = outboxHarness();
    const sent = outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    outbox.close();
    await expect(sent).rejects.toMatchObject({ source: 'closed' });
  });
});

describe('Outbox persistence', () => {
  it('keeps unacknowledged sends in storage and removes them once acknowledged', async () => {
    const storage = memoryOutboxStorage();
    const { outbox, wire, scheduler } = outboxHarness();
    await outbox.attachStorage(storage);
    outbox.setOnline(true);
    void outbox.enqueue(record('room-a', 'one', scheduler.now()));
    void outbox.enqueue(record('room-a', 'two', scheduler.now()));
    await outbox.flushed();
    expect(storage.records.map((r) => r.content)).toEqual(['one', 'two']);
    wire[0]!.resolve(ackFor(wire[0]!.payload, 1));
    await settle();
    await outbox.flushed();
    expect(storage.records.map((r) => r.content)).toEqual(['two']);
  });

  it('after a reload, resends what the previous session never got acknowledged, with the same keys', async () => {
    const storage = memoryOutboxStorage();
    const before = outboxHarness();
    await before.outbox.attachStorage(storage);
    before.outbox.setOnline(true);
    void before.outbox.enqueue(record('room-a', 'typed before the reload', before.scheduler.now()));
    const lostKey = before.wire[0]!.payload.idempotencyKey;
    before.outbox.close(); // the tab closes with the send on the wire
    await before.outbox.flushed();

    const after = outboxHarness();
    await after.outbox.attachStorage(storage);
    expect(after.types()).toEqual(['queued']);
    after.outbox.setOnline(true);
    expect(after.wire.map((w) => [w.payload.idempotencyKey, w.payload.content])).toEqual([[lostKey, 'typed before the reload']]);
    after.wire[0]!.resolve(ackFor(after.wire[0]!.payload, 9, true));
    await settle();
    await after.outbox.flushed();
    expect(storage.records).toEqual([]);
  });

  it('merges stored sends with ones queued before the storage was attached, oldest first', async () => {
    const scheduler = new FakeScheduler();
    const older = record('room-a', 'older', scheduler.now() - 1000);
    const storage = memoryOutboxStorage([older]);
    const wire: string[] = [];
    const outbox = new Outbox({
      transmit: (p) => {
        wire.push(p.content);
        return new Promise<MessageSent>(() => undefined);
      },
      scheduler,
      maxAttempts: 3,
      retry: { baseMs: 1000, maxMs: 10_000 },
      maxInFlightPerRoom: 5,
    });
    void outbox.enqueue(record('room-a', 'newer', scheduler.now()));
    await outbox.attachStorage(storage);
    outbox.setOnline(true);
    expect(wire).toEqual(['older', 'newer']);
    await outbox.flushed();
    expect(storage.records.map((r) => r.content)).toEqual(['older', 'newer']);
  });

  it('keeps working from memory when the storage fails', async () => {
    const errors: unknown[] = [];
    const { outbox, wire, scheduler } = outboxHarness({ onError: (e) => errors.push(e) });
    await outbox.attachStorage({
      load: () => {
        throw new Error('corrupt');
      },
      save: () => {
        throw new Error('quota');
      },
    });
    outbox.setOnline(true);
    void outbox.enqueue(record('room-a', 'hi', scheduler.now()));
    await outbox.flushed();
    expect(wire).toHaveLength(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(expect.arrayContaining(['corrupt', 'quota']));
  });
});
