import type { DisclosureRow, ReferralRow } from '../db/schema';

/**
 * A referral as the API sends it to the safeguarding leads and management: where it went, whether it was urgent and
 * released at once, the decision aid's answers (its recorded reasons, practice 4.3), what is left to complete and by
 * when, the second manager's review, whether it is overdue, and the disclosure that carried the information (its id,
 * reference and status) — the link from the concern to the disclosure.
 */
export function presentReferral(row: ReferralRow, disclosure: Pick<DisclosureRow, 'id' | 'reference' | 'status' | 'released_at'> | null, withAnswers = true) {
  return {
    id: row.id, concernId: row.concern_id, entryId: row.entry_id, to: row.agency, urgent: Number(row.urgent) === 1, releasedAtOnce: Number(row.released_at_once) === 1,
    referredBy: row.referred_by, referredAt: row.referred_at,
    ...(withAnswers ? { answers: JSON.parse(row.answers) as Record<string, unknown> } : {}),
    missing: JSON.parse(row.missing) as string[], completeBy: row.complete_by, completedAt: row.completed_at, overdueFlaggedAt: row.overdue_flagged_at,
    review: row.reviewed_at ? { by: row.reviewed_by, at: row.reviewed_at, outcome: row.review_outcome, note: row.review_note } : null,
    disclosure: disclosure ? { id: disclosure.id, reference: disclosure.reference, status: disclosure.status, releasedAt: disclosure.released_at } : null,
  };
}

/** A referral as the API sends it. */
export type ReferralView = ReturnType<typeof presentReferral>;
