import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { AgreementReviewRow } from '../db/schema';
import { invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { loadAgreement, present, requireAgreement, requireCurrent, writeVersioned } from './commands';
import type { RecordReviewInput } from './schema';

/** A recorded review of an agreement as the API answers it: who, when, the outcome, the note and the dates. */
export const presentAgreementReview = (r: AgreementReviewRow & { reviewer_name?: string | null }) => ({
  id: r.id, agreementId: r.agreement_id, reviewedBy: { id: r.reviewed_by, name: r.reviewer_name ?? null }, reviewedAt: r.reviewed_at,
  outcome: r.outcome, note: r.note, previousReviewOn: r.previous_review_on, nextReviewOn: r.next_review_on,
});

/**
 * Records a review of a signed sharing agreement by a manager or the guardian (practice 5.1; 3.1: continuing uses
 * are regularly reviewed): who (the actor), when (now), the outcome — it continues unchanged, needs a variation, or
 * should end — a short note, and the next review date, which must be after today and not after the agreement's last day. That
 * date becomes the agreement's review date, so it leaves the review list (src/agreements/queries.ts dueAgreements)
 * until then; the review is kept as history with the date it answered. A draft, a superseded version, or an
 * agreement ended or ended early is not reviewed (409). Ending it or varying it is its own step afterwards, with its
 * own reason. Audited with the outcome and the dates, never the note.
 */
export async function recordAgreementReview(ctx: Ctx, id: string, expected: number, input: RecordReviewInput) {
  const row = await loadAgreement(ctx, id);
  const d = requireAgreement(ctx, 'agreement.review', id);
  requireCurrent(ctx, row, 'review');
  const today = ctx.nowIso.slice(0, 10);
  if (input.nextReviewOn <= today) throw invalidInput('The next review date must be after today.', [{ path: 'body.nextReviewOn', message: 'must be after today' }]);
  if (input.nextReviewOn > row.ends_on) {
    throw invalidInput(`The next review date must not be after the agreement ends on ${row.ends_on}.`, [{ path: 'body.nextReviewOn', message: `must be on or before ${row.ends_on}, when the agreement ends` }]);
  }
  const written = await writeVersioned(ctx, row, expected, { review_on: input.nextReviewOn });
  const review: AgreementReviewRow = {
    id: newId(ctx.now.getTime()), agreement_id: id, reviewed_by: ctx.actor.id, reviewed_at: ctx.nowIso, outcome: input.outcome, note: input.note,
    previous_review_on: row.review_on, next_review_on: input.nextReviewOn,
  };
  await ctx.db.insertInto('agreement_reviews').values(review).execute();
  ctx.audit.add(fromDecision('agreement.review', d, {
    resourceType: 'agreement', resourceId: id,
    detail: { reviewId: review.id, outcome: review.outcome, previousReviewOn: review.previous_review_on, nextReviewOn: review.next_review_on, version: written.version },
  }));
  const reviewer = await ctx.db.selectFrom('users').select('display_name').where('id', '=', ctx.actor.id).executeTakeFirst();
  return { ...(await present(ctx, written)), review: presentAgreementReview({ ...review, reviewer_name: reviewer?.display_name ?? null }) };
}

/**
 * The reviews of an agreement, newest first. Like the agreement itself, that it was reviewed, when, by whom and with
 * what outcome is open to everyone working here (5.1); 404 for an agreement that does not exist.
 */
export async function listAgreementReviews(ctx: Ctx, id: string) {
  await loadAgreement(ctx, id);
  const rows = await ctx.db.selectFrom('agreement_reviews').leftJoin('users', 'users.id', 'agreement_reviews.reviewed_by')
    .selectAll('agreement_reviews').select('users.display_name as reviewer_name')
    .where('agreement_reviews.agreement_id', '=', id)
    .orderBy('agreement_reviews.reviewed_at', 'desc').orderBy('agreement_reviews.id', 'desc').limit(500).execute();
  return { items: rows.map(presentAgreementReview) };
}
