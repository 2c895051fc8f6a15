import { DeliveryCursors } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let cursors: DeliveryCursors;
beforeAll(async () => {
  rt = await openRealtime();
  cursors = new DeliveryCursors(rt.lua, rt.keys, rt.client);
  // The room has handed out seqs 1-10 (what allocateMessage and seedCounters leave).
  await rt.client.hSet(rt.keys.roomCounters('room'), { seq: '10', lamport: '10', rev: '10' });
});
afterAll(() => rt.close());

const at = (seq: number) => ({ seq, countersMissing: false });
/** One member's ack on its own, as the single-ack figures below read best. */
async function one(roomId: string, userId: string, seq: number) {
  const { seqs, countersMissing } = await cursors.advance(roomId, [{ userId, seq }]);
  return { seq: seqs[0], countersMissing };
}

test('a cursor only moves forward, whatever order acks arrive in', async () => {
  expect(await one('room', 'ann', 5)).toEqual(at(5));
  expect(await one('room', 'ann', 3)).toEqual(at(5));
  expect(await one('room', 'ben', 2)).toEqual(at(2));
  expect(await cursors.all('room')).toEqual(
    new Map([
      ['ann', 5],
      ['ben', 2],
    ]),
  );
});

test('a cursor cannot pass the last seq the room has handed out', async () => {
  expect(await one('room', 'cat', 999)).toEqual(at(10));
});

test('a room nobody acked in has no cursors', async () => {
  expect(await cursors.all('silent')).toEqual(new Map());
});

test('in a room without counters (before its first send) an ack far ahead moves nothing and says so', async () => {
  expect(await one('fresh', 'dan', 1e12)).toEqual({ seq: 0, countersMissing: true });
  expect(await cursors.all('fresh')).toEqual(new Map());
  // Once the first message is allocated, the same ack is capped at it: it never stuck at 1e12.
  await rt.client.hSet(rt.keys.roomCounters('fresh'), { seq: '1', lamport: '1', rev: '1' });
  expect(await one('fresh', 'dan', 1e12)).toEqual(at(1));
});

test('after Redis lost the counters a cursor keeps where it stood until they are seeded again', async () => {
  await rt.client.hSet(rt.keys.roomCounters('amnesia'), { seq: '8', lamport: '8', rev: '8' });
  expect(await one('amnesia', 'eve', 4)).toEqual(at(4));
  await rt.client.del(rt.keys.roomCounters('amnesia'));
  expect(await one('amnesia', 'eve', 1e12)).toEqual({ seq: 4, countersMissing: true });
  expect(await cursors.all('amnesia')).toEqual(new Map([['eve', 4]]));
  await rt.client.hSet(rt.keys.roomCounters('amnesia'), { seq: '8', lamport: '8', rev: '8' });
  expect(await one('amnesia', 'eve', 1e12)).toEqual(at(8));
});

test('one call moves several members of a room, each capped and never backwards', async () => {
  await rt.client.hSet(rt.keys.roomCounters('batch'), { seq: '6', lamport: '6', rev: '6' });
  await one('batch', 'fay', 4);
  const moved = await cursors.advance('batch', [
    { userId: 'fay', seq: 2 },
    { userId: 'gus', seq: 5 },
    { userId: 'hal', seq: 99 },
  ]);
  expect(moved).toEqual({ seqs: [4, 5, 6], countersMissing: false });
  expect(await cursors.all('batch')).toEqual(
    new Map([
      ['fay', 4],
      ['gus', 5],
      ['hal', 6],
    ]),
  );
});

test('without counters a batch moves no cursor and answers each as it stood', async () => {
  expect(
    await cursors.advance('nobatch', [
      { userId: 'ida', seq: 3 },
      { userId: 'jon', seq: 1 },
    ]),
  ).toEqual({ seqs: [0, 0], countersMissing: true });
  expect(await cursors.all('nobatch')).toEqual(new Map());
});

test('an empty batch asks Redis nothing', async () => {
  expect(await cursors.advance('room', [])).toEqual({ seqs: [], countersMissing: false });
});
