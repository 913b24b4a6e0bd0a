// Reviews of sharing agreements (practice 5.1, 3.1); see migration 0025.

/** One review of a signed sharing agreement by management: its outcome, a short note and the next review date it set. */
export interface AgreementReviewRow {
  id: string;
  agreement_id: string;
  reviewed_by: string;
  reviewed_at: string;
  outcome: string; // 'continue' | 'vary' | 'end'
  note: string;
  previous_review_on: string; // YYYY-MM-DD: the agreement's review date when it was reviewed
  next_review_on: string; // YYYY-MM-DD: the review date it set
}
