import type { Ctx } from '../context';
import { revokeSession } from './sessions';
import { conflict, invalidInput, refused, type DomainError } from '../lib/errors';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import type { ChangePasswordInput } from './schema';
import type { SignedInUser } from './sign-in';
import { accountLocked, recordAccountFailure } from './throttle';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp';
import { rolesOf } from './users';
import { SELF_RULE } from '../policy/rules/accounts';
import { ACTIONS, type Action } from '../policy/actions';
import { decideAction } from '../policy/decide';

/**
 * A refusal that must still commit what it wrote (a failure counted against the account, its audit entry), so it
 * is returned rather than thrown: throwing would roll the count back and make guessing free.
 */
export class Refusal {
  constructor(readonly problem: DomainError) {}
}

/** How the caller proved who they are: the session's stored id, or null when using an API token. */
export interface Credential {
  sessionId: string | null;
}

const SECURE = (ctx: Ctx) => ctx.actor.policy.clauseFor('secure-conditions');

/** Password, second-factor and token changes need a browser session: a leaked API token must not take over an account. */
export function requireSession(credential: Credential): string {
  if (!credential.sessionId) throw refused('Sign in with your password to do this; API tokens cannot change account security.');
  return credential.sessionId;
}

async function loadSelf(ctx: Ctx) {
  return ctx.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'password_hash', 'must_change_password', 'totp_secret', 'totp_enabled', 'totp_last_step', 'locked_until'])
    .where('id', '=', ctx.actor.id)
    .executeTakeFirstOrThrow();
}

/** The signed-in user, their roles, the CSRF token of their session and whether they accepted the current policy (3.5). */
export async function getMe(ctx: Ctx, credential: Credential) {
  const u = await loadSelf(ctx);
  const session = credential.sessionId
    ? await ctx.db.selectFrom('sessions').select('csrf_token').where('id', '=', credential.sessionId).executeTakeFirst()
    : undefined;
  const user: SignedInUser = {
    id: u.id, username: u.username, displayName: u.display_name, roles: await rolesOf(ctx.db, u.id),
    mustChangePassword: u.must_change_password === 1, totpEnabled: u.totp_enabled === 1,
  };
  return { user, csrfToken: session?.csrf_token ?? null, policyAccepted: ctx.actor.policyAccepted, authenticatedBy: credential.sessionId ? 'session' : 'token', may: mayUse(ctx) };
}

/**
 * The actions some rule could allow the user's roles (the pipeline's coarse check, decideAction): what the web app
 * offers a page or a button for. Whether a given record allows it is still decided when it is asked; this only
 * spares someone a form that every request from them would be refused (3.4).
 */
const mayUse = (ctx: Ctx): Action[] => ACTIONS.filter((a) => decideAction(ctx.actor, a) === null);

/** Ends the current session (an API token is left alone: revoke it under /api/auth/tokens). */
export async function signOut(ctx: Ctx, credential: Credential): Promise<void> {
  if (!credential.sessionId) return;
  await revokeSession(ctx.db, credential.sessionId, ctx.now);
  ctx.audit.add({ action: 'account.sign-out', decision: 'change', ruleId: SELF_RULE.id, resourceType: 'user', resourceId: ctx.actor.id, clause: SECURE(ctx) });
}

/**
 * Checks the password (and code) the user typed to confirm a security change. A wrong one counts against the
 * account like a failed sign-in, so a stolen session cannot be used to guess the password.
 */
async function confirmIdentity(ctx: Ctx, action: string, u: Awaited<ReturnType<typeof loadSelf>>, password: string, code?: string): Promise<Refusal | number | null> {
  const deny = async (field: string, detail: string) => {
    const account = await recordAccountFailure(ctx.db, u.id, ctx.now);
    ctx.audit.add({ action, decision: 'deny', resourceType: 'user', resourceId: u.id, ruleId: 'accounts/confirm-identity', clause: SECURE(ctx), detail: { failed: field, failures: account.failures } });
    return new Refusal(refused(detail, { errors: [{ path: `body.${field}`, message: 'incorrect' }] }));
  };
  if (accountLocked(u.locked_until, ctx.nowIso)) {
    return new Refusal(refused('Too many wrong attempts: your account is locked for now. Try again later.', { code: 'account-locked' }));
  }
  if (!(await verifyPassword(u.password_hash, password))) return deny(code === undefined ? 'currentPassword' : 'password', 'The password is not correct.');
  if (code === undefined) return null;
  const step = u.totp_secret ? verifyTotp(u.totp_secret, code, ctx.now, u.totp_last_step === null ? null : Number(u.totp_last_step)) : null;
  if (step === null) return deny('code', 'The code is not correct, or was already used.');
  return step;
}

/**
 * Changes the user's own password (3.7): strength rules from passwordProblem(), clears the one-time-password flag,
 * and revokes every other session of the user.
 */
