/**
 * The 1M-people world for the need-to-know list benchmark, generated once and cached: SQLite in
 * bench/out/people-1m.sqlite, PostgreSQL in schema `bench_1m`. BENCH_PEOPLE=n builds and uses a smaller world of the
 * same shape beside it (bench/out/people-<n/1000>k.sqlite, schema bench_<n/1000>k) for trying a case at reduced size. Rows are generated deterministically in Node and
 * written in bulk (prepared statements in one transaction per chunk on SQLite; multi-row INSERT … SELECT FROM
 * unnest(arrays) on PostgreSQL), so both engines hold exactly the same data.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { connect, type Db } from '../src/db/connect';
import { migrateToLatest } from '../src/db/migrate';
import { registerNameKey } from '../src/lib/name-key';
import { sortKey } from '../src/records/paging';
import { log, timeMs } from './lib';

/** How many people the world holds: 1M, or BENCH_PEOPLE for a run at reduced size. */
export const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_000_000);
if (!Number.isInteger(PEOPLE) || PEOPLE < 10_000) throw new Error('BENCH_PEOPLE: a whole number of at least 10000');
const SIZE = PEOPLE === 1_000_000 ? '1m' : `${Math.round(PEOPLE / 1000)}k`;
/**
 * Bump when the generator changes, so cached datasets are rebuilt (v4: preferred names, for the name search; v5:
 * actors at every visibility size of the sweep, and told_at in the main world so the worklist shares it).
 */
export const DATASET_VERSION = `people-${SIZE}/v5`;
export const OUT_DIR = join(import.meta.dirname, 'out');
export const SQLITE_FILE = join(OUT_DIR, `people-${SIZE}.sqlite`);
/** The generator version is in the schema's name: a branch still on an older generator never rebuilds this one. */
export const PG_SCHEMA = `bench_${SIZE}_v5`;
const META_FILE = join(OUT_DIR, `people-${SIZE}.json`);

const BACKGROUND_STAFF = 1000; // each the lead worker on ~1k cases
const SECOND_CASE_EVERY = 50; // ~2 % of people (hash-picked, so every actor has some) have a second case
const ARCHIVED_EVERY = 97; // ~1 % archived, spread over every actor's people
const PREFERRED_EVERY = 8; // ~12 % go by a preferred name

const hex12 = (i: number) => i.toString(16).padStart(12, '0');
/** Deterministic RFC 9562-shaped ids, one family per record type. */
export const ids = {
  person: (i: number) => `01900000-0000-7000-8000-${hex12(i)}`,
  case: (i: number) => `01900000-0000-7000-9000-${hex12(i)}`,
  user: (i: number) => `01900000-0000-7000-a000-${hex12(i)}`,
};
/**
 * The staff actors of the visibility sweep: each works with every `every`-th person (from `offset`), so sees
 * people ÷ every of them. small, middle and large are the actors of earlier runs (same ids, same people).
 */
export const SWEEP = [
  { key: 'small', every: 1000, offset: 3, id: ids.user(1_000_001) },
  { key: 'v2k', every: 500, offset: 13, id: ids.user(1_000_005) },
  { key: 'v4k', every: 250, offset: 17, id: ids.user(1_000_006) },
  { key: 'v5k', every: 200, offset: 19, id: ids.user(1_000_007) },
  { key: 'v10k', every: 100, offset: 23, id: ids.user(1_000_008) },
  { key: 'middle', every: 50, offset: 7, id: ids.user(1_000_004) },
  { key: 'v50k', every: 20, offset: 9, id: ids.user(1_000_009) },
  { key: 'large', every: 10, offset: 1, id: ids.user(1_000_002) },
  { key: 'v500k', every: 2, offset: 1, id: ids.user(1_000_010) },
] as const;
/** The actors of the list benchmarks: the sweep's staff and a manager, who sees everyone. */
export const ACTORS = {
  ...Object.fromEntries(SWEEP.map((a) => [a.key, a.id])),
  manager: ids.user(1_000_003),
} as Record<(typeof SWEEP)[number]['key'] | 'manager', string>;
/** The benchmark actors in order of how many people they see, with a label (for a world of `people`). */
export function actorKinds(people: number) {
  return [
    ...SWEEP.map((a) => ({ key: a.key, label: `staff, case teams of ~${Math.round(people / a.every).toLocaleString('en-GB')} people`, sees: Math.round(people / a.every) })),
    { key: 'manager' as const, label: 'manager, sees everyone', sees: people },
  ];
}

