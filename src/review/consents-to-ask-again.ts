import { sql } from 'kysely';
import type { Ctx } from '../context';
import { AGE_OF_PRESUMED_CAPACITY } from '../consent/who-may-answer';
import type { ReviewViewQuery } from './schema';

/** Why a consent in force should be asked for again, as the management review lists it. */
export type AskAgainReason = 'now-of-age' | 'child-without-assessment';

const n = (v: unknown) => Number(v ?? 0);

/** YYYY-MM-DD `years` before today's date (string arithmetic: a 29 February stays a valid bound for comparison). */
const yearsBefore = (todayIso: string, years: number) => `${Number(todayIso.slice(0, 4)) - years}${todayIso.slice(4, 10)}`;

/**
 * Consents in force that the person should be asked about again (1.3, 4.1 informed consent):
 * - `now-of-age`: given by someone with parental responsibility for a child who is now 16 or over, and so presumed
 *   able to decide for themselves (ICO: when a child can consent for themselves, consider asking them afresh);
 * - `child-without-assessment`: given as the person's own, or by a representative, while the person was under 16 —
 *   recorded before Confide asked who may give consent at which age (src/consent/who-may-answer.ts), or imported.
 * People archived are left out; a person's date of birth unknown, nothing is flagged. Person and consent by id and
 * the purpose by name only: no one's name or answer.
 */
export async function consentsToAskAgain(ctx: Ctx, q: ReviewViewQuery) {
  const ofAgeFrom = yearsBefore(ctx.nowIso, AGE_OF_PRESUMED_CAPACITY);
  // The person's 16th birthday not yet reached on the day the consent was recorded: born after that day 16 years earlier.
  const underAgeWhenRecorded = sql<boolean>`people.date_of_birth > (cast(substr(consents.recorded_at, 1, 4) as integer) - ${AGE_OF_PRESUMED_CAPACITY}) || substr(consents.recorded_at, 5, 6)`;
  const base = ctx.db.selectFrom('consents').innerJoin('people', 'people.id', 'consents.person_id')
    .where('consents.decision', '=', 'given').where('consents.superseded_by', 'is', null).where('people.archived_at', 'is', null)
    .where((eb) => eb.or([eb('consents.expires_at', 'is', null), eb('consents.expires_at', '>', ctx.nowIso)]))
    .where((eb) => eb.or([
      eb.and([eb('consents.given_by', '=', 'parental_responsibility'), eb('people.date_of_birth', '<=', ofAgeFrom)]),
      eb.and([eb('consents.given_by', 'in', ['person', 'representative']), underAgeWhenRecorded]),
    ]));
  const c = await base.select((eb) => [
    eb.fn.countAll<number>().as('total'),
    sql<number>`sum(case when consents.given_by = 'parental_responsibility' then 1 else 0 end)`.as('ofAge'),
  ]).executeTakeFirstOrThrow();
  const rows = await base.innerJoin('purposes', 'purposes.id', 'consents.purpose_id')
    .select(['consents.id', 'consents.person_id', 'consents.purpose_id', 'consents.given_by', 'consents.recorded_at', 'purposes.name'])
    .orderBy('consents.recorded_at').orderBy('consents.id').limit(q.items).execute();
  return {
    title: 'Consents to ask for again', count: n(c.total),
    series: [
      { label: 'given by a parent, the person now 16 or over', value: n(c.ofAge) },
      { label: 'given while under 16 without an assessment of competence', value: n(c.total) - n(c.ofAge) },
    ],
    items: rows.map((r) => ({
      id: r.id, personId: r.person_id, purposeId: r.purpose_id, label: r.name, recordedAt: r.recorded_at,
      reason: (r.given_by === 'parental_responsibility' ? 'now-of-age' : 'child-without-assessment') as AskAgainReason,
    })),
  };
}
