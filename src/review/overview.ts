import { sql } from 'kysely';
import { dueAgreements } from '../agreements/queries';
import { fromDecision } from '../audit/append';
import { icoClock } from '../breaches/assessment';
import { overdueSql } from '../breaches/queries';
import type { Ctx } from '../context';
import { currentPolicy } from '../policy-document/store';
import { filter, visibleWhere } from '../policy/filter';
import { casesWithoutPurpose } from './cases-without-purpose';
import { consentsToAskAgain } from './consents-to-ask-again';
import { policyReviewStatus, requireManagement } from './policy-reviews';
import type { ReviewViewQuery } from './schema';

const DAY = 86_400_000;
const DISCLOSURE_BASES = ['consent', 'agreement', 'exception'] as const;

/** One bar or slice of a chart. */
export interface Point { label: string; value: number }

const ago = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();
const ahead = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString();
const ageDays = (now: Date, iso: string) => Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / DAY));
const n = (v: unknown) => Number(v ?? 0);

/** The months of the chart, oldest first, ending with the current month (YYYY-MM). */
export function monthsEnding(now: Date, count: number): string[] {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  return out;
}

/** Purposes of the register whose review is overdue or due within the window (3.1). */
async function purposesDue(ctx: Ctx, q: ReviewViewQuery) {
  const today = ctx.nowIso.slice(0, 10);
  const horizon = ahead(ctx.now, q.withinDays).slice(0, 10);
  const base = ctx.db.selectFrom('purposes').where('status', '=', 'active').where('next_review_on', '<=', horizon);
  const c = await base.select((eb) => [eb.fn.countAll<number>().as('total'), sql<number>`sum(case when next_review_on < ${today} then 1 else 0 end)`.as('overdue')]).executeTakeFirstOrThrow();
  const rows = await base.select(['id', 'name', 'next_review_on']).orderBy('next_review_on').orderBy('id').limit(q.items).execute();
  return {
    title: 'Purposes due for review', count: n(c.total),
    series: [{ label: 'overdue', value: n(c.overdue) }, { label: `due within ${q.withinDays} days`, value: n(c.total) - n(c.overdue) }],
    items: rows.map((r) => ({ id: r.id, label: r.name, nextReviewOn: r.next_review_on, overdue: r.next_review_on < today })),
  };
}

/** Current consents that expire within the window (not yet expired): the person is asked again before then (4.1). */
async function consentsExpiring(ctx: Ctx, q: ReviewViewQuery) {
  const horizon = ahead(ctx.now, q.withinDays);
  const week = ahead(ctx.now, 7);
  const base = ctx.db.selectFrom('consents').where('decision', '=', 'given').where('superseded_by', 'is', null)
    .where('expires_at', 'is not', null).where('expires_at', '>', ctx.nowIso).where('expires_at', '<=', horizon);
  const c = await base.select((eb) => [eb.fn.countAll<number>().as('total'), sql<number>`sum(case when expires_at <= ${week} then 1 else 0 end)`.as('week')]).executeTakeFirstOrThrow();
  const rows = await base.innerJoin('purposes', 'purposes.id', 'consents.purpose_id')
    .select(['consents.id', 'consents.person_id', 'consents.purpose_id', 'purposes.name', 'consents.expires_at'])
    .orderBy('consents.expires_at').orderBy('consents.id').limit(q.items).execute();
  return {
    title: 'Consents expiring', count: n(c.total),
    series: [{ label: 'within 7 days', value: n(c.week) }, { label: `8 to ${q.withinDays} days`, value: n(c.total) - n(c.week) }],
    // The person by id and the purpose by name: what they agreed to is read on the consent itself (need to know).
    items: rows.map((r) => ({ id: r.id, personId: r.person_id, purposeId: r.purpose_id, label: r.name, expiresAt: r.expires_at as string })),
  };
}

/** Age buckets of a worklist, oldest last, counted in SQL from `column`. */
function ageBuckets(now: Date, column: string) {
  const col = sql.ref(column);
  const [d1, d7, d30] = [ago(now, 1), ago(now, 7), ago(now, 30)];
  return {
    select: [
      sql<number>`sum(case when ${col} > ${d1} then 1 else 0 end)`.as('b0'),
      sql<number>`sum(case when ${col} <= ${d1} and ${col} > ${d7} then 1 else 0 end)`.as('b1'),
      sql<number>`sum(case when ${col} <= ${d7} and ${col} > ${d30} then 1 else 0 end)`.as('b2'),
      sql<number>`sum(case when ${col} <= ${d30} then 1 else 0 end)`.as('b3'),
    ],
    series: (c: Record<string, unknown>): Point[] => [
      { label: 'under 1 day', value: n(c.b0) }, { label: '1 to 7 days', value: n(c.b1) },
      { label: '7 to 30 days', value: n(c.b2) }, { label: 'over 30 days', value: n(c.b3) },
    ],
  };
}

