/**
 * JSON with object keys sorted at every depth and no insignificant white space, so equal values always give
 * equal text (the audit hash chain depends on this). Otherwise it writes what JSON.stringify writes: values with a
 * toJSON method (a Date) as their JSON form, undefined, functions and symbols left out of objects and written as
 * null in arrays. Non-finite numbers and BigInts are refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/**
 * The canonical text of a value, or undefined where JSON.stringify would leave the value out. Written with plain
 * loops and string concatenation: every audited request writes one, and `map`/`join`, a sort comparator and template
 * strings made a two-key detail cost ~0.5 µs. Keys sort by UTF-16 code units, as the default sort compares strings.
 */
function write(input: unknown): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'bigint') throw new Error('canonicalJson: BigInt has no JSON form');
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: non-finite number');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const v = write((value as Record<string, unknown>)[keys[i]]);
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(keys[i]) + ':' + v;
    first = false;
  }
  return out + '}';
}
