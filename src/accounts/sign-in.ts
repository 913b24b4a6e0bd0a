import type { AuditEntry } from '../audit/append';
import type { Ctx, PublicCtx } from '../context';
import { createSession, revokeSession } from './sessions';
import { rateLimited, unauthenticated, type DomainError } from '../lib/errors';
import type { ActorFacts } from '../policy/types';
import { runUnit } from '../unit';
import { dummyHash, verifyPassword } from './passwords';
import type { SignInInput } from './schema';
import {
  accountLocked, addressKey, addressRetryAfter, clearAccountFailures, recordAccountFailure, recordAddressFailure,
} from './throttle';
import { verifyTotp } from './totp';
import { rolesOf } from './users';

/** The one answer to every failed sign-in, so it never reveals which accounts exist or which part was wrong. */
export const SIGN_IN_FAILED = 'Invalid username, password or code.';

type Outcome = 'signed-in' | 'unknown-account' | 'inactive' | 'locked' | 'bad-password' | 'second-factor-required' | 'bad-code';

/** What the caller of signIn gets back: a session to set as a cookie, or a problem to send. */
export type SignInResult =
  | { ok: true; cookieValue: string; body: { user: SignedInUser; csrfToken: string } }
  | { ok: false; problem: DomainError; retryAfter?: number };

/** The signed-in user as the sign-in and "me" endpoints present it. */
export interface SignedInUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

const failed = () => unauthenticated(SIGN_IN_FAILED);

/**
 * Signs a user in (clause 3.7 secure conditions). Order matters for safety:
 * 1. a blocked network address is refused (429) before any password work;
 * 2. the password is always verified with argon2id, against a dummy hash when the account does not exist, so
 *    timing does not reveal which usernames exist; locked and deactivated accounts are verified too and refused
 *    with the same generic error;
 * 3. an account with TOTP enabled needs a valid code that was not used before (replay protection);
 * 4. failures count against the address and (wrong password or code) the account; success resets the account.
 * Counters, the new session and the audit entry are written in one unit of work, after the password work (which
 * must not hold a transaction). The entry names the account as actor, with no roles or grants: it is not signed in
 * yet; for an unknown account it names the system, and never holds the password or the username that was typed
 * (it may be a mistyped password).
 */
export async function signIn(ctx: PublicCtx, input: SignInInput, meta: { address: string; presentedSessionId: string | null }): Promise<SignInResult> {
  const { services, now } = ctx;
  const nowIso = now.toISOString();
  const db = services.db.kysely;
  const key = addressKey(meta.address);

  const wait = await addressRetryAfter(db, key, now);
  if (wait > 0) {
    return {
      ok: false, retryAfter: wait,
      problem: rateLimited(`Too many failed sign-in attempts from this network address. Try again in ${Math.ceil(wait / 60)} minute(s).`),
    };
  }

  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'password_hash', 'must_change_password', 'totp_secret', 'totp_enabled', 'totp_last_step', 'locked_until', 'active'])
    .where('username', '=', input.username.toLowerCase())
    .executeTakeFirst();
  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyHash()), input.password);

  let outcome: Outcome;
  let step: number | null = null;
  if (!user) outcome = 'unknown-account';
  else if (user.active !== 1) outcome = 'inactive';
  else if (accountLocked(user.locked_until, nowIso)) outcome = 'locked';
  else if (!passwordOk) outcome = 'bad-password';
  else if (user.totp_enabled === 1 && user.totp_secret) {
    if (!input.code) outcome = 'second-factor-required';
    else {
      step = verifyTotp(user.totp_secret, input.code, now, user.totp_last_step === null ? null : Number(user.totp_last_step));
      outcome = step === null ? 'bad-code' : 'signed-in';
    }
  } else outcome = 'signed-in';

  const target = user ? { resourceType: 'user', resourceId: user.id } : {};
  const entry = (ctx: Ctx, decision: 'allow' | 'deny', detail: Record<string, unknown>): AuditEntry => ({
    action: 'account.sign-in', decision, ruleId: 'accounts/sign-in', clause: ctx.actor.policy.clauseFor('secure-conditions'), ...target, detail,
  });

  // The entry names the account signed in to; for a username no account has, the system that refused it.
  const actor: ActorFacts | 'system' = user ? { id: user.id, username: user.username, roles: [], roleMask: 0, policyAccepted: false, grants: [] } : 'system';
  const work = async (ctx: Ctx) => {
    const { db: trx, audit } = ctx;
    if (outcome === 'signed-in' && step !== null) {
      // Claim the step atomically: a concurrent sign-in with the same code loses here.
      const claimed = await trx
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', user!.id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step!)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) outcome = 'bad-code';
    }

    if (outcome === 'signed-in') {
      const u = user!;
      await clearAccountFailures(trx, u.id);
      if (meta.presentedSessionId) await revokeSession(trx, meta.presentedSessionId, now);
      const session = await createSession(trx, u.id, now, services.config);
      if (step !== null) await trx.updateTable('sessions').set({ second_factor_at: nowIso }).where('id', '=', session.sessionId).execute();
      audit.add(entry(ctx, 'allow', { method: step !== null ? 'password+totp' : 'password', address: meta.address }));
      return {
        ok: true as const,
        cookieValue: session.cookieValue,
        body: {
          user: {
            id: u.id, username: u.username, displayName: u.display_name, roles: await rolesOf(trx, u.id),
            mustChangePassword: u.must_change_password === 1, totpEnabled: u.totp_enabled === 1,
          },
          csrfToken: session.csrfToken,
        },
      };
    }

    if (outcome === 'second-factor-required') {
      // The password was right: ask for the code. Not counted as a failure, but recorded, so the account holder
      // can learn that someone used their password.
      audit.add(entry(ctx, 'deny', { outcome, address: meta.address }));
      return {
        ok: false as const,
        problem: unauthenticated('Enter the six-digit code from your authenticator app.', { errors: [{ path: 'body.code', message: 'required' }], code: 'second-factor-required' }),
      };
    }

    const address = await recordAddressFailure(trx, key, now);
    const detail: Record<string, unknown> = { outcome, address: meta.address };
    if (address.blocked) detail.addressBlocked = true;
    if (user && (outcome === 'bad-password' || outcome === 'bad-code')) {
      const account = await recordAccountFailure(trx, user.id, now);
      detail.failures = account.failures;
      if (account.lockedUntil) detail.lockedUntil = account.lockedUntil;
    }
    audit.add(entry(ctx, 'deny', detail));
    return { ok: false as const, problem: failed() };
  };
  return runUnit(services, { actor, requestId: ctx.requestId, now, work });
}
