import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/accounts/actor';
import type { Database } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';
import type { Action } from '../../src/policy/actions';
import { decide } from '../../src/policy/decide';
import { filter, teamFlag, visibleWhere } from '../../src/policy/filter';
import { factsFor } from '../../src/policy/present';
import { CLASSIFICATIONS, ROLES, type RecordType } from '../../src/policy/types';
import { sortKey } from '../../src/records/paging';
import { oracleMayRead, type Cls, type OracleRecord, type OracleUser, type OracleWorld } from '../support/oracle';
import { createWorld, dialects, type World } from '../support/world';

const LONG = process.env.CONFIDE_PROPERTY_RUNS === 'long';
const TARGET = LONG ? 1_000_000 : 100_000;
const TABLE: Record<RecordType, keyof Database> = { person: 'people', case: 'cases', note: 'notes', attachment: 'attachments', organisation: 'organisations' };
const KINDS: RecordType[] = ['person', 'case', 'note', 'attachment', 'organisation'];
const GRANTABLE = ['personal', 'special', 'safeguarding', 'session', 'commercial'] as const;

const worldArb = fc.record({
  users: fc.array(fc.record({ roles: fc.subarray([...ROLES]), accepted: fc.constantFrom(true, true, true, true, false) }), { minLength: 2, maxLength: 10 }),
  people: fc.integer({ min: 1, max: 14 }),
  cases: fc.array(fc.record({ person: fc.nat(), team: fc.array(fc.record({ user: fc.nat(), role: fc.constantFrom('lead', 'worker', 'volunteer', 'student') }), { maxLength: 3 }) }), { maxLength: 16 }),
  notes: fc.array(fc.record({ case: fc.nat(), author: fc.nat() }), { maxLength: 14 }),
  attachments: fc.array(fc.record({ case: fc.nat(), uploader: fc.nat(), classification: fc.constantFrom('personal', 'special', 'session', 'safeguarding') }), { maxLength: 6 }),
  orgs: fc.array(fc.record({ team: fc.array(fc.nat(), { maxLength: 3 }) }), { maxLength: 4 }),
  grants: fc.array(
    fc.record({
      user: fc.nat(), target: fc.constantFrom('person', 'case', 'organisation'), index: fc.nat(),
      status: fc.constantFrom('approved', 'approved', 'approved', 'requested', 'refused', 'revoked'), expired: fc.boolean(),
      kind: fc.constantFrom('request', 'break_glass'), classes: fc.subarray([...GRANTABLE]),
    }),
    { maxLength: 12 },
  ),
});
type Spec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

const CLEAR: (keyof Database)[] = ['attachments', 'notes', 'case_team', 'cases', 'people', 'organisation_team', 'organisations', 'access_grants', 'policy_acceptances', 'user_roles', 'sessions', 'api_tokens', 'users'];

