/**
 * Issue 11's benchmarks (third-party disclosure):
 * - pack: a disclosure of 200 chosen items (3 person fields and 197 notes) requested, acknowledged through the link
 *   and released through the API (app.inject, the whole pipeline: session, policy, audit, one transaction). The
 *   release checks everything again and builds the CONFIDENTIAL PDF and the JSON; its time is the goal
 *   (< 1 s for a pack of 20 pages or more). The page count is read from the PDF.
 * - register: what was released to one recipient organisation — listDisclosuresForRecipient() from
 *   src/disclosure/queries.ts, the real code path, as a manager — over N disclosures (1M by default, BENCH_DISCLOSURES=n
 *   for fewer) spread over 100k people and 50 recipients, on SQLite and PostgreSQL, with the plan of its page query.
 *   The dataset is generated in SQL and cached: bench/out/disclosures-<n>.sqlite and schema bench_disclosures_<n>.
 *
 *   npm run bench -- --only=disclosure [--quick]   (--quick: fewer runs; the dataset is the same size)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { createSession } from '../src/accounts/sessions';
import { buildApp } from '../src/app';
import { AuditBuffer } from '../src/audit/append';
import { loadConfig } from '../src/config';
import type { Ctx, Services } from '../src/context';
import { type DialectName } from '../src/db/connect';
import type { Database } from '../src/db/schema';
import { listDisclosuresForRecipient } from '../src/disclosure/queries';
import { SESSION_COOKIE } from '../src/http/auth/cookies';
import { newId } from '../src/lib/ids';
import { sortKey } from '../src/records/paging';
import { startupSteps } from '../src/server';
import { createServices, prepareDatabase } from '../src/services';
import { sideDataset, sideServices } from './side-dataset';
import { type BenchOptions, type Row, benchCtx, log, round, summarise } from './lib';

const NOW = '2026-03-02T09:00:00.000Z';
const hex = (i: number) => i.toString(16).padStart(12, '0');
const MANAGER = '01900000-0000-7000-a000-00000000d001';
const PURPOSE = '01900000-0000-7000-b000-00000000d001';
const orgId = (k: number) => `01900000-0000-7000-9000-${hex(k)}`;
const PEOPLE = 100_000;
const ORGS = 50;

// ————— pack through the API —————

async function user(db: Kysely<Database>, services: Services, role: string) {
  const id = newId();
  const now = new Date().toISOString();
  await db.insertInto('users').values({
    id, username: `bench-${role}-${id.slice(-6)}`, display_name: role, email: null, password_hash: 'x', must_change_password: 0, totp_secret: null, totp_enabled: 0,
    failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null, created_at: now, updated_at: now, version: 1,
  }).execute();
  await db.insertInto('user_roles').values({ user_id: id, role }).execute();
  for (const d of await db.selectFrom('policy_documents').select('id').execute()) await db.insertInto('policy_acceptances').values({ user_id: id, policy_document_id: d.id, accepted_at: now }).execute();
  const s = await createSession(db, id, new Date(), services.config);
  return { id, headers: { cookie: `${SESSION_COOKIE}=${s.cookieValue}`, 'x-csrf-token': s.csrfToken } };
}

async function benchPack(dialect: DialectName, opts: BenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-pack-'));
  const schema = `bench_pack_${process.pid}`;
  if (dialect === 'postgres') {
    const c = new pg.Client({ connectionString: opts.pgUrl! });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    await c.end();
  }
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: dialect === 'postgres' ? opts.pgUrl! : '', LOG_LEVEL: 'silent' });
  const services = createServices(config, { logger: pino({ level: 'silent' }), connect: dialect === 'postgres' ? { pgSchema: schema, poolSize: 2 } : {} });
  try {
    await prepareDatabase(services);
    for (const step of startupSteps) await step(services);
    const db = services.db.kysely;
    const app = await buildApp(services);
    const staff = await user(db, services, 'staff');
    const guardian = await user(db, services, 'guardian');
    const now = new Date().toISOString();
    const personId = newId();
    await db.insertInto('people').values({
      id: personId, kind: 'service_user', given_name: 'Alex', family_name: 'Example', preferred_name: null, sort_key: sortKey('Example', 'Alex'), date_of_birth: '2000-04-01',
      pronouns: 'they/them', email: 'alex@example.org', phone: '01234 567890', address: '1 High Street', ethnicity: null, health_notes: null, safeguarding_notes: null,
      archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
    }).execute();
    const caseId = newId();
    await db.insertInto('cases').values({
      id: caseId, person_id: personId, service: 'Youth mentoring', status: 'open', opened_on: now.slice(0, 10), closed_on: null, summary: 's', support_needs: null,
      risk_notes: null, archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
    }).execute();
    await db.insertInto('case_team').values({ case_id: caseId, user_id: staff.id, team_role: 'lead', added_at: now, added_by: null }).execute();
    const org = newId();
    await db.insertInto('organisations').values({
      id: org, kind: 'partner_agency', name: 'Riverside Youth Trust', sort_key: sortKey('Riverside Youth Trust'), website: null, contact_name: null, contact_email: null,
      contact_phone: null, address: null, commercial_notes: null, archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
    }).execute();
    const purpose = newId();
    await db.insertInto('purposes').values({
      id: purpose, name: 'Referral to a youth partner', description: 'd', lawful_basis: 'consent', art9_condition: 'explicit_consent', data_categories: '["general","personal","session"]',
      categories_mask: 19, recipient_categories: '["named partner organisation"]', needs_identity: 1, retention_period: 'P6Y', guardian_id: guardian.id, next_review_on: '2027-03-01', status: 'active',
      created_by: guardian.id, approved_by: guardian.id, approved_at: now, retired_by: null, retired_at: null, retire_reason: null, created_at: now, updated_at: now, version: 1,
    }).execute();
    const inject = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = staff.headers) =>
      app.inject({ method, url, headers, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
    const consent = await inject('POST', `/api/people/${personId}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: org }], dataCategories: ['general', 'personal', 'session'],
      told: { why: 'w', withWhom: 'ww', consequences: 'c', serviceImpact: 's' }, method: { kind: 'oral', attestation: 'agreed' }, givenBy: { kind: 'person' },
    });
    if (consent.statusCode !== 201) throw new Error(`consent: ${consent.statusCode} ${consent.body}`);
    const body = 'Talked about what is going well at school and at home, the next steps with the music group, and who to call if things get difficult. Agreed to meet again in two weeks.';
    const notes = Array.from({ length: 197 }, (_, i) => ({
      id: newId(), case_id: caseId, kind: 'contact', channel: 'phone', occurred_at: new Date(Date.parse(now) - i * 86_400_000).toISOString(), title: `Check-in call ${i + 1}`,
      body, author_id: staff.id, archived_at: null, created_at: now, updated_at: now, version: 1,
    }));
    for (let i = 0; i < notes.length; i += 50) await db.insertInto('notes').values(notes.slice(i, i + 50)).execute();

    const runs = opts.quick ? 5 : 15;
    const times: number[] = [];
    let pages = 0;
    let pdfBytes = 0;
    for (let r = -1; r < runs; r++) {
      const req = await inject('POST', '/api/disclosures', {
        personIds: [personId], recipient: { organisationId: org, name: 'Sam Carter', role: 'Youth worker' }, purposeId: purpose, reason: 'Mentoring hand-over',
        items: { personFields: ['givenName', 'familyName', 'pronouns'], notes: notes.map((n) => n.id) }, clientRequest: { detail: 'Alex asked for their notes to go to the trust.' },
      });
      if (req.statusCode !== 201) throw new Error(`request: ${req.statusCode} ${req.body}`);
      const id = req.json().data.id as string;
      const link = await inject('POST', `/api/disclosures/${id}/acknowledgement-link`, {});
      const token = new URL(link.json().url).pathname.split('/').at(-1)!;
      const ack = await app.inject({ method: 'POST', url: `/api/disclosure-acknowledgements/${token}`, payload: { typedName: 'Sam Carter', date: now.slice(0, 10) } });
      if (ack.statusCode !== 200) throw new Error(`acknowledge: ${ack.statusCode} ${ack.body}`);
      const t0 = process.hrtime.bigint();
      const rel = await inject('POST', `/api/disclosures/${id}/release`, {});
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (rel.statusCode !== 200) throw new Error(`release: ${rel.statusCode} ${rel.body}`);
      if (r < 0) {
        const pdf = await inject('GET', `/api/disclosures/${id}/pack.pdf`);
        pages = (pdf.rawPayload.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
        pdfBytes = pdf.rawPayload.length;
        continue; // the first run warms up
      }
      times.push(ms);
    }
    await app.close();
    const s = summarise(times);
    log(`pack ${dialect}: 200 items, ${pages} pages, ${round(pdfBytes / 1024)} KiB; release p50 ${round(s.p50)} ms max ${round(s.max)} ms`);
    return { dialect, items: 200, pages, pdfKiB: round(pdfBytes / 1024), runs, p50Ms: round(s.p50), maxMs: round(s.max) };
  } finally {
    await services.db.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const c = new pg.Client({ connectionString: opts.pgUrl! });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
}

// ————— the register for one recipient over many disclosures —————

/** Fills the tables with PEOPLE people, ORGS recipients, one purpose and `n` disclosures in SQL (90% released). */
async function fill(db: Kysely<Database>, dialect: DialectName, n: number) {
  await sql`insert into users (id, username, display_name, email, password_hash, must_change_password, totp_secret, totp_enabled, failed_sign_ins, locked_until, active, deactivated_at, created_at, updated_at, version)
    values (${MANAGER}, 'bench-disclosure-manager', 'Manager', null, 'x', 0, null, 0, 0, null, 1, null, ${NOW}, ${NOW}, 1)`.execute(db);
  await sql`insert into user_roles (user_id, role) values (${MANAGER}, 'manager')`.execute(db);
  for (const d of await db.selectFrom('policy_documents').select('id').execute()) {
    await db.insertInto('policy_acceptances').values({ user_id: MANAGER, policy_document_id: d.id, accepted_at: NOW }).execute();
  }
  await db.insertInto('purposes').values({
    id: PURPOSE, name: 'Referral', description: 'd', lawful_basis: 'consent', art9_condition: 'explicit_consent', data_categories: '["general","personal"]',
    categories_mask: 3, recipient_categories: '["partner"]', needs_identity: 1, retention_period: 'P6Y', guardian_id: MANAGER, next_review_on: '2027-03-01',
    status: 'active', created_by: MANAGER, approved_by: MANAGER, approved_at: NOW, retired_by: null, retired_at: null, retire_reason: null, created_at: NOW, updated_at: NOW, version: 1,
  }).execute();
  for (let k = 0; k < ORGS; k++) {
    await db.insertInto('organisations').values({
      id: orgId(k), kind: 'partner_agency', name: `Partner ${k}`, sort_key: `partner ${k}`, website: null, contact_name: null, contact_email: null, contact_phone: null,
      address: null, commercial_notes: null, archived_at: null, created_by: null, created_at: NOW, updated_at: NOW, version: 1,
    }).execute();
  }
  const sqlite = dialect === 'sqlite';
  const series = sqlite
    ? (from: number, to: number) => sql`with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to})`
    : (from: number, to: number) => sql`with s(i) as (select generate_series(${from}::bigint, ${to}::bigint))`;
  const pid = (expr: ReturnType<typeof sql>) => (sqlite ? sql`printf('01900000-0000-7000-8000-%012x', ${expr})` : sql`'01900000-0000-7000-8000-' || lpad(to_hex(${expr}), 12, '0')`);
  const CHUNK = 100_000;
  for (let from = 1; from <= PEOPLE; from += CHUNK) {
    const to = Math.min(PEOPLE, from + CHUNK - 1);
    await sql`${series(from, to)} insert into people (id, kind, given_name, family_name, preferred_name, sort_key, date_of_birth, pronouns, email, phone, address, ethnicity, health_notes, safeguarding_notes, archived_at, created_by, created_at, updated_at, version)
      select ${pid(sql`i`)}, 'service_user', 'G', 'F', null, 'f g ' || i, null, null, null, null, null, null, null, null, null, null, ${NOW}, ${NOW}, 1 from s`.execute(db);
  }
  const did = sqlite ? sql`printf('01900000-0000-7000-e000-%012x', i)` : sql`'01900000-0000-7000-e000-' || lpad(to_hex(i), 12, '0')`;
  const ref = sqlite ? sql`printf('D-B-%08x', i)` : sql`'D-B-' || lpad(to_hex(i), 8, '0')`;
  const org = sqlite ? sql`printf('01900000-0000-7000-9000-%012x', i % ${ORGS})` : sql`'01900000-0000-7000-9000-' || lpad(to_hex(i % ${ORGS}), 12, '0')`;
  // Requested over 2025, released (9 in 10) an hour later; the rest await acknowledgement.
  const at = (hours: number) => (sqlite
    ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || ((i * 7) % 525600) || ' minutes', '+' || ${hours} || ' hours')`
    : sql`to_char(timestamp '2025-01-01' + (((i * 7) % 525600) || ' minutes')::interval + (${hours} || ' hours')::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    await sql`${series(from, to)} insert into disclosures (id, reference, person_id, recipient_org_id, recipient_name, recipient_role, recipient_email, purpose_id, reason, items, item_count,
        data_categories, categories_mask, pseudonymise, mode, oral_channel, occurred_at, client_requested, client_request_detail, client_request_recorded_by, client_request_recorded_at,
        basis, consent_id, exception_ground, exception_reference, approved_by, approved_at, justification, tell_person, not_told_reason, person_told_at, status, ack_token_hash,
        ack_expires_at, ack_method, ack_name, ack_date, ack_at, ack_attested_by, pack_sha256, pack_json_sha256, released_at, released_by, requested_by, requested_at, created_at, updated_at, version)
      select ${did}, ${ref}, ${pid(sql`1 + (i * 7919) % ${PEOPLE}`)}, ${org}, 'Named Person', 'Worker', null, ${PURPOSE}, 'A clear reason', '{"personFields":["givenName"],"notes":[],"attachments":[]}', 1,
        '["general"]', 1, 0, 'written', null, null, 0, null, null, null,
        'consent', null, null, null, null, null, null, null, null, null, case when (i / ${ORGS}) % 10 = 0 then 'awaiting_acknowledgement' else 'released' end, null,
        null, case when (i / ${ORGS}) % 10 = 0 then null else 'link' end, null, null, null, null, null, null, case when (i / ${ORGS}) % 10 = 0 then null else ${at(1)} end, case when (i / ${ORGS}) % 10 = 0 then null else ${MANAGER} end,
        ${MANAGER}, ${at(0)}, ${NOW}, ${NOW}, 1 from s`.execute(db);
  }
  await sql`analyze`.execute(db);
}

