import type { ExpressionBuilder } from 'kysely';
import type { Ctx } from '../context';
import type { BreachFlagRow, BreachRow, Database } from '../db/schema';
import { activeWithRole } from '../notify/notify';
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
 * {@link flagConductOf} in SQL: true for the flags that are not about `userId`'s own activity — those naming nobody
 * or someone else. The flag queue leaves the others out (rule breaches/not-own-conduct: nobody follows a flag about
 * their own activity).
 */
export const flagNotAbout = (eb: ExpressionBuilder<Database, 'breach_flags'>, userId: string) =>
  eb.or([eb('breach_flags.user_id', 'is', null), eb('breach_flags.user_id', '<>', userId)]);

/**
 * The facts deciding who may handle a breach (clause 5): whose conduct it is about (rule breaches/not-own-conduct),
 * and whether any active manager is left free to handle it — when none is, the guardian does (relation
 * `no-free-manager`, rule breaches/guardian-when-no-manager-free).
 */
export async function breachConduct(ctx: Ctx, r: Pick<BreachRow, 'id' | 'grant_id' | 'flag_id'>): Promise<Pick<Resource, 'conductOf' | 'noFreeManager'>> {
  const conductOf = await breachConductOf(ctx, r);
  return { conductOf, noFreeManager: (await activeWithRole(ctx, 'manager', conductOf)).length === 0 };
}
