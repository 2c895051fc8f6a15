import { CorrectnessLedger } from '../src/load/correctness-ledger';

function ledgerWithRoom(members: string[]): CorrectnessLedger {
  const ledger = new CorrectnessLedger();
  for (const m of members) ledger.addMember('room', m);
  return ledger;
}

const id = (n: number) => n.toString(16).padStart(24, '0');

test('a room where every member was shown every acknowledged message in order passes', () => {
  const ledger = ledgerWithRoom(['a', 'b']);
  for (let seq = 1; seq <= 3; seq++) {
    ledger.recordAck({ roomId: 'room', messageId: id(seq), seq });
    for (const m of ['a', 'b']) ledger.recordShown('room', m, id(seq), seq, false);
  }
  expect(ledger.verdict().correctness).toEqual({
    lost: 0,
    lostDeliveries: 0,
    duplicated: 0,
    misordered: 0,
    orderMismatchRooms: 0,
    seqConflicts: 0,
  });
});

test('an acknowledged message one member never saw counts as lost, once per message', () => {
  const ledger = ledgerWithRoom(['a', 'b', 'c']);
  ledger.recordAck({ roomId: 'room', messageId: id(1), seq: 1 });
  ledger.recordShown('room', 'a', id(1), 1, false);
  const { correctness } = ledger.verdict();
  expect(correctness.lost).toBe(1);
  expect(correctness.lostDeliveries).toBe(2);
  expect(ledger.hasAllAcked('room', 'a')).toBe(true);
  expect(ledger.hasAllAcked('room', 'b')).toBe(false);
});

test('the same message shown twice to a member is a duplicate; a repeated ack is not', () => {
  const ledger = ledgerWithRoom(['a']);
  ledger.recordAck({ roomId: 'room', messageId: id(1), seq: 1 });
  ledger.recordAck({ roomId: 'room', messageId: id(1), seq: 1 });
  ledger.recordShown('room', 'a', id(1), 1, false);
  ledger.recordShown('room', 'a', id(1), 1, false);
  expect(ledger.ackedCount).toBe(1);
  expect(ledger.verdict().correctness.duplicated).toBe(1);
});

test('a seq lower than one already shown is misordered, and members with different orders are a mismatch', () => {
  const ledger = ledgerWithRoom(['a', 'b']);
  for (const seq of [1, 2]) ledger.recordAck({ roomId: 'room', messageId: id(seq), seq });
  ledger.recordShown('room', 'a', id(1), 1, false);
  ledger.recordShown('room', 'a', id(2), 2, false);
  ledger.recordShown('room', 'b', id(2), 2, false);
  ledger.recordShown('room', 'b', id(1), 1, true);
  const { correctness, raw } = ledger.verdict();
  expect(correctness.misordered).toBe(1);
  expect(correctness.orderMismatchRooms).toBe(1);
  expect(correctness.lost).toBe(0);
  expect(raw.late).toBe(1);
});

test('two messages with the same seq in one room are a seq conflict', () => {
  const ledger = ledgerWithRoom(['a']);
  ledger.recordAck({ roomId: 'room', messageId: id(1), seq: 1 });
  ledger.recordShown('room', 'a', id(2), 1, false);
  expect(ledger.verdict().correctness.seqConflicts).toBe(1);
});

test('raw duplicates are counted for information only', () => {
  const ledger = ledgerWithRoom(['a']);
  ledger.recordRaw('room', 'a', 1);
  ledger.recordRaw('room', 'a', 1);
  const { raw, correctness } = ledger.verdict();
  expect(raw).toEqual({ rawDeliveries: 2, rawDuplicates: 1, late: 0 });
  expect(correctness.duplicated).toBe(0);
});
