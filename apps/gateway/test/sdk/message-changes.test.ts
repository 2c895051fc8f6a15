import type { ChatMessage } from '@campzone/protocol';
import { api, createRoom, eventually } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, type RecordedClient, sdkClient } from './sdk-clients';

// Edits, deletes, reactions and pins through the SDK against two real gateway pods: what an app
// shows (presented messages with every `message_changed` applied) ends as the store has it.

let cluster: GatewayCluster;
/** While set, pod 0 refuses new handshakes: a client with fallbackUrls goes on to pod 1. */
let pod0Refuses = false;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
  cluster.pods[0]!.gateway.io.use((_socket, next) => next(pod0Refuses ? new Error('UNAVAILABLE') : undefined));
});
afterEach(async () => {
  pod0Refuses = false;
  await closeEveryClient();
});
afterAll(() => cluster.stop());

async function history(roomId: string, userId: string): Promise<ChatMessage[]> {
  const page = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', `/v1/rooms/${roomId}/messages`, userId);
  return page.body.messages;
}

/** What the app shows of a room that the store would show too (reactions compared by emoji and count). */
function shown(messages: ChatMessage[]) {
  return messages.map((m) => ({
    content: m.content,
    edited: m.editedAt !== undefined,
    deletedBy: m.deletedBy ?? null,
    pinned: m.pinned ?? false,
    reactions: (m.reactions ?? []).map((r) => `${r.emoji}${r.count}`).sort(),
  }));
}

test('a member offline during edits, deletes, reactions and pins gets each once after reconnecting through another pod', async () => {
  await createRoom(cluster.url(0), 'kay', 'away', ['lu', 'mo']);
  const kay = sdkClient(cluster.url(1), 'kay');
  const mo = sdkClient(cluster.url(1), 'mo');
  const lu = sdkClient(cluster.url(0), 'lu', { fallbackUrls: [cluster.url(1)] });
  await Promise.all([kay.client.joinRoom('away'), mo.client.joinRoom('away'), lu.client.joinRoom('away')]);
  const sent = [];
  for (const text of ['one', 'two', 'three', 'four']) sent.push(await kay.client.send('away', text));
  await lu.presentedCount('away', 4);
  const [m1, m2, m3, m4] = sent.map((s) => s.messageId) as [string, string, string, string];

  lu.client.disconnect();
  await eventually(() => lu.connections.at(-1)?.state === 'disconnected', 'lu offline');
  await kay.client.editMessage('away', m1, 'one, edited');
  await kay.client.deleteMessage('away', m2);
  await mo.client.addReaction('away', m3, '✅');
  await kay.client.addReaction('away', m3, '🎉');
  await kay.client.removeReaction('away', m3, '🎉');
  await kay.client.pinMessage('away', m4);
  await kay.client.send('away', 'five, new');

  pod0Refuses = true;
  const back = lu.connected();
  lu.client.connect();
  await back;
  await lu.presentedCount('away', 5);
  await eventually(() => lu.changes.length >= 4, 'the changes made while lu was away');
  const onPod1 = await cluster.pods[1]!.gateway.io.local.fetchSockets();
  expect(onPod1.some((s) => s.data.userId === 'lu')).toBe(true);

  // Each changed message once, as it now is; the reaction taken back is not there.
  expect(lu.changes.map((c) => [c.kind, c.messageId])).toEqual([
    ['state', m1],
    ['state', m2],
    ['state', m3],
    ['state', m4],
  ]);
  const stored = await history('away', 'lu');
  expect(shown(lu.view('away'))).toEqual(shown(stored));
  expect(shown(lu.view('away')).map((m) => [m.content, m.deletedBy, m.pinned, m.reactions])).toEqual([
    ['one, edited', null, false, []],
    ['', 'kay', false, []],
    ['three', null, false, ['✅1']],
    ['four', null, true, []],
    ['five, new', null, false, []],
  ]);
  // The others saw each change live, once, and show the same.
  for (const member of [kay, mo]) {
    await eventually(
      () => shown(member.view('away')).every((m, i) => JSON.stringify(m) === JSON.stringify(shown(stored)[i])),
      'the same view',
    );
  }
  // Nothing is told twice afterwards: a sync from the cursors finds no change.
  await lu.client.sync('away');
  expect(lu.changes).toHaveLength(4);
  expect(lu.client.revCursor('away')).toBeGreaterThanOrEqual(Math.max(...stored.map((m) => m.rev ?? 0)));
});

