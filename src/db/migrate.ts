import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Db } from './connect';
import type { Database } from './schema';
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
import * as m0013 from './migrations/0013_audit_append_only';
import * as m0014 from './migrations/0014_breaches';
import * as m0015 from './migrations/0015_name_search';
import * as m0016 from './migrations/0016_notices_and_first_contact';
import * as m0017 from './migrations/0017_purposes_and_consent';
import * as m0018 from './migrations/0018_disclosures';
import * as m0019 from './migrations/0019_agreements_and_meetings';
import * as m0020 from './migrations/0020_case_team_person_keys';
import * as m0021 from './migrations/0021_safeguarding_referrals';
import * as m0022 from './migrations/0022_review_and_equality';
import * as m0023 from './migrations/0023_meeting_links';
import * as m0024 from './migrations/0024_disclosure_agreement';
import * as m0025 from './migrations/0025_agreement_reviews';
import * as m0026 from './migrations/0026_notification_settled';
import * as m0027 from './migrations/0027_meeting_client_request';
import * as m0028 from './migrations/0028_case_purpose';
import * as m0029 from './migrations/0029_disclosure_consent_sought';

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
  '0013_audit_append_only': m0013,
  '0014_breaches': m0014,
  '0015_name_search': m0015,
  '0016_notices_and_first_contact': m0016,
  '0017_purposes_and_consent': m0017,
  '0018_disclosures': m0018,
  '0019_agreements_and_meetings': m0019,
  '0020_case_team_person_keys': m0020,
  '0021_safeguarding_referrals': m0021,
  '0022_review_and_equality': m0022,
  '0023_meeting_links': m0023,
  '0024_disclosure_agreement': m0024,
  '0025_agreement_reviews': m0025,
  '0026_notification_settled': m0026,
  '0027_meeting_client_request': m0027,
  '0028_case_purpose': m0028,
  '0029_disclosure_consent_sought': m0029,
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

/**
 * Whether every migration of this code is already recorded, read straight from the bookkeeping table in the
 * connection's own schema. Most starts find it so and skip the Migrator, whose PostgreSQL catalogue introspection
 * reads every schema in the database and fails ("relation … does not exist") when another process drops a schema
 * at that moment; it also makes a restart faster.
 */
async function upToDate(db: Kysely<Database>): Promise<boolean> {
  try {
    const { rows } = await sql<{ n: number | string; latest: number | string }>`select count(*) as n, sum(case when name = ${LATEST_MIGRATION} then 1 else 0 end) as latest from kysely_migration`.execute(db);
    return Number(rows[0]?.latest) === 1 && Number(rows[0]?.n) === Object.keys(migrations).length;
  } catch {
    return false; // no bookkeeping table yet: a new database
  }
}

/** Brings the schema up to date. Returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (await upToDate(db.kysely)) return [];
  if (db.dialect !== 'postgres') return applyAll(await migratorFor(db));
  // One connection without the lock timeout (DB_LOCK_TIMEOUT_MS): a process starting while another migrates waits
  // for the migration lock as long as it takes, instead of failing its start.
  return db.kysely.connection().execute(async (conn) => {
    await sql`set lock_timeout = 0`.execute(conn);
    try {
      return await applyAll(await migratorFor({ ...db, kysely: conn }));
    } finally {
      await sql`set lock_timeout = ${sql.raw(String(db.lockTimeoutMs ?? 5000))}`.execute(conn).catch(() => {});
    }
  });
}

async function applyAll(migrator: Migrator): Promise<string[]> {
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
