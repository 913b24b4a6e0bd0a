import { sql } from 'kysely';
import type { Ctx } from '../context';
import type { ReviewViewQuery } from './schema';

/** Why an open case takes nothing new (2.1), as the management review lists it. */
export type HeldForGap = 'none' | 'retired' | 'review_due' | 'draft';

const n = (v: unknown) => Number(v ?? 0);

/**
 * Open cases (not closed, not archived) not held for a purpose in force (2.1: information is used only for the
 * purposes it was authorised for): none named (opened before purposes were required), or a purpose since retired
 * or past its review. Nothing new goes into them — no note, file or meeting — until a manager moves each to a
 * purpose in force (purposes/manager-assigns-case), or a guardian re-approves a purpose due for review. Case and
 * person by id, the purpose by name: no one's name.
 */
export async function casesWithoutPurpose(ctx: Ctx, q: ReviewViewQuery) {
  const today = ctx.nowIso.slice(0, 10);
  const gap = sql<HeldForGap>`case when purposes.id is null then 'none' when purposes.status = 'retired' then 'retired'
    when purposes.status = 'active' then 'review_due' else 'draft' end`;
  const base = ctx.db.selectFrom('cases').leftJoin('purposes', 'purposes.id', 'cases.purpose_id')
    .where('cases.status', '!=', 'closed').where('cases.archived_at', 'is', null)
    .where((eb) => eb.or([eb('purposes.id', 'is', null), eb('purposes.status', '!=', 'active'), eb('purposes.next_review_on', '<', today)]));
  const c = await base.select((eb) => [
    eb.fn.countAll<number>().as('total'),
    sql<number>`sum(case when purposes.id is null then 1 else 0 end)`.as('none'),
    sql<number>`sum(case when purposes.status = 'retired' then 1 else 0 end)`.as('retired'),
  ]).executeTakeFirstOrThrow();
  const rows = await base.select(['cases.id', 'cases.person_id', 'cases.purpose_id', 'cases.opened_on', 'purposes.name', gap.as('gap')])
    .orderBy('cases.opened_on').orderBy('cases.id').limit(q.items).execute();
  return {
    title: 'Open cases not held for a purpose in force', count: n(c.total),
    series: [
      { label: 'no purpose named', value: n(c.none) },
      { label: 'purpose retired', value: n(c.retired) },
      { label: 'purpose past its review', value: n(c.total) - n(c.none) - n(c.retired) },
    ],
    items: rows.map((r) => ({
      id: r.id, personId: r.person_id, purposeId: r.purpose_id, label: r.name ?? 'No purpose named', openedOn: r.opened_on, reason: r.gap,
    })),
  };
}
