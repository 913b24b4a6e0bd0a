import type { Ctx } from '../context';
import { mintToken } from './tokens';
import { conflict, notFound, refused } from '../lib/errors';
import { newId } from '../lib/ids';
import { SELF_RULE } from '../policy/rules/accounts';
import type { CreateTokenInput } from './schema';
import { requireSession, type Credential } from './self';

/** Most live tokens one user may hold; old ones should be revoked rather than piling up. */
export const MAX_LIVE_TOKENS = 25;
const DAY_MS = 86_400_000;

/**
 * Mints a personal API token for scripts and the CLI (3.7): scoped (read, or read and write), expiring within a
 * year, stored only as a hash, shown once. Only a browser session may mint one, so a leaked token cannot make more.
 */
export async function createApiToken(ctx: Ctx, credential: Credential, input: CreateTokenInput) {
  requireSession(credential);
  await requireOwnPassword(ctx);
  const live = await ctx.db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', ctx.actor.id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', ctx.nowIso)
    .executeTakeFirstOrThrow();
  if (Number(live.n) >= MAX_LIVE_TOKENS) throw conflict(`You already have ${MAX_LIVE_TOKENS} live tokens. Revoke some first.`);
  const id = newId(ctx.now.getTime());
  const { token, hash } = mintToken(id);
  const expiresAt = new Date(ctx.now.getTime() + input.expiresInDays * DAY_MS).toISOString();
  const scopes = [...input.scopes];
  await ctx.db
    .insertInto('api_tokens')
    .values({ id, user_id: ctx.actor.id, name: input.name, token_hash: hash, scopes: JSON.stringify(scopes), created_at: ctx.nowIso, expires_at: expiresAt, last_used_at: null, revoked_at: null })
    .execute();
  ctx.audit.add({ action: 'account.token.create', decision: 'change', resourceType: 'api_token', resourceId: id, ruleId: SELF_RULE.id, clause: ctx.actor.policy.clauseFor(SELF_RULE.clauseKey), detail: { scopes, expiresInDays: input.expiresInDays } });
  return { id, name: input.name, scopes, createdAt: ctx.nowIso, expiresAt, token };
}

/**
 * No token while the password is a one-time one (a new account's, or one an administrator reset): a token made
 * with it would outlive it, working after the owner chose their own password (3.7). Refused and audited.
 */
async function requireOwnPassword(ctx: Ctx) {
  const self = await ctx.db.selectFrom('users').select('must_change_password').where('id', '=', ctx.actor.id).executeTakeFirstOrThrow();
  if (Number(self.must_change_password) !== 1) return;
  const clause = ctx.actor.policy.clauseFor(SELF_RULE.clauseKey);
  ctx.audit.add({ action: 'account.token.create', decision: 'deny', resourceType: 'api_token', resourceId: null, ruleId: 'accounts/password-change-required', clause });
  throw refused('Change your one-time password before making an API token: a token made with it would outlive it.', { code: 'password-change-required', rule: 'accounts/password-change-required', clause });
}

/** The user's own tokens, newest first, without secrets. */
export async function listApiTokens(ctx: Ctx) {
  const rows = await ctx.db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'scopes', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', ctx.actor.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id, name: r.name, scopes: JSON.parse(r.scopes) as string[], createdAt: r.created_at, expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
      status: r.revoked_at ? 'revoked' : r.expires_at && r.expires_at <= ctx.nowIso ? 'expired' : 'active',
    })),
  };
}

/** Revokes one of the user's own tokens. Someone else's token answers the same 404 as a missing one. */
export async function revokeApiToken(ctx: Ctx, id: string): Promise<void> {
  const row = await ctx.db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', id).where('user_id', '=', ctx.actor.id).executeTakeFirst();
  if (!row) throw notFound('API token');
  if (row.revoked_at) return;
  await ctx.db.updateTable('api_tokens').set({ revoked_at: ctx.nowIso }).where('id', '=', id).execute();
  ctx.audit.add({ action: 'account.token.revoke', decision: 'change', resourceType: 'api_token', resourceId: id, ruleId: SELF_RULE.id, clause: ctx.actor.policy.clauseFor(SELF_RULE.clauseKey) });
}
