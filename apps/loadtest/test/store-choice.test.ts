import { runBenchCli } from '../src/bench/bench-main';
import { runChaosCli } from '../src/chaos/chaos-main';
import { storeProblem } from '../src/cli/store-choice';
import { runSoakCli } from '../src/soak/soak-main';

// --store picks the FerretDB backend of a bench or chaos run; a wrong value is refused before
// any server starts (the CLIs return 2 at once, so these tests take milliseconds).

test('sqlite and pg are the backends; anything else names the flag and the value', () => {
  expect(storeProblem('sqlite')).toBeUndefined();
  expect(storeProblem('pg')).toBeUndefined();
  expect(storeProblem('postgres')).toBe('--store must be sqlite or pg (got postgres)');
});

test('npm run chaos, bench and soak refuse an unknown --store with exit 2 and the usage', async () => {
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => {
    errors.push(line);
  });
  try {
    await expect(runChaosCli(['--store', 'mysql'])).resolves.toBe(2);
    await expect(runBenchCli(['--store', 'mysql'])).resolves.toBe(2);
    await expect(runSoakCli(['--store', 'mysql'])).resolves.toBe(2);
  } finally {
    spy.mockRestore();
  }
  expect(errors.join('\n')).toContain('--store must be sqlite or pg (got mysql)');
  expect(errors.join('\n')).toContain('Usage: npm run chaos');
});
