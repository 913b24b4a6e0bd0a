import { describe, expect, it } from 'vitest';
import { CallerCache, type Caller } from '../../src/accounts/caller-cache';
import { SAMPLE_POLICY_STATE } from '../../src/policy/state';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');

function caller(grantEnds: string[] = []): Caller {
  return {
    auth: { userId: 'u1', kind: 'session', scopes: ['read', 'write'], mustChangePassword: false, freshUntil: T0 + 60_000 },
    actor: {
      id: 'u1', username: 'sam', roles: ['staff'], roleMask: 1, policyAccepted: true,
      grants: grantEnds.map((expiresAt, i) => ({ id: `g${i}`, kind: 'request', personId: 'p1', caseId: null, organisationId: null, mask: 3, expiresAt })),
      policy: SAMPLE_POLICY_STATE,
    },
  };
}

describe('caller cache (3.4 need to know: a cached caller is never trusted past what it was loaded from)', () => {
  it('answers only for the epoch it was loaded under, and forgets the entry once the epoch moves', () => {
    const cache = new CallerCache();
    cache.set('k', caller(), 7, T0 + 60_000);
    expect(cache.get('k', 7, T0)?.actor.username).toBe('sam');
    expect(cache.get('k', 8, T0)).toBeUndefined();
    expect(cache.get('k', 7, T0)).toBeUndefined(); // gone, not revived by the old epoch
    expect(cache.size).toBe(0);
  });

  it('expires at the freshness bound and at the end of the earliest access grant, whichever comes first', () => {
    const cache = new CallerCache();
    cache.set('plain', caller(), 1, T0 + 60_000);
    expect(cache.get('plain', 1, T0 + 59_999)).toBeDefined();
    expect(cache.get('plain', 1, T0 + 60_000)).toBeUndefined();
    cache.set('granted', caller([new Date(T0 + 90_000).toISOString(), new Date(T0 + 30_000).toISOString()]), 1, T0 + 60_000);
    expect(cache.get('granted', 1, T0 + 29_999)).toBeDefined();
    expect(cache.get('granted', 1, T0 + 30_000)).toBeUndefined();
  });

  it('holds at most `max` callers, dropping the least recently stored, and freezes what it shares between requests', () => {
    const cache = new CallerCache(2);
    for (const k of ['a', 'b', 'c']) cache.set(k, caller(['2030-01-01T00:00:00.000Z']), 1, T0 + 60_000);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1, T0)).toBeUndefined();
    const c = cache.get('c', 1, T0)!;
    expect(Object.isFrozen(c.actor) && Object.isFrozen(c.actor.grants) && Object.isFrozen(c.actor.grants[0]) && Object.isFrozen(c.auth)).toBe(true);
  });
});
