import { IdempotencyKeySchema } from '@campzone/protocol';
import { createChatClient } from '../src/chat-client';
import { memoryOutboxStorage } from '../src/outbox-storage';
import { clientHarness } from './client-harness';
import { FakeGateway } from './fake-gateway';
import { settle } from './fake-scheduler';

describe('ChatClient connection', () => {
  it('reports connected with the user id the server assigned', async () => {
    const { client, rec } = await clientHarness();
    expect(rec.connection).toEqual([{ state: 'connected', userId: 'alice', socketId: 'sock-1', reconnect: false }]);
    expect(client.userId).toBe('alice');
    expect(client.connected).toBe(true);
  });

  it('requires a token or a getToken callback', () => {
    expect(() => createChatClient({ url: 'http://x' })).toThrow(TypeError);
  });

  it('stops on UNAUTHORIZED when it has no way to get a new token', async () => {
    const gateway = new FakeGateway();
    gateway.autoAccept = false;
    const { rec, scheduler } = await clientHarness({}, gateway);
    gateway.refuse('UNAUTHORIZED');
    await scheduler.advance(60_000);
    expect(rec.errors.map((e) => [e.code, e.source])).toEqual([['UNAUTHORIZED', 'handshake']]);
    expect(rec.connection.at(-1)).toMatchObject({ state: 'disconnected', reason: 'UNAUTHORIZED' });
    expect(gateway.connectCalls).toBe(1);
  });

  it('retries an UNAUTHORIZED handshake a few times when getToken can refresh the token', async () => {
    const gateway = new FakeGateway();
    gateway.autoAccept = false;
    const { rec, scheduler } = await clientHarness({ token: undefined, getToken: async () => 'fresh', maxAuthRetries: 2 }, gateway);
    gateway.refuse('UNAUTHORIZED');
    await scheduler.advance(60_000);
    expect(gateway.connectCalls).toBe(2);
    gateway.refuse('UNAUTHORIZED');
    await scheduler.advance(60_000);
    expect(gateway.connectCalls).toBe(3);
    gateway.refuse('UNAUTHORIZED');
    await scheduler.advance(60_000);
    expect(gateway.connectCalls).toBe(3);
    expect(rec.connection.at(-1)).toMatchObject({ state: 'disconnected', reason: 'UNAUTHORIZED' });
  });

  it('comes back by itself after the server kicks the socket (a draining pod)', async () => {
    const { gateway, rec, scheduler, client } = await clientHarness();
    gateway.kick();
    expect(rec.connection.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1 });
    await scheduler.advance(10_000);
    expect(gateway.connectCalls).toBe(2);
    expect(client.connected).toBe(true);
    expect(rec.connection.at(-1)).toMatchObject({ state: 'connected', reconnect: true });
  });

  it('reports reconnecting on a drop and leaves the retrying to a transport that retries by itself, without an error per attempt', async () => {
    const { gateway, rec } = await clientHarness();
    gateway.drop();
    expect(rec.connection.at(-1)).toEqual({ state: 'reconnecting', attempt: 0 });
    gateway.refuse('websocket error', true);
    gateway.refuse('UNAVAILABLE', true); // a refusal by the server is reported
    expect(gateway.connectCalls).toBe(1);
    expect(rec.errors.map((e) => e.code)).toEqual(['UNAVAILABLE']);
  });

  it('sends typing_stop for a room being typed in when closed', async () => {
    const { client, gateway } = await clientHarness();
    client.typing('room-a');
    await client.close();
    expect(gateway.sent('typing_stop')).toEqual([{ roomId: 'room-a' }]);
  });

  it('sends a request made offline once connected, not before', async () => {
    const gateway = new FakeGateway();
    gateway.autoAccept = false;
    const { client } = await clientHarness({}, gateway);
    const online = client.getOnlineUsers('room-a');
    expect(gateway.emitted).toHaveLength(0);
    gateway.accept();
    await expect(online).resolves.toMatchObject({ onlineUsers: ['alice'], count: 1 });
  });

  it('rejects requests with the protocol error code', async () => {
    const { client, gateway } = await clientHarness();
    gateway.override = (event) => (event === 'mark_read' ? { ok: false, error: { code: 'FORBIDDEN', message: 'no' } } : undefined);
    await expect(client.markRead('room-a', 'a'.repeat(24))).rejects.toMatchObject({ code: 'FORBIDDEN', event: 'mark_read' });
  });

  it('close() fails what is pending and reports disconnected', async () => {
    const { client, gateway, rec } = await clientHarness();
    gateway.override = (event) => (event === 'send_message' ? 'drop' : undefined);
    const sent = client.send('room-a', 'never acked');
    await client.close();
    await expect(sent).rejects.toMatchObject({ source: 'closed' });
    expect(rec.connection.at(-1)).toEqual({ state: 'disconnected', reason: 'closed' });
    expect(client.connected).toBe(false);
  });
});

