import { runBenchCli } from '../src/bench/bench-main';
import { consoleErrorsOf } from './console-errors';

// Flag checks of `npm run bench` that answer before any server starts (exit 2, milliseconds).

test('npm run bench refuses a warm-up shorter than a second, naming the flag and the value', async () => {
  const errors = await consoleErrorsOf(async () => {
    await expect(runBenchCli(['--warm-up-ms', '500'])).resolves.toBe(2);
    await expect(runBenchCli(['--warm-up-ms', 'soon'])).resolves.toBe(2);
  });
  expect(errors).toContain('--warm-up-ms must be an integer >= 1000 (got 500)');
  expect(errors).toContain('--warm-up-ms must be an integer >= 1000 (got soon)');
  expect(errors).toContain('--warm-up-ms N');
});
