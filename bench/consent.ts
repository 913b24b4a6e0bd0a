/**
 * Issue 10's benchmarks: decide() with the consent relation (p50 ≤ 1 µs), and a person's consent history —
 * consentHistory() from src/consent/queries.ts, the real code path — over PEOPLE people with three consents each
 * (1M people and 3M consents at full size; `--quick` or BENCH_CONSENT_PEOPLE=n for fewer) on SQLite and
 * PostgreSQL, with the query plan of the page query. The dataset is generated in SQL (recursive CTE on SQLite,
 * generate_series on PostgreSQL) and cached: bench/out/consent-<n>.sqlite and schema bench_consent_<n>.
 *
 *   npm run bench -- --only=consent            full size (1M people, 3M consents; building takes several minutes)
 *   BENCH_CONSENT_PEOPLE=100000 npm run bench -- --only=consent
 */
import { sql, type Kysely } from 'kysely';
import { AuditBuffer } from '../src/audit/append';
import { consentHistory } from '../src/consent/queries';
import type { Ctx, Services } from '../src/context';
import { type DialectName } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { decide } from '../src/policy/decide';
import type { ConsentFacts } from '../src/policy/consent-relation';
import { SAMPLE_POLICY_STATE } from '../src/policy/state';
import { roleBit, type Actor, type Role } from '../src/policy/types';
import { sideDataset, sideServices } from './side-dataset';
import { type BenchOptions, type Row, benchCtx, log, round, summarise } from './lib';

const NOW = '2026-03-02T09:00:00.000Z';
const MANAGER = '01900000-0000-7000-a000-00000000c001';
const hex = (i: number) => i.toString(16).padStart(12, '0');
const personId = (i: number) => `01900000-0000-7000-8000-${hex(i)}`;
const purposeId = (k: number) => `01900000-0000-7000-b000-${hex(k)}`;

function actor(roles: Role[]): Actor {
  return { id: 'u', username: 'u', roles, roleMask: roles.reduce((m, r) => m | roleBit(r), 0), policyAccepted: true, grants: [], policy: SAMPLE_POLICY_STATE };
}

/** decide('consent.check') with a loaded consent relation: allows, expiries, wrong recipients, overdue purposes. */
function benchDecideConsent(quick: boolean) {
  const actors = [actor(['staff']), actor(['manager']), actor(['volunteer'])];
  const facts: ConsentFacts[] = [];
  for (let i = 0; i < 64; i++) {
    facts.push({
      purpose: { id: 'p', status: i % 11 === 0 ? 'draft' : 'active', nextReviewOn: i % 13 === 0 ? '2026-01-01' : '2027-01-01' },
      recipient: i % 5 === 0 ? 'org:b' : 'category:gp practice', mask: i % 3 === 0 ? 0b101 : 0b001, at: NOW,
      current: [{ id: `c${i}`, decision: i % 7 === 0 ? 'withdrawn' : 'given', expiresAt: i % 9 === 0 ? '2026-01-01T00:00:00.000Z' : null, recipients: ['internal', 'category:gp practice'], mask: 0b111 }],
    });
  }
  const batches = quick ? 2_000 : 10_000;
  const per: number[] = [];
  let allowed = 0;
  for (let i = 0; i < 200_000; i++) if (decide(actors[i % 3], 'consent.check', { type: 'person', team: true, consent: facts[i & 63] }).allowed) allowed++;
  let k = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++, k++) if (decide(actors[k % 3], 'consent.check', { type: 'person', team: (k & 1) === 0, consent: facts[k & 63] }).allowed) allowed++;
    per.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const s = summarise(per);
  log(`decide consent.check: p50 ${round(s.p50)} ns p99 ${round(s.p99)} ns`);
  return { p50Ns: round(s.p50, 1), p99Ns: round(s.p99, 1), allowedShare: round(allowed / (batches * 1000 + 200_000), 3) };
}

