import type { ChatMessage } from '@campzone/protocol';
import { type ChatClient, createChatClient } from '../src/chat-client';
import type { ChatClientError } from '../src/chat-client-error';
import type { ConnectionState, MessageInfo, PresenceEvent } from '../src/chat-client-events';
import type { ChatClientOptions } from '../src/chat-client-options';
import type { StatusChange } from '../src/message-status-tracker';
import { FakeGateway } from './fake-gateway';
import { FakeScheduler, settle } from './fake-scheduler';

export interface Recorded {
  messages: Array<{ message: ChatMessage; info: MessageInfo }>;
  statuses: StatusChange[];
  connection: ConnectionState[];
  errors: ChatClientError[];
  typing: unknown[];
  presence: PresenceEvent[];
}

/** A ChatClient on a fake gateway and a manual clock, with everything it emits recorded. */
export async function clientHarness(options: Partial<ChatClientOptions> = {}, gateway = new FakeGateway()) {
  const scheduler = new FakeScheduler();
  let n = 0;
  const client: ChatClient = createChatClient({
    url: 'http://gateway.test',
    token: 'jwt',
    transport: gateway.factory,
    scheduler,
    // Distinct values: two sends in the same fake millisecond must still get distinct keys.
    random: () => {
      n += 1;
      return (n % 997) / 997;
    },
    outbox: { storage: false },
    ...options,
  });
  const rec: Recorded = { messages: [], statuses: [], connection: [], errors: [], typing: [], presence: [] };
  client.on('message', (message, info) => rec.messages.push({ message, info }));
  client.on('status', (change) => rec.statuses.push(change));
  client.on('connection', (state) => rec.connection.push(state));
  client.on('error', (err) => rec.errors.push(err));
  client.on('typing', (t) => rec.typing.push(t));
  client.on('presence', (p) => rec.presence.push(p));
  await settle();
  const shown = (roomId?: string) => rec.messages.filter((m) => !roomId || m.message.roomId === roomId).map((m) => m.message.content);
  return { scheduler, gateway, client, rec, shown };
}
