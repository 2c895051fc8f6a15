import type { MessageSent, SendMessage } from '@campzone/protocol';
import { ChatClientError } from '../src/chat-client-error';
import { Outbox, type OutboxEvent, type OutboxOptions } from '../src/outbox';
import type { OutboxRecord } from '../src/outbox-record';
import { FakeScheduler } from './fake-scheduler';
import { messageIdFor } from './messages';

export interface Transmission {
  payload: SendMessage;
  resolve(sent: MessageSent): void;
  reject(err: ChatClientError): void;
}

export function ackFor(payload: SendMessage, seq: number, duplicate = false): MessageSent {
  return {
    messageId: messageIdFor(payload.roomId, seq),
    idempotencyKey: payload.idempotencyKey,
    status: 'PENDING',
    lamportTimestamp: payload.lamportTimestamp + 1,
    seq,
    duplicate,
    roomId: payload.roomId,
    createdAt: new Date(0).toISOString(),
  };
}

export const serverError = (code: ChatClientError['code'], retryAfterMs?: number) =>
  new ChatClientError(code, code, 'server', 'send_message', retryAfterMs);
export const disconnected = () => new ChatClientError('UNAVAILABLE', 'connection lost', 'disconnected', 'send_message');
export const timedOut = () => new ChatClientError('UNAVAILABLE', 'no answer', 'timeout', 'send_message');

let keyCounter = 0;
export function record(roomId: string, content: string, now: number, overrides: Partial<OutboxRecord> = {}): OutboxRecord {
  keyCounter += 1;
  return {
    idempotencyKey: `alice-${now}-0.${keyCounter}`,
    roomId,
    content,
    lamportTimestamp: keyCounter,
    createdAt: now,
    expiresAt: now + 60_000,
    attempts: 0,
    ...overrides,
  };
}

/** An outbox whose transmissions the test answers by hand. */
export function outboxHarness(overrides: Partial<OutboxOptions> = {}) {
  const scheduler = new FakeScheduler();
  const wire: Transmission[] = [];
  const events: OutboxEvent[] = [];
  const outbox = new Outbox({
    transmit: (payload) => new Promise<MessageSent>((resolve, reject) => wire.push({ payload, resolve, reject })),
    scheduler,
    maxAttempts: 3,
    retry: { baseMs: 1000, maxMs: 10_000 },
    maxInFlightPerRoom: 1,
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
  const types = () => events.map((e) => e.type);
  return { scheduler, wire, events, outbox, types };
}
