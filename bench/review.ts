/**
 * Issue 12's benchmark: the management review view — reviewView() from src/review/overview.ts, the real code path —
 * over PEOPLE people with one consent each (expiries spread over two years), PEOPLE/10 safeguarding concerns,
 * PEOPLE/2 released disclosures over two years and PEOPLE/100 break-glass uses, on SQLite and PostgreSQL, with the
 * query plans of the largest counts. Every section is an indexed aggregate plus a LIMITed list: nothing is loaded
 * whole. Cached: bench/out/review-<n>.sqlite and schema bench_review_<n>.
 *
 *   npm run bench -- --only=review             200,000 people (BENCH_REVIEW_PEOPLE=n for another size)
 */
import { sql, type Kysely } from 'kysely';
import { AuditBuffer } from '../src/audit/append';
import type { Ctx, Services } from '../src/context';
import { type DialectName } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { reviewView } from '../src/review/overview';
import { sideDataset, sideServices } from './side-dataset';
import { type BenchOptions, type Row, benchCtx, log, round, summarise } from './lib';

const T0 = '2025-01-01T00:00:00.000Z';
const MANAGER = '01900000-0000-7000-a000-00000000d001';
const ORG = '01900000-0000-7000-a000-00000000d002';
const PURPOSE = '01900000-0000-7000-b000-00000000d003';

