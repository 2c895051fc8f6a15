import { runBenchCli } from '../src/bench/bench-main';
import { runChaosCli } from '../src/chaos/chaos-main';
import { storeProblem } from '../src/cli/store-choice';
import { runSoakCli } from '../src/soak/soak-main';
import { consoleErrorsOf } from './console-errors';

// --store picks the FerretDB backend of a bench or chaos run; a wrong value is refused before
// any server starts (the CLIs return 2 at once, so these tests take milliseconds).

test('sqlite and pg are the backends; anything else names the flag and the value', () => {
  expect(storeProblem('sqlite')).toBeUndefined();
  expect(storeProblem('pg')).toBeUndefined();
  expect(storeProblem('postgres')).toBe('--store must be sqlite or pg (got postgres)');
});

test('npm run chaos, bench and soak refuse an unknown --store with exit 2 and the usage', async () => {
  const errors = await consoleErrorsOf(async () => {
    await expect(runChaosCli(['--store', 'mysql'])).resolves.toBe(2);
    await expect(runBenchCli(['--store', 'mysql'])).resolves.toBe(2);
    await expect(runSoakCli(['--store', 'mysql'])).resolves.toBe(2);
  });
  expect(errors).toContain('--store must be sqlite or pg (got mysql)');
  expect(errors).toContain('Usage: npm run chaos');
});
