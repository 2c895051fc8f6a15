import { runBenchCli } from '../src/bench/bench-main';

// Flag checks of `npm run bench` that answer before any server starts (exit 2, milliseconds).

test('npm run bench refuses a warm-up shorter than a second, naming the flag and the value', async () => {
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => {
    errors.push(line);
  });
  try {
    await expect(runBenchCli(['--warm-up-ms', '500'])).resolves.toBe(2);
    await expect(runBenchCli(['--warm-up-ms', 'soon'])).resolves.toBe(2);
  } finally {
    spy.mockRestore();
  }
  expect(errors.join('\n')).toContain('--warm-up-ms must be an integer >= 1000 (got 500)');
  expect(errors.join('\n')).toContain('--warm-up-ms must be an integer >= 1000 (got soon)');
  expect(errors.join('\n')).toContain('--warm-up-ms N');
});
