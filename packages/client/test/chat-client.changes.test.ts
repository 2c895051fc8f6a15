import type { ChatMessage } from '@campzone/protocol';
import type { MessageChange } from '../src/message-change';
import { applyMessageChange } from '../src/message-change';
import { memoryOutboxStorage } from '../src/outbox-storage';
import type { FetchLike } from '../src/rest-client';
import { clientHarness } from './client-harness';
import { FakeGateway } from './fake-gateway';
import { settle } from './fake-scheduler';

/** A client in room-a, where bob wrote `count` messages; its `message_changed` events recorded. */
async function inRoom(count = 3, options: Parameters<typeof clientHarness>[0] = {}) {
  const gateway = new FakeGateway('alice');
  const mine = gateway.storeFrom('alice', 'room-a', 'mine');
  const bobs = Array.from({ length: count }, (_, i) => gateway.storeFrom('bob', 'room-a', `bob ${i + 1}`));
  const harness = await clientHarness(options, gateway);
  const changes: MessageChange[] = [];
  harness.client.on('message_changed', (change) => changes.push(change));
  await harness.client.joinRoom('room-a');
  /** The app's copy of every presented message, kept current with applyMessageChange. */
  const view = (): ChatMessage[] =>
    harness.rec.messages.map(({ message }) => changes.reduce((m, change) => applyMessageChange(m, change), message));
  return { ...harness, gateway, changes, mine, bobs, view };
}

