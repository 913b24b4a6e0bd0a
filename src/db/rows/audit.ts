
// The hash-chained audit trail, its head, signed checkpoints and signing keys (1.1).

export interface AuditEventRow {
  seq: number;
  at: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  subject_person_id: string | null;
  decision: string; // 'allow' | 'deny' | 'change'
  rule_id: string | null;
  clause: string | null;
  request_id: string | null;
  detail: string; // canonical JSON; never confidential values
  prev_hash: string;
  hash: string;
}

export interface AuditHeadRow {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  at: string;
  signature: string;
  key_id: string;
}

/** A key that signs audit checkpoints (migration 0013): verify checks each checkpoint against the key named on it. */
export interface AuditSignerRow {
  key_id: string;
  public_key: string;
  first_used_at: string;
  /** How it came to be registered: 'first-start', 'existing-checkpoints' or 'cli:<os user>' (confide audit register-key). */
  registered_by: string;
}
