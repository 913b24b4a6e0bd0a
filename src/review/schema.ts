import { z } from 'zod';
import { decimalInt, pageQuery } from '../records/paging';

/** What a policy review concluded. */
export const REVIEW_OUTCOMES = ['no_change', 'changes_needed', 'revised'] as const;

/** GET /api/review: how far ahead to look, how many months of disclosures to chart, how many items per section. */
export const reviewViewQuery = z.strictObject({
  withinDays: decimalInt(1, 365).default(30).describe('look ahead this many days for reviews, expiries and agreement ends'),
  months: decimalInt(1, 24).default(12).describe('months of disclosures to chart, this month included'),
  items: decimalInt(0, 200).default(50).describe('at most this many items listed per section (counts are always complete)'),
});
export type ReviewViewQuery = z.infer<typeof reviewViewQuery>;

/** POST /api/review/policy-reviews: a review of the policy by the senior management team. */
export const recordPolicyReviewBody = z.strictObject({
  outcome: z.enum(REVIEW_OUTCOMES).describe('no_change, changes_needed (actions follow) or revised (a new version is loaded)'),
  notes: z.string().trim().min(1).max(10_000).describe('what was reviewed and concluded; no personal details'),
  nextReviewOn: z.iso.date().describe('the date of the next review, YYYY-MM-DD: after today, within three years'),
});
export type RecordPolicyReviewInput = z.infer<typeof recordPolicyReviewBody>;

/** GET /api/review/policy-reviews: the history, newest first. */
export const listPolicyReviewsQuery = z.strictObject({ ...pageQuery });
export type ListPolicyReviewsQuery = z.infer<typeof listPolicyReviewsQuery>;
