import { enforce } from '../audit/enforce';
import { sql, type Expression, type SqlBool } from 'kysely';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { BreachRow } from '../db/schema';
import { forbidden } from '../lib/errors';
import { decide } from '../policy/decide';
import { filter, visibleWhere } from '../policy/filter';
import { factsFor, teamFlag } from '../policy/relations';
import type { Decision } from '../policy/types';
import { auditList } from '../records/list-audit';
import { findVisible, presentSummary, readRecord, type Visible } from '../records/guard';
import { decodeCursor, encodeCursor } from '../records/paging';
import { icoClock } from './assessment';
import { breachConduct } from './conduct';
import type { ListBreachesQuery } from './schema';

/** The decision on reviewing a visible breach (its handling and ICO clock), without recording anything. */
export const reviewDecision = (ctx: Ctx, v: Pick<Visible, 'facts'>): Decision => decide(ctx.actor, 'breach.review', { ...v.facts, classification: 'general' });

/**
 * The person records linked to a breach, as the viewer may know them: those whose record they may read (general
 * fields: the name) by id and name; the others only counted, so a link never tells anyone of a person they have no
 * need to know about (3.4).
 */
export async function affectedPeopleFor(ctx: Ctx, breachId: string) {
  const rows = await ctx.db
    .selectFrom('breach_people')
    .innerJoin('people', 'people.id', 'breach_people.person_id')
    .selectAll('people')
    .select((eb) => teamFlag(eb as never, 'person', ctx.actor.id))
    .where('breach_people.breach_id', '=', breachId)
    .orderBy('people.sort_key')
    .orderBy('people.id')
    .execute();
  const people: { id: string; name: string }[] = [];
  let restricted = 0;
  for (const p of rows) {
    const d = decide(ctx.actor, 'person.read', { ...factsFor(ctx.actor, 'person', p as unknown as Record<string, unknown>), classification: 'general' });
    if (d.allowed) people.push({ id: p.id, name: [p.preferred_name ?? p.given_name, p.family_name].join(' ') });
    else restricted += 1;
  }
  return { linked: rows.length, people, restricted };
}

/** The handling of a breach as management and the guardian see it (none of it is ever in the audit detail). */
async function handlingOf(ctx: Ctx, r: BreachRow) {
  const escalations = await ctx.db.selectFrom('breach_escalations').select(['stage', 'at', 'notified']).where('breach_id', '=', r.id).orderBy('at').orderBy('stage').execute();
  return {
    whatHappened: r.what_happened, occurredAt: r.occurred_at, awareAt: r.aware_at,
    dataCategories: JSON.parse(r.data_categories) as string[], peopleAffected: r.people_affected === null ? null : Number(r.people_affected),
    affectedPeople: await affectedPeopleFor(ctx, r.id),
    risk: { likelihood: r.likelihood, severity: r.severity, level: r.risk_level, notes: r.risk_notes },
    containment: r.containment,
    ico: { decision: r.ico_decision, reason: r.ico_reason, reportedAt: r.ico_reported_at, reference: r.ico_reference },
    peopleTold: { decision: r.people_told_decision, ground: r.people_not_told_ground, reason: r.people_told_reason, toldAt: r.people_told_at },
    disciplinaryReference: r.disciplinary_reference,
    grantId: r.grant_id, flagId: r.flag_id, closedAt: r.closed_at, closedBy: r.closed_by, closingNote: r.closing_note,
    escalations: escalations.map((e) => ({ stage: e.stage, at: e.at, notified: Number(e.notified) === 1 })),
  };
}

/**
 * One breach as the actor may see it: management and the guardian see the report, its handling and the ICO clock
 * (deadline and time left on the injected clock); the reporter sees what they wrote and its status, and nothing of
 * the handling; nobody else may know it exists (404) — nor anyone whose own conduct it is about (rule
 * breaches/not-own-conduct, decided on the row's `conductOf`; the refusal is audited under that rule). The report's
 * opening is audited (fields, never contents), and so is a read of the handling (as `breach.review`).
 */