/** Fills the tables in SQL (recursive CTE on SQLite, generate_series on PostgreSQL). */
async function fill(db: Kysely<Database>, dialect: DialectName, n: number) {
  await sql`insert into users (id, username, display_name, email, password_hash, must_change_password, totp_secret, totp_enabled, failed_sign_ins, locked_until, active, deactivated_at, created_at, updated_at, version)
    values (${MANAGER}, 'bench-review-manager', 'Manager', null, 'x', 0, null, 0, 0, null, 1, null, ${T0}, ${T0}, 1)`.execute(db);
  await sql`insert into user_roles (user_id, role) values (${MANAGER}, 'manager')`.execute(db);
  for (const d of await db.selectFrom('policy_documents').select('id').execute()) {
    await db.insertInto('policy_acceptances').values({ user_id: MANAGER, policy_document_id: d.id, accepted_at: T0 }).execute();
  }
  await sql`insert into organisations (id, kind, name, sort_key, website, contact_name, contact_email, contact_phone, address, commercial_notes, archived_at, created_by, created_at, updated_at, version)
    values (${ORG}, 'partner', 'Partner', 'partner', null, null, null, null, null, null, null, null, ${T0}, ${T0}, 1)`.execute(db);
  await sql`insert into purposes (id, name, description, lawful_basis, art9_condition, data_categories, categories_mask, recipient_categories, needs_identity, retention_period, guardian_id, next_review_on, status, created_by, approved_by, approved_at, retired_by, retired_at, retire_reason, created_at, updated_at, version)
    values (${PURPOSE}, 'Purpose', 'd', 'consent', null, '["general"]', 1, '["GP practice"]', 1, 'P6Y', ${MANAGER}, '2027-03-01', 'active', ${MANAGER}, ${MANAGER}, ${T0}, null, null, null, ${T0}, ${T0}, 1)`.execute(db);
  const lite = dialect === 'sqlite';
  const id = (tag: string) => (lite ? sql.raw(`printf('01900000-0000-7000-${tag}-%012x', i)`) : sql.raw(`'01900000-0000-7000-${tag}-' || lpad(to_hex(i), 12, '0')`));
  // A time `expr` days after 2025-01-01 (fractional days allowed).
  const day = (expr: string) => (lite ? sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (${expr}) || ' days')`)
    : sql.raw(`to_char(timestamp '2025-01-01' + ((${expr}) || ' days')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`));
  const series = lite
    ? (from: number, to: number) => sql`with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to})`
    : (from: number, to: number) => sql`with s(i) as (select generate_series(${from}::int, ${to}::int))`;
  const CHUNK = 100_000;
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    await sql`${series(from, to)} insert into people (id, kind, given_name, family_name, preferred_name, sort_key, date_of_birth, pronouns, email, phone, address, ethnicity, health_notes, safeguarding_notes, archived_at, created_by, created_at, updated_at, version)
      select ${id('8000')}, 'service_user', 'G', 'F', null, 'f g ' || i, null, null, null, null, null, null, null, null, null, null, ${T0}, ${T0}, 1 from s`.execute(db);
    await sql`${series(from, to)} insert into consents (id, person_id, purpose_id, decision, recipients, data_categories, categories_mask, told_why, told_with_whom, told_consequences, told_service_impact, method, method_detail, given_by, given_by_detail, expires_at, supersedes, superseded_by, withdrawn_at, withdrawal_method, withdrawal_note, recorded_by, recorded_at, created_at, updated_at, version)
      select ${id('c000')}, ${id('8000')}, ${PURPOSE}, 'given', '[]', '["general"]', 1, 'w', 'ww', 'c', 's', 'oral', '{}', 'person', '{}', case when i % 4 = 0 then null else ${day('i % 730')} end, null, null, null, null, null, ${MANAGER}, ${T0}, ${T0}, ${T0}, 1 from s`.execute(db);
    await sql`${series(from, to)} insert into concerns (id, concern_for, person_id, person_description, what_happened, occurred_at, people_involved, immediate_risk, actions_taken, status, raised_by, raised_at, acknowledged_at, acknowledged_by, escalation_level, next_escalation_at, closed_at, closed_by, created_at, updated_at, version)
      select ${id('d000')}, 'child', ${id('8000')}, null, 'w', ${T0}, null, 0, null, case when i % 3 = 0 then 'raised' when i % 3 = 1 then 'acknowledged' else 'closed' end, ${MANAGER}, ${day('i % 700')}, null, null, 0, null, null, null, ${T0}, ${T0}, 1 from s where i % 10 = 0`.execute(db);
    await sql`${series(from, to)} insert into disclosures (id, reference, person_id, recipient_org_id, recipient_name, recipient_role, recipient_email, purpose_id, reason, items, item_count, data_categories, categories_mask, pseudonymise, mode, oral_channel, occurred_at, client_requested, client_request_detail, client_request_recorded_by, client_request_recorded_at, basis, consent_id, exception_ground, exception_reference, approved_by, approved_at, justification, tell_person, not_told_reason, person_told_at, status, ack_token_hash, ack_expires_at, ack_method, ack_name, ack_date, ack_at, ack_attested_by, pack_sha256, pack_json_sha256, released_at, released_by, requested_by, requested_at, created_at, updated_at, version)
      select ${id('e000')}, 'D-' || i, ${id('8000')}, ${ORG}, 'R', 'GP', null, ${PURPOSE}, 'r', '{}', 1, '["general"]', 1, 0, 'written', null, null, 0, null, null, null,
        case when i % 5 = 0 then 'exception' when i % 5 = 1 then 'agreement' else 'consent' end, null, null, null, null, null, null, null, null, null, 'released', null, null, null, null, null, null, null, null, null,
        ${day('(i % 700) + 0.5')}, ${MANAGER}, ${MANAGER}, ${T0}, ${T0}, ${T0}, 1 from s where i % 2 = 0`.execute(db);
    await sql`${series(from, to)} insert into access_grants (id, user_id, kind, resource_type, resource_id, person_id, case_id, organisation_id, classifications, reason, status, requested_at, requested_hours, decided_by, decided_at, decision_note, expires_at, revoked_at, revoked_by, review_status, reviewed_by, reviewed_at, review_note)
      select ${id('f000')}, ${MANAGER}, 'break_glass', 'person', ${id('8000')}, ${id('8000')}, null, null, '["general"]', 'r', 'approved', ${day('i % 700')}, 1, null, null, null, ${day('(i % 700) + 1')}, null, null,
        case when i % 300 = 0 then 'pending' else 'justified' end, null, null, null from s where i % 100 = 0`.execute(db);
  }
  await sql`analyze`.execute(db);
}

/** Opens (building if needed) the dataset for a dialect. */
const dataset = (dialect: DialectName, pgUrl: string | null, n: number) =>
  sideDataset({ name: 'review', n, countTable: 'people', describe: `${n.toLocaleString()} people`, fill }, dialect, pgUrl);

async function benchView(dialect: DialectName, opts: BenchOptions, n: number) {
  const { file, schema } = await dataset(dialect, opts.pgUrl, n);
  const services: Services = sideServices(dialect, opts.pgUrl, { file, schema });
  try {
    const db = services.db.kysely;
    const base = await benchCtx(db, services, MANAGER);
    // "Now" in the middle of the data, so every window holds rows.
    const now = new Date('2026-01-15T09:00:00.000Z');
    const ctx = (): Ctx => ({ ...base, now, nowIso: now.toISOString(), audit: new AuditBuffer() });
    const runs = opts.quick ? 20 : 60;
    const times: number[] = [];
    let counts: Record<string, number> = {};
    for (let i = -3; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const v = await reviewView(ctx(), { withinDays: 30, months: 12, items: 50 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i >= 0) times.push(ms);
      counts = Object.fromEntries(Object.entries(v.sections).map(([k, s]) => [k, s.count]));
    }
    const s = summarise(times);
    const nowIso = now.toISOString();
    const probes = [
      sql`select count(*) from consents where decision = 'given' and superseded_by is null and expires_at is not null and expires_at > ${nowIso} and expires_at <= '2026-02-14T09:00:00.000Z'`,
      sql`select substr(released_at, 1, 7) as m, basis, count(*) from disclosures where released_at is not null and released_at >= '2025-02-01T00:00:00.000Z' group by substr(released_at, 1, 7), basis`,
      sql`select count(*) from concerns where status in ('raised', 'acknowledged')`,
    ];
    const plans: string[] = [];
    for (const q of probes) {
      plans.push(dialect === 'sqlite'
        ? (await sql<{ detail: string }>`explain query plan ${q}`.execute(db)).rows.map((r) => r.detail).join('; ')
        : (await sql<Record<string, string>>`explain (costs off) ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN'].trim()).join('; '));
    }
    log(`review view ${dialect} (${n.toLocaleString()} people): p50 ${round(s.p50)} ms p95 ${round(s.p95)} ms; counts ${JSON.stringify(counts)}`);
    for (const p of plans) log(`  plan: ${p}`);
    return { dialect, people: n, runs, counts, p50Ms: round(s.p50), p95Ms: round(s.p95), plans };
  } finally {
    await services.db.close();
  }
}

/** The review section: the management review view on each engine. */
export async function benchReview(opts: BenchOptions) {
  const n = Number(process.env.BENCH_REVIEW_PEOPLE ?? (opts.quick ? 50_000 : 200_000));
  const views = [await benchView('sqlite', opts, n)];
  if (opts.pgUrl) views.push(await benchView('postgres', opts, n));
  const rows: Row[] = views.map((v) => ({
    section: `review ${v.dialect}`, name: `the management review view, ${v.people.toLocaleString('en-GB')} people (consents, concerns, disclosures, break-glass)`,
    value: `p95 ${v.p95Ms} ms (p50 ${v.p50Ms})`, goal: '< 250 ms', ok: v.p95Ms < 250,
  }));
  return { result: { views }, rows };
}
