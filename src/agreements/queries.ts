import type { Kysely } from 'kysely';
import type { Ctx } from '../context';
import type { Database } from '../db/schema';
import { decodeCursor, encodeCursor } from '../records/paging';
import { agreementCan, loadAgreement, mayReadDocument, present } from './commands';
import { loadParts, presentAgreement } from './record';
import type { ListAgreementsQuery } from './schema';

/** One agreement: everyone working here may read that it exists, with whom and for what (5.1). */
export async function getAgreement(ctx: Ctx, id: string) {
  return present(ctx, await loadAgreement(ctx, id));
}

/**
 * Adds the condition for a shown status, so a filter by status returns exactly the agreements shown with it: the SQL
 * form of record.ts agreementStatus, case by case in its order: ended early first — also when a variation names it
 * replaced, as rows written before such a variation was refused can (commands.ts supersede) — then superseded, then
 * draft, then signed, in force and ended, read from the dates.
 */
function byStatus<Q extends { where: (...a: never[]) => Q }>(q: Q, status: string | undefined, today: string): Q {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const w = q as any;
  if (status === undefined) return q;
  if (status === 'terminated') return w.where('agreements.status', '=', 'terminated');
  const notEnded = w.where('agreements.status', '!=', 'terminated');
  if (status === 'superseded') return notEnded.where('agreements.superseded_by', 'is not', null);
  const live = notEnded.where('agreements.superseded_by', 'is', null);
  switch (status) {
    case 'draft': return live.where('agreements.status', '=', 'draft');
    case 'signed': return live.where('agreements.status', '=', 'signed').where('agreements.starts_on', '>', today);
    case 'ended': return live.where('agreements.status', '=', 'signed').where('agreements.starts_on', '<=', today).where('agreements.ends_on', '<', today);
    default: return live.where('agreements.status', '=', 'signed').where('agreements.starts_on', '<=', today).where('agreements.ends_on', '>=', today);
  }
}

/** The register of agreements by title, optionally by shown status and partner, with what the actor may do with agreements. */
export async function listAgreements(ctx: Ctx, query: ListAgreementsQuery) {
  const today = ctx.nowIso.slice(0, 10);
  let q = ctx.db.selectFrom('agreements').selectAll('agreements');
  q = byStatus(q, query.status, today);
  if (query.organisationId) {
    const org = query.organisationId;
    q = q.where((eb) => eb.exists(eb.selectFrom('agreement_parties').select('agreement_id').whereRef('agreement_parties.agreement_id', '=', 'agreements.id').where('agreement_parties.organisation_id', '=', org)));
  }
  if (query.cursor) {
    const [title, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('agreements.title', '>', title), eb.and([eb('agreements.title', '=', title), eb('agreements.id', '>', id)])]));
  }
  const rows = await q.orderBy('agreements.title').orderBy('agreements.id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const parts = await loadParts(ctx.db, page.map((r) => r.id));
  const doc = mayReadDocument(ctx);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentAgreement(r, parts.get(r.id)!, ctx.nowIso, doc).data),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.title, last.id]) : null,
    can: agreementCan(ctx),
  };
}

/**
 * The review list (5.1): signed, current agreements not yet ended whose end or review date falls within `withinDays`
 * (default AGREEMENT_REVIEW_DAYS, 60), soonest first — so a protocol is renewed or varied before it lapses; each
 * says whether its review date is already past (`reviewOverdue`).
 */
export async function agreementsDueForReview(ctx: Ctx, withinDays?: number) {
  const days = withinDays ?? ctx.services.config.agreementReviewDays;
  const today = ctx.nowIso.slice(0, 10);
  const horizon = new Date(ctx.now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const rows = await dueAgreements(ctx.db, today, horizon).selectAll().orderBy('review_on').orderBy('id').limit(500).execute();
  const parts = await loadParts(ctx.db, rows.map((r) => r.id));
  const doc = mayReadDocument(ctx);
  return {
    withinDays: days, until: horizon,
    items: rows.map((r) => ({
      ...presentAgreement(r, parts.get(r.id)!, ctx.nowIso, doc).data, due: r.ends_on <= horizon ? (r.review_on <= horizon ? 'review and end' : 'end') : 'review',
      reviewOverdue: r.review_on < today, // 3.1: a review date already past is overdue, and the list says so
    })),
  };
}

/**
 * What "due" means for a sharing agreement (practice 5.1; 3.1): signed, current, not yet ended, and ending or due for
 * review by `horizon` (a review date already past included). The review list and the management review both ask it.
 * `review_on` is the next review due: a recorded review (src/agreements/reviews.ts) moves it to the date it set, so a
 * reviewed agreement is no longer due or overdue for review until then (it still shows while its end is near).
 */
export const dueAgreements = (db: Kysely<Database>, today: string, horizon: string) =>
  db.selectFrom('agreements').where('status', '=', 'signed').where('superseded_by', 'is', null).where('ends_on', '>=', today)
    .where((eb) => eb.or([eb('ends_on', '<=', horizon), eb('review_on', '<=', horizon)]));
