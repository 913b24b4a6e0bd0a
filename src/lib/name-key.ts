/**
 * Lower-cased, accent-free text for sorting and prefix search: NFKD, combining marks (U+0300–U+036F) removed, lower
 * case, trimmed ("Élodie" → "elodie"). People's sort keys and name-search keys are made with it; on SQLite the
 * database calls this very function (registered as `confide_name_key`, src/db/connect.ts) and PostgreSQL runs the
 * same steps in SQL (migration 0015), so a key written by any process matches the key a search computes.
 */
export function nameKey(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

/** The SQL function name under which the database computes {@link nameKey}. */
export const NAME_KEY_FUNCTION = 'confide_name_key';

/**
 * Registers {@link nameKey} on a better-sqlite3 connection as a deterministic SQL function (null stays null). Every
 * connection that writes people needs it: the triggers keeping their search keys call it (migration 0015).
 */
export function registerNameKey(db: { function(name: string, options: { deterministic: boolean }, fn: (v: unknown) => unknown): unknown }): void {
  db.function(NAME_KEY_FUNCTION, { deterministic: true }, (v: unknown) => (v === null || v === undefined ? null : nameKey(String(v))));
}
