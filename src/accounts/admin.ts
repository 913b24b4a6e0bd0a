import { enforce } from '../audit/enforce';
import { sql } from 'kysely';
import type { Ctx } from '../context';
import { revokeUserSessions } from './sessions';
import { conflict, DomainError, invalidInput, notFound, refused, staleVersion } from '../lib/errors';
import type { PolicyState } from '../policy/state';
import { decide } from '../policy/decide';
import type { Role } from '../policy/types';
import { generatePassword, hashPassword } from './passwords';
import type { CreateUserInput, UpdateUserInput } from './schema';
import { insertUser, replaceRoles, rolesOf } from './users';
import { allHolders, notify } from '../notify/notify';
import { CLIENT_FACING_ROLES, roleCombinationProblem, SEPARATE_ROLES_RULE } from './roles';

/**
 * Account administration (clause 3.7 secure conditions; 3.5: everyone who handles information has an account of
 * their own with the roles that match their responsibilities). Shared by the HTTP routes (an administrator) and
 * the CLI (the system actor). Accounts are deactivated, never deleted, so the record of who did what stays.
 */
export type AccountsCtx = Pick<Ctx, 'db' | 'now' | 'nowIso' | 'audit' | 'services' | 'actor'> & { actorId: string | null; policy: PolicyState };

/** The accounts context of a signed-in administrator (or of the system, for the console). */
export const adminCtx = (ctx: Ctx): AccountsCtx => ({ db: ctx.db, now: ctx.now, nowIso: ctx.nowIso, audit: ctx.audit, services: ctx.services, actor: ctx.actor, actorId: ctx.actor.id, policy: ctx.actor.policy });

const RULE = 'accounts/administer';
const clause = (ctx: AccountsCtx) => ctx.policy.clauseFor('secure-conditions');

async function rolesByUser(ctx: Pick<Ctx, 'db'>, ids: readonly string[]) {
  const map = new Map<string, Role[]>();
  if (ids.length === 0) return map;
  const rows = await ctx.db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', ids).orderBy('role').execute();
  for (const r of rows) (map.get(r.user_id) ?? map.set(r.user_id, []).get(r.user_id)!).push(r.role as Role);
  return map;
}

/** Whether the actor sees the administrator's view of accounts (security state, email). */
export const seesAccountDetails = (ctx: Ctx) => decide(ctx.actor, 'user.manage').allowed;

/**
 * Everyone with an account. Managers see who works here (to assign case teams); administrators also see the
 * account's security state and email.
 */
export async function listUsers(ctx: Pick<Ctx, 'db'>, options: { includeInactive: boolean; full: boolean }) {
  const { includeInactive, full } = options;
  let q = ctx.db.selectFrom('users').selectAll();
  if (!includeInactive) q = q.where('active', '=', 1);
  const rows = await q.orderBy('username').execute();
  const roles = await rolesByUser(ctx, rows.map((r) => r.id));
  return {
    items: rows.map((r) => ({
      id: r.id, username: r.username, displayName: r.display_name, roles: roles.get(r.id) ?? [], active: r.active === 1,
      ...(full ? administered(r) : {}),
    })),
  };
}

type UserRowLike = { email: string | null; must_change_password: number; totp_enabled: number; locked_until: string | null; deactivated_at: string | null; created_at: string; version: number };
const administered = (r: UserRowLike) => ({
  email: r.email, mustChangePassword: r.must_change_password === 1, totpEnabled: r.totp_enabled === 1,
  lockedUntil: r.locked_until, deactivatedAt: r.deactivated_at, createdAt: r.created_at, version: Number(r.version),
});

/** One account as an administrator sees it. */
export async function getUser(ctx: Pick<Ctx, 'db'>, id: string) {
  const r = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('user');
  return { id: r.id, username: r.username, displayName: r.display_name, roles: await rolesOf(ctx.db, r.id), active: r.active === 1, ...administered(r) };
}

/** Finds an account by username (CLI). */
export async function userIdByUsername(ctx: Pick<Ctx, 'db'>, username: string): Promise<string> {
  const row = await ctx.db.selectFrom('users').select('id').where('username', '=', username.toLowerCase()).executeTakeFirst();
  // The operator gave a username: say so (the console runs as the system, which sees every account).
  if (!row) throw new DomainError('not-found', 'No user with that username.');
  return row.id;
}

