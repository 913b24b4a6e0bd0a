import type { Ctx } from '../context';
import type { BreachFlagRow, BreachRow } from '../db/schema';
import { readyWithRole } from '../notify/notify';
import type { Resource } from '../policy/types';

/**
 * The users whose own conduct a breach is about (clause 5), from what it was opened from: the user who broke the
 * glass when a manager reviewed that use as a breach (its `grant_id`), the user a review flag named when it was opened
 * as a breach (its `flag_id`). A breach reported in words names nobody the system can read, so it concerns no one
 * here. Loaded in one query before deciding (rules do no I/O): the fact the rule `breaches/not-own-conduct` decides on.
 */
export async function breachConductOf(ctx: Ctx, r: Pick<BreachRow, 'id' | 'grant_id' | 'flag_id'>): Promise<string[]> {
  if (!r.grant_id && !r.flag_id) return [];
  const found = await ctx.db
    .selectFrom('breaches')
    .leftJoin('access_grants', 'access_grants.id', 'breaches.grant_id')
    .leftJoin('breach_flags', 'breach_flags.id', 'breaches.flag_id')
    .select(['access_grants.user_id as glass', 'breach_flags.user_id as flagged'])
    .where('breaches.id', '=', r.id)
    .executeTakeFirst();
  return [...new Set([found?.glass, found?.flagged].filter((u): u is string => typeof u === 'string'))];
}

/** The user whose activity a review flag is about (a flag of the system's own activity names nobody). */
export const flagConductOf = (f: Pick<BreachFlagRow, 'user_id'>): string[] => (f.user_id ? [f.user_id] : []);

/**
 * {@link flagConductOf} in SQL, for the relations reading whose conduct a row is about (`own-conduct`,
 * `no-free-manager`): a review flag is listed as the breach it may become, about the user it names (`conduct` of
 * visibleWhere, src/policy/filter.ts).
 */
export const FLAG_CONDUCT: readonly string[] = ['breach_flags.user_id'];

/**
 * The facts deciding who deals with a matter about the conduct of `conductOf` (clause 5), given the ids of the
 * managers who can act ({@link readyManagerIds}): whose conduct it is (rule breaches/not-own-conduct), and whether
 * any of them is left free to deal with it — when none is, the guardian does (relation `no-free-manager`, rule
 * breaches/guardian-when-no-manager-free). Pure: load the managers once for a whole list.
 */
export const conductFacts = (conductOf: readonly string[], managers: readonly string[]): Pick<Resource, 'conductOf' | 'noFreeManager'> => ({
  conductOf, noFreeManager: managers.every((m) => conductOf.includes(m)),
});

/**
 * The ids of the managers who can act, for {@link conductFacts}: active, and set up — a manager whose account has
 * never been signed in to (a one-time password still to change: src/accounts/can-act.ts) is not free to deal with
 * anything, so the guardian is, as when there is no manager (and as the breach's alerts go: breachRecipients).
 */
export const readyManagerIds = (ctx: Ctx) => readyWithRole(ctx, 'manager');

/** {@link conductFacts} for a breach, from what it was opened from ({@link breachConductOf}). */
export async function breachConduct(ctx: Ctx, r: Pick<BreachRow, 'id' | 'grant_id' | 'flag_id'>): Promise<Pick<Resource, 'conductOf' | 'noFreeManager'>> {
  return conductFacts(await breachConductOf(ctx, r), await readyManagerIds(ctx));
}
