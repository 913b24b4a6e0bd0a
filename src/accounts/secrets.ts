import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random secret of `bytes` bytes. */
export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** SHA-256 hex of a secret; secrets are stored only as hashes. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