/**
 * Refuses roles one account may not hold together (src/accounts/roles.ts: rule accounts/separate-roles, 3.4,
 * practice 3): 400 naming body.roles with the plain reason, audited as a deny naming the roles (no personal data);
 * nothing is written.
 */
function requireSeparateRoles(ctx: AccountsCtx, action: string, id: string | null, roles: readonly Role[]) {
  const problem = roleCombinationProblem(roles);
  if (!problem) return;
  ctx.audit.add({
    action, decision: 'deny', resourceType: 'user', resourceId: id, ruleId: SEPARATE_ROLES_RULE, clause: ctx.policy.clauseFor('need-to-know'),
    detail: { fields: ['roles'], roles: [...roles].sort(), reason: 'roles held apart' },
  });
  throw invalidInput(`These roles cannot be held by one account: ${problem}.`, [{ path: 'body.roles', message: problem }]);
}

/**
 * Creates an account with a generated one-time password (returned once) that must be changed at first sign-in.
 * Roles that must stay with different people are refused first (requireSeparateRoles).
 */
export async function createUser(ctx: AccountsCtx, input: CreateUserInput) {
  requireSeparateRoles(ctx, 'user.create', null, input.roles);
  const taken = await ctx.db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw conflict('That username is taken.', [{ path: 'body.username', message: 'already in use' }]);
  const password = generatePassword();
  let id: string;
  try {
    id = await insertUser(ctx.db, { ...input, password, mustChangePassword: true }, ctx.nowIso);
  } catch (error) {
    if (/unique|duplicate/i.test((error as Error).message)) throw conflict('That username is taken.', [{ path: 'body.username', message: 'already in use' }]);
    throw error;
  }
  const fields = ['username', 'displayName', ...(input.email ? ['email'] : []), 'roles', 'password'];
  ctx.audit.add({ action: 'user.create', decision: 'change', resourceType: 'user', resourceId: id, ruleId: RULE, clause: clause(ctx), detail: { fields, roles: [...input.roles].sort(), oneTimePassword: true } });
  return { user: await getUser(ctx, id), oneTimePassword: password };
}

/**
 * Active administrators other than `exceptId`, locking their rows on PostgreSQL so two administrators cannot
 * deactivate or demote each other at once and leave nobody to administer.
 */
async function otherActiveAdministrators(ctx: AccountsCtx, exceptId: string): Promise<number> {
  const lock = ctx.services.db.dialect === 'postgres' ? sql` for update` : sql``;
  const rows = await sql<{ id: string }>`select id from users where active = 1 and id in (select user_id from user_roles where role = 'administrator')${lock}`.execute(ctx.db);
  return rows.rows.filter((r) => r.id !== exceptId).length;
}

/**
 * Refuses a change of roles the policy does not allow — above all one's own (rule accounts/no-self-role-change, 3.4:
 * roles decide what a user may see, so nobody widens or narrows their own; another administrator does). The denial is
 * audited naming the roles that would have been added or removed (role names, no personal data); nothing is written.
 */
function requireRolesChange(ctx: AccountsCtx, id: string, added: readonly Role[], removed: readonly Role[]) {
  const detail: Record<string, unknown> = { fields: ['roles'] };
  if (added.length) detail.rolesAdded = added;
  if (removed.length) detail.rolesRemoved = removed;
  enforce(ctx, 'user.update', decide(ctx.actor, 'user.roles', { type: 'user', id, ownerId: id }), { resourceType: 'user', resourceId: id, detail });
}

/**
 * Changes display name, email and roles, if `expectedVersion` is current (412 otherwise). A change of roles (any
 * added or removed) is decided by the policy first: never one's own (403, audited, nothing written); then the new
 * set must be one an account may hold (400 naming body.roles, audited, nothing written: src/accounts/roles.ts).
 */
