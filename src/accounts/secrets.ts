import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random secret of `bytes` bytes. */
export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * SHA-256 hex of a secret; secrets are stored only as hashes. One-shot (`crypto.hash`): every authenticated request
 * hashes its credential to find its caller, and a Hash object per call cost about twice as much.
 */
export const sha256 = (value: string) => hash('sha256', value, 'hex');

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
