import { DomainError, type ErrorKind } from '../lib/errors';
import type { Services } from '../context';
import { TransferError } from '../transfer/csv';
import { fail, withServices } from './shared';

/**
 * The exit code of each kind of domain error, so a script can tell them apart (documented in the README's
 * "Command line" section). 0 is success; 1 is any other failure (a usage error, an unreadable file, a failed check,
 * an unexpected fault).
 */
export const EXIT_CODES: Record<ErrorKind, number> = {
  'invalid-input': 2,
  unauthenticated: 3,
  forbidden: 4,
  'not-found': 5,
  conflict: 6,
  'stale-version': 7,
  'version-required': 8,
  'too-large': 9,
  'unsupported-media-type': 10,
  'rate-limited': 11,
  unavailable: 12,
};

/** A domain error as one readable line: the sentence, the fields at fault, and the rule and clause that decided. */
export function errorMessage(e: DomainError): string {
  const fields = e.errors?.length ? ` (${e.errors.map((f) => `${f.path}: ${f.message}`).join('; ')})` : '';
  const decided = e.rule ? ` [rule ${e.rule}${e.clause ? `, clause ${e.clause}` : ''}]` : '';
  return `${e.detail}${fields}${decided}`;
}

/** Prints a domain error for the user and sets its kind's exit code. */
export function failWith(e: DomainError): void {
  fail(errorMessage(e), EXIT_CODES[e.kind]);
}

/**
 * Runs a console command with services open. Expected failures — bad input, a refusal, a file that cannot be read —
 * become a message and the exit code of their kind, never a stack trace; anything else is a fault and is thrown.
 */
export async function runCommand(fn: (services: Services) => Promise<void>): Promise<void> {
  try {
    await withServices(fn);
  } catch (error) {
    if (error instanceof TransferError) return fail(error.message);
    if (error instanceof DomainError) return failWith(error);
    throw error;
  }
}
