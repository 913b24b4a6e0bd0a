import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Db } from '../../src/db/connect';
import { EPOCH_SOURCES } from '../../src/db/migrations/0007_access_epoch';
import { readAccessEpoch } from '../../src/accounts/caller-cache';
import { newId } from '../../src/lib/ids';
import { as, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { withToken } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

/**
 * The server keeps authenticated callers in memory (src/accounts/caller-cache.ts). These tests fill that cache,
 * then change the facts behind it from ANOTHER connection — as `confide user deactivate` or a second instance
 * would — and check the very next request sees the change (3.4 need to know, 3.5 agreements, 3.7 secure conditions).
 */
describe.each(dialects())('cached callers (%s)', (dialect) => {
  let world: World;
  let other: Db; // a second connection to the same database: another process, as far as the server can tell
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(world.services.db.kysely)).rows[0].s : undefined;
    other = connect({ databaseUrl: world.config.databaseUrl, dataDir: world.config.dataDir, pgSchema: schema });
    personId = await makePerson(world);
  });
  afterAll(async () => {
    await other.close();
    await world.close();
  });

  /** A staff member on the person's case team whose caller is already cached. */
  async function cachedStaff(): Promise<TestUser> {
    const staff = await makeUser(world, ['staff']);
    await makeCase(world, personId, { [staff.id]: 'lead' });
    const first = await as(world, staff).get(`/api/people/${personId}`);
    expect(first.statusCode).toBe(200);
    expect(first.json().data.healthNotes).toBe('asthma');
    return staff;
  }

  it('3.4 need to know: every change to sessions, tokens, accounts, roles, grants and policy acceptance moves the access epoch; a last-seen refresh does not', async () => {
    const db = other.kysely;
    const user = await makeUser(world, ['staff'], { accepted: false });
    const now = world.clock.now().toISOString();
    const docId = (await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').executeTakeFirstOrThrow()).id;
    const grantId = newId();
    const change: Record<string, Record<string, () => Promise<unknown>>> = {
      users: {
        update: () => db.updateTable('users').set({ display_name: 'Renamed' }).where('id', '=', user.id).execute(),
        delete: async () => {
          const spare = await makeUser(world, [], { accepted: false });
          await db.deleteFrom('sessions').where('user_id', '=', spare.id).execute();
          await db.deleteFrom('users').where('id', '=', spare.id).execute();
        },
      },
      user_roles: {
        insert: () => db.insertInto('user_roles').values({ user_id: user.id, role: 'volunteer' }).execute(),
        update: () => db.updateTable('user_roles').set({ role: 'student' }).where('user_id', '=', user.id).where('role', '=', 'volunteer').execute(),
        delete: () => db.deleteFrom('user_roles').where('user_id', '=', user.id).where('role', '=', 'student').execute(),
      },
      sessions: {
        update: () => db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', user.id).execute(),
        delete: () => db.deleteFrom('sessions').where('user_id', '=', user.id).execute(),
      },
      api_tokens: {
        update: async () => {
          await db.insertInto('api_tokens').values({ id: newId(), user_id: user.id, name: 'epoch', token_hash: 'x', scopes: '["read"]', created_at: now, expires_at: null, last_used_at: null, revoked_at: null }).execute();
          await db.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', user.id).execute();
        },
        delete: () => db.deleteFrom('api_tokens').where('user_id', '=', user.id).execute(),
      },
      access_grants: {
        insert: () => db.insertInto('access_grants').values({
          id: grantId, user_id: user.id, kind: 'request', resource_type: 'person', resource_id: personId, person_id: personId, case_id: null,
          organisation_id: null, classifications: '["personal"]', reason: 'epoch test', status: 'requested', requested_at: now, requested_hours: 1,
          decided_by: null, decided_at: null, decision_note: null, expires_at: null, revoked_at: null, revoked_by: null, review_status: null,
          reviewed_by: null, reviewed_at: null, review_note: null,
        }).execute(),
        update: () => db.updateTable('access_grants').set({ status: 'refused' }).where('id', '=', grantId).execute(),
        delete: () => db.deleteFrom('access_grants').where('id', '=', grantId).execute(),
      },
      policy_documents: {
        insert: () => db.insertInto('policy_documents').values({ id: newId(), version: 999, title: 'Epoch test', body: 'x', clauses: '[]', clause_map: '{}', loaded_at: now, loaded_by: null }).execute(),
        update: () => db.updateTable('policy_documents').set({ title: 'Epoch test, retitled' }).where('version', '=', 999).execute(),
        delete: () => db.deleteFrom('policy_documents').where('version', '=', 999).execute(),
      },
      policy_acceptances: {
        insert: () => db.insertInto('policy_acceptances').values({ user_id: user.id, policy_document_id: docId, accepted_at: now }).execute(),
        update: () => db.updateTable('policy_acceptances').set({ accepted_at: now }).where('user_id', '=', user.id).execute(),
        delete: () => db.deleteFrom('policy_acceptances').where('user_id', '=', user.id).where('policy_document_id', '=', docId).execute(),
      },
      policy_rule_modes: {
        insert: () => db.insertInto('policy_rule_modes').values({ rule_id: 'agreement/not-accepted', mode: 'warn', set_by: null, set_at: now }).execute(),
        update: () => db.updateTable('policy_rule_modes').set({ mode: 'enforce' }).execute(),
        delete: () => db.deleteFrom('policy_rule_modes').execute(),
      },
    };
    for (const { table, events } of EPOCH_SOURCES) {
      for (const event of events) {
        const run = change[table]?.[event];
        expect(run, `${table} ${event} has a test step`).toBeDefined();
        const before = await readAccessEpoch(world.services.db.kysely);
        await run!();
        expect(await readAccessEpoch(world.services.db.kysely), `${table} ${event}`).not.toBe(before);
      }
    }
    const before = await readAccessEpoch(world.services.db.kysely);
    await db.updateTable('sessions').set({ last_seen_at: now }).execute();
    expect(await readAccessEpoch(world.services.db.kysely)).toBe(before);
  });

  it('3.4 need to know: an epoch seen inside a transaction that rolled back never comes back for other facts', async () => {
    const staff = await makeUser(world, ['staff']);
    const db = world.services.db.kysely;
    let seen = -1;
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('user_roles').values({ user_id: staff.id, role: 'volunteer' }).execute();
      seen = await readAccessEpoch(trx);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await db.insertInto('user_roles').values({ user_id: staff.id, role: 'student' }).execute(); // different facts
    expect(await readAccessEpoch(db)).not.toBe(seen); // a counter would be back at the same number here
  });

  it('3.4 need to know: a role removed by another process applies to the cached caller\'s very next request', async () => {
    const staff = await cachedStaff();
    expect(world.services.callers.size).toBeGreaterThan(0);
    await other.kysely.deleteFrom('user_roles').where('user_id', '=', staff.id).execute();
    const next = await as(world, staff).get(`/api/people/${personId}`);
    expect(next.statusCode).toBe(404); // no role, no need to know: the record is not there for them
  });

  it('3.7 secure conditions: an account deactivated by another process (the CLI) is refused on its next request', async () => {
    const staff = await cachedStaff();
    await other.kysely.updateTable('users').set({ active: 0, deactivated_at: world.clock.now().toISOString() }).where('id', '=', staff.id).execute();
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(401);
  });

  it('3.5 agreements: a new policy version loaded by another process gates the cached caller until they accept it', async () => {
    const staff = await cachedStaff();
    const current = await other.kysely.selectFrom('policy_documents').selectAll().orderBy('version', 'desc').executeTakeFirstOrThrow();
    const id = newId();
    await other.kysely.insertInto('policy_documents').values({ ...current, id, version: current.version + 1, loaded_at: world.clock.now().toISOString() }).execute();
    const gated = await as(world, staff).get(`/api/people/${personId}`);
    expect(gated.statusCode).toBe(403);
    expect(gated.json().detail).toMatch(/policy/i);
    await other.kysely.insertInto('policy_acceptances').values({ user_id: staff.id, policy_document_id: id, accepted_at: world.clock.now().toISOString() }).execute();
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200);
  });

  it('3.5 agreements: a rule mode switched by another process applies to the running server\'s next request, and switching back too', async () => {
    const staff = await cachedStaff();
    const current = await other.kysely.selectFrom('policy_documents').selectAll().orderBy('version', 'desc').executeTakeFirstOrThrow();
    await other.kysely.insertInto('policy_documents').values({ ...current, id: newId(), version: current.version + 1, loaded_at: world.clock.now().toISOString() }).execute();
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(403); // not yet accepted
    await other.kysely.insertInto('policy_rule_modes').values({ rule_id: 'agreement/not-accepted', mode: 'warn', set_by: null, set_at: world.clock.now().toISOString() }).execute();
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200); // warn-only: allowed, and recorded
    await other.kysely.deleteFrom('policy_rule_modes').execute();
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(403);
  });

  it('3.6 a policy loaded by another process (`confide policy load`): the running server cites its clause numbers from the next request, without a restart', async () => {
    const staff = await cachedStaff();
    const current = await other.kysely.selectFrom('policy_documents').selectAll().orderBy('version', 'desc').executeTakeFirstOrThrow();
    const map = JSON.parse(current.clause_map);
    map.keys['staff-awareness'] = ['9.9'];
    await other.kysely.insertInto('policy_documents').values({ ...current, id: newId(), version: current.version + 1, clause_map: JSON.stringify(map), loaded_at: world.clock.now().toISOString() }).execute();
    const refused = await as(world, staff).get(`/api/people/${personId}`); // the new version is not accepted yet
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'agreement/not-accepted', clause: '9.9' });
  });

  it('3.7 secure conditions: a cached session still times out when idle and stays alive while used (last seen refreshed)', async () => {
    const staff = await cachedStaff();
    const idleMs = world.config.sessionIdleMinutes * 60_000;
    // Used every 50 s for twice the idle timeout: never idle, so never signed out.
    for (let t = 0; t < 2 * idleMs; t += 50_000) {
      world.clock.advance(50_000);
      expect((await as(world, staff).get('/api/auth/me')).statusCode).toBe(200);
    }
    world.clock.advance(idleMs + 1000);
    expect((await as(world, staff).get('/api/auth/me')).statusCode).toBe(401);
  });

  it('3.7 secure conditions: a revoked API token is refused on its next request, and a signed-out session too', async () => {
    const staff = await cachedStaff();
    const created = await as(world, staff).post('/api/auth/tokens', { name: 'script', scopes: ['read'], expiresInDays: 30 });
    expect(created.statusCode).toBe(201);
    const token = created.json().token as string;
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(200);
    await other.kysely.updateTable('api_tokens').set({ revoked_at: world.clock.now().toISOString() }).where('id', '=', created.json().id).execute();
    expect((await withToken(world, token).get('/api/auth/me')).statusCode).toBe(401);

    expect((await as(world, staff).post('/api/auth/sign-out')).statusCode).toBe(204);
    expect((await as(world, staff).get('/api/auth/me')).statusCode).toBe(401);
  });
});