const FIRST = ['ab', 'al', 'an', 'ar', 'ba', 'be', 'bo', 'ca', 'ch', 'da', 'de', 'el', 'fa', 'fi', 'ga', 'ha', 'he', 'ja', 'ka', 'ke', 'la', 'le', 'ma', 'mo', 'na', 'ni', 'pa', 'ra', 'sa', 'ta'];
const MIDDLE = ['rn', 'll', 'mp', 'nd', 'st', 'rk', 'sh', 'tt', 'bb', 'dd'];
const LAST = ['er', 'on', 'ey', 'man', 'son', 'ford', 'ley', 'ton', 'well', 'ham'];
const GIVEN = ['Ada', 'Alan', 'Amir', 'Ana', 'Ben', 'Bea', 'Chen', 'Cleo', 'Dan', 'Dara', 'Eli', 'Emma', 'Farah', 'Finn', 'Grace', 'Hana', 'Ian', 'Iris', 'Jack', 'Jade', 'Kai', 'Kim', 'Leo', 'Lily', 'Max', 'Mia', 'Nia', 'Noah', 'Omar', 'Ola', 'Pia', 'Quinn', 'Ravi', 'Rosa', 'Sam', 'Sara', 'Tom', 'Tara', 'Uma', 'Vic', 'Wen', 'Yara', 'Zac', 'Zoe'];

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Name-search terms used by the benchmark: 4-letter surname prefixes (~0.33 % of people each). */
export const SEARCH_TERMS = Array.from({ length: 20 }, (_, i) => FIRST[(i * 7) % FIRST.length] + MIDDLE[(i * 3) % MIDDLE.length]);
/**
 * Given-name search terms (issue 13): the first three letters of a given name. Each given name is ~2.3 % of people
 * (plus the ~0.3 % who go by it as a preferred name), so a term matches ~25k of 1M — a common first name, the hard
 * case for a search that must order matches by family name.
 */
export const GIVEN_SEARCH_TERMS = Array.from({ length: 20 }, (_, i) => GIVEN[(i * 5) % GIVEN.length].slice(0, 3).toLowerCase());

const NOW = '2026-03-02T09:00:00.000Z';
const PERSON_COLS = ['id', 'kind', 'given_name', 'family_name', 'preferred_name', 'sort_key', 'date_of_birth', 'pronouns', 'email', 'phone', 'address', 'ethnicity', 'health_notes', 'safeguarding_notes', 'archived_at', 'created_by', 'created_at', 'updated_at', 'version'] as const;
const CASE_COLS = ['id', 'person_id', 'service', 'status', 'opened_on', 'closed_on', 'summary', 'support_needs', 'risk_notes', 'archived_at', 'created_by', 'created_at', 'updated_at', 'version'] as const;
const TEAM_COLS = ['case_id', 'user_id', 'team_role', 'added_at', 'added_by'] as const;
type Cell = string | number | null;
const INT_COLS = new Set(['version', 'must_change_password', 'totp_enabled', 'failed_sign_ins', 'active']);

/**
 * A dataset: the list benchmark's (1M people, cached as above), or a variant for another benchmark — its own file and
 * schema, so building or migrating it never touches the shared one. `told`: people carry told_at (first contact,
 * migration 0016): all told but every NOT_TOLD_EVERY-th.
 */
export interface DatasetVariant {
  version: string;
  file: string;
  schema: string;
  metaKey: string;
  people: number;
  told: boolean;
}
/** ~5 % of people not yet told of the policy (4.1), spread over every actor's people. */
export const NOT_TOLD_EVERY = 20;
/** The main world carries told_at too (the list ignores it), so the worklist benchmark needs no second 1M world. */
export const MAIN_DATASET: DatasetVariant = { version: DATASET_VERSION, file: SQLITE_FILE, schema: PG_SCHEMA, metaKey: '', people: PEOPLE, told: true };

