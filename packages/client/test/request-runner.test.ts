import { ChatClientError } from '../src/chat-client-error';
import { parseAck, RequestRunner } from '../src/request-runner';
import type { ChatTransport } from '../src/transport';
import { FakeScheduler } from './fake-scheduler';

class WireTransport implements ChatTransport {
  connected = true;
  socketId = 'sock-1';
  readonly wire: Array<{ event: string; payload: unknown; ack: ((response: unknown) => void) | undefined }> = [];
  emit(event: string, payload: unknown, ack?: (response: unknown) => void): void {
    this.wire.push({ event, payload, ack });
  }
  connect(): void {}
  disconnect(): void {}
}

function harness() {
  const scheduler = new FakeScheduler();
  const transport = new WireTransport();
  const runner = new RequestRunner(() => transport, scheduler, 1000);
  return { scheduler, transport, runner };
}

describe('RequestRunner', () => {
  it('resolves with the payload of an ok ack', async () => {
    const { transport, runner } = harness();
    const reply = runner.request('join_room', { roomId: 'room-a' });
    expect(transport.wire[0]).toMatchObject({ event: 'join_room', payload: { roomId: 'room-a' } });
    transport.wire[0]!.ack!({ ok: true, roomId: 'room-a', message: 'joined' });
    await expect(reply).resolves.toMatchObject({ roomId: 'room-a', message: 'joined' });
  });

  it('rejects with the protocol error code of a failed ack', async () => {
    const { transport, runner } = harness();
    const reply = runner.request('join_room', { roomId: 'room-a' });
    transport.wire[0]!.ack!({ ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
    const err = await reply.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatClientError);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'not a member', source: 'server', event: 'join_room', retryable: false });
  });

  it('rejects with UNAVAILABLE (timeout) when no answer comes in time, and ignores a late answer', async () => {
    const { transport, runner, scheduler } = harness();
    const reply = runner.request('sync', { roomId: 'room-a', afterSeq: 0 });
    const outcome = reply.catch((e: unknown) => e);
    await scheduler.advance(1000);
    expect(await outcome).toMatchObject({ code: 'UNAVAILABLE', source: 'timeout', retryable: true });
    transport.wire[0]!.ack!({ ok: true, roomId: 'room-a', messages: [], count: 0, latestSeq: 0, hasMore: false });
  });

  it('waits for the connection instead of buffering, then sends once', async () => {
    const { transport, runner } = harness();
    transport.connected = false;
    const reply = runner.request('get_online_users', { roomId: 'room-a' });
    expect(transport.wire).toHaveLength(0);
    transport.connected = true;
    runner.connected();
    runner.connected();
    expect(transport.wire).toHaveLength(1);
    transport.wire[0]!.ack!({ ok: true, roomId: 'room-a', onlineUsers: ['bob'], count: 1 });
    await expect(reply).resolves.toMatchObject({ count: 1 });
  });

  it('fails a request on the wire at once when the socket drops', async () => {
    const { transport, runner } = harness();
    const reply = runner.request('mark_read', { roomId: 'room-a', messageId: 'a'.repeat(24) });
    transport.connected = false;
    runner.disconnected();
    await expect(reply).rejects.toMatchObject({ code: 'UNAVAILABLE', source: 'disconnected' });
  });

  it('fails everything on close and refuses new requests', async () => {
    const { runner, transport } = harness();
    transport.connected = false;
    const waiting = runner.request('join_room', { roomId: 'room-a' });
    runner.close();
    await expect(waiting).rejects.toMatchObject({ source: 'closed' });
    await expect(runner.request('join_room', { roomId: 'room-a' })).rejects.toMatchObject({ source: 'closed' });
  });
});

describe('parseAck', () => {
  it('treats malformed answers and unknown codes as INTERNAL', () => {
    expect(parseAck(undefined, 'sync')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(parseAck('ok', 'sync')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(parseAck({ ok: false, error: { code: 'TEAPOT', message: 'x' } }, 'sync')).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(parseAck({ ok: false }, 'sync')).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'sync failed' } });
  });

  it('keeps a RATE_LIMITED retry hint', () => {
    const outcome = parseAck({ ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 250 } }, 'send_message');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: 250, retryable: true } });
  });
});
