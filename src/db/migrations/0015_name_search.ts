import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Search on given, family and preferred names (issue 13). Until now `q` matched the start of the family name only
 * (the sort key, "family given"). People now carry a search key for their given name and for their preferred name,
 * made exactly like the sort key (src/lib/name-key.ts: lower case, accents removed), and kept by the database from
 * the names themselves — by triggers on both engines, like case_team.person_id (0008) — so whatever writes a person
 * (the commands, an import, a factory, a bulk load) cannot leave a stale key behind.
 *
 * - SQLite: the triggers call `confide_name_key`, the application's own function, registered on every connection
 *   (src/db/connect.ts); a connection without it cannot write people (it fails, it does not write a wrong key).
 * - PostgreSQL: `confide_name_key(text)` runs the same steps in SQL (normalize NFKD, strip U+0300–U+036F, lower) —
 *   IMMUTABLE, so usable in indexes; a BEFORE trigger fills the keys; the columns are collated "C" like the sort key,
 *   so a prefix is one byte-wise index range on both engines.
 *
 * Each key has its own index laid out like the sort key's (0006): the key, then the sort key and id (the list
 * order), then archived_at — a search reads matches from the index alone. The preferred-name index is partial (most
 * people have none); a range condition on the key implies it on both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const column of ['given_key', 'preferred_key']) {
    await db.schema.alterTable('people').addColumn(column, 'text', (c) => (postgres ? c.modifyEnd(sql`collate "C"`) : c)).execute();
  }
  if (postgres) {
    await sql`create function confide_name_key(t text) returns text language sql immutable strict parallel safe as $$
      select btrim(lower(regexp_replace(normalize(t, NFKD), '[\u0300-\u036f]', '', 'g'))) $$`.execute(db);
    await sql`create function people_name_keys() returns trigger language plpgsql as $$
      begin new.given_key := confide_name_key(new.given_name); new.preferred_key := confide_name_key(new.preferred_name); return new; end $$`.execute(db);
    await sql`create trigger people_name_keys before insert or update of given_name, preferred_name on people for each row execute function people_name_keys()`.execute(db);
  } else {
    // SQLite has no BEFORE-row assignment: the row is completed right after it is written, in the same statement.
    const set = sql`update people set given_key = confide_name_key(new.given_name), preferred_key = confide_name_key(new.preferred_name) where id = new.id`;
    await sql`create trigger people_name_keys_insert after insert on people begin ${set}; end`.execute(db);
    await sql`create trigger people_name_keys_update after update of given_name, preferred_name on people begin ${set}; end`.execute(db);
  }
  await sql`update people set given_key = confide_name_key(given_name), preferred_key = confide_name_key(preferred_name)`.execute(db);
  await db.schema.createIndex('people_by_given_key').on('people').columns(['given_key', 'sort_key', 'id', 'archived_at']).execute();
  await db.schema.createIndex('people_by_preferred_key').on('people').columns(['preferred_key', 'sort_key', 'id', 'archived_at']).where(sql.ref('preferred_key'), 'is not', null).execute();
}