/** Generates the world in chunks of rows and hands each chunk to `sink` (people, then cases, then case team). */
async function generate(sink: (table: 'people' | 'cases' | 'case_team', cols: readonly string[], rows: Cell[][]) => Promise<void> | void, variant: DatasetVariant = MAIN_DATASET) {
  const personCols = variant.told ? [...PERSON_COLS, 'told_at'] : PERSON_COLS;
  const rnd = prng(20260302);
  const CHUNK = 50_000;
  let people: Cell[][] = [];
  let cases: Cell[][] = [];
  let team: Cell[][] = [];
  let caseNo = 0;
  const addCase = (personIdx: number, members: [string, string][]) => {
    const c = caseNo++;
    cases.push([ids.case(c), ids.person(personIdx), 'Youth mentoring', 'open', '2025-01-01', null, 'referred by school', null, null, null, null, NOW, NOW, 1]);
    for (const [userId, role] of members) team.push([ids.case(c), userId, role, NOW, null]);
  };
  for (let i = 0; i < variant.people; i++) {
    const family = FIRST[Math.floor(rnd() * FIRST.length)] + MIDDLE[Math.floor(rnd() * MIDDLE.length)] + LAST[Math.floor(rnd() * LAST.length)];
    const Family = family[0].toUpperCase() + family.slice(1);
    const given = GIVEN[Math.floor(rnd() * GIVEN.length)];
    const dob = `${1940 + (i % 80)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const preferred = i % PREFERRED_EVERY === 5 ? GIVEN[(i * 7) % GIVEN.length] : null;
    const person: Cell[] = [ids.person(i), 'service_user', given, Family, preferred, sortKey(Family, given), dob, null, `p${i}@example.org`, null, null, null, 'asthma', null, i % ARCHIVED_EVERY === 11 ? NOW : null, null, NOW, NOW, 1];
    if (variant.told) person.push((Math.imul(i, 0x9e3779b1) >>> 16) % NOT_TOLD_EVERY === 0 ? null : '2025-06-01'); // hash-picked (high bits): every actor has some
    people.push(person);
    const members: [string, string][] = [[ids.user(i % BACKGROUND_STAFF), 'lead']];
    for (const a of SWEEP) if (i % a.every === a.offset) members.push([a.id, 'worker']);
    addCase(i, members);
    if ((Math.imul(i, 0x9e3779b1) >>> 0) % SECOND_CASE_EVERY === 0) addCase(i, [[ids.user((i + 1) % BACKGROUND_STAFF), 'lead'], ...members.slice(1)]);
    if (people.length >= CHUNK) {
      await sink('people', personCols, people);
      await sink('cases', CASE_COLS, cases);
      await sink('case_team', TEAM_COLS, team);
      people = [];
      cases = [];
      team = [];
    }
  }
  if (people.length) {
    await sink('people', personCols, people);
    await sink('cases', CASE_COLS, cases);
    await sink('case_team', TEAM_COLS, team);
  }
}

/** Users: background staff plus the benchmark actors (roles only; no passwords needed). */
function userRows(): { users: Cell[][]; roles: Cell[][] } {
  const users: Cell[][] = [];
  const roles: Cell[][] = [];
  const add = (id: string, username: string, role: string) => {
    users.push([id, username, username, null, 'x', 0, null, 0, 0, null, 1, null, NOW, NOW, 1]);
    roles.push([id, role]);
  };
  for (let i = 0; i < BACKGROUND_STAFF; i++) add(ids.user(i), `staff${i}`, 'staff');
  for (const a of SWEEP) add(a.id, `bench-${a.key}`, 'staff');
  add(ACTORS.manager, 'bench-manager', 'manager');
  return { users, roles };
}
const USER_COLS = ['id', 'username', 'display_name', 'email', 'password_hash', 'must_change_password', 'totp_secret', 'totp_enabled', 'failed_sign_ins', 'locked_until', 'active', 'deactivated_at', 'created_at', 'updated_at', 'version'];

/** Makes sure the benchmark actors have accepted every loaded policy document (3.5), whatever 0003+ installs. */
export async function acceptPolicies(db: Db) {
  const docs = await db.kysely.selectFrom('policy_documents').select('id').execute();
  for (const d of docs) {
    for (const userId of Object.values(ACTORS)) {
      await db.kysely
        .insertInto('policy_acceptances')
        .values({ user_id: userId, policy_document_id: d.id, accepted_at: NOW })
        .onConflict((oc) => oc.columns(['user_id', 'policy_document_id']).doNothing())
        .execute();
    }
  }
}

function readMeta(): Record<string, string> {
  return existsSync(META_FILE) ? JSON.parse(readFileSync(META_FILE, 'utf8')) : {};
}
function writeMeta(key: string, value: string) {
  writeFileSync(META_FILE, JSON.stringify({ ...readMeta(), [key]: value }, null, 2));
}

/** Opens (building if needed) the SQLite dataset (1M people, or BENCH_PEOPLE; or a variant's), migrated to the latest schema. */
export async function sqliteDataset(variant: DatasetVariant = MAIN_DATASET): Promise<Db> {
  const SQLITE_FILE = variant.file;
  const key = `sqlite${variant.metaKey}`;
  mkdirSync(OUT_DIR, { recursive: true });
  if (readMeta()[key] !== variant.version || !existsSync(SQLITE_FILE)) {
    for (const f of [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`]) rmSync(f, { force: true });
    log(`building the SQLite dataset (${variant.people.toLocaleString()} people) in ${SQLITE_FILE} …`);
    const [, ms] = await timeMs(async () => {
      const db = connect({ databaseUrl: '', dataDir: OUT_DIR, sqliteFile: SQLITE_FILE });
      await migrateToLatest(db);
      await db.close();
      const raw = new SQLite(SQLITE_FILE);
      registerNameKey(raw); // the triggers keeping people's name-search keys call it (migration 0015)
      raw.pragma('synchronous = OFF');
      raw.pragma('cache_size = -400000');
      const stmts = new Map<string, SQLite.Statement>();
      const insert = (table: string, cols: readonly string[], rows: Cell[][]) => {
        let s = stmts.get(table);
        if (!s) stmts.set(table, (s = raw.prepare(`insert into ${table} (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`)));
        raw.transaction(() => {
          for (const r of rows) s!.run(r);
        })();
      };
      const { users, roles } = userRows();
      insert('users', USER_COLS, users);
      insert('user_roles', ['user_id', 'role'], roles);
      await generate(insert, variant);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
    });
    log(`SQLite dataset built in ${(ms / 1000).toFixed(1)} s`);
    writeMeta(key, variant.version);
  }
  const db = connect({ databaseUrl: '', dataDir: OUT_DIR, sqliteFile: SQLITE_FILE });
  const applied = await migrateToLatest(db);
  if (applied.length) log(`SQLite dataset: applied ${applied.join(', ')}`);
  await acceptPolicies(db);
  return db;
}

