import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { zodFieldErrors } from '../../src/lib/errors';

describe('field errors in plain words', () => {
  const schema = z.strictObject({
    title: z.string().min(1), roles: z.array(z.string()).min(1), hours: z.number(), method: z.enum(['written', 'oral']),
    email: z.email(), name: z.string().max(3), reason: z.string().min(10, 'say why in a sentence'), at: z.iso.datetime(), id: z.uuid(), note: z.string(),
  });

  it("the validator's own messages read as plain words naming what to give; a schema's own message is kept", () => {
    const parsed = schema.safeParse({ title: '', roles: [], hours: null, method: 'faxed', email: 'nope', name: 'abcd', reason: 'x', at: 'soon', id: 'y' });
    expect(parsed.success).toBe(false);
    expect(zodFieldErrors('body', parsed.error!)).toEqual([
      { path: 'body.title', message: 'required' },
      { path: 'body.roles', message: 'choose at least one' },
      { path: 'body.hours', message: 'must be a number' },
      { path: 'body.method', message: 'must be one of: written, oral' },
      { path: 'body.email', message: 'must be an email address' },
      { path: 'body.name', message: 'must be at most 3 characters' },
      { path: 'body.reason', message: 'say why in a sentence' },
      { path: 'body.at', message: 'must be a date and time (ISO 8601, e.g. 2026-03-02T09:30:00Z)' },
      { path: 'body.id', message: 'must be an id' },
      { path: 'body.note', message: 'required' },
    ]);
  });
});