/** Break-glass uses no manager has reviewed yet (practice 4.2–4.3), oldest first, by age. */
async function breakGlassAwaitingReview(ctx: Ctx, q: ReviewViewQuery) {
  const buckets = ageBuckets(ctx.now, 'requested_at');
  const base = ctx.db.selectFrom('access_grants').where('review_status', '=', 'pending').where('kind', '=', 'break_glass');
  const c = await base.select((eb) => [eb.fn.countAll<number>().as('total'), ...buckets.select]).executeTakeFirstOrThrow();
  const rows = await base.innerJoin('users', 'users.id', 'access_grants.user_id')
    .select(['access_grants.id', 'access_grants.user_id', 'users.display_name', 'access_grants.resource_type', 'access_grants.resource_id', 'access_grants.requested_at'])
    .orderBy('access_grants.requested_at').orderBy('access_grants.id').limit(q.items).execute();
  return {
    title: 'Break-glass uses awaiting review', count: n(c.total), series: buckets.series(c),
    // Who and which record, never the reason they gave (it may describe the person).
    items: rows.map((r) => ({ id: r.id, label: r.display_name, userId: r.user_id, resourceType: r.resource_type, resourceId: r.resource_id, openedAt: r.requested_at, ageDays: ageDays(ctx.now, r.requested_at) })),
  };
}

/** Safeguarding concerns not yet closed, by how long they have been open (practice 4.1), oldest first. */
async function openConcerns(ctx: Ctx, q: ReviewViewQuery) {
  const buckets = ageBuckets(ctx.now, 'raised_at');
  const base = ctx.db.selectFrom('concerns').where('status', 'in', ['raised', 'acknowledged']);
  const c = await base.select((eb) => [eb.fn.countAll<number>().as('total'), ...buckets.select]).executeTakeFirstOrThrow();
  const rows = await base.select(['id', 'status', 'raised_at', 'immediate_risk', 'escalation_level']).orderBy('raised_at').orderBy('id').limit(q.items).execute();
  return {
    title: 'Open safeguarding concerns', count: n(c.total), series: buckets.series(c),
    // Status and age only: what happened is read on the concern by the leads and management (practice 4.1).
    items: rows.map((r) => ({ id: r.id, label: r.status, status: r.status, raisedAt: r.raised_at, ageDays: ageDays(ctx.now, r.raised_at), immediateRisk: n(r.immediate_risk) === 1, escalationLevel: n(r.escalation_level) })),
  };
}

/**
 * Breaches not closed, with their 72-hour ICO deadlines (clause 5; UK GDPR Art 33), soonest deadline first: those the
 * manager may read, filtered in SQL by the same rules as the breach register — never one about their own conduct
 * (rule breaches/not-own-conduct), not even as a count.
 */
async function openBreaches(ctx: Ctx, q: ReviewViewQuery) {
  const scope = filter(ctx.actor, 'breach.read');
  const base = ctx.db.selectFrom('breaches').where('status', 'in', ['reported', 'assessing', 'contained'])
    .where((eb) => visibleWhere(eb, 'breach', scope, ctx.actor));
  const running = sql<number>`sum(case when ${overdueSql(ctx.nowIso)} then 0 when breaches.ico_reported_at is null and (breaches.ico_decision is null or breaches.ico_decision = 'report') then 1 else 0 end)`;
  const c = await base.select((eb) => [eb.fn.countAll<number>().as('total'), sql<number>`sum(case when ${overdueSql(ctx.nowIso)} then 1 else 0 end)`.as('overdue'), running.as('running')]).executeTakeFirstOrThrow();
  const rows = await base.select(['id', 'status', 'reported_at', 'aware_at', 'ico_deadline_at', 'ico_decision', 'ico_reported_at']).orderBy('ico_deadline_at').orderBy('id').limit(q.items).execute();
  return {
    title: 'Open breaches and their 72-hour deadlines', count: n(c.total),
    series: [
      { label: 'ICO deadline passed', value: n(c.overdue) }, { label: 'ICO clock running', value: n(c.running) },
      { label: 'ICO reported or not required', value: n(c.total) - n(c.overdue) - n(c.running) },
    ],
    items: rows.map((r) => ({ id: r.id, label: r.status, status: r.status, reportedAt: r.reported_at, icoDeadlineAt: r.ico_deadline_at, clock: icoClock({ ...r, status: r.status }, ctx.now) })),
  };
}

/** Active users who have not accepted the current version of the policy (3.5). */
async function policyNotAccepted(ctx: Ctx, q: ReviewViewQuery) {
  const policy = await currentPolicy(ctx.db);
  const base = ctx.db.selectFrom('users').where('users.active', '=', 1)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('policy_acceptances').select('policy_acceptances.user_id')
      .whereRef('policy_acceptances.user_id', '=', 'users.id').where('policy_acceptances.policy_document_id', '=', policy?.id ?? ''))));
  const c = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const all = await ctx.db.selectFrom('users').where('active', '=', 1).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.select(['users.id', 'users.username', 'users.display_name']).orderBy('users.username').limit(q.items).execute();
  return {
    title: 'Users who have not accepted the current policy', count: n(c.total), policyVersion: policy?.version ?? null,
    series: [{ label: 'accepted', value: n(all.total) - n(c.total) }, { label: 'not accepted', value: n(c.total) }],
    items: rows.map((r) => ({ id: r.id, label: r.display_name, username: r.username })),
  };
}

