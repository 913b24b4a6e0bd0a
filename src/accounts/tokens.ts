import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { randomSecret, safeEqual, sha256 } from './secrets';

/** What a personal API token may do: read only (GET) or also change records. */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const PREFIX = 'cfd_';
/** How often a token's last_used_at is refreshed. */
const LAST_USED_EVERY_MS = 60_000;

/** Makes the token text shown to the user once: cfd_<id>_<secret>. Only the secret's hash is stored. */
export function mintToken(id: string) {
  const secret = randomSecret(32);
  return { token: `${PREFIX}${id.replaceAll('-', '')}_${secret}`, hash: sha256(secret) };
}

/**
 * Finds the live token row for a presented bearer token, comparing hashes in constant time. `freshUntil` (ms) says
 * until when the answer holds without asking again (expiry or the next last-used refresh).
 */
export async function findToken(db: Kysely<Database>, presented: string, nowIso: string) {
  const m = /^cfd_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(presented);
  if (!m) return null;
  const hex = m[1];
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id', 'api_tokens.user_id', 'api_tokens.token_hash', 'api_tokens.scopes', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at', 'users.active', 'users.must_change_password'])
    .where('api_tokens.id', '=', id)
    .executeTakeFirst();
  if (!row || !safeEqual(row.token_hash, sha256(m[2]))) return null;
  if (row.revoked_at || row.active !== 1 || (row.expires_at && row.expires_at <= nowIso)) return null;
  const now = Date.parse(nowIso);
  let lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : -Infinity;
  if (now - lastUsed > LAST_USED_EVERY_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: nowIso }).where('id', '=', row.id).execute();
    lastUsed = now;
  }
  const freshUntil = Math.min(row.expires_at ? Date.parse(row.expires_at) : Infinity, lastUsed + LAST_USED_EVERY_MS + 1);
  return { ...row, scopes: JSON.parse(row.scopes) as TokenScope[], freshUntil };
}
