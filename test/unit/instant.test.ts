import { describe, expect, it } from 'vitest';
import { instant } from '../../src/lib/clock';

describe('instants the API takes', () => {
  const messages = (v: string, offset = true) => {
    const r = instant({ offset }).safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it('an instant after the year 9999 in UTC is refused — stored as "+010000-…" it would sort before every date', () => {
    expect(messages('9999-12-31T23:59:59-14:00')).toEqual(['must not be after the year 9999 (UTC)']);
    expect(messages('9999-12-31T09:59:59-14:00')).toEqual([]);
    expect(messages('2026-03-02T09:00:00Z', false)).toEqual([]);
  });

  it('text that is not an instant gets the format error alone, never an exception (which answered 500)', () => {
    for (const bad of ['yesterday', 'last Tuesday', '2026-13-45T99:00:00Z', '']) {
      expect(() => instant().safeParse(bad)).not.toThrow();
      expect(messages(bad).length, bad).toBeGreaterThan(0);
      expect(messages(bad), bad).not.toContain('must not be after the year 9999 (UTC)');
    }
  });
});
