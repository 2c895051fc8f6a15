import type { ChatMessage } from '@campzone/protocol';
import { closeAllClients, connectAs, createRoom, eventually, record, send } from './harness/chat-clients';
import { Stack } from './harness/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, { gateways: 2 });
});
afterEach(closeAllClients);
afterAll(() => stack?.stop());

async function reply(socket: Awaited<ReturnType<typeof connectAs>>, roomId: string, content: string, replyTo: string) {
  const ack = await socket.emitWithAck('send_message', {
    roomId,
    content,
    lamportTimestamp: 0,
    idempotencyKey: `r-${Date.now()}-${Math.random()}`,
    replyTo,
  });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack;
}

test("replies update their root's summary once the burst settles, announced after it is stored, and a deleted reply leaves it", async () => {
  const [a, b] = [stack.gateways[0]!.url, stack.gateways[1]!.url];
  await createRoom(a, 'wil', 'summaries', ['xia', 'yan']);
  const wil = await connectAs(a, 'wil');
  const xia = await connectAs(b, 'xia');
  const yan = await connectAs(b, 'yan');
  const updates = record(yan, 'thread_updated');
  const root = await send(wil, 'summaries', 'questions about lab 3 here');
  await reply(xia, 'summaries', 'is it due monday?', root.messageId);
  const second = await reply(yan, 'summaries', 'yes, 9:00', root.messageId);
  const third = await reply(xia, 'summaries', 'thanks', second.messageId);

  await eventually(() => updates.some((u) => u.payload.replyCount === 3), 'a summary of three replies');
  const last = updates.at(-1)!.payload;
  expect(last).toMatchObject({ roomId: 'summaries', rootId: root.messageId, replyCount: 3, repliers: ['xia', 'yan'] });
  // Stored before it was announced: history shows the same summary under the same rev.
  const history = await yan.emitWithAck('get_messages', { roomId: 'summaries' });
  if (!history.ok) throw new Error(history.error.message);
  const shownRoot = history.messages.find((m: ChatMessage) => m.messageId === root.messageId);
  expect(shownRoot).toMatchObject({ rev: last.rev, thread: { replyCount: 3, repliers: ['xia', 'yan'], lastReplyAt: last.lastReplyAt } });

  const removed = await xia.emitWithAck('delete_message', { roomId: 'summaries', messageId: third.messageId });
  expect(removed.ok).toBe(true);
  await eventually(() => updates.at(-1)?.payload.replyCount === 2, 'the summary without the deleted reply');
  expect(updates.at(-1)!.payload).toMatchObject({ replyCount: 2, repliers: ['yan', 'xia'] });
});
