import type { ZodType } from 'zod';
import { invalidInput, zodFieldErrors } from '../lib/errors';

/**
 * Validates console input with the API's own schema: the same checks and messages as over HTTP, each error naming
 * the field at fault under `prefix` (`body.note`, or `answers.…` for a JSON file of answers) — or, for a field typed
 * as a console option, the option itself (`optionOf`: `{ withinDays: '--days' }`), so the error names what was typed.
 */
export function parseInput<T>(schema: ZodType<T>, value: unknown, prefix: string, optionOf: Readonly<Record<string, string>> = {}): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw invalidInput('The input is not valid.', zodFieldErrors(prefix, r.error).map((e) => {
    const option = optionOf[e.path.slice(prefix.length + 1).split('.')[0]];
    return option ? { ...e, path: option } : e;
  }));
}
