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

  it('an instant before the year 1900 in UTC is refused — a default or a slip (0001, 0026), never a record; 1900-01-01T00:00Z is taken, and so is harm told of decades later (1985)', () => {
    for (const early of ['0001-01-01T00:00:00Z', '0026-03-02T09:00:00Z', '1899-12-31T23:59:59.999Z', '1900-01-01T00:30:00+01:00', '0000-01-01T00:00:00+01:00']) {
      expect(messages(early), early).toEqual(['must not be before the year 1900 (UTC)']);
    }
    expect(messages('1900-01-01T00:00:00Z')).toEqual([]);
    expect(messages('1899-12-31T23:00:00-01:00')).toEqual([]); // 1900-01-01T00:00Z
    expect(messages('1985-06-01T15:00:00Z')).toEqual([]);
    expect(messages('1899-12-31T23:59:59Z', false)).toEqual(['must not be before the year 1900 (UTC)']);
  });

  it('text that is not an instant gets the format error alone, never an exception (which answered 500) nor a range message', () => {
    for (const bad of ['yesterday', 'last Tuesday', '2026-13-45T99:00:00Z', '', '-000001-01-01T00:00:00Z', '+010000-01-01T00:00:00Z']) {
      expect(() => instant().safeParse(bad)).not.toThrow();
      expect(messages(bad).length, bad).toBe(1);
      expect(messages(bad)[0], bad).not.toMatch(/year (1900|9999)/);
    }
  });
});
