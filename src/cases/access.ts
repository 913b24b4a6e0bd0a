import { conflict } from '../lib/errors';

/** Archived records are kept read-only (archive is not erasure, and not a draft state either): 409 on a change. */
export function requireNotArchived(row: Record<string, unknown>, noun: string) {
  if (row.archived_at) throw conflict(`This ${noun} is archived and can no longer be changed.`);
}

/** True when a database error is a unique/primary-key violation (a concurrent insert of the same row). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return !!e && (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE');
}
