import { createHash, randomBytes } from 'node:crypto';
import { addressKey, addressRetryAfter, recordAddressFailure } from '../accounts/throttle';
import type { Ctx, PublicCtx } from '../context';
import { DomainError, notFound, rateLimited } from '../lib/errors';
import { runUnit } from '../unit';
import { NAME_MISMATCH } from './typed-name';

/**
 * The one-time, expiring acknowledgement link (4.3, practice 3): the one way a third party — the recipient of a
 * disclosure, an external attendee of a meeting — acknowledges the confidentiality terms with their typed name and
 * the date. Shared by src/disclosure/ and src/meetings/:
 * - the token is 256 random bits (base64url, 43 characters); only its SHA-256 is stored, so the database cannot
 *   hand out working links and a token cannot be guessed or derived from an id;
 * - unknown, altered, used and expired tokens are the same 404 ("gone"), and each counts as a failure against the
 *   caller's network address, which is blocked (429) after ADDRESS_MAX_FAILURES within the window, like sign-in (3.7);
 * - where a typed name must be the one the link was sent to, the names tried are limited per link
 *   (src/acknowledgement/name-attempts.ts);
 * - the link shows nothing confidential before acknowledgement (the caller decides what it shows; see the callers);
 * - it works once: the step that uses it clears the stored hash in the same transaction, guarded on that hash.
 */

/** How long an acknowledgement link works. */
export const ACK_LINK_DAYS = 7;

/** The SHA-256 (hex) under which a link's token is stored. */
export const linkTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new link: the token to send (never stored), the hash to store and when it stops working. */
export function newLink(now: Date): { token: string; tokenHash: string; expiresAt: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: linkTokenHash(token), expiresAt: new Date(now.getTime() + ACK_LINK_DAYS * 86_400_000).toISOString() };
}

/** The public address of a link: `/<path>/<token>` under the configured base URL. */
export const linkUrl = (ctx: Ctx, path: string, token: string) => `${ctx.services.config.publicBaseUrl}/${path}/${token}`;

/** The answer to an unknown, altered, used or expired link: the same 404 for all. */
export const linkGone = () => notFound('acknowledgement link');

/** What a link lookup needs: the audit action and rule of a refused token, and how to find and judge the record. */
export interface LinkLookup<T> {
  /** The audit action of a refused token, e.g. `disclosure.acknowledge`. */
  action: string;
  ruleId: string;
  /** The clause key of the refusal (src/policy/clauses.ts): the organisation's clause for it is recorded. */
  clauseKey: string;
  /** Finds the record whose stored hash is `tokenHash`. */
  find: (ctx: Ctx, tokenHash: string) => Promise<T | undefined>;
  /** Whether the record's link still works now (awaiting acknowledgement, not expired). */
  usable: (row: T, nowIso: string) => boolean;
}

/**
 * Finds the record a link's token names, throttled by the caller's address: a blocked address is 429 before any
 * lookup; an unknown, used or expired token is counted against the address, audited as a denial (without the
 * token) and answered 404.
 */
export async function findByLink<T>(ctx: Ctx, token: string, address: string, lookup: LinkLookup<T>): Promise<T> {
  const key = addressKey(`ack:${address}`);
  const wait = await addressRetryAfter(ctx.db, key, ctx.now);
  if (wait > 0) throw rateLimited(`Too many attempts from this network address. Try again in ${Math.ceil(wait / 60)} minute(s).`, { retryAfter: wait });
  const row = await lookup.find(ctx, linkTokenHash(token));
  if (!row || !lookup.usable(row, ctx.nowIso)) {
    await recordAddressFailure(ctx.db, key, ctx.now);
    ctx.audit.add({ action: lookup.action, decision: 'deny', ruleId: lookup.ruleId, clause: ctx.actor.policy.clauseFor(lookup.clauseKey), detail: { found: !!row } });
    throw linkGone();
  }
  return row;
}

/**
 * Refusals after which a link step's unit still commits, so the failure counts and audit entries they wrote stay:
 * a refused token (404), a block (429) and a typed name that is not the one the link was sent to (400,
 * src/acknowledgement/name-attempts.ts). Each is thrown before the step writes anything else.
 */
const keptRefusal = (error: DomainError) => error.kind === 'not-found' || error.kind === 'rate-limited' || error.code === NAME_MISMATCH;

/**
 * Runs a public link step as the system in one unit. A kept refusal ({@link keptRefusal}) still commits the unit,
 * so its failure count and its audit entry are kept; the refusal is thrown after the commit.
 */
export function publicLinkUnit<T>(pctx: PublicCtx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  return runUnit(pctx.services, {
    actor: 'system', requestId: pctx.requestId, now: pctx.now,
    work: async (ctx) => {
      try {
        return await work(ctx);
      } catch (error) {
        if (error instanceof DomainError && keptRefusal(error)) return error as unknown as T;
        throw error;
      }
    },
  }).then((out) => {
    if (out instanceof DomainError) throw out;
    return out;
  });
}
