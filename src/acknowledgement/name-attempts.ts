import { addressRetryAfter, clearFailures, recordFailure, type FailureLimit } from '../accounts/throttle';
import type { AuditEntry } from '../audit/append';
import type { Ctx } from '../context';
import { rateLimited } from '../lib/errors';
import { linkTokenHash } from './link';

/**
 * The limit on names typed on one acknowledgement link (src/acknowledgement/typed-name.ts; 3.7 secure conditions):
 * a name that is not the one the link was sent to is refused, and whoever holds the link could otherwise guess
 * without end. Each link may take NAME_ATTEMPTS.max names within NAME_ATTEMPTS.windowMinutes; after that many wrong
 * ones it is blocked (429 with Retry-After) for as long again — even for the right name. The count lives in the
 * sign-in throttle table under a key made from the link's stored hash (never the token), updated atomically, so it
 * holds across several server processes on PostgreSQL as the sign-in lockout does; a used link's count is removed.
 */
export const NAME_ATTEMPTS: FailureLimit = { max: 5, windowMinutes: 60 };

/** The rule an audited block names. */
export const NAME_ATTEMPTS_RULE = 'acknowledgement/name-attempts';

/** The throttle key of one link's typed names. */
export const nameAttemptsKey = (token: string) => `ack-name:${linkTokenHash(token)}`;

/** What an audited refusal of a link's name names: the action and the record, never a name. */
export type NameAuditTarget = Pick<AuditEntry, 'action' | 'resourceType' | 'resourceId' | 'subjectPersonId'> & { detail: Record<string, unknown> };

/**
 * Counts one typed name against the link before it is compared, so concurrent attempts cannot slip past the limit.
 * A blocked link — or an attempt beyond the limit — is refused with 429 (Retry-After, naming params.token) and audited
 * as a denial under {@link NAME_ATTEMPTS_RULE}; `target` is asked for only then.
 */
export async function countNameAttempt(ctx: Ctx, token: string, target: () => Promise<NameAuditTarget>): Promise<void> {
  const key = nameAttemptsKey(token);
  let wait = await addressRetryAfter(ctx.db, key, ctx.now);
  if (wait === 0) {
    const { failures } = await recordFailure(ctx.db, key, ctx.now, NAME_ATTEMPTS);
    if (failures <= NAME_ATTEMPTS.max) return;
    wait = Math.max(1, await addressRetryAfter(ctx.db, key, ctx.now));
  }
  const t = await target();
  ctx.audit.add({
    ...t, decision: 'deny', ruleId: NAME_ATTEMPTS_RULE, clause: ctx.actor.policy.clauseFor('secure-conditions'),
    detail: { ...t.detail, limited: true, retryAfter: wait },
  });
  throw rateLimited(`Too many names that are not the one this link was sent to. Try again in ${Math.ceil(wait / 60)} minute(s), or ask the person who sent it.`, {
    retryAfter: wait, errors: [{ path: 'params.token', message: `at most ${NAME_ATTEMPTS.max} names an hour on one link` }],
  });
}

/** Forgets a link's typed names once it was used (it can never be presented again). */
export const forgetNameAttempts = (ctx: Ctx, token: string) => clearFailures(ctx.db, nameAttemptsKey(token));
