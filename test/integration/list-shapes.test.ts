import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/accounts/actor';
import { AuditBuffer } from '../../src/audit/append';
import type { Ctx } from '../../src/context';
import { newId } from '../../src/lib/ids';
import { listPeople, listPlan, listShape, pagePeople } from '../../src/people/queries';
import type { ListPeopleQuery } from '../../src/people/schema';
import { decide } from '../../src/policy/decide';
import { filter, visibleWhere } from '../../src/policy/filter';
import { grantedMask, teamSet } from '../../src/policy/relations';
import type { Actor, Role } from '../../src/policy/types';
import { prefixRange, sortKey } from '../../src/records/paging';
import { createWorld, dialects, type World } from '../support/world';

/** A small deterministic PRNG so a failing world can be rebuilt. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLE_SETS: Role[][] = [['staff'], ['staff'], ['staff'], ['volunteer'], ['student'], ['manager'], ['guardian'], ['staff', 'volunteer'], ['administrator'], []];
const FAMILIES = ['Abbot', 'Abel', 'Adams', 'Baker', 'Bell', 'Carr', 'Cole', 'Cole-Smith', 'Dunn', 'Ellis', 'Élan', 'Ng'];
const GIVEN = ['Ada', 'Ben', 'Cy', 'Dee', 'Eve', 'Flo'];

interface Generated {
  users: { id: string; roles: Role[] }[];
  people: { id: string; family: string; given: string; archived: boolean }[];
  teamOf: Map<string, Set<string>>; // user id → person ids on whose case teams they are
}

/** A random world: users in every role, people (some archived, some sharing names), cases with teams, grants. */
async function generate(world: World, seed: number): Promise<Generated> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const db = world.services.db.kysely;
  const now = world.clock.now().toISOString();
  const users = ROLE_SETS.map((roles) => ({ id: newId(), roles }));
  for (const u of users) {
    await db.insertInto('users').values({
      id: u.id, username: `u${u.id.slice(-8)}`, display_name: 'U', email: null, password_hash: 'x', must_change_password: 0,
      totp_secret: null, totp_enabled: 0, failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null,
      created_at: now, updated_at: now, version: 1,
    }).execute();
    if (u.roles.length) await db.insertInto('user_roles').values(u.roles.map((role) => ({ user_id: u.id, role }))).execute();
    for (const d of await db.selectFrom('policy_documents').select('id').execute()) {
      await db.insertInto('policy_acceptances').values({ user_id: u.id, policy_document_id: d.id, accepted_at: now }).execute();
    }
  }
  const people = Array.from({ length: 160 }, () => ({ id: newId(), family: pick(FAMILIES), given: pick(GIVEN), preferred: rnd() < 0.3 ? pick(GIVEN) : null, archived: rnd() < 0.1 }));
  await db.insertInto('people').values(people.map((p) => ({
    id: p.id, kind: 'service_user', given_name: p.given, family_name: p.family, preferred_name: p.preferred, sort_key: sortKey(p.family, p.given),
    date_of_birth: null, pronouns: null, email: null, phone: null, address: null, ethnicity: null, health_notes: null,
    safeguarding_notes: null, archived_at: p.archived ? now : null, created_by: null, created_at: now, updated_at: now, version: 1,
  }))).execute();
  const teamOf = new Map(users.map((u) => [u.id, new Set<string>()]));
  const caseIds: { id: string; personId: string }[] = [];
  for (const p of people) {
    const cases = rnd() < 0.2 ? 2 : rnd() < 0.9 ? 1 : 0; // some people have two cases, some none
    for (let c = 0; c < cases; c++) {
      const id = newId();
      caseIds.push({ id, personId: p.id });
      await db.insertInto('cases').values({
        id, person_id: p.id, service: 'S', status: 'open', opened_on: '2026-01-01', closed_on: null, summary: null,
        support_needs: null, risk_notes: null, archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
      }).execute();
      const members = users.filter(() => rnd() < 0.25);
      for (const m of members) {
        await db.insertInto('case_team').values({ case_id: id, user_id: m.id, team_role: 'worker', added_at: now, added_by: null }).execute();
        teamOf.get(m.id)!.add(p.id);
      }
    }
  }
  // Grants: approved and live, expired, revoked, on people and on cases, at different classifications.
  for (const u of users) {
    for (let g = 0; g < 3; g++) {
      const onCase = rnd() < 0.5 && caseIds.length > 0;
      const c = pick(caseIds);
      const personId = onCase ? c.personId : pick(people).id;
      const status = pick(['approved', 'approved', 'revoked', 'requested']);
      const expires = rnd() < 0.8 ? '2026-03-09T09:00:00.000Z' : '2026-03-01T09:00:00.000Z';
      await db.insertInto('access_grants').values({
        id: newId(), user_id: u.id, kind: pick(['request', 'break_glass']), resource_type: onCase ? 'case' : 'person',
        resource_id: onCase ? c.id : personId, person_id: personId, case_id: onCase ? c.id : null, organisation_id: null,
        classifications: JSON.stringify(pick([[], ['personal'], ['special', 'session']])), reason: 'test', status,
        requested_at: now, requested_hours: 72, decided_by: null, decided_at: null, decision_note: null,
        expires_at: status === 'requested' ? null : expires, revoked_at: null, revoked_by: null, review_status: null,
        reviewed_by: null, reviewed_at: null, review_note: null,
      }).execute();
    }
  }
  return { users, people, teamOf };
}