export async function changePassword(ctx: Ctx, credential: Credential, input: ChangePasswordInput): Promise<Refusal | { changed: true; otherSessionsRevoked: number }> {
  const current = requireSession(credential);
  const u = await loadSelf(ctx);
  const weak = passwordProblem(input.newPassword, u.username);
  if (weak) throw invalidInput(`The new password ${weak}.`, [{ path: 'body.newPassword', message: weak }]);
  if (input.newPassword === input.currentPassword) throw invalidInput('Choose a new password.', [{ path: 'body.newPassword', message: 'must differ from the current password' }]);
  const check = await confirmIdentity(ctx, 'account.password', u, input.currentPassword);
  if (check instanceof Refusal) return check;
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db
    .updateTable('users')
    .set((eb) => ({ password_hash: passwordHash, must_change_password: 0, failed_sign_ins: 0, locked_until: null, updated_at: ctx.nowIso, version: eb('version', '+', 1) }))
    .where('id', '=', u.id)
    .execute();
  const revoked = await ctx.db
    .updateTable('sessions')
    .set({ revoked_at: ctx.nowIso })
    .where('user_id', '=', u.id)
    .where('revoked_at', 'is', null)
    .where('id', '!=', current)
    .executeTakeFirst();
  const otherSessionsRevoked = Number(revoked.numUpdatedRows);
  ctx.audit.add({ action: 'account.password', decision: 'change', ruleId: SELF_RULE.id, resourceType: 'user', resourceId: u.id, clause: SECURE(ctx), detail: { fields: ['password'], wasOneTime: u.must_change_password === 1, otherSessionsRevoked } });
  return { changed: true, otherSessionsRevoked };
}

/** Starts TOTP enrolment: a new secret, stored unconfirmed until a code from it is confirmed. */
export async function enrolTotp(ctx: Ctx, credential: Credential) {
  requireSession(credential);
  const u = await loadSelf(ctx);
  if (u.totp_enabled === 1) throw conflict('A second factor is already enabled. Disable it first (administrators and managers: ask an administrator to reset it).');
  const secret = newTotpSecret();
  // Stored as base32 text for now; encryption of secrets at rest arrives with the data-protection issue.
  await ctx.db.updateTable('users').set({ totp_secret: secret, totp_enabled: 0, totp_last_step: null, updated_at: ctx.nowIso }).where('id', '=', u.id).execute();
  ctx.audit.add({ action: 'account.totp.enrol', decision: 'change', ruleId: SELF_RULE.id, resourceType: 'user', resourceId: u.id, clause: SECURE(ctx), detail: { fields: ['totp'] } });
  return { secret, otpauthUri: otpauthUri(secret, u.username) };
}

/** Confirms enrolment with a first code; from then on sign-in needs a code. */
export async function confirmTotp(ctx: Ctx, credential: Credential, code: string) {
  const sessionId = requireSession(credential);
  const u = await loadSelf(ctx);
  if (u.totp_enabled === 1) throw conflict('The second factor is already enabled.');
  if (!u.totp_secret) throw conflict('Start enrolment first (POST /api/auth/totp/enrol).');
  const step = verifyTotp(u.totp_secret, code, ctx.now, null);
  if (step === null) throw invalidInput('That code does not match. Check the time on your device and try the current code.', [{ path: 'body.code', message: 'incorrect or expired' }]);
  await ctx.db.updateTable('users').set((eb) => ({ totp_enabled: 1, totp_last_step: step, updated_at: ctx.nowIso, version: eb('version', '+', 1) })).where('id', '=', u.id).execute();
  await ctx.db.updateTable('sessions').set({ second_factor_at: ctx.nowIso }).where('id', '=', sessionId).execute();
  ctx.audit.add({ action: 'account.totp.confirm', decision: 'change', ruleId: SELF_RULE.id, resourceType: 'user', resourceId: u.id, clause: SECURE(ctx), detail: { fields: ['totp'] } });
  return { totpEnabled: true };
}

/**
 * Removes the user's own second factor after checking password and code. Administrators and managers may not:
 * once enrolled, their second factor stays (issue 3); only another administrator's reset removes it.
 */
export async function disableTotp(ctx: Ctx, credential: Credential, input: { password: string; code: string }): Promise<Refusal | { totpEnabled: false }> {
  requireSession(credential);
  if (ctx.actor.roles.includes('administrator') || ctx.actor.roles.includes('manager')) {
    const reason = 'Administrators and managers must keep their second factor. Ask an administrator to reset it if you lost your device.';
    ctx.audit.add({ action: 'account.totp.disable', decision: 'deny', resourceType: 'user', resourceId: ctx.actor.id, ruleId: 'accounts/second-factor-kept', clause: SECURE(ctx), detail: { roles: ctx.actor.roles } });
    throw refused(reason, { rule: 'accounts/second-factor-kept', clause: SECURE(ctx) });
  }
  const u = await loadSelf(ctx);
  if (u.totp_enabled !== 1) throw conflict('No second factor is enabled.');
  const check = await confirmIdentity(ctx, 'account.totp.disable', u, input.password, input.code);
  if (check instanceof Refusal) return check;
  await ctx.db.updateTable('users').set((eb) => ({ totp_secret: null, totp_enabled: 0, totp_last_step: null, updated_at: ctx.nowIso, version: eb('version', '+', 1) })).where('id', '=', u.id).execute();
  ctx.audit.add({ action: 'account.totp.disable', decision: 'change', ruleId: SELF_RULE.id, resourceType: 'user', resourceId: u.id, clause: SECURE(ctx), detail: { fields: ['totp'] } });
  return { totpEnabled: false };
}
