import { hash } from 'node:crypto';
import type { AuditEventRow } from '../db/schema';

/** The hash of the empty chain, before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = SHA-256(prev_hash ‖ canonical entry). The canonical entry is a JSON array in a fixed field order, with
 * `detail` already stored as canonical JSON text, so verification needs no re-parsing.
 */
export function entryHash(prevHash: string, e: Omit<AuditEventRow, 'hash' | 'prev_hash'>): string {
  const canonical = JSON.stringify([
    e.seq, e.at, e.actor_id, e.action, e.resource_type, e.resource_id, e.subject_person_id,
    e.decision, e.rule_id, e.clause, e.request_id, e.detail,
  ]);
  // One-shot hash of the concatenation: the same digest as update(prevHash).update(canonical), at half the cost.
  return hash('sha256', prevHash + canonical, 'hex');
}
