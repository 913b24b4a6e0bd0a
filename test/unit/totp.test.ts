import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, newTotpSecret, otpauthUri, totpCode, totpStep, verifyTotp } from '../../src/accounts/totp';
import { accountLockMinutes } from '../../src/accounts/throttle';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('3.7 secure conditions: TOTP second factor (RFC 6238, SHA-1, 30 s, 6 digits)', () => {
  it('3.7: base32 follows RFC 4648 (unpadded) and round-trips', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Encode(Buffer.from('f'))).toBe('MY');
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb oi').toString()).toBe('foobar');
    expect(() => base32Decode('MZ1')).toThrow();
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
  });

  it('3.7: HOTP matches RFC 4226 appendix D', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    expect([0, 1, 2, 9].map((c) => hotp(key, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it.each(RFC_VECTORS)('3.7: TOTP at %i s matches RFC 6238 (%s)', (seconds, expected) => {
    const at = new Date(seconds * 1000);
    expect(totpCode(RFC_SECRET, at, 8)).toBe(expected);
    expect(totpCode(RFC_SECRET, at)).toBe(expected.slice(2));
  });

  it('3.7: accepts the current step and one either side, nothing further', () => {
    const at = new Date('2026-03-02T09:00:10Z');
    const step = totpStep(at);
    const codeAt = (s: number) => totpCode(RFC_SECRET, new Date(s * 30_000));
    expect(verifyTotp(RFC_SECRET, codeAt(step), at, null)).toBe(step);
    expect(verifyTotp(RFC_SECRET, codeAt(step - 1), at, null)).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, codeAt(step + 1), at, null)).toBe(step + 1);
    expect(verifyTotp(RFC_SECRET, codeAt(step - 2), at, null)).toBeNull();
    expect(verifyTotp(RFC_SECRET, codeAt(step + 2), at, null)).toBeNull();
  });

  it('3.7: a code at or before the last used step is refused (no replay)', () => {
    const at = new Date('2026-03-02T09:00:10Z');
    const step = totpStep(at);
    const code = totpCode(RFC_SECRET, at);
    expect(verifyTotp(RFC_SECRET, code, at, step)).toBeNull();
    expect(verifyTotp(RFC_SECRET, code, at, step - 1)).toBe(step);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(at.getTime() - 30_000)), at, step)).toBeNull();
  });

  it('3.7: malformed codes never match', () => {
    const at = new Date();
    for (const code of ['', '12345', '1234567', 'abcdef', ' 12345']) expect(verifyTotp(RFC_SECRET, code, at, null)).toBeNull();
  });

  it('3.7: the otpauth URI names issuer, account and parameters', () => {
    const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'ada.l'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Confide:ada.l');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Confide', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});

describe('3.7 secure conditions: account lockout schedule', () => {
  it('3.7: five failures lock for 15 minutes, doubling on each further run, capped at a day', () => {
    expect([1, 4, 6, 9].map(accountLockMinutes)).toEqual([0, 0, 0, 0]);
    expect([5, 10, 15, 20].map(accountLockMinutes)).toEqual([15, 30, 60, 120]);
    expect(accountLockMinutes(500)).toBe(24 * 60);
  });
});