/** Fills the tables with `n` people, 3 purposes and 3n consents (one per person and purpose) in SQL. */
async function fill(db: Kysely<Database>, dialect: DialectName, n: number) {
  await sql`insert into users (id, username, display_name, email, password_hash, must_change_password, totp_secret, totp_enabled, failed_sign_ins, locked_until, active, deactivated_at, created_at, updated_at, version)
    values (${MANAGER}, 'bench-consent-manager', 'Manager', null, 'x', 0, null, 0, 0, null, 1, null, ${NOW}, ${NOW}, 1)`.execute(db);
  await sql`insert into user_roles (user_id, role) values (${MANAGER}, 'manager')`.execute(db);
  for (const d of await db.selectFrom('policy_documents').select('id').execute()) {
    await db.insertInto('policy_acceptances').values({ user_id: MANAGER, policy_document_id: d.id, accepted_at: NOW }).execute();
  }
  for (let k = 0; k < 3; k++) {
    await db.insertInto('purposes').values({
      id: purposeId(k), name: `Purpose ${k}`, description: 'd', lawful_basis: 'consent', art9_condition: 'explicit_consent', data_categories: '["general","special"]',
      categories_mask: 5, recipient_categories: '["GP practice"]', needs_identity: 1, retention_period: 'P6Y', guardian_id: MANAGER, next_review_on: '2027-03-01',
      status: 'active', created_by: MANAGER, approved_by: MANAGER, approved_at: NOW, retired_by: null, retired_at: null, retire_reason: null, created_at: NOW, updated_at: NOW, version: 1,
    }).execute();
  }
  const pid = dialect === 'sqlite' ? sql`printf('01900000-0000-7000-8000-%012x', i)` : sql`'01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0')`;
  const cid = dialect === 'sqlite' ? sql`printf('01900000-0000-7000-c%03x-%012x', k, i)` : sql`'01900000-0000-7000-c' || lpad(to_hex(k), 3, '0') || '-' || lpad(to_hex(i), 12, '0')`;
  const at = dialect === 'sqlite' ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (k * 30 + i % 30) || ' days')` : sql`to_char(timestamp '2025-01-01' + ((k * 30 + i % 30) || ' days')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const series = dialect === 'sqlite'
    ? (from: number, to: number) => sql`with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to})`
    : (from: number, to: number) => sql`with s(i) as (select generate_series(${from}::int, ${to}::int))`;
  const CHUNK = 100_000;
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    await sql`${series(from, to)} insert into people (id, kind, given_name, family_name, preferred_name, sort_key, date_of_birth, pronouns, email, phone, address, ethnicity, health_notes, safeguarding_notes, archived_at, created_by, created_at, updated_at, version)
      select ${pid}, 'service_user', 'G', 'F', null, 'f g ' || i, null, null, null, null, null, null, null, null, null, null, ${NOW}, ${NOW}, 1 from s`.execute(db);
    await sql`${series(from, to)}, kk(k) as (select 0 union all select 1 union all select 2)
      insert into consents (id, person_id, purpose_id, decision, recipients, data_categories, categories_mask, told_why, told_with_whom, told_consequences, told_service_impact, method, method_detail, given_by, given_by_detail, expires_at, supersedes, superseded_by, withdrawn_at, withdrawal_method, withdrawal_note, recorded_by, recorded_at, created_at, updated_at, version)
      select ${cid}, ${pid}, '01900000-0000-7000-b000-' || ${dialect === 'sqlite' ? sql`printf('%012x', k)` : sql`lpad(to_hex(k), 12, '0')`}, 'given', '[{"kind":"category","category":"GP practice"}]', '["general","special"]', 5, 'w', 'ww', 'c', 's', 'oral', '{}', 'person', '{}', null, null, null, null, null, null, ${MANAGER}, ${at}, ${NOW}, ${NOW}, 1 from s, kk`.execute(db);
    await sql`${series(from, to)}, kk(k) as (select 0 union all select 1 union all select 2)
      insert into consent_recipients (consent_id, recipient) select ${cid}, 'category:gp practice' from s, kk`.execute(db);
  }
  if (dialect === 'postgres') await sql`analyze`.execute(db);
  else await sql`analyze`.execute(db);
}

/** Opens (building if needed) the dataset for a dialect. */
const dataset = (dialect: DialectName, pgUrl: string | null, n: number) =>
  sideDataset({ name: 'consent', n, countTable: 'people', describe: `${n.toLocaleString()} people, ${(3 * n).toLocaleString()} consents`, fill }, dialect, pgUrl);

async function benchHistory(dialect: DialectName, opts: BenchOptions, n: number) {
  const { file, schema } = await dataset(dialect, opts.pgUrl, n);
  const services: Services = sideServices(dialect, opts.pgUrl, { file, schema });
  try {
    const db = services.db.kysely;
    const base = await benchCtx(db, services, MANAGER);
    const ctx = (): Ctx => ({ ...base, audit: new AuditBuffer() });
    const runs = opts.quick ? 100 : 300;
    const times: number[] = [];
    let items = 0;
    for (let i = -10; i < runs; i++) {
      const p = personId(1 + ((i + 10) * 7919) % n);
      const t0 = process.hrtime.bigint();
      const page = await consentHistory(ctx(), p, { limit: 50 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i >= 0) { times.push(ms); items += page.items.length; }
    }
    const s = summarise(times);
    const probe = personId(4242 % n || 1);
    const q = sql`select * from consents where person_id = ${probe} order by person_id desc, recorded_at desc, id desc limit 51`;
    const plan = dialect === 'sqlite'
      ? (await sql<{ detail: string }>`explain query plan ${q}`.execute(db)).rows.map((r) => r.detail)
      : (await sql<Record<string, string>>`explain (analyze, costs off, timing off) ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN']);
    log(`consent history ${dialect} (${n.toLocaleString()} people): p50 ${round(s.p50)} ms p95 ${round(s.p95)} ms; plan ${plan.join(' | ')}`);
    return { dialect, people: n, consents: 3 * n, runs, meanItems: round(items / runs, 1), p50Ms: round(s.p50), p95Ms: round(s.p95), p99Ms: round(s.p99), plan };
  } finally {
    await services.db.close();
  }
}

/** The consent section: decide() with the consent relation, and a person's history on each engine. */
export async function benchConsent(opts: BenchOptions) {
  const n = Number(process.env.BENCH_CONSENT_PEOPLE ?? (opts.quick ? 100_000 : 1_000_000));
  const decideResult = benchDecideConsent(opts.quick);
  const history = [await benchHistory('sqlite', opts, n)];
  if (opts.pgUrl) history.push(await benchHistory('postgres', opts, n));
  const rows: Row[] = [
    { section: 'consent', name: 'decide() consent.check p50 (consent relation)', value: `${decideResult.p50Ns} ns`, goal: '≤ 1000 ns', ok: decideResult.p50Ns <= 1000 },
    ...history.map((h) => ({
      section: `consent ${h.dialect}`, name: `a person's consent history, ${h.people.toLocaleString('en-GB')} people / ${h.consents.toLocaleString('en-GB')} consents`,
      value: `p95 ${h.p95Ms} ms (p50 ${h.p50Ms})`, goal: '< 20 ms', ok: h.p95Ms < 20,
    })),
  ];
  return { result: { decide: decideResult, history }, rows };
}
