import { ChangeLedger } from '../src/load/change-ledger';

// The change half of the verdict: what each member ends on against the highest rev of each field.

const ROOM = 'room1';

function ledgerWith(...members: string[]): ChangeLedger {
  const ledger = new ChangeLedger(0.2);
  for (const userId of members) ledger.addMember(ROOM, userId);
  return ledger;
}

test('members told every edit and reaction end on the newest state, whatever order the events came in', () => {
  const ledger = ledgerWith('a', 'b');
  ledger.recordEditAnswer(ROOM, 'm1', 'second', 12);
  ledger.recordReactionAnswer(ROOM, 'm1', '👍', 1, 13);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'first', 11);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'second', 12);
  ledger.recordReactionEvent(ROOM, 'a', 'm1', '👍', 1, 13);
  // b hears the pods in another order: the older edit comes last and is ignored.
  ledger.recordReactionEvent(ROOM, 'b', 'm1', '👍', 1, 13);
  ledger.recordEditEvent(ROOM, 'b', 'm1', 'second', 12);
  ledger.recordEditEvent(ROOM, 'b', 'm1', 'first', 11);
  expect(ledger.settled()).toBe(true);
  expect(ledger.verdict()).toMatchObject({ acked: 2, events: 6, staleEvents: 1, fieldsChecked: 2, mismatched: 0, membersUnchecked: 0 });
});

test('a member that missed the last edit is a mismatch, and the ledger is not settled', () => {
  const ledger = ledgerWith('a', 'b');
  ledger.recordEditAnswer(ROOM, 'm1', 'second', 12);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'first', 11);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'second', 12);
  ledger.recordEditEvent(ROOM, 'b', 'm1', 'first', 11);
  expect(ledger.settled()).toBe(false);
  expect(ledger.verdict().mismatched).toBe(1);
});

test('a member never told of a changed content is a mismatch; one never told of a reaction taken back is not', () => {
  const ledger = ledgerWith('a', 'b');
  ledger.recordEditAnswer(ROOM, 'm1', 'edited', 5);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'edited', 5);
  ledger.recordReactionEvent(ROOM, 'a', 'm2', '🎉', 1, 6);
  ledger.recordReactionEvent(ROOM, 'a', 'm2', '🎉', 0, 7);
  // b heard nothing: its content of m1 is stale, its count of 🎉 on m2 is the final 0.
  expect(ledger.verdict()).toMatchObject({ fieldsChecked: 2, mismatched: 1 });
});

test('a change whose answer was lost still sets the newest state through its events', () => {
  const ledger = ledgerWith('a', 'b');
  ledger.recordSent('add');
  ledger.recordUnanswered();
  ledger.recordReactionEvent(ROOM, 'a', 'm1', ':tent:', 1, 3);
  expect(ledger.verdict()).toMatchObject({ sent: 1, acked: 0, unanswered: 1, mismatched: 1 });
  ledger.recordReactionEvent(ROOM, 'b', 'm1', ':tent:', 1, 3);
  expect(ledger.verdict().mismatched).toBe(0);
});

test('a member that reconnected is left out of the check and counted as unchecked', () => {
  const ledger = ledgerWith('a', 'b');
  ledger.recordEditAnswer(ROOM, 'm1', 'edited', 5);
  ledger.recordEditEvent(ROOM, 'a', 'm1', 'edited', 5);
  ledger.markReconnected(ROOM, 'b');
  expect(ledger.settled()).toBe(true);
  expect(ledger.verdict()).toMatchObject({ mismatched: 0, membersUnchecked: 1 });
});

test('sends, refusals and kinds are counted apart', () => {
  const ledger = ledgerWith('a');
  ledger.recordSent('edit');
  ledger.recordSent('add');
  ledger.recordSent('remove');
  ledger.recordRefused('CONFLICT');
  ledger.recordRefused('CONFLICT');
  expect(ledger.verdict()).toMatchObject({
    ratio: 0.2,
    sent: 3,
    edits: 1,
    reactionsAdded: 1,
    reactionsRemoved: 1,
    refused: { CONFLICT: 2 },
  });
});
