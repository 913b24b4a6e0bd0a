import { describe, expect, it } from 'vitest';
import { earlierAllowsSigning, variationWords } from '../../web/src/pages/agreements/variation-words';

// The sentence a variation's page says about the earlier version it varies (practice 5.1): true for each state.
const day = (iso: string) => iso.slice(0, 10);
const sentence = (...args: Parameters<typeof variationWords>) => {
  const w = variationWords(...args);
  return `${w.before}an earlier version${w.after}`;
};
const draft = { status: 'draft' as const, signedAt: null, terminatedAt: null };
const earlier = (status: 'in_force' | 'signed' | 'ended' | 'terminated' | 'superseded', terminatedAt: string | null = null) =>
  ({ status, startsOn: '2026-04-01', endsOn: '2026-12-31', terminatedAt });

describe('practice 5.1 sharing-agreements: what a variation says of the version it varies', () => {
  it('practice 5.1 sharing-agreements: a draft variation of a version in force says it stays in force until this one is signed', () => {
    expect(sentence(draft, earlier('in_force'), day)).toBe('This varies an earlier version, which stays in force until this one is signed.');
  });

  it('practice 5.1 sharing-agreements: a draft variation of a version ended early or past its end says it can no longer be signed, not that the version stays in force', () => {
    const ended = sentence(draft, earlier('terminated', '2026-03-02T10:00:00.000Z'), day);
    expect(ended).toBe('This varies an earlier version, which was ended early on 2026-03-02: this variation can no longer be signed. Draft a new agreement to carry on sharing.');
    expect(sentence(draft, earlier('ended'), day)).toBe('This varies an earlier version, which ended on 2026-12-31: this variation can no longer be signed. Draft a new agreement to carry on sharing.');
    expect(sentence(draft, earlier('signed'), day)).toBe('This varies an earlier version, which is signed and starts on 2026-04-01; this one replaces it once signed.');
    for (const s of [ended, sentence(draft, earlier('ended'), day), sentence(draft, undefined, day)]) expect(s).not.toContain('stays in force');
  });

  it('practice 5.1 sharing-agreements: a signed variation replaced the earlier version; one ended early in its turn says neither is in force', () => {
    const signedAt = '2026-02-01T09:00:00.000Z';
    expect(sentence({ status: 'in_force', signedAt, terminatedAt: null }, earlier('superseded'), day)).toBe('This replaced an earlier version when it was signed on 2026-02-01.');
    const terminated = sentence({ status: 'terminated', signedAt, terminatedAt: '2026-03-02T10:00:00.000Z' }, earlier('superseded'), day);
    expect(terminated).toBe('This replaced an earlier version when it was signed on 2026-02-01. This one was then ended early on 2026-03-02: neither version is in force.');
    expect(terminated).not.toContain('stays in force');
    expect(sentence({ status: 'in_force', signedAt, terminatedAt: null }, earlier('terminated', '2026-01-20T09:00:00.000Z'), day))
      .toBe('This varies an earlier version, which was ended early on 2026-01-20.');
  });

  it('practice 5.1 sharing-agreements: the signing steps are offered only while the version a draft varies is current, never while it loads', () => {
    const varies = { supersedes: 'earlier-id' };
    expect(earlierAllowsSigning(varies, earlier('in_force'))).toBe(true);
    expect(earlierAllowsSigning(varies, earlier('signed'))).toBe(true);
    for (const status of ['ended', 'terminated', 'superseded'] as const) expect(earlierAllowsSigning(varies, earlier(status))).toBe(false);
    expect(earlierAllowsSigning(varies, undefined)).toBe(false);
    expect(earlierAllowsSigning({ supersedes: null }, undefined)).toBe(true);
  });
});
