import { Bulkhead } from '../src/chat/bulkhead';

/** A call that runs until released, recording when it started. */
function gated(started: number[], id: number) {
  let release: (fail?: boolean) => void = () => undefined;
  const call = () =>
    new Promise<number>((resolve, reject) => {
      started.push(id);
      release = (fail) => (fail ? reject(new Error(`call ${id} failed`)) : resolve(id));
    });
  return { call, release: (fail?: boolean) => release(fail) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('runs at most its limit at once, the rest in arrival order, and a failed call frees its slot', async () => {
  const bulkhead = new Bulkhead(2);
  const started: number[] = [];
  const calls = [1, 2, 3, 4].map((id) => gated(started, id));
  const results = calls.map(({ call }) => bulkhead.run(call));
  await turn();
  expect(started).toEqual([1, 2]);
  calls[1]!.release(true);
  await expect(results[1]).rejects.toThrow('call 2 failed');
  await turn();
  expect(started).toEqual([1, 2, 3]);
  calls[0]!.release();
  calls[2]!.release();
  await turn();
  expect(started).toEqual([1, 2, 3, 4]);
  calls[3]!.release();
  expect(await Promise.all([results[0], results[2], results[3]])).toEqual([1, 3, 4]);
  // Every slot handed back: two new calls start at once.
  const more = [5, 6].map((id) => gated(started, id));
  const moreResults = more.map(({ call }) => bulkhead.run(call));
  await turn();
  expect(started.slice(4)).toEqual([5, 6]);
  for (const m of more) m.release();
  await Promise.all(moreResults);
});