/** Opens (building if needed) the PostgreSQL dataset in schema bench_1m (bench_<n>k with BENCH_PEOPLE; or a variant's). */
export async function pgDataset(pgUrl: string, variant: DatasetVariant = MAIN_DATASET): Promise<Db> {
  const PG_SCHEMA = variant.schema;
  const DATASET_VERSION = variant.version;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const have = await client.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'bench_meta'`, [PG_SCHEMA]);
    const version = have.rowCount ? (await client.query(`select version from ${PG_SCHEMA}.bench_meta`)).rows[0]?.version : null;
    if (version !== DATASET_VERSION) {
      log(`building the PostgreSQL dataset in schema ${PG_SCHEMA} …`);
      const [, ms] = await timeMs(async () => {
        await client.query(`drop schema if exists ${PG_SCHEMA} cascade`);
        await client.query(`create schema ${PG_SCHEMA}`);
        const db = connect({ databaseUrl: pgUrl, dataDir: OUT_DIR, pgSchema: PG_SCHEMA, poolSize: 1 });
        await migrateToLatest(db);
        await db.close();
        await client.query(`set search_path = ${PG_SCHEMA}`);
        const insert = async (table: string, cols: readonly string[], rows: Cell[][]) => {
          const BATCH = 10_000;
          for (let s = 0; s < rows.length; s += BATCH) {
            const part = rows.slice(s, s + BATCH);
            const arrays = cols.map((_, c) => part.map((r) => (r[c] === null ? null : String(r[c]))));
            const casts = cols.map((_, c) => `$${c + 1}::text[]`);
            const select = cols.map((col, c) => (INT_COLS.has(col) ? `c${c}::integer` : `c${c}`));
            await client.query(
              `insert into ${table} (${cols.join(',')}) select ${select.join(',')} from unnest(${casts.join(',')}) as u(${cols.map((_, c) => `c${c}`).join(',')})`,
              arrays,
            );
          }
        };
        const { users, roles } = userRows();
        await insert('users', USER_COLS, users);
        await insert('user_roles', ['user_id', 'role'], roles);
        await generate(insert, variant);
        await client.query('vacuum analyze people, cases, case_team, users, user_roles'); // what autovacuum does after a bulk load: statistics and visibility map
        await client.query(`create table ${PG_SCHEMA}.bench_meta (version text not null)`);
        await client.query(`insert into ${PG_SCHEMA}.bench_meta values ($1)`, [DATASET_VERSION]);
      });
      log(`PostgreSQL dataset built in ${(ms / 1000).toFixed(1)} s`);
    }
  } finally {
    await client.end();
  }
  const db = connect({ databaseUrl: pgUrl, dataDir: OUT_DIR, pgSchema: PG_SCHEMA, poolSize: 2 });
  const applied = await migrateToLatest(db);
  if (applied.length) {
    log(`PostgreSQL dataset: applied ${applied.join(', ')}`);
    // What autovacuum would do in the background, done now: a migration that rewrote rows leaves dead tuples and a
    // cleared visibility map, and measuring while autovacuum catches up gave 5-10x slower lists (0008 on case_team).
    await sql`vacuum analyze`.execute(db.kysely);
  }
  await acceptPolicies(db);
  return db;
}
