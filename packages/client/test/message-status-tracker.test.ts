import type { MessageSent } from '@campzone/protocol';
import { ChatClientError } from '../src/chat-client-error';
import { MessageStatusTracker, type StatusChange } from '../src/message-status-tracker';
import { chatMessage, messageIdFor } from './messages';

function harness() {
  const changes: StatusChange[] = [];
  const tracker = new MessageStatusTracker({ emit: (c) => changes.push(c) });
  return { changes, tracker, statuses: () => changes.map((c) => c.status) };
}

const ack = (seq: number, status: MessageSent['status'] = 'PENDING'): MessageSent => ({
  messageId: messageIdFor('room-a', seq),
  idempotencyKey: `alice-1-0.${seq}`,
  status,
  lamportTimestamp: seq,
  seq,
  duplicate: false,
  roomId: 'room-a',
  createdAt: new Date(0).toISOString(),
});

describe('MessageStatusTracker', () => {
  it('walks a send through sending, sent, delivered and read', () => {
    const { tracker, changes, statuses } = harness();
    tracker.sending('room-a', 'local-1');
    tracker.sent('local-1', ack(1));
    tracker.applyServerStatus({ roomId: 'room-a', messageIds: [messageIdFor('room-a', 1)], status: 'DELIVERED' });
    tracker.applyServerStatus({ roomId: 'room-a', uptoSeq: 1, status: 'READ' });
    expect(statuses()).toEqual(['sending', 'sent', 'delivered', 'read']);
    expect(changes[1]).toEqual({ roomId: 'room-a', status: 'sent', localId: 'local-1', messageId: messageIdFor('room-a', 1), seq: 1 });
    expect(changes.slice(1).every((c) => c.localId === 'local-1')).toBe(true);
  });

  it('never moves a status backwards, and does not repeat one', () => {
    const { tracker, statuses } = harness();
    tracker.sent('local-1', ack(1));
    tracker.applyServerStatus({ roomId: 'room-a', uptoSeq: 5, status: 'READ' });
    tracker.applyServerStatus({ roomId: 'room-a', uptoSeq: 5, status: 'DELIVERED' });
    tracker.applyServerStatus({ roomId: 'room-a', messageIds: [messageIdFor('room-a', 1)], status: 'READ' });
    expect(statuses()).toEqual(['sent', 'read']);
  });

  it('applies uptoSeq only to the room and seqs it names', () => {
    const { tracker, changes } = harness();
    tracker.sent('l1', ack(1));
    tracker.sent('l5', ack(5));
    tracker.sent('other', { ...ack(1), roomId: 'room-b', messageId: messageIdFor('room-b', 1) });
    changes.length = 0;
    tracker.applyServerStatus({ roomId: 'room-a', uptoSeq: 3, status: 'DELIVERED' });
    expect(changes.map((c) => c.localId)).toEqual(['l1']);
  });

  it('applies a rollup that came before the ack once the ack arrives', () => {
    const { tracker, statuses } = harness();
    tracker.applyServerStatus({ roomId: 'room-a', uptoSeq: 4, status: 'DELIVERED' });
    tracker.sent('l2', ack(2));
    expect(statuses()).toEqual(['delivered']);
  });

  it('takes a higher status from the ack itself (a duplicate send of a message already delivered)', () => {
    const { tracker, statuses } = harness();
    tracker.sent('l1', ack(1, 'DELIVERED'));
    expect(statuses()).toEqual(['sent', 'delivered']);
  });

  it('links an own message presented before its ack to the local id when the ack arrives', () => {
    const { tracker, changes } = harness();
    tracker.observeOwn(chatMessage('room-a', 1, { senderId: 'alice' }));
    expect(changes).toEqual([{ roomId: 'room-a', status: 'sent', messageId: messageIdFor('room-a', 1), seq: 1 }]);
    tracker.sent('local-1', ack(1));
    expect(changes[1]).toMatchObject({ status: 'sent', localId: 'local-1' });
    expect(tracker.localIdOf(messageIdFor('room-a', 1))).toBe('local-1');
  });

  it('reports each reader of a read_receipt once, without claiming the whole room read it', () => {
    const { tracker, changes } = harness();
    tracker.sent('l1', ack(1));
    const receipt = { messageId: messageIdFor('room-a', 1), roomId: 'room-a', userId: 'bob', readAt: new Date(0).toISOString(), seq: 1 };
    tracker.applyReadReceipt(receipt);
    tracker.applyReadReceipt(receipt);
    tracker.applyReadReceipt({ ...receipt, userId: 'carol' });
    expect(changes.slice(1).map((c) => [c.status, c.readBy, c.localId])).toEqual([
      ['read', 'bob', 'l1'],
      ['read', 'carol', 'l1'],
    ]);
    expect(tracker.statusOf(messageIdFor('room-a', 1))).toBe('sent');
  });

  it('reports a failed send with its error', () => {
    const { tracker, changes } = harness();
    const error = new ChatClientError('FORBIDDEN', 'not a member', 'server', 'send_message');
    tracker.failed('room-a', 'l1', error);
    expect(changes).toEqual([{ roomId: 'room-a', status: 'failed', localId: 'l1', error }]);
  });

  it('forgets the oldest messages beyond its capacity', () => {
    const changes: StatusChange[] = [];
    const tracker = new MessageStatusTracker({ emit: (c) => changes.push(c), capacity: 2 });
    for (const seq of [1, 2, 3]) tracker.sent(`l${seq}`, ack(seq));
    expect(tracker.statusOf(messageIdFor('room-a', 1))).toBeUndefined();
    expect(tracker.statusOf(messageIdFor('room-a', 3))).toBe('sent');
  });
});
