import { ChangeQueue } from '../src/change-queue';
import { ChatClientError } from '../src/chat-client-error';
import { FakeScheduler, settle } from './fake-scheduler';

interface Attempt {
  lane: string;
  label: string;
  resolve(value: string): void;
  reject(err: ChatClientError): void;
}

function queueHarness(options: { maxAttempts?: number; maxAgeMs?: number } = {}) {
  const scheduler = new FakeScheduler();
  const wire: Attempt[] = [];
  const retries: number[] = [];
  const queue = new ChangeQueue({
    scheduler,
    maxAttempts: options.maxAttempts ?? 5,
    maxAgeMs: options.maxAgeMs ?? 60_000,
    retry: { baseMs: 500, maxMs: 30_000 },
    random: () => 0.5,
    onRetrying: (_event, _error, delayMs) => retries.push(delayMs),
  });
  const ask = (lane: string, label: string) =>
    queue.enqueue(lane, 'edit_message', () => new Promise<string>((resolve, reject) => wire.push({ lane, label, resolve, reject })));
  return { scheduler, wire, retries, queue, ask };
}

const server = (code: ChatClientError['code'], retryAfterMs?: number) =>
  new ChatClientError(code, code, 'server', 'edit_message', retryAfterMs);
const lost = () => new ChatClientError('UNAVAILABLE', 'connection lost', 'disconnected', 'edit_message');

describe('ChangeQueue', () => {
  it('waits while offline, sends when online and resolves with the answer', async () => {
    const { queue, wire, ask } = queueHarness();
    const edit = ask('m1', 'edit');
    expect(wire).toHaveLength(0);
    queue.setOnline(true);
    expect(wire.map((a) => a.label)).toEqual(['edit']);
    wire[0]!.resolve('answered');
    await expect(edit).resolves.toBe('answered');
    expect(queue.size).toBe(0);
  });

  it('sends a change lost to a disconnect again after the reconnect, without counting an attempt', async () => {
    const { queue, wire, ask } = queueHarness({ maxAttempts: 1 });
    queue.setOnline(true);
    const edit = ask('m1', 'edit');
    queue.setOnline(false);
    wire[0]!.reject(lost());
    await settle();
    expect(wire).toHaveLength(1);
    queue.setOnline(true);
    expect(wire).toHaveLength(2);
    wire[1]!.resolve('once');
    await expect(edit).resolves.toBe('once');
  });

  it('retries a retryable answer with backoff, honouring retryAfterMs, and gives up after maxAttempts', async () => {
    const { queue, wire, ask, scheduler, retries } = queueHarness({ maxAttempts: 3 });
    queue.setOnline(true);
    const edit = ask('m1', 'edit');
    wire[0]!.reject(server('RATE_LIMITED', 4000));
    await settle();
    expect(retries).toEqual([4000]);
    await scheduler.advance(3999);
    expect(wire).toHaveLength(1);
    await scheduler.advance(1);
    expect(wire).toHaveLength(2);
    wire[1]!.reject(server('UNAVAILABLE'));
    await scheduler.advance(30_000);
    wire[2]!.reject(server('INTERNAL'));
    await expect(edit).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(wire).toHaveLength(3);
  });

  it('a final answer rejects at once and lets the next change of the lane go', async () => {
    const { queue, wire, ask } = queueHarness();
    queue.setOnline(true);
    const first = ask('m1', 'edit someone else’s');
    const second = ask('m1', 'react');
    expect(wire.map((a) => a.label)).toEqual(['edit someone else’s']);
    wire[0]!.reject(server('FORBIDDEN'));
    await expect(first).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(wire.map((a) => a.label)).toEqual(['edit someone else’s', 'react']);
    wire[1]!.resolve('ok');
    await expect(second).resolves.toBe('ok');
  });

  it('keeps the order asked within a message, and lets other messages go meanwhile', async () => {
    const { queue, wire, ask } = queueHarness();
    queue.setOnline(true);
    const add = ask('m1', 'add 👍');
    const remove = ask('m1', 'remove 👍');
    const other = ask('m2', 'pin');
    expect(wire.map((a) => a.label)).toEqual(['add 👍', 'pin']);
    wire[0]!.resolve('added');
    await add;
    await settle();
    expect(wire.map((a) => a.label)).toEqual(['add 👍', 'pin', 'remove 👍']);
    wire[1]!.resolve('pinned');
    wire[2]!.resolve('removed');
    await expect(Promise.all([remove, other])).resolves.toEqual(['removed', 'pinned']);
  });

  it('gives up a change not answered within maxAgeMs, also while offline', async () => {
    const { wire, ask, scheduler } = queueHarness({ maxAgeMs: 10_000 });
    const given = expect(ask('m1', 'edit')).rejects.toMatchObject({ code: 'UNAVAILABLE', source: 'timeout' });
    await scheduler.advance(10_000);
    await given;
    expect(wire).toHaveLength(0);
  });

  it('close() rejects what is waiting and refuses new changes', async () => {
    const { queue, ask } = queueHarness();
    const edit = ask('m1', 'edit');
    queue.close();
    await expect(edit).rejects.toMatchObject({ source: 'closed' });
    await expect(ask('m1', 'again')).rejects.toMatchObject({ source: 'closed' });
  });
});