describe('ChatClient rooms', () => {
  it('joinRoom joins, anchors on the latest seq and presents the recent history in order', async () => {
    const gateway = new FakeGateway();
    for (let i = 1; i <= 10; i++) gateway.storeFrom('bob', 'room-a', `old ${i}`);
    const { client, shown } = await clientHarness({ initialHistory: 3 }, gateway);
    await expect(client.joinRoom('room-a')).resolves.toMatchObject({ roomId: 'room-a' });
    expect(gateway.sent('join_room')).toEqual([{ roomId: 'room-a' }]);
    // No rev cursor yet: the probe asks for no changes and learns the room's latest rev (10).
    expect(gateway.sent('sync')).toEqual([
      { roomId: 'room-a', afterSeq: 0, limit: 1, afterRev: Number.MAX_SAFE_INTEGER },
      { roomId: 'room-a', afterSeq: 7, afterRev: 10 },
    ]);
    expect(shown()).toEqual(['old 8', 'old 9', 'old 10']);
    expect(client.cursor('room-a')).toBe(10);
  });

  it('joinRoom with a saved cursor resumes after it', async () => {
    const gateway = new FakeGateway();
    for (let i = 1; i <= 5; i++) gateway.storeFrom('bob', 'room-a', `m${i}`);
    const { client, shown } = await clientHarness({}, gateway);
    await client.joinRoom('room-a', { afterSeq: 3 });
    expect(shown()).toEqual(['m4', 'm5']);
  });

  it('presents live messages of a room it was never asked to join (the gateway subscribes members)', async () => {
    const { gateway, shown, scheduler } = await clientHarness({ initialHistory: 0 });
    gateway.say('bob', 'room-z', 'hello');
    await scheduler.advance(0);
    gateway.say('bob', 'room-z', 'again');
    expect(shown('room-z')).toEqual(['hello', 'again']);
  });

  it('shows a duplicate broadcast once and fills a lost broadcast through sync, in order', async () => {
    const { gateway, client, shown, scheduler } = await clientHarness();
    await client.joinRoom('room-a');
    const m1 = gateway.say('bob', 'room-a', 'one');
    gateway.broadcast(m1);
    gateway.storeFrom('bob', 'room-a', 'two'); // stored, broadcast lost
    gateway.say('bob', 'room-a', 'three');
    expect(shown()).toEqual(['one']);
    await scheduler.advance(999);
    expect(shown()).toEqual(['one']);
    await scheduler.advance(1);
    expect(shown()).toEqual(['one', 'two', 'three']);
  });

  it('leaveRoom stops presenting the room, even though the server still delivers to members', async () => {
    const { gateway, client, shown, scheduler } = await clientHarness();
    await client.joinRoom('room-a');
    await client.leaveRoom('room-a');
    gateway.say('bob', 'room-a', 'after leaving');
    await scheduler.advance(1000);
    expect(shown()).toEqual([]);
    expect(client.rooms).toEqual([]);
  });

  it('acks the highest contiguous seq, at most every 250 ms per room', async () => {
    const { gateway, client, scheduler } = await clientHarness();
    await client.joinRoom('room-a');
    for (let i = 1; i <= 5; i++) gateway.say('bob', 'room-a', `m${i}`);
    expect(gateway.sent('ack')).toEqual([{ roomId: 'room-a', seq: 1 }]);
    await scheduler.advance(249);
    expect(gateway.sent('ack')).toHaveLength(1);
    await scheduler.advance(1);
    expect(gateway.sent('ack')).toEqual([
      { roomId: 'room-a', seq: 1 },
      { roomId: 'room-a', seq: 5 },
    ]);
  });

  it('sync() feeds its page to the timeline, so nothing is presented twice', async () => {
    const { gateway, client, shown } = await clientHarness();
    await client.joinRoom('room-a');
    const m1 = gateway.storeFrom('bob', 'room-a', 'one');
    const reply = await client.sync('room-a');
    expect(reply.messages).toHaveLength(1);
    gateway.broadcast(m1);
    expect(shown()).toEqual(['one']);
  });

  it('getMessages returns a page of history and leaves the presented timeline alone', async () => {
    const gateway = new FakeGateway();
    gateway.storeFrom('bob', 'room-a', 'old');
    const { client, rec } = await clientHarness({ autoTrackRooms: false }, gateway);
    const page = await client.getMessages('room-a', { limit: 10 });
    expect(page.messages.map((m) => m.content)).toEqual(['old']);
    expect(rec.messages).toEqual([]);
  });
});