export async function updateUser(ctx: AccountsCtx, id: string, expectedVersion: number, input: UpdateUserInput) {
  const before = await getUser(ctx, id);
  let added: Role[] = [];
  let removed: Role[] = [];
  if (input.roles) {
    added = input.roles.filter((r) => !before.roles.includes(r));
    removed = before.roles.filter((r) => !input.roles!.includes(r));
    if (added.length || removed.length) {
      requireRolesChange(ctx, id, added, removed);
      requireSeparateRoles(ctx, 'user.update', id, input.roles);
    }
    if (removed.includes('administrator') && before.active && (await otherActiveAdministrators(ctx, id)) === 0) {
      throw conflict('This is the last active administrator; make someone else an administrator first.', [{ path: 'body.roles', message: 'must keep administrator' }]);
    }
  }
  const changes: Record<string, unknown> = {};
  if (input.displayName !== undefined) changes.display_name = input.displayName;
  if (input.email !== undefined) changes.email = input.email;
  const result = await ctx.db
    .updateTable('users')
    .set({ ...changes, updated_at: ctx.nowIso, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleVersion(before.version);
  if (input.roles) await replaceRoles(ctx.db, id, input.roles);
  const detail: Record<string, unknown> = { fields: Object.keys(input).sort(), version: expectedVersion + 1 };
  if (added.length) detail.rolesAdded = added;
  if (removed.length) detail.rolesRemoved = removed;
  ctx.audit.add({ action: 'user.update', decision: 'change', resourceType: 'user', resourceId: id, ruleId: RULE, clause: clause(ctx), detail });
  return getUser(ctx, id);
}

function refuseSelf(ctx: AccountsCtx, action: string, id: string, detail: string) {
  ctx.audit.add({ action, decision: 'deny', resourceType: 'user', resourceId: id, ruleId: 'accounts/not-yourself', clause: clause(ctx), detail: { reason: 'own account' } });
  return refused(detail, { rule: 'accounts/not-yourself', clause: clause(ctx) });
}

/**
 * Deactivates an account (never deletes it): it can no longer sign in, and its sessions and API tokens are revoked
 * at once. Nobody can deactivate themselves or the last active administrator.
 */
export async function deactivateUser(ctx: AccountsCtx, id: string) {
  if (ctx.actorId === id) throw refuseSelf(ctx, 'user.deactivate', id, 'You cannot deactivate your own account; ask another administrator.');
  const before = await getUser(ctx, id);
  if (!before.active) throw conflict('This account is already deactivated.');
  if (before.roles.includes('administrator') && (await otherActiveAdministrators(ctx, id)) === 0) {
    throw conflict('This is the last active administrator; make someone else an administrator first.');
  }
  await ctx.db
    .updateTable('users')
    .set((eb) => ({ active: 0, deactivated_at: ctx.nowIso, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .execute();
  const sessions = await ctx.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  await revokeUserSessions(ctx.db, id, ctx.now);
  const tokensRevoked = await revokeUserTokens(ctx, id);
  ctx.audit.add({
    action: 'user.deactivate', decision: 'change', resourceType: 'user', resourceId: id, ruleId: RULE, clause: clause(ctx),
    detail: { fields: ['active'], sessionsRevoked: Number(sessions.n), tokensRevoked },
  });
  return getUser(ctx, id);
}

/**
 * Gives an account a new one-time password (returned once), unlocks it and revokes its sessions; with
 * `clearSecondFactor` also removes its TOTP (the only way an administrator's or manager's second factor goes); with
 * `revokeApiTokens` also revokes its API tokens, for an account that may have been misused (3.7): a token outlives a
 * password, and a reset after a forgotten password should not break the scripts the person runs, so it is asked for.
 * Administrators cannot reset themselves: a stolen session must not be able to strip its own second factor.
 *
 * Whoever holds the one-time password can be the account until its owner notices, so a reset is made visible and
 * the account starts again from the beginning:
 * - the account must choose its own password (must-change flow: nothing but its own account until then) and accept
 *   the current policy again (3.5): its acceptance is cleared, so whoever signs in next accepts it in their own name
 *   (the earlier acceptance stays in the audit trail as `policy.accept`);
 * - a reset of an account holding any client-facing or oversight role (src/accounts/roles.ts CLIENT_FACING_ROLES:
 *   manager, guardian, safeguarding lead, staff, volunteer, student — each sees client records or oversees their use)
 *   tells, in the app and by an e-mail without details, every other active manager, the guardian and the account
 *   holder: who reset whose account, when, and whether its second factor was removed — never the password (3.7).
 *
 * Decision: an administrator may still reset a manager's (or the guardian's, or a lead's) password when other
 * managers exist. Managers do not administer accounts (separation of duties), Confide has no two-person approval of a
 * reset yet, and refusing would lock a manager who lost their password or phone out until someone with console
 * access resets it — usually the same administrator. The reset is instead never silent: the other managers and the
 * guardian are told at once and can act (report a breach, deactivate the account through another administrator), and
 * the account cannot work before accepting the policy again under its new password. The console's reset (the system
 * actor) is told the same way.
 */
export async function resetPassword(ctx: AccountsCtx, id: string, options: { clearSecondFactor?: boolean; revokeApiTokens?: boolean } = {}) {
  if (ctx.actorId === id) throw refuseSelf(ctx, 'user.reset-password', id, 'Change your own password under your account; ask another administrator to reset it.');
  const before = await getUser(ctx, id);
  if (!before.active) throw conflict('This account is deactivated.');
  if (options.clearSecondFactor !== undefined && typeof options.clearSecondFactor !== 'boolean') throw invalidInput('Say whether to remove the second factor too: yes or no.', [{ path: 'body.clearSecondFactor', message: 'must be true or false' }]);
  const password = generatePassword();
  const hash = await hashPassword(password);
  const clear = options.clearSecondFactor === true;
  await ctx.db
    .updateTable('users')
    .set((eb) => ({
      password_hash: hash, must_change_password: 1, failed_sign_ins: 0, locked_until: null, updated_at: ctx.nowIso, version: eb('version', '+', 1),
      ...(clear ? { totp_secret: null, totp_enabled: 0, totp_last_step: null } : {}),
    }))
    .where('id', '=', id)
    .execute();
  const sessions = await ctx.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
  await revokeUserSessions(ctx.db, id, ctx.now);
  const tokensRevoked = options.revokeApiTokens === true ? await revokeUserTokens(ctx, id) : 0;
  // 3.5: whoever signs in next accepts the current policy in their own name.
  await ctx.db.deleteFrom('policy_acceptances').where('user_id', '=', id).execute();
  const secondFactorCleared = clear && before.totpEnabled;
  ctx.audit.add({
    action: 'user.reset-password', decision: 'change', resourceType: 'user', resourceId: id, ruleId: RULE, clause: clause(ctx),
    detail: { fields: clear ? ['password', 'totp'] : ['password'], sessionsRevoked: Number(sessions.n), tokensRevoked, secondFactorCleared, policyToAcceptAgain: true },
  });
  const told = before.roles.some((r) => CLIENT_FACING_ROLES.includes(r)) ? await tellOfReset(ctx, before, { secondFactorCleared, tokensRevoked }) : { roles: [], people: 0, accountHolder: false };
  return { user: await getUser(ctx, id), oneTimePassword: password, told };
}

/** Who did something to an account, as the people told of it read it. */
async function actorName(ctx: AccountsCtx): Promise<string> {
  if (!ctx.actorId || ctx.actorId === 'system') return 'Confide\'s console (the system)';
  const row = await ctx.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', ctx.actorId).executeTakeFirst();
  return row ? `${row.display_name} (${row.username}, administrator)` : 'an administrator';
}

/**
 * Tells every other active manager, the guardian and the account holder that an account with access to client
 * records was reset (3.7; see resetPassword). The e-mail carries the subject and a link only; the in-app text names
 * who, whose and when — never the password.
 */
async function tellOfReset(ctx: AccountsCtx, target: Awaited<ReturnType<typeof getUser>>, what: { secondFactorCleared: boolean; tokensRevoked: number }) {
  const found = await allHolders(ctx, ['manager', 'guardian'], [target.id, ...(ctx.actorId ? [ctx.actorId] : [])]);
  const also = [what.secondFactorCleared ? 'removed its second factor' : '', what.tokensRevoked ? 'revoked its API tokens' : ''].filter(Boolean);
  const body = `${await actorName(ctx)} reset the password of ${target.displayName} (${target.username}; ${target.roles.join(', ')}) at ${ctx.nowIso}`
    + `${also.length ? ` and ${also.join(' and ')}` : ''}. Until they choose a new password and accept the policy again the account cannot work. `
    + 'If they did not ask for this, someone else may be using their account: report it as a suspected breach.';
  await notify(ctx, [...found.ids, target.id], {
    kind: 'account-reset', subject: 'An account with access to client records had its password reset', body,
    resourceType: 'user', resourceId: target.id, emailPath: '/#/notifications', decision: { ruleId: RULE, clause: clause(ctx) },
  });
  return { roles: found.roles, people: found.ids.length, accountHolder: true };
}

/** Revokes every live API token of an account; how many were live. */
async function revokeUserTokens(ctx: AccountsCtx, id: string): Promise<number> {
  const r = await ctx.db.updateTable('api_tokens').set({ revoked_at: ctx.nowIso }).where('user_id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
