import type { Versioned } from './versioned';

// Safeguarding concerns, referrals and chronologies (practice 4), and the breach register (clause 5).

/** A safeguarding concern (practice 4.1): what the raiser wrote, its status and its handling state. */
export interface ConcernRow extends Versioned {
  id: string;
  concern_for: string; // 'child' | 'vulnerable_adult'
  person_id: string | null;
  person_description: string | null;
  what_happened: string;
  occurred_at: string;
  people_involved: string | null;
  immediate_risk: number;
  actions_taken: string | null;
  status: string; // 'raised' | 'acknowledged' | 'closed'
  raised_by: string;
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  escalation_level: number;
  next_escalation_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
}

/** A referral of a concern to the local authority or the police (practice 4.1–4.3); see migration 0021. */
export interface ReferralRow extends Versioned {
  id: string;
  concern_id: string;
  entry_id: string;
  disclosure_id: string | null;
  agency: string; // 'local_authority' | 'police'
  urgent: number;
  answers: string; // JSON: the decision aid's answers
  missing: string; // JSON array: answers an urgent referral left to complete
  released_at_once: number;
  referred_by: string;
  referred_at: string;
  complete_by: string | null;
  completed_at: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_outcome: string | null; // 'upheld' | 'concerns'
  review_note: string | null;
  overdue_flagged_at: string | null;
}

/** One entry of a concern's chronology (practice 4.2–4.3). */
export interface ConcernEntryRow {
  id: string;
  concern_id: string;
  at: string;
  kind: string;
  recorded_by: string | null; // null: the system (alerts, escalations)
  text: string | null;
  reason: string | null;
  agreed_with: string | null; // JSON array
  detail: string; // JSON object
}

/** A suspected breach of the policy as reported, and its handling by management (clause 5; UK GDPR Art 33–34). */
export interface BreachRow extends Versioned {
  id: string;
  status: string; // 'reported' | 'assessing' | 'contained' | 'closed'
  source: string; // 'report' | 'break-glass' | 'flag'
  reported_by: string;
  reported_at: string;
  report: string; // what the reporter wrote
  reported_occurred_at: string | null;
  what_happened: string | null;
  occurred_at: string | null;
  aware_at: string;
  ico_deadline_at: string; // aware_at + 72 hours
  data_categories: string; // JSON array
  people_affected: number | null;
  likelihood: string | null;
  severity: string | null;
  risk_level: string | null; // 'none' | 'risk' | 'high'
  risk_notes: string | null;
  containment: string | null;
  ico_decision: string | null; // 'report' | 'not_required'
  ico_reason: string | null;
  ico_reported_at: string | null;
  ico_reference: string | null;
  people_told_decision: string | null; // 'tell' | 'not_required'
  people_not_told_ground: string | null;
  people_told_reason: string | null;
  people_told_at: string | null;
  disciplinary_reference: string | null;
  grant_id: string | null;
  flag_id: string | null;
  closed_at: string | null;
  closed_by: string | null;
  closing_note: string | null;
}

/** A person record affected by a breach. */
export interface BreachPersonRow {
  breach_id: string;
  person_id: string;
  linked_by: string;
  linked_at: string;
}

/** One warning of a breach's ICO clock, sent once. */
export interface BreachEscalationRow {
  breach_id: string;
  stage: string; // 'hours-24', 'hours-6', 'overdue'
  at: string;
  notified: number;
}

/** An automatic review flag (clause 5): raised once, dismissed with a reason or opened as a breach. */
export interface BreachFlagRow {
  id: string;
  kind: string; // 'break-glass-unreviewed' | 'read-volume' | 'people-export' | 'repeated-denials'
  dedupe_key: string;
  user_id: string | null;
  window_start: string | null;
  window_end: string | null;
  count: number;
  grant_id: string | null;
  raised_at: string;
  status: string; // 'open' | 'dismissed' | 'breach'
  decided_by: string | null;
  decided_at: string | null;
  dismiss_reason: string | null;
  breach_id: string | null;
  version: number;
}

/** Counts per user, kind and time bucket, built from the audit chain for the review flags. */
export interface BreachActivityRow {
  user_id: string;
  kind: string; // 'reads' | 'denials' | 'export'
  bucket: string;
  n: number;
}

/** How far the review flags have read the audit chain (one row, id 1). */
export interface BreachFlagScanRow {
  id: number;
  seq: number;
  scanned_at: string | null;
}
