import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { addMinutes } from '../lib/clock';

/**
 * Sign-in rate limits (clause 3.7 secure conditions): per account (users.failed_sign_ins / locked_until) and per
 * network address (sign_in_throttle, key `ip:<address>`). Both counters are updated with single atomic statements,
 * so concurrent attempts cannot undercount on either dialect. The same table limits other guessing under keys of
 * their own: tokens tried on acknowledgement links (`ip:ack:<address>`) and names typed on one link
 * (`ack-name:<link hash>`, src/acknowledgement/name-attempts.ts).
 */

/** Failures in a row that lock an account. */
export const ACCOUNT_MAX_FAILURES = 5;
/** First lock length; each further run of failures doubles it. */
export const ACCOUNT_LOCK_MINUTES = 15;
/** Longest account lock. */
export const ACCOUNT_LOCK_MAX_MINUTES = 24 * 60;
/** Failures from one address within the window that block it. */
export const ADDRESS_MAX_FAILURES = 20;
/** Length of the address window and of the block that follows. */
export const ADDRESS_WINDOW_MINUTES = 15;

/** The throttle key of a network address. */
export const addressKey = (address: string) => `ip:${address}`;

/** A limit on failures under one throttle key: `max` within a window of `windowMinutes`, then blocked as long again. */
export interface FailureLimit {
  max: number;
  windowMinutes: number;
}

/** The sign-in limit of a network address. */
export const ADDRESS_LIMIT: FailureLimit = { max: ADDRESS_MAX_FAILURES, windowMinutes: ADDRESS_WINDOW_MINUTES };

/**
 * How long an account is locked after `failures` failures in a row: 15 minutes at 5, 30 at 10, 60 at 15 …
 * (capped at a day); 0 when this failure does not complete a run of five.
 */
export function accountLockMinutes(failures: number): number {
  if (failures <= 0 || failures % ACCOUNT_MAX_FAILURES !== 0) return 0;
  const runs = failures / ACCOUNT_MAX_FAILURES;
  return Math.min(ACCOUNT_LOCK_MINUTES * 2 ** Math.min(runs - 1, 16), ACCOUNT_LOCK_MAX_MINUTES);
}

/** Seconds until a throttle key (an address, a link) may try again, or 0 when it is not blocked. */
export async function addressRetryAfter(db: Kysely<Database>, key: string, now: Date): Promise<number> {
  const row = await db.selectFrom('sign_in_throttle').select('locked_until').where('key', '=', key).executeTakeFirst();
  if (!row?.locked_until) return 0;
  const ms = Date.parse(row.locked_until) - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * Counts one failure from an address. A window opens at the first failure; when it holds ADDRESS_MAX_FAILURES
 * the address is blocked for ADDRESS_WINDOW_MINUTES. Returns whether this failure started a block.
 */
export const recordAddressFailure = (db: Kysely<Database>, key: string, now: Date) => recordFailure(db, key, now, ADDRESS_LIMIT);

/**
 * Counts one failure under a throttle key, in one atomic statement (INSERT … ON CONFLICT DO UPDATE: concurrent
 * failures, from several server processes on PostgreSQL too, each count once). A window opens at the first failure;
 * when it holds `limit.max` the key is blocked for `limit.windowMinutes`. Returns the failures in the window and
 * whether this failure started the block.
 */
export async function recordFailure(db: Kysely<Database>, key: string, now: Date, limit: FailureLimit): Promise<{ failures: number; blocked: boolean }> {
  const nowIso = now.toISOString();
  const windowOpenedAfter = addMinutes(now, -limit.windowMinutes).toISOString();
  const row = await db
    .insertInto('sign_in_throttle')
    .values({ key, failures: 1, window_started_at: nowIso, locked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const expired = eb('sign_in_throttle.window_started_at', '<=', windowOpenedAfter);
        return {
          failures: eb.case().when(expired).then(1).else(eb('sign_in_throttle.failures', '+', 1)).end(),
          window_started_at: eb.case().when(expired).then(nowIso).else(eb.ref('sign_in_throttle.window_started_at')).end(),
        };
      }),
    )
    .returning(['failures'])
    .executeTakeFirstOrThrow();
  const failures = Number(row.failures);
  const blocked = failures === limit.max;
  if (failures >= limit.max) {
    await db.updateTable('sign_in_throttle').set({ locked_until: addMinutes(now, limit.windowMinutes).toISOString() }).where('key', '=', key).execute();
  }
  return { failures, blocked };
}

/** Forgets a throttle key's failures and block (a link that was used: its key can never be presented again). */
export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

/** Counts one failure against an account and locks it at each fifth failure in a row. */
export async function recordAccountFailure(db: Kysely<Database>, userId: string, now: Date): Promise<{ failures: number; lockedUntil: string | null }> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
    .where('id', '=', userId)
    .returning(['failed_sign_ins'])
    .executeTakeFirstOrThrow();
  const failures = Number(row.failed_sign_ins);
  const minutes = accountLockMinutes(failures);
  if (minutes === 0) return { failures, lockedUntil: null };
  const lockedUntil = addMinutes(now, minutes).toISOString();
  await db.updateTable('users').set({ locked_until: lockedUntil }).where('id', '=', userId).execute();
  return { failures, lockedUntil };
}

/** Whether an account is locked at `nowIso`. */
export const accountLocked = (lockedUntil: string | null, nowIso: string) => lockedUntil !== null && lockedUntil > nowIso;

/** Clears an account's failure count and lock after a successful sign-in or an administrator's reset. */
export async function clearAccountFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('users').set({ failed_sign_ins: 0, locked_until: null }).where('id', '=', userId).execute();
}
