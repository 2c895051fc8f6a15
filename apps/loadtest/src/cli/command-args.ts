import { parseArgs } from 'node:util';

type OptionsConfig = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
type Values<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O }>>['values'];

/**
 * Parses a command's flags the way every loadtest command answers them: -h/--help prints the
 * usage (exit 0); an unknown or malformed flag prints the error and the usage (exit 2).
 * Answers the flags, or the exit status the command should return.
 */
export function parseCommandArgs<const O extends OptionsConfig>(argv: string[], options: O, usage: string): Values<O> | number {
  let values: Values<O> & { help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } }) as {
      values: Values<O> & { help?: boolean };
    });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  return values;
}
