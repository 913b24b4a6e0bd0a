import { Migrator, sql, type Migration } from 'kysely';
import type { Db } from './connect';
import * as m0001 from './migrations/0001_accounts_and_records';
import * as m0002 from './migrations/0002_access_and_audit';
import * as m0003 from './migrations/0003_accounts_totp_step';
import * as m0004 from './migrations/0004_policy_rule_modes';
import * as m0005 from './migrations/0005_audit_partial_indexes';
import * as m0006 from './migrations/0006_lists_name_index';
import * as m0007 from './migrations/0007_access_epoch';
import * as m0008 from './migrations/0008_case_team_person';
import * as m0009 from './migrations/0009_cases_move_access_epoch';
import * as m0012 from './migrations/0012_safeguarding_and_outbox';
import * as m0015 from './migrations/0015_name_search';

/**
 * Every migration, in order. Numbered files, each written with Kysely's schema builder so it runs unchanged on
 * SQLite and PostgreSQL. Add new ones at the end; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_accounts_and_records': m0001,
  '0002_access_and_audit': m0002,
  '0003_accounts_totp_step': m0003,
  '0004_policy_rule_modes': m0004,
  '0005_audit_partial_indexes': m0005,
  '0006_lists_name_index': m0006,
  '0007_access_epoch': m0007,
  '0008_case_team_person': m0008,
  '0009_cases_move_access_epoch': m0009,
  '0012_safeguarding_and_outbox': m0012,
  '0015_name_search': m0015,
};

/** The name of the newest migration: identifies the schema a database built by this code has. */
export const LATEST_MIGRATION = Object.keys(migrations).at(-1)!;

/**
 * On PostgreSQL the migrator is pinned to the connection's current schema: Kysely otherwise looks for its
 * bookkeeping tables in every schema, and one found elsewhere (another test run, a benchmark schema) makes it skip
 * creating its own ("relation kysely_migration_lock does not exist").
 */
async function migratorFor(db: Db): Promise<Migrator> {
  const schema = db.dialect === 'postgres'
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
    : undefined;
  return new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
}

/** Brings the schema up to date. Returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = await migratorFor(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (for `confide doctor`). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = await migratorFor(db);
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
