import {
  applyMessageChange,
  type ChatClient,
  type ChatClientOptions,
  type ChatMessage,
  type ConnectionState,
  createChatClient,
  type MessageChange,
  type MessageInfo,
  type StatusChange,
} from '@campzone/client';
import { closeAllClients, eventually, tokenFor } from '../harness/chat-clients';

/** An SDK client and everything it presented to its app, in the order presented. */
export interface RecordedClient {
  client: ChatClient;
  userId: string;
  presented: Array<{ message: ChatMessage; info: MessageInfo }>;
  connections: ConnectionState[];
  statuses: StatusChange[];
  /** Every `message_changed`, in the order told. */
  changes: MessageChange[];
  /** A room's messages as an app shows them: each presented message with every change told for it applied. */
  view(roomId: string): ChatMessage[];
  /** Contents presented in a room, in presentation order. */
  contents(roomId: string): string[];
  /** Seqs presented in a room, in presentation order. */
  seqs(roomId: string): number[];
  /** Resolves once `count` messages of the room have been presented. */
  presentedCount(roomId: string, count: number, timeoutMs?: number): Promise<void>;
  /** Resolves on the next `connected` state. */
  connected(timeoutMs?: number): Promise<Extract<ConnectionState, { state: 'connected' }>>;
}

const open: ChatClient[] = [];

/**
 * A real SDK client (real socket.io-client) signed in as userId. Tests run in Node, so the
 * outbox lives in memory; reconnects back off briefly so failovers happen within a test's time.
 */
export function sdkClient(url: string, userId: string, options: Partial<ChatClientOptions> = {}): RecordedClient {
  const client = createChatClient({
    url,
    token: tokenFor(userId),
    outbox: { storage: false },
    reconnection: { baseMs: 100, maxMs: 1000 },
    ...options,
  });
  open.push(client);
  const presented: RecordedClient['presented'] = [];
  const connections: ConnectionState[] = [];
  const statuses: StatusChange[] = [];
  const changes: MessageChange[] = [];
  client.on('message', (message, info) => presented.push({ message, info }));
  client.on('message_changed', (change) => changes.push(change));
  client.on('status', (change) => statuses.push(change));
  client.on('connection', (state) => connections.push(state));
  const inRoom = (roomId: string) => presented.filter((p) => p.message.roomId === roomId).map((p) => p.message);
  return {
    client,
    userId,
    presented,
    connections,
    statuses,
    changes,
    view: (roomId) => inRoom(roomId).map((message) => changes.reduce(applyMessageChange, message)),
    contents: (roomId) => inRoom(roomId).map((m) => m.content),
    seqs: (roomId) => inRoom(roomId).map((m) => m.seq),
    presentedCount: (roomId, count, timeoutMs = 15_000) =>
      eventually(() => inRoom(roomId).length >= count, `${userId} to be shown ${count} messages in ${roomId}`, timeoutMs),
    connected: (timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${userId} did not connect within ${timeoutMs} ms`)), timeoutMs);
        const off = client.on('connection', (state) => {
          if (state.state !== 'connected') return;
          clearTimeout(timer);
          off();
          resolve(state);
        });
      }),
  };
}

/** After each test: the SDK clients it made and the plain sockets beside them. */
export async function closeEveryClient(): Promise<void> {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
  closeAllClients();
}

/** 1..n: the seqs a room's first n messages must be shown with, in this order. */
export function firstSeqs(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
