import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { UnrecoverableError } from 'bullmq';

export interface PayloadParser<T extends TSchema> {
  /** The payload typed, or an UnrecoverableError naming the first bad field (the job fails once, no retries). */
  parse(data: unknown): Static<T>;
}

/** A compiled check of one job payload schema; `what` names the job in the failure reason. */
export function payloadParser<T extends TSchema>(schema: T, what: string): PayloadParser<T> {
  const check = TypeCompiler.Compile(schema);
  return {
    parse(data) {
      if (check.Check(data)) return data;
      const first = check.Errors(data).First();
      const where = first?.path ? first.path.slice(1).replaceAll('/', '.') || 'payload' : 'payload';
      // A bad payload fails the same way every time: retrying it would only repeat the error.
      throw new UnrecoverableError(`invalid ${what} job payload: ${where}: ${first?.message ?? 'does not match the schema'}`);
    },
  };
}