describe('ChatClient sending', () => {
  it('sends with Lamport +1 and a seed-format key, and resolves with the ack', async () => {
    const { client, gateway, scheduler } = await clientHarness();
    const sent = client.send('room-a', 'hi');
    const [payload] = gateway.sent('send_message');
    expect(payload).toMatchObject({ roomId: 'room-a', content: 'hi', lamportTimestamp: 1, idempotencyKey: sent.localId });
    expect(sent.localId).toMatch(new RegExp(`^alice-${scheduler.now()}-0\\.\\d+$`));
    expect(new RegExp(IdempotencyKeySchema.pattern!).test(sent.localId)).toBe(true);
    await expect(sent).resolves.toMatchObject({ seq: 1, idempotencyKey: sent.localId, duplicate: false });
  });

  it('sends later than anything it has seen: max(local, received) + 1', async () => {
    const { client, gateway } = await clientHarness();
    await client.joinRoom('room-a');
    const m = gateway.storeFrom('bob', 'room-a', 'seen', 40);
    gateway.broadcast(m);
    expect(client.lamport).toBe(41);
    client.send('room-b', 'reply');
    expect(gateway.sent('send_message')[0]).toMatchObject({ lamportTimestamp: 42 });
  });

  it('learns the Lamport timestamp of its own acks', async () => {
    const { client, gateway } = await clientHarness();
    for (let i = 0; i < 5; i++) gateway.storeFrom('bob', 'room-b', 'busy room', 100);
    await client.send('room-b', 'hi');
    expect(client.lamport).toBe(106);
  });

  it('reports sending, then sent with the local id, and presents the own message linked to it', async () => {
    const { client, rec } = await clientHarness();
    await client.joinRoom('room-a');
    const sent = client.send('room-a', 'hello');
    await sent;
    await settle(); // the broadcast of our own message follows the ack
    expect(rec.statuses.map((s) => [s.status, s.localId])).toEqual([
      ['sending', sent.localId],
      ['sent', sent.localId],
    ]);
    expect(rec.messages).toHaveLength(1);
    expect(rec.messages[0]!.info).toEqual({ own: true, late: false, localId: sent.localId });
  });

  it('links the own message to its local id even when its broadcast is read together with the ack', async () => {
    const gateway = new FakeGateway();
    gateway.echoInSameRead = true;
    const { client, rec } = await clientHarness({}, gateway);
    await client.joinRoom('room-a');
    const sent = client.send('room-a', 'hello');
    await sent;
    expect(rec.messages.map((m) => m.info)).toEqual([{ own: true, late: false, localId: sent.localId }]);
    expect(rec.statuses.map((s) => s.status)).toEqual(['sending', 'sent']);
  });

  it('resends an unacknowledged send after a reconnect with the same key; it is stored and shown once', async () => {
    const { client, gateway, shown, scheduler } = await clientHarness();
    await client.joinRoom('room-a');
    let dropAcks = true;
    gateway.override = (event, payload) => {
      if (event !== 'send_message' || !dropAcks) return undefined;
      // The gateway stores and broadcasts, but the ack is lost with the connection.
      const answer = (gateway as unknown as { answer(e: string, p: unknown): unknown }).answer(event, payload);
      gateway.broadcast(gateway.stored.get('room-a')!.at(-1)!);
      void answer;
      return 'drop';
    };
    const sent = client.send('room-a', 'survives the drop');
    gateway.drop();
    dropAcks = false;
    gateway.accept();
    await scheduler.advance(0);
    const sends = gateway.sent('send_message');
    expect(sends).toHaveLength(2);
    expect(sends[1]).toEqual(sends[0]);
    await expect(sent).resolves.toMatchObject({ duplicate: true, seq: 1 });
    expect(gateway.stored.get('room-a')).toHaveLength(1);
    expect(shown()).toEqual(['survives the drop']);
  });

  it('after a reconnect, joins its rooms again and syncs each from its cursor, in order', async () => {
    const { client, gateway, shown, scheduler } = await clientHarness();
    await client.joinRoom('room-a');
    await client.joinRoom('room-b');
    gateway.say('bob', 'room-a', 'a1');
    gateway.drop();
    gateway.storeFrom('bob', 'room-a', 'a2 (missed)');
    gateway.storeFrom('bob', 'room-b', 'b1 (missed)');
    const before = gateway.emitted.length;
    gateway.accept();
    await scheduler.advance(0);
    const after = gateway.emitted.slice(before).filter((e) => e.event === 'join_room' || e.event === 'sync');
    expect(after.map((e) => [e.event, e.payload])).toEqual([
      ['join_room', { roomId: 'room-a' }],
      ['join_room', { roomId: 'room-b' }],
      ['sync', { roomId: 'room-a', afterSeq: 1, afterRev: 1 }],
      ['sync', { roomId: 'room-b', afterSeq: 0, afterRev: 0 }],
    ]);
    expect(shown('room-a')).toEqual(['a1', 'a2 (missed)']);
    expect(shown('room-b')).toEqual(['b1 (missed)']);
  });

  it('a send not acknowledged before a reload is sent by the next client from the outbox storage, under its key', async () => {
    const storage = memoryOutboxStorage();
    const first = await clientHarness({ outbox: { storage } });
    first.gateway.override = (event) => (event === 'send_message' ? 'drop' : undefined);
    const lost = first.client.send('room-a', 'typed before the reload');
    await first.client.close();
    await expect(lost).rejects.toMatchObject({ source: 'closed' });
    expect(storage.records.map((r) => r.idempotencyKey)).toEqual([lost.localId]);

    const second = await clientHarness({ outbox: { storage } });
    await settle();
    expect(second.gateway.sent('send_message')).toEqual([
      expect.objectContaining({ idempotencyKey: lost.localId, content: 'typed before the reload' }),
    ]);
    expect(second.rec.statuses.map((s) => [s.status, s.localId])).toEqual([
      ['sending', lost.localId],
      ['sent', lost.localId],
    ]);
    await second.client.close();
    expect(storage.records).toEqual([]);
  });

  it('gives up on a final error and reports the send failed', async () => {
    const { client, gateway, rec } = await clientHarness();
    gateway.override = (event) =>
      event === 'send_message' ? { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'too long' } } : undefined;
    const sent = client.send('room-a', 'x'.repeat(10));
    await expect(sent).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(rec.statuses.at(-1)).toMatchObject({ status: 'failed', localId: sent.localId, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(gateway.sent('send_message')).toHaveLength(1);
  });

  it('retries a send answered UNAVAILABLE and retrySend() re-sends a failed one under its key', async () => {
    const { client, gateway, scheduler } = await clientHarness({ outbox: { storage: false, maxAttempts: 2 } });
    gateway.override = (event) =>
      event === 'send_message' ? { ok: false, error: { code: 'UNAVAILABLE', message: 'mongo down' } } : undefined;
    const sent = client.send('room-a', 'hi');
    await scheduler.advance(1000);
    await expect(sent).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(gateway.sent('send_message')).toHaveLength(2);
    gateway.override = undefined;
    await expect(client.retrySend(sent.localId)).resolves.toMatchObject({ idempotencyKey: sent.localId });
  });

  it('refuses empty content locally', async () => {
    const { client, gateway } = await clientHarness();
    await expect(client.send('room-a', '')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', source: 'local' });
    expect(gateway.sent('send_message')).toHaveLength(0);
  });

  it('an unawaited failing send raises no unhandled rejection', async () => {
    const { client, gateway } = await clientHarness();
    gateway.override = () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    client.send('room-a', 'ignored');
    await settle();
  });
});

describe('ChatClient typing, receipts, presence, errors', () => {
  it('throttles typing_start and sends typing_stop after 2 s idle or on send', async () => {
    const { client, gateway, scheduler } = await clientHarness();
    client.typing('room-a');
    client.typing('room-a');
    expect(gateway.sent('typing_start')).toEqual([{ roomId: 'room-a' }]);
    await scheduler.advance(2000);
    expect(gateway.sent('typing_stop')).toEqual([{ roomId: 'room-a' }]);
    client.typing('room-a');
    client.send('room-a', 'done');
    expect(gateway.sent('typing_stop')).toHaveLength(2);
    expect(gateway.sent('typing_start')).toHaveLength(2);
  });

  it('emits typing, presence, and status from message_status and read_receipt', async () => {
    const { client, gateway, rec } = await clientHarness();
    const sent = await client.send('room-a', 'hi');
    gateway.push({ event: 'user_typing', payload: { roomId: 'room-a', userId: 'bob', isTyping: true } });
    gateway.push({ event: 'online_users', payload: { roomId: 'room-a', onlineUsers: ['alice', 'bob'], count: 2 } });
    gateway.push({ event: 'user_left', payload: { roomId: 'room-a', userId: 'bob', timestamp: 'now' } });
    gateway.push({ event: 'message_status', payload: { roomId: 'room-a', uptoSeq: sent.seq, status: 'DELIVERED' } });
    gateway.push({
      event: 'read_receipt',
      payload: { roomId: 'room-a', messageId: sent.messageId, userId: 'bob', readAt: 'now', seq: sent.seq },
    });
    expect(rec.typing).toEqual([{ roomId: 'room-a', userId: 'bob', isTyping: true }]);
    expect(rec.presence).toEqual([
      { type: 'online', roomId: 'room-a', onlineUsers: ['alice', 'bob'], count: 2 },
      { type: 'left', roomId: 'room-a', userId: 'bob', timestamp: 'now' },
    ]);
    expect(rec.statuses.slice(-2).map((s) => [s.status, s.readBy])).toEqual([
      ['delivered', undefined],
      ['read', 'bob'],
    ]);
  });

  it("reports the server's error events except those already answered through an ack", async () => {
    const { gateway, rec } = await clientHarness();
    gateway.push({ event: 'error', payload: { code: 'VALIDATION_FAILED', message: 'bad', event: 'send_message' } });
    gateway.push({ event: 'error', payload: { code: 'RATE_LIMITED', message: 'slow down', event: 'typing_start' } });
    expect(rec.errors.map((e) => [e.code, e.event])).toEqual([['RATE_LIMITED', 'typing_start']]);
  });

  it('markRead sends mark_read and resolves with the ack', async () => {
    const { client, gateway } = await clientHarness();
    await expect(client.markRead('room-a', 'b'.repeat(24))).resolves.toMatchObject({ duplicate: false });
    expect(gateway.sent('mark_read')).toEqual([{ roomId: 'room-a', messageId: 'b'.repeat(24) }]);
  });
});
