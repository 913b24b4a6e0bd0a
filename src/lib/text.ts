import type { FieldError } from './errors';

// A NUL, or a UTF-16 surrogate without its partner (a high one not followed by a low one, or a low one alone).
// eslint-disable-next-line no-control-regex -- the NUL is exactly what this looks for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be stored, or null when it can. One rule for both engines (issue 9): PostgreSQL refuses a NUL
 * in text (the request failed with a 500) while SQLite stored it, and the two engines changed unpaired surrogates
 * silently and differently (replacement characters on one, raw bytes on the other). Neither is text a person
 * typed, so both are refused at the edge, naming the field, instead of being stored one way or another.
 */
export function textFault(value: string): string | null {
  const m = UNSAFE.exec(value);
  if (!m) return null;
  return m[0] === '\u0000' ? 'must not contain the NUL character (U+0000)' : 'must be valid Unicode text (it contains an unpaired surrogate)';
}

/**
 * Every string at fault in a parsed input (JSON body, query, params; object keys too), as field errors under
 * `prefix` ("body", "query", "params"). Walks at most `depth` levels; input that deep is refused elsewhere.
 */
export function textFaults(prefix: string, value: unknown, out: FieldError[] = [], depth = 8): FieldError[] {
  if (typeof value === 'string') {
    const fault = textFault(value);
    if (fault) out.push({ path: prefix, message: fault });
  } else if (Array.isArray(value)) {
    if (depth > 0) value.forEach((v, i) => textFaults(`${prefix}.${i}`, v, out, depth - 1));
  } else if (value !== null && typeof value === 'object' && depth > 0) {
    for (const [k, v] of Object.entries(value)) {
      // A key at fault is named by its position, never echoed: it is not valid text to show.
      const keyFault = textFault(k);
      if (keyFault) out.push({ path: `${prefix}.<key ${Object.keys(value).indexOf(k) + 1}>`, message: `field name ${keyFault}` });
      else textFaults(`${prefix}.${k}`, v, out, depth - 1);
    }
  }
  return out;
}