test('an edit whose ack is lost with the connection is resent by the SDK and applied once', async () => {
  await createRoom(cluster.url(0), 'nia', 'lost-edit', ['oz']);
  const nia = sdkClient(cluster.url(0), 'nia');
  const oz = sdkClient(cluster.url(1), 'oz');
  await Promise.all([nia.client.joinRoom('lost-edit'), oz.client.joinRoom('lost-edit')]);
  const { messageId } = await nia.client.send('lost-edit', 'teh exam is on friday');
  await oz.presentedCount('lost-edit', 1);

  // The gateway takes the edit, then nia's connection drops before the answer can reach her.
  const serverSocket = [...cluster.pods[0]!.gateway.io.of('/').sockets.values()].find((s) => s.data.userId === 'nia');
  if (!serverSocket) throw new Error('nia has no socket on pod 0');
  serverSocket.prependAny((event: string) => {
    if (event === 'edit_message') setImmediate(() => serverSocket.disconnect(true));
  });
  const edited = await nia.client.editMessage('lost-edit', messageId, 'the exam is on friday');

  expect(nia.connections.some((c) => c.state === 'connected' && c.reconnect)).toBe(true);
  const db = await cluster.db();
  expect(await db.collection('message_edits').countDocuments({ roomId: 'lost-edit' })).toBe(1);
  const [stored] = await history('lost-edit', 'oz');
  expect(stored).toMatchObject({ content: 'the exam is on friday', rev: edited.rev, editedAt: edited.editedAt });
  await eventually(() => oz.changes.length === 1, 'the edit at oz');
  for (const member of [nia, oz]) {
    expect(member.changes.filter((c) => c.kind === 'edited').map((c) => c.rev)).toEqual([edited.rev]);
    expect(member.view('lost-edit')[0]?.content).toBe('the exam is on friday');
  }
  expect(nia.client.pendingChanges()).toBe(0);
});

test('concurrent reactions and edits from SDK clients on two pods end the same on every screen and in the store', async () => {
  const users = ['p1', 'p2', 'p3', 'p4'];
  await createRoom(cluster.url(0), 'quin', 'busy', users);
  const quin = sdkClient(cluster.url(0), 'quin');
  const members: RecordedClient[] = users.map((u, i) => sdkClient(cluster.url(i % 2), u));
  await Promise.all([quin, ...members].map((m) => m.client.joinRoom('busy')));
  const target = await quin.client.send('busy', 'vote');
  await Promise.all(members.map((m) => m.presentedCount('busy', 1)));

  await Promise.all([
    ...members.flatMap((m) => ['👍', '🎉', '👀'].map((emoji) => m.client.addReaction('busy', target.messageId, emoji))),
    ...['v1', 'v2', 'v3'].map((content) => quin.client.editMessage('busy', target.messageId, `vote ${content}`)),
  ]);
  await Promise.all(members.slice(0, 2).map((m) => m.client.removeReaction('busy', target.messageId, '🎉')));
  await quin.client.pinMessage('busy', target.messageId);

  const [stored] = await history('busy', 'quin');
  const want = JSON.stringify(shown([stored!]));
  for (const member of [quin, ...members]) {
    await eventually(() => JSON.stringify(shown(member.view('busy'))) === want, `${member.userId} to show the stored state`);
  }
  expect(shown([stored!])[0]).toMatchObject({ pinned: true, reactions: ['👀4', '👍4', '🎉2'].sort() });
  // `me` follows each user's own reactions.
  expect(members.map((m) => m.view('busy')[0]?.reactions?.find((r) => r.emoji === '🎉')?.me)).toEqual([false, false, true, true]);
});
