
// Access grants, the policy document, its acceptance, rule modes, reviews and the access epoch (3.4, 3.5, 3.6).

export interface AccessGrantRow {
  id: string;
  user_id: string;
  kind: string; // 'request' | 'break_glass'
  resource_type: string; // 'person' | 'case' | 'organisation'
  resource_id: string;
  person_id: string | null; // subject person, denormalised so person coverage is one lookup
  case_id: string | null;
  organisation_id: string | null;
  classifications: string; // JSON array
  reason: string;
  status: string; // 'requested' | 'approved' | 'refused' | 'revoked'
  requested_at: string;
  requested_hours: number;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  review_status: string | null; // break-glass: 'pending' | 'justified' | 'breach'
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}

export interface PolicyDocumentRow {
  id: string;
  version: number;
  title: string;
  body: string;
  clauses: string; // JSON array of parsed clauses
  clause_map: string; // JSON object: clause key -> clause numbers
  loaded_at: string;
  loaded_by: string | null;
}

export interface PolicyAcceptanceRow {
  user_id: string;
  policy_document_id: string;
  accepted_at: string;
}

/** A configurable rule the organisation switched between 'enforce' and 'warn' (no row = enforce). */
export interface PolicyRuleModeRow {
  rule_id: string;
  mode: string;
  set_by: string | null;
  set_at: string;
}

/** One row (id 1): moved by triggers whenever authentication or actor facts change (migration 0007). */
export interface AccessEpochRow {
  id: number;
  n: number;
}

/** One review of the policy by the senior management team ("Monitoring and Review", 3.6; migration 0022). */
export interface PolicyReviewRow {
  id: string;
  policy_document_id: string | null;
  policy_version: number | null;
  reviewed_by: string;
  reviewed_at: string;
  outcome: string; // 'no_change' | 'changes_needed' | 'revised'
  notes: string;
  next_review_on: string; // YYYY-MM-DD
}

/** An overdue next-review date the scheduled job has told managers of, once. */
export interface PolicyReviewFlagRow {
  due_on: string;
  flagged_at: string;
  notified: number;
}