/** Writes a generated world into the database and returns the same world in the oracle's plain terms. */
async function insertWorld(db: Kysely<Database>, spec: Spec, nowIso: string, policyId: string) {
  for (const t of CLEAR) await db.deleteFrom(t).execute();
  const at = nowIso;
  const users: OracleUser[] = spec.users.map((u) => ({ id: newId(), roles: new Set(u.roles), accepted: u.accepted }));
  await db.insertInto('users').values(users.map((u, i) => ({
    id: u.id, username: `u${i}`, display_name: `u${i}`, email: null, password_hash: 'x', must_change_password: 0, totp_secret: null, totp_enabled: 0,
    failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null, created_at: at, updated_at: at, version: 1,
  }))).execute();
  const roleRows = users.flatMap((u) => [...u.roles].map((role) => ({ user_id: u.id, role })));
  if (roleRows.length) await db.insertInto('user_roles').values(roleRows).execute();
  const acc = users.filter((u) => u.accepted).map((u) => ({ user_id: u.id, policy_document_id: policyId, accepted_at: at }));
  if (acc.length) await db.insertInto('policy_acceptances').values(acc).execute();
  const pick = <T>(list: T[], n: number) => list[n % list.length];

  const records: OracleRecord[] = [];
  const people = Array.from({ length: spec.people }, () => newId());
  await db.insertInto('people').values(people.map((id, i) => ({
    id, kind: 'service_user', given_name: `G${i}`, family_name: `F${i}`, preferred_name: null, sort_key: sortKey(`F${i}`, `G${i}`), date_of_birth: null,
    pronouns: null, email: null, phone: null, address: null, ethnicity: null, health_notes: null, safeguarding_notes: null, archived_at: null, created_by: null,
    created_at: at, updated_at: at, version: 1,
  }))).execute();
  people.forEach((id) => records.push({ kind: 'person', id, personId: id, caseId: null, organisationId: null }));

  const w: OracleWorld = { caseTeam: new Map(), orgTeam: new Map(), casesOfPerson: new Map(), grants: [] };
  const cases = spec.cases.map((c) => ({ id: newId(), personId: pick(people, c.person), team: c.team }));
  if (cases.length) {
    await db.insertInto('cases').values(cases.map((c) => ({
      id: c.id, person_id: c.personId, service: 's', status: 'open', opened_on: at.slice(0, 10), closed_on: null, summary: null, support_needs: null,
      risk_notes: null, archived_at: null, created_by: null, created_at: at, updated_at: at, version: 1,
    }))).execute();
  }
  const teamRows = new Map<string, { case_id: string; user_id: string; team_role: string; added_at: string; added_by: null }>();
  for (const c of cases) {
    records.push({ kind: 'case', id: c.id, personId: c.personId, caseId: c.id, organisationId: null });
    w.casesOfPerson.set(c.personId, [...(w.casesOfPerson.get(c.personId) ?? []), c.id]);
    const team = new Set<string>();
    for (const m of c.team) {
      const user = pick(users, m.user).id;
      team.add(user);
      teamRows.set(`${c.id}/${user}`, { case_id: c.id, user_id: user, team_role: m.role, added_at: at, added_by: null });
    }
    w.caseTeam.set(c.id, team);
  }
  if (teamRows.size) await db.insertInto('case_team').values([...teamRows.values()]).execute();

  if (cases.length) {
    const notes = spec.notes.map((n) => ({ id: newId(), caseId: pick(cases, n.case).id, author: pick(users, n.author).id }));
    if (notes.length) {
      await db.insertInto('notes').values(notes.map((n) => ({
        id: n.id, case_id: n.caseId, kind: 'session', channel: null, occurred_at: at, title: 't', body: 'b', author_id: n.author,
        archived_at: null, created_at: at, updated_at: at, version: 1,
      }))).execute();
    }
    const byCase = new Map(cases.map((c) => [c.id, c.personId]));
    notes.forEach((n) => records.push({ kind: 'note', id: n.id, personId: byCase.get(n.caseId)!, caseId: n.caseId, organisationId: null }));
    const atts = spec.attachments.map((a) => ({ id: newId(), caseId: pick(cases, a.case).id, uploader: pick(users, a.uploader).id, classification: a.classification }));
    if (atts.length) {
      await db.insertInto('attachments').values(atts.map((a) => ({
        id: a.id, case_id: a.caseId, note_id: null, filename: 'f.pdf', content_type: 'application/pdf', size_bytes: 1, sha256: 'x'.repeat(64),
        classification: a.classification, uploaded_by: a.uploader, created_at: at, archived_at: null,
      }))).execute();
    }
    atts.forEach((a) => records.push({ kind: 'attachment', id: a.id, personId: byCase.get(a.caseId)!, caseId: a.caseId, organisationId: null }));
  }

  const orgs = spec.orgs.map((o) => ({ id: newId(), team: new Set(o.team.map((n) => pick(users, n).id)) }));
  if (orgs.length) {
    await db.insertInto('organisations').values(orgs.map((o, i) => ({
      id: o.id, kind: 'partner_agency', name: `O${i}`, sort_key: `o${i}`, website: null, contact_name: null, contact_email: null, contact_phone: null,
      address: null, commercial_notes: null, archived_at: null, created_by: null, created_at: at, updated_at: at, version: 1,
    }))).execute();
    const rows = orgs.flatMap((o) => [...o.team].map((u) => ({ organisation_id: o.id, user_id: u, added_at: at, added_by: null })));
    if (rows.length) await db.insertInto('organisation_team').values(rows).execute();
  }
  orgs.forEach((o) => {
    w.orgTeam.set(o.id, o.team);
    records.push({ kind: 'organisation', id: o.id, personId: null, caseId: null, organisationId: o.id });
  });

  const now = Date.parse(nowIso);
  for (const g of spec.grants) {
    const targets = g.target === 'person' ? people : g.target === 'case' ? cases.map((c) => c.id) : orgs.map((o) => o.id);
    if (!targets.length) continue;
    const resourceId = pick(targets, g.index);
    const personId = g.target === 'person' ? resourceId : g.target === 'case' ? cases.find((c) => c.id === resourceId)!.personId : null;
    const caseId = g.target === 'case' ? resourceId : null;
    const organisationId = g.target === 'organisation' ? resourceId : null;
    const userId = pick(users, g.user).id;
    const expiresAt = new Date(now + (g.expired ? -1 : 1) * 3600_000).toISOString();
    await db.insertInto('access_grants').values({
      id: newId(), user_id: userId, kind: g.kind, resource_type: g.target, resource_id: resourceId, person_id: personId, case_id: caseId,
      organisation_id: organisationId, classifications: JSON.stringify(g.classes), reason: 'r', status: g.status, requested_at: at,
      requested_hours: 1, decided_by: null, decided_at: null, decision_note: null, expires_at: g.status === 'requested' ? null : expiresAt,
      revoked_at: null, revoked_by: null, review_status: null, reviewed_by: null, reviewed_at: null, review_note: null,
    }).execute();
    w.grants.push({ userId, personId, caseId, organisationId, classes: new Set<Cls>(['general', ...g.classes]), active: g.status === 'approved' && !g.expired });
  }
  return { users, records, oracle: w };
}

