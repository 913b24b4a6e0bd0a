import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/lib/canonical-json';

// The audit hash chain hashes the canonical JSON of each entry's detail (1.1 records-management): equal values must
// always give equal text, whatever order their keys were built in, and the text must be plain JSON.

/** The same value with every object's keys inserted in reverse order. */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
  return v;
}

describe('1.1 records-management: canonical JSON for the audit chain', () => {
  it('1.1 records-management: key order never changes the text, at any depth', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(canonicalJson(reversed(v))).toBe(canonicalJson(v));
    }), { numRuns: 2000 });
  });

  it('1.1 records-management: the text is JSON that parses back to the same value, and is its own canonical form', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
      expect(canonicalJson(JSON.parse(text))).toBe(text);
      expect(text.length).toBe(JSON.stringify(v).length); // no white space added, nothing dropped
    }), { numRuns: 2000 });
  });

  it('1.1 records-management: keys are sorted by code unit at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null }, B: true, é: 0, _: 'x' })).toBe('{"B":true,"_":"x","a":{"c":null,"d":[{"y":2,"z":1}]},"b":1,"é":0}');
  });

  it('1.1 records-management: it writes what JSON.stringify writes for undefined, functions, symbols and toJSON', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 })).toBe('{"d":1}');
    expect(canonicalJson([undefined, () => 1, Symbol('s'), 1])).toBe('[null,null,null,1]');
    expect(canonicalJson(undefined)).toBe('null');
    // A Date is written as its ISO text (it used to become {} and lose the time silently).
    expect(canonicalJson({ at: new Date('2026-03-02T09:00:00.000Z') })).toBe('{"at":"2026-03-02T09:00:00.000Z"}');
    expect(canonicalJson({ x: { toJSON: () => ({ b: 2, a: 1 }) } })).toBe('{"x":{"a":1,"b":2}}');
    expect(canonicalJson('line\nbreak "quoted" \u2028')).toBe(JSON.stringify('line\nbreak "quoted" \u2028'));
    expect(canonicalJson(-0)).toBe('0');
  });

  it('1.1 records-management: values without a faithful JSON form are refused, not changed', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
    expect(() => canonicalJson({ n: 10n })).toThrow(/BigInt/);
  });

  it('1.1 records-management: different values give different text', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const same = JSON.stringify(JSON.parse(canonicalJson(a))) === JSON.stringify(JSON.parse(canonicalJson(b)));
      expect(canonicalJson(a) === canonicalJson(b)).toBe(same);
    }), { numRuns: 2000 });
  });
});
