import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax)
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id (OWASP's recommended parameters). */
export const hashPassword = (password: string) => hash(password, OPTIONS);

/** Verifies a password against a stored hash; false on any malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the account does not exist, so timing does not reveal which usernames exist. */
export const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** A readable one-time password: 20 characters from an unambiguous alphabet (~100 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Why a new password is not acceptable, or null if it is. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < 12) return 'must be at least 12 characters';
  if (password.length > 200) return 'must be at most 200 characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  if (new Set(password).size < 5) return 'is too repetitive';
  return null;
}
