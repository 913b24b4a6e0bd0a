import type { DisclosureRow, ReferralRow } from '../db/schema';
import { decide } from '../policy/decide';
import type { Actor } from '../policy/types';

type DisclosureLink = Pick<DisclosureRow, 'id' | 'reference' | 'status' | 'released_at'>;

/**
 * Whether a referral's record is complete (practice 4.3): no decision-aid answer left, not waiting for a manager's
 * decision, and — when a manager released it at once — reviewed by a second manager (practice 4.1).
 */
export const referralComplete = (missing: readonly string[], releasedAtOnce: boolean, reviewed: boolean, awaitingDecision: boolean) =>
  missing.length === 0 && !awaitingDecision && (!releasedAtOnce || reviewed);

/**
 * What the actor may do next with a referral, decided by the policy (so a UI offers only what the API accepts):
 * `approve` — a manager who did not make it decides one awaiting a decision; `review` — a second manager reviews
 * one released at once; `complete` — the leads and management add the answers it left. The caller has decided that
 * the actor works the concern.
 */
/**
 * Whether a referral waits for a manager's decision: its disclosure awaits approval, or — one that shared nothing
 * through Confide, made by someone who is not a manager — it awaits a manager's agreement (practice 4.2,
 * `managerAgreement` among what is missing; src/safeguarding/referrals.ts).
 */
export const awaitingDecision = (row: Pick<ReferralRow, 'missing'>, disclosure: Pick<DisclosureRow, 'status'> | null | undefined) =>
  disclosure?.status === 'awaiting_approval' || (JSON.parse(row.missing) as string[]).includes('managerAgreement');

function referralCan(actor: Actor, row: ReferralRow, disclosure: DisclosureLink | null) {
  const decides = decide(actor, 'disclosure.approve', { type: 'disclosure', id: row.disclosure_id ?? row.id, ownerId: row.referred_by, referral: true }).allowed;
  const missing = JSON.parse(row.missing) as string[];
  return {
    approve: decides && awaitingDecision(row, disclosure),
    review: decides && Number(row.released_at_once) === 1 && row.reviewed_at === null,
    complete: missing.some((k) => k !== 'managerAgreement'),
  };
}

/**
 * A referral as the API sends it to the safeguarding leads and management: where it went, whether it was urgent and
 * released at once, the decision aid's answers (its recorded reasons, practice 4.3; left out of lists), what is left
 * to complete and by when, whether it waits for a manager's decision, the second manager's review, whether it was
 * flagged overdue, the disclosure that carried the information (its id, reference and status) — the link from the
 * concern to the disclosure — and what the actor may do next (`can`).
 */
export function presentReferral(actor: Actor, row: ReferralRow, disclosure: DisclosureLink | null, withAnswers = true) {
  return {
    id: row.id, concernId: row.concern_id, entryId: row.entry_id, to: row.agency, urgent: Number(row.urgent) === 1, releasedAtOnce: Number(row.released_at_once) === 1,
    referredBy: row.referred_by, referredAt: row.referred_at,
    ...(withAnswers ? { answers: JSON.parse(row.answers) as Record<string, unknown> } : {}),
    missing: JSON.parse(row.missing) as string[], awaitingDecision: awaitingDecision(row, disclosure),
    completeBy: row.complete_by, completedAt: row.completed_at, overdueFlaggedAt: row.overdue_flagged_at,
    review: row.reviewed_at ? { by: row.reviewed_by, at: row.reviewed_at, outcome: row.review_outcome, note: row.review_note } : null,
    disclosure: disclosure ? { id: disclosure.id, reference: disclosure.reference, status: disclosure.status, releasedAt: disclosure.released_at } : null,
    can: referralCan(actor, row, disclosure),
  };
}

/** A referral as the API sends it. */
export type ReferralView = ReturnType<typeof presentReferral>;
