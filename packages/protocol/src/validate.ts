import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { ChatError, ErrorCode } from './errors';

/** A compiled schema check: validates once at the edge and types the value everywhere after. */
export interface Validator<T extends TSchema> {
  readonly schema: T;
  check(value: unknown): value is Static<T>;
  /** Returns the value typed, or throws ChatError(VALIDATION_FAILED) naming the first bad field. */
  parse(value: unknown): Static<T>;
}

export function compile<T extends TSchema>(schema: T): Validator<T> {
  const checker: TypeCheck<T> = TypeCompiler.Compile(schema);
  return {
    schema,
    check: (value): value is Static<T> => checker.Check(value),
    parse(value) {
      if (checker.Check(value)) return value;
      const first = checker.Errors(value).First();
      const where = first?.path ? first.path.slice(1).replaceAll('/', '.') || 'payload' : 'payload';
      throw new ChatError(ErrorCode.VALIDATION_FAILED, `${where}: ${first?.message ?? 'invalid'}`);
    },
  };
}