/** Disclosures released to third parties per month and basis (4.3, 1.3): one series per basis, for a chart. */
async function disclosuresByBasis(ctx: Ctx, q: ReviewViewQuery) {
  const months = monthsEnding(ctx.now, q.months);
  const from = `${months[0]}-01T00:00:00.000Z`;
  const month = sql<string>`substr(released_at, 1, 7)`;
  const counts = await ctx.db.selectFrom('disclosures').where('released_at', 'is not', null).where('released_at', '>=', from)
    .select((eb) => [month.as('month'), 'basis', eb.fn.countAll<number>().as('total')]).groupBy([month, 'basis']).execute();
  const at = new Map(counts.map((r) => [`${r.month}|${r.basis}`, n(r.total)]));
  const rows = await ctx.db.selectFrom('disclosures').where('released_at', 'is not', null).where('released_at', '>=', from)
    .select(['id', 'reference', 'basis', 'released_at']).orderBy('released_at', 'desc').orderBy('id', 'desc').limit(q.items).execute();
  const series = DISCLOSURE_BASES.map((basis) => ({ label: basis, data: months.map((m) => at.get(`${m}|${basis}`) ?? 0) }));
  return {
    title: 'Disclosures by basis', count: counts.reduce((s, r) => s + n(r.total), 0), labels: months, series,
    totals: DISCLOSURE_BASES.map((basis, i) => ({ label: basis, value: series[i].data.reduce((s, v) => s + v, 0) })),
    items: rows.map((r) => ({ id: r.id, label: r.reference, basis: r.basis, releasedAt: r.released_at as string })),
  };
}

/**
 * Signed sharing agreements still in place that end within the window or are due for review in it — an overdue
 * review included (practice 5.1; 3.1: continuing uses are reviewed) — whichever date comes first, soonest first.
 */
async function agreementsToReview(ctx: Ctx, q: ReviewViewQuery) {
  const today = ctx.nowIso.slice(0, 10);
  const horizon = ahead(ctx.now, q.withinDays).slice(0, 10);
  const base = dueAgreements(ctx.db, today, horizon);
  const [c, ending] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    base.where('ends_on', '<=', horizon).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  const first = sql<string>`case when ends_on < review_on then ends_on else review_on end`;
  const rows = await base.select(['id', 'title', 'ends_on', 'review_on']).orderBy(first).orderBy('ends_on').orderBy('id').limit(q.items).execute();
  return {
    title: 'Sharing agreements ending or due for review', count: n(c.total),
    series: [{ label: `ending within ${q.withinDays} days`, value: n(ending.total) }, { label: 'due for review (or overdue), not ending', value: n(c.total) - n(ending.total) }],
    items: rows.map((r) => ({ id: r.id, label: r.title, endsOn: r.ends_on, reviewOn: r.review_on, reviewOverdue: r.review_on < today })),
  };
}

/**
 * The management review view ("Monitoring and Review": the Senior Management Team regularly review the operation of
 * the policy; 3.6): the policy's own review, and what needs attention in each area, as counts, chart series (label +
 * value, or labels + data per series) and the first items of each list — record ids and non-confidential labels
 * only (no names of people, no free text of concerns, breaches or reasons). Every count is one indexed SQL
 * aggregate; nothing is loaded whole into memory. Managers only (review/senior-management-only). Audited with the
 * counts.
 */
export async function reviewView(ctx: Ctx, q: ReviewViewQuery) {
  const d = requireManagement(ctx, 'review.read');
  const sections = {
    purposesDue: await purposesDue(ctx, q),
    casesWithoutPurpose: await casesWithoutPurpose(ctx, q),
    consentsExpiring: await consentsExpiring(ctx, q),
    consentsToAskAgain: await consentsToAskAgain(ctx, q),
    breakGlassAwaitingReview: await breakGlassAwaitingReview(ctx, q),
    openConcerns: await openConcerns(ctx, q),
    openBreaches: await openBreaches(ctx, q),
    policyNotAccepted: await policyNotAccepted(ctx, q),
    disclosuresByBasis: await disclosuresByBasis(ctx, q),
    agreementsToReview: await agreementsToReview(ctx, q),
  };
  const policyReview = await policyReviewStatus(ctx);
  const counts = Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, s.count]));
  ctx.audit.add(fromDecision('review.read', d, { resourceType: 'system', resourceId: null, detail: { view: 'management-review', withinDays: q.withinDays, months: q.months, counts, policyReview: policyReview.state } }));
  return { asOf: ctx.nowIso, withinDays: q.withinDays, policyReview, sections };
}
