import * as z from 'zod';

/**
 * Plain words for the validator's own messages, so a problem's field errors read as the person at the keyboard
 * would say them ("required", "must be one of: written, oral") rather than as the library does ("Too small: expected
 * string to have >=1 characters"). A schema's own message always wins: this is only the default. Installed once,
 * when this module is first imported (src/lib/errors.ts imports it, as every validation error passes there).
 */
export function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'required' : `must be at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? 'choose at least one' : `choose at least ${min}`;
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `at most ${max} may be given`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return FORMAT_WORDS[issue.format] ?? 'is not in the expected form';
    case 'invalid_union':
      return 'is not one of the accepted forms';
    default:
      return undefined;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text', number: 'must be a number', int: 'must be a whole number', boolean: 'must be true or false',
  array: 'must be a list', object: 'must be an object', date: 'must be a date',
};

const FORMAT_WORDS: Record<string, string> = {
  email: 'must be an email address', uuid: 'must be an id', url: 'must be a web address',
  datetime: 'must be a date and time (ISO 8601, e.g. 2026-03-02T09:30:00Z)', date: 'must be a date (YYYY-MM-DD)',
  regex: 'is not in the expected form',
};

z.config({ customError: plainMessage });
