import { describe, expect, it } from 'vitest';
import { newId, UUID_PATTERN } from '../../src/lib/ids';

describe('record ids (UUIDv7)', () => {
  it('are well-formed version-7 UUIDs, unique and in creation order, across many refills of the random pool', () => {
    const ids = Array.from({ length: 10_000 }, () => newId());
    for (const id of ids) {
      expect(id).toMatch(UUID_PATTERN);
      expect(id[14]).toBe('7');
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The random part differs between neighbours (no reuse of pool bytes).
    const tails = new Set(ids.map((id) => id.slice(19)));
    expect(tails.size).toBe(ids.length);
  });

  it('carry the millisecond they were made in, so they sort with time', () => {
    const at = Date.now() + 1000; // after anything made so far in this file
    const id = newId(at);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
  });
});
