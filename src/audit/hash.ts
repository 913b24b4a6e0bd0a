import { hash } from 'node:crypto';
import type { AuditEventRow } from '../db/schema';

/** The hash of the empty chain, before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry as its hash covers it: every stored column except the two hashes. */
export type HashedEntry = Omit<AuditEventRow, 'hash' | 'prev_hash'>;

/**
 * The canonical text of an entry: a JSON array in a fixed field order, with `detail` already stored as canonical
 * JSON text, so verification needs no re-parsing. SQLite's `json_array` over the same columns in the same order
 * (`CANONICAL_ENTRY_SQL`) writes the very same text, which lets verify build it inside the database.
 */
export function canonicalEntry(e: HashedEntry): string {
  return JSON.stringify([
    e.seq, e.at, e.actor_id, e.action, e.resource_type, e.resource_id, e.subject_person_id,
    e.decision, e.rule_id, e.clause, e.request_id, e.detail,
  ]);
}

/** {@link canonicalEntry} as an SQLite expression over the columns of audit_events. */
export const CANONICAL_ENTRY_SQL =
  'json_array(seq, at, actor_id, action, resource_type, resource_id, subject_person_id, decision, rule_id, clause, request_id, detail)';

/** SHA-256(prev_hash ‖ canonical text), hex. */
export function chainHash(prevHash: string, canonical: string): string {
  // One-shot hash of the concatenation: the same digest as update(prevHash).update(canonical), at half the cost.
  return hash('sha256', prevHash + canonical, 'hex');
}

/** hash = SHA-256(prev_hash ‖ canonical entry). */
export function entryHash(prevHash: string, e: HashedEntry): string {
  return chainHash(prevHash, canonicalEntry(e));
}