describe('ChatClient message changes', () => {
  it('editMessage sends edit_message, resolves with the change and tells it once (the echo is dropped)', async () => {
    const { client, gateway, changes, mine, view } = await inRoom();
    const edited = await client.editMessage('room-a', mine.messageId, 'mine, fixed');
    expect(gateway.sent('edit_message')).toEqual([{ roomId: 'room-a', messageId: mine.messageId, content: 'mine, fixed' }]);
    expect(edited).toMatchObject({ messageId: mine.messageId, content: 'mine, fixed', rev: 5 });
    await settle(); // the room's broadcast of the same change
    expect(changes).toEqual([expect.objectContaining({ kind: 'edited', messageId: mine.messageId, rev: 5, content: 'mine, fixed' })]);
    expect(view().find((m) => m.messageId === mine.messageId)).toMatchObject({ content: 'mine, fixed', editedAt: edited.editedAt });
  });

  it('tells other users’ live changes once each, with `me` set only on the own reactions', async () => {
    const { client, gateway, changes, bobs } = await inRoom();
    const target = bobs[0]!.messageId;
    const told = gateway.changeFrom('bob', 'add_reaction', { roomId: 'room-a', messageId: target, emoji: '👍' });
    gateway.tell(told); // told again (a retried request is told again by the gateway)
    await client.addReaction('room-a', target, '👍');
    await settle();
    expect(changes.map((c) => (c.kind === 'reaction' ? [c.userId, c.count, c.me] : c.kind))).toEqual([
      ['bob', 1, undefined],
      ['alice', 2, true],
    ]);
  });

  it('keeps a change to one field told after a newer change to another (two pods, either order), drops a stale one', async () => {
    const { gateway, changes, bobs, view } = await inRoom();
    const target = bobs[1]!.messageId;
    const ref = { roomId: 'room-a', messageId: target };
    gateway.echoChanges = false;
    const thumbs = gateway.changeFrom('cy', 'add_reaction', { ...ref, emoji: '👍' }, false);
    const party = gateway.changeFrom('dan', 'add_reaction', { ...ref, emoji: '🎉' }, false);
    const thumbs2 = gateway.changeFrom('dan', 'add_reaction', { ...ref, emoji: '👍' }, false);
    gateway.tell(party);
    gateway.tell(thumbs2);
    gateway.tell(thumbs); // older than thumbs2, same emoji: stale
    expect(changes.map((c) => c.rev)).toEqual([party.payload.rev, thumbs2.payload.rev]);
    expect(view().find((m) => m.messageId === target)?.reactions).toEqual([
      { emoji: '🎉', count: 1, me: false },
      { emoji: '👍', count: 2, me: false },
    ]);
  });

  it('a member offline during edits, deletes, reactions and pins gets each once, as the current state, after the reconnect', async () => {
    const { client, gateway, changes, bobs, scheduler, view } = await inRoom(4);
    const cursorBefore = client.revCursor('room-a');
    expect(cursorBefore).toBe(5);
    gateway.drop();
    const [b1, b2, b3] = bobs.map((m) => ({ roomId: 'room-a', messageId: m.messageId }));
    gateway.changeFrom('bob', 'edit_message', { ...b1, content: 'bob 1, edited' }, false);
    gateway.changeFrom('bob', 'delete_message', { ...b2 }, false);
    gateway.changeFrom('cy', 'add_reaction', { ...b3, emoji: '✅' }, false);
    gateway.changeFrom('ada', 'pin_message', { ...b3 }, false);
    gateway.storeFrom('bob', 'room-a', 'new while away');
    gateway.accept();
    await scheduler.advance(0);
    expect(gateway.sent('sync').at(-1)).toEqual({ roomId: 'room-a', afterSeq: 5, afterRev: 5 });
    expect(changes.map((c) => [c.kind, c.messageId])).toEqual([
      ['state', b1!.messageId],
      ['state', b2!.messageId],
      ['state', b3!.messageId],
    ]);
    const shown = view();
    expect(shown.map((m) => m.content)).toEqual(['mine', 'bob 1, edited', '', 'bob 3', 'bob 4', 'new while away']);
    expect(shown[3]).toMatchObject({ pinned: true, reactions: [{ emoji: '✅', count: 1, me: false }] });
    expect(client.revCursor('room-a')).toBe(10);
    // A second sync finds nothing new to tell.
    await client.sync('room-a');
    expect(changes).toHaveLength(3);
  });

  it('an edit whose ack is lost with the connection is sent again after the reconnect and applied once', async () => {
    const { client, gateway, changes, mine, scheduler } = await inRoom();
    let lost = false;
    gateway.override = (event, payload) => {
      if (event !== 'edit_message' || lost) return undefined;
      lost = true;
      gateway.changes.apply('alice', event, payload); // stored, but the answer never arrives
      queueMicrotask(() => gateway.drop());
      return 'drop';
    };
    const editing = client.editMessage('room-a', mine.messageId, 'only once');
    await settle();
    expect(client.pendingChanges()).toBe(1);
    gateway.accept();
    await scheduler.advance(0);
    const edited = await editing;
    expect(gateway.sent('edit_message')).toHaveLength(2);
    expect(edited.rev).toBe(5); // the repeat is answered with the change already made: no new rev
    expect(gateway.changes.latestRev('room-a')).toBe(5);
    await settle();
    expect(changes.filter((c) => c.kind === 'edited')).toHaveLength(1);
    expect(client.pendingChanges()).toBe(0);
  });

  it('a change made offline waits for the connection; a RATE_LIMITED answer is retried after retryAfterMs', async () => {
    const { client, gateway, bobs, scheduler } = await inRoom();
    gateway.drop();
    const pinning = client.pinMessage('room-a', bobs[0]!.messageId);
    await scheduler.advance(5000);
    expect(gateway.sent('pin_message')).toHaveLength(0);
    let limited = false;
    gateway.override = (event) => {
      if (event !== 'pin_message' || limited) return undefined;
      limited = true;
      return { ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 3000 } };
    };
    gateway.accept();
    await scheduler.advance(2999);
    expect(gateway.sent('pin_message')).toHaveLength(1);
    await scheduler.advance(1);
    await expect(pinning).resolves.toMatchObject({ pinned: true });
    expect(gateway.sent('pin_message')).toHaveLength(2);
  });

  it('a refused change rejects with the server’s code and changes nothing', async () => {
    const { client, bobs, changes } = await inRoom();
    await expect(client.editMessage('room-a', bobs[0]!.messageId, 'hijack')).rejects.toMatchObject({ code: 'FORBIDDEN', source: 'server' });
    await expect(client.editMessage('room-a', bobs[0]!.messageId, '')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      source: 'local',
    });
    expect(changes).toEqual([]);
  });

  it('a rev that never arrives live makes the room sync after the hold, which tells the missed change', async () => {
    const { gateway, changes, bobs, scheduler } = await inRoom();
    const syncs = gateway.sent('sync').length;
    // The pin's broadcast is lost (its pod died after answering); the reaction after it arrives.
    gateway.changeFrom('ada', 'pin_message', { roomId: 'room-a', messageId: bobs[0]!.messageId }, false);
    gateway.changeFrom('cy', 'add_reaction', { roomId: 'room-a', messageId: bobs[1]!.messageId, emoji: '👀' });
    await scheduler.advance(999);
    expect(gateway.sent('sync')).toHaveLength(syncs);
    await scheduler.advance(1);
    expect(gateway.sent('sync').slice(syncs)).toEqual([{ roomId: 'room-a', afterSeq: 4, afterRev: 4 }]);
    expect(changes.map((c) => [c.kind, c.messageId])).toEqual([
      ['reaction', bobs[1]!.messageId],
      ['state', bobs[0]!.messageId],
    ]);
  });

  it('a message whose edit overtook it is presented already edited', async () => {
    const { gateway, rec, changes } = await inRoom(0);
    gateway.echoOwnSends = false;
    const late = gateway.storeFrom('bob', 'room-a', 'typo');
    const edit = gateway.changeFrom('bob', 'edit_message', { roomId: 'room-a', messageId: late.messageId, content: 'fixed' }, false);
    gateway.tell(edit);
    gateway.broadcast({ ...late, content: 'typo', rev: 2 });
    expect(changes).toHaveLength(1);
    expect(rec.messages.at(-1)?.message).toMatchObject({ content: 'fixed', editedAt: expect.any(String), rev: edit.payload.rev });
  });

  it('send with replyTo puts it on the wire and keeps it through the outbox storage', async () => {
    const storage = memoryOutboxStorage();
    const { client, gateway, bobs } = await inRoom(1, { outbox: { storage } });
    gateway.override = (event) => (event === 'send_message' ? 'drop' : undefined);
    void client.send('room-a', 'an answer', { replyTo: bobs[0]!.messageId });
    await settle();
    expect(gateway.sent('send_message').at(-1)).toMatchObject({ content: 'an answer', replyTo: bobs[0]!.messageId });
    expect(storage.records.at(-1)).toMatchObject({ content: 'an answer', replyTo: bobs[0]!.messageId });
  });

  it('getThread asks get_thread and answers the thread page', async () => {
    const { client, gateway, bobs } = await inRoom(1);
    await client.send('room-a', 'answer 1', { replyTo: bobs[0]!.messageId });
    const thread = await client.getThread('room-a', bobs[0]!.messageId, { limit: 10 });
    expect(gateway.sent('get_thread')).toEqual([{ roomId: 'room-a', rootId: bobs[0]!.messageId, limit: 10 }]);
    expect(thread.messages.map((m) => m.content)).toEqual(['bob 1', 'answer 1']);
  });

  it('getPins reads the room’s pins over REST with the client’s token, with changes told since applied', async () => {
    const calls: Array<{ url: string; authorization: string | undefined }> = [];
    let stale: ChatMessage | undefined;
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, authorization: init.headers.authorization });
      return { ok: true, status: 200, json: async () => ({ roomId: 'room-a', messages: stale ? [stale] : [] }) };
    };
    const { client, gateway, bobs } = await inRoom(2, { fetch });
    const ref = { roomId: 'room-a', messageId: bobs[0]!.messageId };
    gateway.changeFrom('ada', 'pin_message', ref);
    stale = { ...gateway.stored.get('room-a')!.find((m) => m.messageId === ref.messageId)! }; // read before the edit landed
    gateway.changeFrom('bob', 'edit_message', { ...ref, content: 'bob 1, fixed' });
    const pins = await client.getPins('room-a');
    expect(calls).toEqual([{ url: 'http://gateway.test/v1/rooms/room-a/pins', authorization: 'Bearer jwt' }]);
    expect(pins.messages.map((m) => [m.content, m.pinned])).toEqual([['bob 1, fixed', true]]);
    const refused: FetchLike = async () => ({
      ok: false,
      status: 403,
      json: async () => ({ error: { code: 'FORBIDDEN', message: 'not a member' } }),
    });
    const other = await inRoom(0, { fetch: refused });
    await expect(other.client.getPins('room-a')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('joinRoom with a saved rev cursor asks for the changes after it', async () => {
    const gateway = new FakeGateway('alice');
    const old = gateway.storeFrom('bob', 'room-b', 'old');
    gateway.changeFrom('bob', 'edit_message', { roomId: 'room-b', messageId: old.messageId, content: 'old, edited' }, false);
    const { client } = await clientHarness({}, gateway);
    const changes: MessageChange[] = [];
    client.on('message_changed', (c) => changes.push(c));
    await client.joinRoom('room-b', { afterSeq: 1, afterRev: 1 });
    expect(gateway.sent('sync')[0]).toEqual({ roomId: 'room-b', afterSeq: 1, afterRev: 1 });
    expect(changes).toEqual([expect.objectContaining({ kind: 'state', messageId: old.messageId, rev: 2 })]);
  });
});
