import { type MessageDoc, ObjectId } from '@campzone/store';
import { closeAllClients, connectAs, createRoom, eventually, record, send } from './harness/chat-clients';
import { Stack } from './harness/stack';

// Encryption at rest on: MongoDB holds ciphertext, and a re-send must still carry plaintext.
const MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, {
    gatewayEnv: { ENCRYPTION_MASTER_KEY: MASTER_KEY },
    workerEnv: { ENCRYPTION_MASTER_KEY: MASTER_KEY },
  });
});
afterEach(closeAllClients);
afterAll(() => stack?.stop());

test('with encryption at rest, a re-sent message carries the plaintext, never the stored ciphertext', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'sealed', ['bob']);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const bob = await connectAs(stack.gatewayUrl, 'bob');
  const toBob = record(bob, 'new_message');
  const sent = await send(ann, 'sealed', 'the plan is at noon');
  await eventually(() => toBob.length >= 2, 'the first re-send');

  const stored = await (await stack.db()).collection<MessageDoc>('messages').findOne({ _id: new ObjectId(sent.messageId) });
  expect(stored?.content).not.toContain('noon');
  expect(stored?.keyVersion).toEqual(expect.any(Number));
  expect(toBob.length).toBeGreaterThanOrEqual(2);
  for (const copy of toBob) expect(copy.payload.content).toBe('the plan is at noon');
});