export async function getBreach(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'breach', id);
  const r = row as unknown as BreachRow;
  const review = reviewDecision(ctx, { facts: factsFor(ctx.actor, 'breach', row) });
  // Only those who review breaches may handle one: whose conduct it concerns is looked up for them alone.
  const handle = review.allowed && decide(ctx.actor, 'breach.handle', { ...factsFor(ctx.actor, 'breach', row), classification: 'general', ...(await breachConduct(ctx, r)) }).allowed;
  const base = { data: presented.data, restricted: presented.restricted, version: Number(row.version), can: { review: review.allowed, handle: handle && r.status !== 'closed' } };
  if (!review.allowed) return base;
  const handling = await handlingOf(ctx, r);
  ctx.audit.add(fromDecision('breach.review', review, { resourceType: 'breach', resourceId: id, detail: { affectedPeople: handling.affectedPeople.linked } }));
  return { ...base, clock: icoClock(r, ctx.now), handling };
}

/** True in SQL while a breach's ICO clock runs past its deadline (the same test as icoClock's 'overdue'). */
export function overdueSql(nowIso: string): Expression<SqlBool> {
  return sql<SqlBool>`(breaches.status <> 'closed' and breaches.ico_reported_at is null and (breaches.ico_decision is null or breaches.ico_decision = 'report') and breaches.ico_deadline_at <= ${nowIso})`;
}

/**
 * Breaches the actor may see, filtered in SQL by the same rules as a single read (management and the guardian all,
 * a reporter their own; never one about their own conduct, relation `own-conduct`): overdue ones first, then by
 * deadline, soonest first. Items carry general fields only; those who review breaches also get each one's ICO clock.
 */
export async function listBreaches(ctx: Ctx, query: ListBreachesQuery) {
  const scope = filter(ctx.actor, 'breach.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  const rank = sql<number>`case when ${overdueSql(ctx.nowIso)} then 0 else 1 end`;
  let q = ctx.db.selectFrom('breaches').selectAll('breaches').select(rank.as('_rank')).where((eb) => visibleWhere(eb, 'breach', scope, ctx.actor));
  if (query.status) q = q.where('breaches.status', '=', query.status);
  if (query.cursor) {
    const [rk, at, id] = decodeCursor(query.cursor, 3);
    q = q.where((eb) => eb.or([
      eb(rank, '>', Number(rk)),
      eb.and([eb(rank, '=', Number(rk)), eb.or([eb('breaches.ico_deadline_at', '>', at), eb.and([eb('breaches.ico_deadline_at', '=', at), eb('breaches.id', '>', id)])])]),
    ]));
  }
  const rows = await q.orderBy(rank).orderBy('breaches.ico_deadline_at').orderBy('breaches.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  auditList(ctx, 'breach', { results: page.length });
  const last = page[page.length - 1];
  return {
    items: page.map((r) => {
      const item: Record<string, unknown> = presentSummary(ctx, 'breach', r as unknown as Record<string, unknown>);
      if (reviewDecision(ctx, { facts: factsFor(ctx.actor, 'breach', r as unknown as Record<string, unknown>) }).allowed) item.clock = icoClock(r, ctx.now);
      return item;
    }),
    nextCursor: rows.length > query.limit && last ? encodeCursor([String(last._rank), last.ico_deadline_at, last.id]) : null,
  };
}

/**
 * A breach the actor may handle (management), with the allowing decision; 404 when hidden — a breach about the
 * actor's own conduct included (rule breaches/not-own-conduct: they do not read it either) — and 403 when only
 * visible. A refusal is audited as `attempted` (the change asked for: handling, closing, linking people), with the
 * rule and clause; nothing is written.
 */
export async function handleable(ctx: Ctx, id: string, attempted: 'breach.handle' | 'breach.close' | 'breach.people' = 'breach.handle') {
  const v = await findVisible(ctx, 'breach', id, attempted);
  const row = v.row as unknown as BreachRow;
  const decision = decide(ctx.actor, 'breach.handle', { ...v.facts, classification: 'general', ...(await breachConduct(ctx, row)) });
  enforce(ctx, attempted, decision, { resourceType: 'breach', resourceId: id });
  return { v, row, decision };
}