describe.each(dialects())('property: decide, the SQL filter and an independent oracle agree everywhere (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  it(`3.4 need-to-know: zero leaks and zero wrongful denials over ${TARGET.toLocaleString('en-GB')}+ generated checks (practice 2, 3.5, 1.4)`, async () => {
    const db = world.services.db.kysely;
    const nowIso = world.clock.now().toISOString();
    const policyId = (await db.selectFrom('policy_documents').select('id').executeTakeFirstOrThrow()).id;
    let checks = 0;
    let worlds = 0;
    for (let seed = 1; checks < TARGET; seed++) {
      const [spec] = fc.sample(worldArb, { seed, numRuns: 1 });
      const { users, records, oracle } = await insertWorld(db, spec, nowIso, policyId);
      worlds++;
      for (const u of users) {
        const actor = (await loadActor(db, u.id, nowIso))!;
        for (const kind of KINDS) {
          const action = `${kind}.read` as Action;
          const table = TABLE[kind];
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const any = db as any;
          const rows: Record<string, unknown>[] = await any.selectFrom(table).selectAll(table).select((eb: never) => teamFlag(eb, kind, actor.id)).execute();
          const scope = filter(actor, action);
          const visible = new Set<string>((await any.selectFrom(table).select(`${table}.id as id`).where((eb: never) => visibleWhere(eb, kind, scope, actor)).execute()).map((r: { id: string }) => r.id));
          for (const row of rows) {
            const record = records.find((r) => r.id === row.id)!;
            const facts = factsFor(actor, kind, row);
            for (const cls of CLASSIFICATIONS) {
              const expected = oracleMayRead(oracle, u, record, cls);
              const got = decide(actor, action, { ...facts, classification: cls }).allowed;
              if (got !== expected) throw new Error(`decide disagrees with the oracle (seed ${seed}): user roles [${[...u.roles]}] accepted=${u.accepted} ${kind} ${cls}: decide=${got} oracle=${expected}`);
              checks++;
            }
            const listed = visible.has(row.id as string);
            const expectedListed = oracleMayRead(oracle, u, record, 'general');
            if (listed !== expectedListed) throw new Error(`SQL filter ${listed ? 'LEAKS' : 'wrongly hides'} a ${kind} (seed ${seed}): user roles [${[...u.roles]}] accepted=${u.accepted}`);
            checks++;
          }
        }
      }
    }
    console.log(`[property ${dialect}] ${checks.toLocaleString('en-GB')} checks over ${worlds} generated worlds`);
    expect(checks).toBeGreaterThanOrEqual(TARGET);
  }, LONG ? 3_600_000 : 300_000);
});