/** The list filter as it was before the query shapes were tuned: one set-form WHERE, name-ordered, no limit. */
async function referenceRows(ctx: Ctx, q: Pick<ListPeopleQuery, 'q' | 'includeArchived'>) {
  const scope = filter(ctx.actor, 'person.read');
  let query = ctx.db
    .selectFrom('people')
    .selectAll('people')
    .select((eb) => eb.case().when(sql.ref('people.id'), 'in', teamSet(eb as never, 'person', ctx.actor.id)).then(1).else(0).end().as('_team'))
    .where((eb) => visibleWhere(eb as never, 'person', scope, ctx.actor, 'set'));
  if (q.includeArchived !== 'true') query = query.where('people.archived_at', 'is', null);
  if (q.q) {
    // A plain OR over the three name keys (issue 13): the shapes read them as a UNION of index ranges instead.
    const { from, to } = prefixRange(sortKey(q.q));
    query = query.where((eb) => eb.or((['sort_key', 'given_key', 'preferred_key'] as const).map((k) => eb.and([eb(`people.${k}`, '>=', from), eb(`people.${k}`, '<', to)]))));
  }
  return query.orderBy('people.sort_key').orderBy('people.id').execute();
}

/** Pages through a shape with cursors, exactly as listPeople does, and returns every row in order. */
async function allPages(ctx: Ctx, shape: typeof pagePeople, q: Omit<ListPeopleQuery, 'cursor'>) {
  const scope = filter(ctx.actor, 'person.read');
  const out: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const rows = await shape(ctx, scope, { ...q, cursor });
    out.push(...rows.slice(0, q.limit));
    if (rows.length <= q.limit) return out;
    const last = rows[q.limit - 1];
    cursor = Buffer.from(JSON.stringify([last.sort_key, last.id])).toString('base64url');
  }
  throw new Error('too many pages');
}

const QUERIES: Omit<ListPeopleQuery, 'cursor'>[] = [
  { limit: 7, includeArchived: 'false' },
  { limit: 50, includeArchived: 'true' },
  { limit: 3, q: 'cole', includeArchived: 'false' },
  { limit: 5, q: 'a', includeArchived: 'true' },
  { limit: 4, q: 'elan', includeArchived: 'false' },
  { limit: 10, q: 'zz', includeArchived: 'false' },
  { limit: 4, q: 'fl', includeArchived: 'false' }, // given and preferred names only (issue 13)
  { limit: 6, q: 'EVE', includeArchived: 'true' },
];

describe.each(dialects())('need-to-know list shapes (%s)', (dialect) => {
  let world: World;
  const worlds: Generated[] = [];

  beforeAll(async () => {
    world = await createWorld(dialect);
    worlds.push(await generate(world, 20260302));
  });
  afterAll(() => world.close());

  const ctxFor = async (userId: string): Promise<Ctx> => {
    const now = world.clock.now();
    const facts = (await loadActor(world.services.db.kysely, userId, now.toISOString()))!;
    const actor: Actor = { ...facts, policy: await world.services.policy.current(world.services.db.kysely) };
    return { db: world.services.db.kysely, actor, now, nowIso: now.toISOString(), requestId: 't', audit: new AuditBuffer(), services: world.services };
  };

  it('3.4 need to know: the team-driven and name-ordered shapes return exactly the rows (and team flags) of the filter, page by page', async () => {
    const g = worlds[0];
    let compared = 0;
    for (const u of g.users) {
      const ctx = await ctxFor(u.id);
      for (const q of QUERIES) {
        const reference = await referenceRows(ctx, q);
        const expected = reference.map((r) => `${r.id}:${Number(r._team)}`);
        // Every source and search form must agree: the chosen source (team rows for staff, migration 0020), the
        // people table whatever the scope, and each of them walking in name order for every search.
        const scope = filter(ctx.actor, 'person.read');
        const named = (name: string, fn: typeof pagePeople) => Object.defineProperty(fn, 'name', { value: name });
        const shapes = [
          named(`pagePeople(${listShape(ctx, scope)})`, (c, sc, qq) => pagePeople(c, sc, qq)),
          named(`pagePeople(${listShape(ctx, scope)}, walk)`, (c, sc, qq) => pagePeople(c, sc, qq, { walkFrom: 1 })),
          named('pagePeople(people)', (c, sc, qq) => pagePeople(c, sc, qq, { plan: listPlan(c, sc, 'people') })),
          named('pagePeople(people, walk)', (c, sc, qq) => pagePeople(c, sc, qq, { plan: listPlan(c, sc, 'people'), walkFrom: 1 })),
        ];
        for (const shape of shapes) {
          const got = (await allPages(ctx, shape, q)).map((r) => `${r.id}:${Number(r._team)}`);
          expect(got, `${shape.name} for ${u.roles.join('+') || 'no role'} ${JSON.stringify(q)}`).toEqual(expected);
          compared += got.length;
        }
        // listPeople (which picks the shape itself) agrees on the first page
        const page = await listPeople(ctx, { ...q, cursor: undefined });
        expect(page.items.map((i) => i.id)).toEqual(reference.slice(0, q.limit).map((r) => r.id));
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('3.4 need to know: every listed person is one a single read would allow, and every allowed person is listed (oracle from decide)', async () => {
    const g = worlds[0];
    for (const u of g.users) {
      const ctx = await ctxFor(u.id);
      const listed = new Set((await allPages(ctx, pagePeople, { limit: 20, includeArchived: 'true' })).map((r) => r.id as string));
      for (const p of g.people) {
        const d = decide(ctx.actor, 'person.read', { type: 'person', id: p.id, team: g.teamOf.get(u.id)!.has(p.id), granted: grantedMask(ctx.actor, 'person', p.id) });
        expect(listed.has(p.id), `${u.roles.join('+') || 'no role'} / person ${p.id}`).toBe(d.allowed);
      }
    }
  });
});
