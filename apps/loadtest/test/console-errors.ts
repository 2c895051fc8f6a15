/** Runs `work` with console.error captured (a CLI's refusals and usage), and returns what it printed. */
export async function consoleErrorsOf(work: () => Promise<void>): Promise<string> {
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => {
    errors.push(line);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return errors.join('\n');
}
