import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorMessage, EXIT_CODES, failWith } from '../../src/cli/errors';
import { conflict, DomainError, ERROR_KINDS, forbidden, invalidInput, notFound, staleVersion } from '../../src/lib/errors';

describe('the CLI renders domain errors as messages with an exit code per kind', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('every kind has its own exit code, and none is 0 (success) or 1 (any other failure)', () => {
    const codes = ERROR_KINDS.map((k) => EXIT_CODES[k]);
    expect(codes.every((c) => Number.isInteger(c) && c > 1 && c < 126)).toBe(true);
    expect(new Set(codes).size).toBe(ERROR_KINDS.length);
    expect(Object.keys(EXIT_CODES).sort()).toEqual([...ERROR_KINDS].sort());
  });

  it('a message names the fields at fault and, for a policy refusal, the rule and clause that decided (3.5 agreement)', () => {
    expect(errorMessage(invalidInput('The input is invalid.', [{ path: 'body.email', message: 'not an email' }, { path: 'body.kind', message: 'required' }])))
      .toBe('The input is invalid. (body.email: not an email; body.kind: required)');
    expect(errorMessage(forbidden({ reason: 'Read and accept the current confidentiality policy first.', ruleId: 'agreement/not-accepted', clause: '3.5' })))
      .toBe('Read and accept the current confidentiality policy first. [rule agreement/not-accepted, clause 3.5]');
    expect(errorMessage(notFound('person'))).toBe('No person with that id, or you do not have access to it.');
    expect(errorMessage(staleVersion(4))).toBe('The record has changed since you loaded it (now version 4). Reload and try again.');
  });

  it('failWith writes the message to stderr and sets the exit code of the kind', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    failWith(conflict('This attachment is already archived.'));
    expect(written).toEqual(['confide: This attachment is already archived.\n']);
    expect(process.exitCode).toBe(EXIT_CODES.conflict);
    failWith(new DomainError('unavailable', 'The database is not reachable.'));
    expect(process.exitCode).toBe(EXIT_CODES.unavailable);
  });
});
