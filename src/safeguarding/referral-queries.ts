import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { ReferralRow } from '../db/schema';
import { forbidden } from '../lib/errors';
import { decide } from '../policy/decide';
import { filter, visibleWhere } from '../policy/filter';
import { auditList } from '../records/list-audit';
import { decodeCursor, encodeCursor } from '../records/paging';
import { presentReferral } from './referral-present';
import type { ListReferralsQuery } from './schema';

/** Disclosure links of some referrals, by disclosure id, in one query. */
async function disclosuresOf(ctx: Ctx, rows: readonly ReferralRow[]) {
  const ids = rows.map((r) => r.disclosure_id).filter((id): id is string => !!id);
  if (!ids.length) return new Map();
  const ds = await ctx.db.selectFrom('disclosures').select(['id', 'reference', 'status', 'released_at']).where('id', 'in', ids).execute();
  return new Map(ds.map((d) => [d.id, d]));
}

/** A concern's referrals, oldest first, with their answers and disclosures (for its chronology: the caller decided concern.work). */
export async function referralsOfConcern(ctx: Ctx, concernId: string) {
  const rows = (await ctx.db.selectFrom('referrals').selectAll().where('concern_id', '=', concernId).orderBy('referred_at').orderBy('id').execute()) as ReferralRow[];
  const ds = await disclosuresOf(ctx, rows);
  return rows.map((r) => presentReferral(ctx.actor, r, r.disclosure_id ? (ds.get(r.disclosure_id) ?? null) : null));
}

/**
 * Referrals for the safeguarding leads and management (practice 4.3): `incomplete` — those whose record is still to
 * complete (answers an urgent referral left, a second manager's review), soonest deadline first; `overdue` — those
 * past their deadline; `all` — newest first. Filtered in SQL by who may work the concern (the same rules as a single
 * concern), so nobody else sees a referral exists. Answers are left out of the list: the chronology carries them.
 */
export async function listReferrals(ctx: Ctx, query: ListReferralsQuery) {
  const scope = filter(ctx.actor, 'concern.work');
  if (scope.kind === 'none') {
    // Nobody but the leads and management learns that referrals exist: refused by the rule, from any transport.
    const denial = scope.denial ?? decide(ctx.actor, 'concern.work', { type: 'concern' });
    ctx.audit.add(fromDecision('concern.work', denial, { detail: { view: `referrals:${query.view}` } }));
    throw forbidden(denial);
  }
  let q = ctx.db.selectFrom('referrals').innerJoin('concerns', 'concerns.id', 'referrals.concern_id').selectAll('referrals')
    .where((eb) => visibleWhere(eb, 'concern', scope, ctx.actor));
  const byDeadline = query.view !== 'all';
  if (byDeadline) {
    q = q.where('referrals.completed_at', 'is', null).where('referrals.complete_by', 'is not', null);
    if (query.view === 'overdue') q = q.where('referrals.complete_by', '<=', ctx.nowIso);
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      q = q.where((eb) => eb.or([eb('referrals.complete_by', '>', at), eb.and([eb('referrals.complete_by', '=', at), eb('referrals.id', '>', id)])]));
    }
    q = q.orderBy('referrals.complete_by', 'asc').orderBy('referrals.id', 'asc');
  } else {
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      q = q.where((eb) => eb.or([eb('referrals.referred_at', '<', at), eb.and([eb('referrals.referred_at', '=', at), eb('referrals.id', '<', id)])]));
    }
    q = q.orderBy('referrals.referred_at', 'desc').orderBy('referrals.id', 'desc');
  }
  const rows = (await q.limit(query.limit + 1).execute()) as ReferralRow[];
  const page = rows.slice(0, query.limit);
  const ds = await disclosuresOf(ctx, page);
  const last = page.at(-1);
  auditList(ctx, 'concern', { results: page.length, view: `referrals:${query.view}` });
  return {
    items: page.map((r) => ({ ...presentReferral(ctx.actor, r, r.disclosure_id ? (ds.get(r.disclosure_id) ?? null) : null, false), overdue: r.completed_at === null && r.complete_by !== null && r.complete_by <= ctx.nowIso })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(byDeadline ? [last.complete_by as string, last.id] : [last.referred_at, last.id]) : null,
  };
}
