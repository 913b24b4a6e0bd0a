/** PostgreSQL error codes that mean "busy, try again": lock_not_available, deadlock_detected, serialization_failure, too_many_connections. */
const PG_BUSY = new Set(['55P03', '40P01', '40001', '53300']);

/**
 * Whether an error is the database being busy rather than broken: SQLite's SQLITE_BUSY/SQLITE_LOCKED after
 * busy_timeout (a long job in another process holding the write lock), PostgreSQL's lock timeout, deadlock or
 * serialisation failure, or no pooled connection free in time. The request did nothing (its transaction was
 * rolled back); asking again later may succeed.
 */
export function isBusy(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (/^SQLITE_(BUSY|LOCKED)/.test(e.code) || PG_BUSY.has(e.code))) return true;
  return typeof e.message === 'string' && /timeout exceeded when trying to connect/.test(e.message);
}