/** Opens (building if needed) the dataset for a dialect. */
const dataset = (dialect: DialectName, pgUrl: string | null, n: number) =>
  sideDataset({ name: 'disclosures', n, countTable: 'disclosures', describe: `${n.toLocaleString()} disclosures, ${PEOPLE.toLocaleString()} people, ${ORGS} recipients`, fill }, dialect, pgUrl);

async function benchRegister(dialect: DialectName, opts: BenchOptions, n: number) {
  const { file, schema } = await dataset(dialect, opts.pgUrl, n);
  const services: Services = sideServices(dialect, opts.pgUrl, { file, schema });
  try {
    const db = services.db.kysely;
    const base = await benchCtx(db, services, MANAGER);
    const ctx = (): Ctx => ({ ...base, audit: new AuditBuffer() });
    const runs = opts.quick ? 100 : 300;
    const times: number[] = [];
    // The fair peer, interleaved so load on the shared machine hits both alike: the bare page query on the same
    // handle (no policy, no presentation, no audit).
    const bare: number[] = [];
    const bareQuery = (org: string) => sql`select * from disclosures where recipient_org_id = ${org} and released_at is not null order by released_at desc, id desc limit 51`.execute(db);
    let items = 0;
    let cursor: string | null = null;
    for (let i = -10; i < runs; i++) {
      // First pages of each recipient, and every fourth request the next page after the previous one (keyset).
      const org = orgId(((i + 10) * 17) % ORGS);
      const query = { limit: 50, format: 'json' as const, ...(i % 4 === 3 && cursor ? { cursor } : {}) };
      const t0 = process.hrtime.bigint();
      const page = await listDisclosuresForRecipient(ctx(), i % 4 === 3 && cursor ? orgId(((i + 9) * 17) % ORGS) : org, query);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      cursor = page.nextCursor;
      const t1 = process.hrtime.bigint();
      await bareQuery(org);
      const bareMs = Number(process.hrtime.bigint() - t1) / 1e6;
      if (i >= 0) { times.push(ms); bare.push(bareMs); items += page.items.length; }
    }
    const s = summarise(times);
    const b = summarise(bare);
    const probe = orgId(7);
    const q = sql`select * from disclosures where recipient_org_id = ${probe} and released_at is not null order by released_at desc, id desc limit 51`;
    const plan = dialect === 'sqlite'
      ? (await sql<{ detail: string }>`explain query plan ${q}`.execute(db)).rows.map((r) => r.detail)
      : (await sql<Record<string, string>>`explain (analyze, costs off, timing off) ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN']);
    const perRecipient = Number((await db.selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).where('recipient_org_id', '=', probe).where('released_at', 'is not', null).executeTakeFirstOrThrow()).n);
    log(`register for one recipient ${dialect} (${n.toLocaleString()} disclosures, ${perRecipient.toLocaleString()} released to it): p50 ${round(s.p50)} ms p95 ${round(s.p95)} ms (bare query p50 ${round(b.p50)} p95 ${round(b.p95)}); plan ${plan.join(' | ')}`);
    return {
      dialect, disclosures: n, releasedToRecipient: perRecipient, runs, meanItems: round(items / runs, 1), p50Ms: round(s.p50), p95Ms: round(s.p95), p99Ms: round(s.p99),
      bareQuery: { p50Ms: round(b.p50), p95Ms: round(b.p95) }, plan,
    };
  } finally {
    await services.db.close();
  }
}

/** The disclosure section: a 200-item pack through the API, and the register for one recipient on each engine. */
export async function benchDisclosure(opts: BenchOptions) {
  const n = Number(process.env.BENCH_DISCLOSURES ?? 1_000_000);
  const packs = [await benchPack('sqlite', opts)];
  if (opts.pgUrl) packs.push(await benchPack('postgres', opts));
  const register = [await benchRegister('sqlite', opts, n)];
  if (opts.pgUrl) register.push(await benchRegister('postgres', opts, n));
  const rows: Row[] = [
    ...packs.map((p) => ({
      section: `disclosure ${p.dialect}`, name: `release a ${p.items}-item pack through the API (${p.pages} pages, ${p.pdfKiB} KiB)`,
      value: `p50 ${p.p50Ms} ms (max ${p.maxMs})`, goal: '< 1000 ms, ≥ 20 pages', ok: p.maxMs < 1000 && p.pages >= 20,
    })),
    ...register.map((r) => ({
      section: `disclosure ${r.dialect}`, name: `register for one recipient, ${r.disclosures.toLocaleString('en-GB')} disclosures`,
      value: `p95 ${r.p95Ms} ms (p50 ${r.p50Ms}; bare query p95 ${r.bareQuery.p95Ms})`, goal: '< 20 ms', ok: r.p95Ms < 20,
    })),
  ];
  return { result: { packs, register }, rows };
}
