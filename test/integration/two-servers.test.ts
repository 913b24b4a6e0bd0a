import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify';
import { casePurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { httpClient as client, signInOver as signIn, startServer as start, stopServer, type ServerProcess as Server } from '../support/server-process';
import { createPgSchema, createWorld, type World } from '../support/world';

// Issue 9, the scale-out path: several Confide processes behind a load balancer on one PostgreSQL database. Two real
// server processes (`confide serve`) on two loopback ports share one schema; requests go to both at once.
// 1.1 records-management: one linear audit chain; 3.4 need to know: a grant revoked through one process is refused by
// the other at its next request (the access epoch); 3.7 secure conditions: sign-in lockout counts across processes.

const pgUrl = inject('pgUrl');
const pgRun = inject('pgRun');

describe.skipIf(!pgUrl)('issue 9 scale-out: two server processes on one PostgreSQL database', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  const dataDir = () => { const d = mkdtempSync(join(tmpdir(), 'confide-two-')); dirs.push(d); return d; };
  afterAll(async () => {
    await Promise.all(servers.map((x) => stopServer(x)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('1.1 records-management: two processes starting at once on an empty database both migrate, bootstrap and serve', async () => {
    const schema = `${pgRun}_two_empty`;
    await createPgSchema(schema);
    // One DATA_DIR on a shared volume (README, Several processes): one audit signing key and one attachment store.
    const shared = dataDir();
    const pair = await Promise.all([start({ pgSchema: schema, dataDir: shared }), start({ pgSchema: schema, dataDir: shared })]);
    servers.push(...pair);
    for (const s of pair) expect((await fetch(s.base + '/healthz')).status).toBe(200);
    // Exactly one of them created the first administrator and printed its one-time password.
    const printed = pair.filter((s) => /one-time password: +\S+/.test(s.output()));
    expect(printed).toHaveLength(1);
    const db = new pg.Client({ connectionString: pgUrl! });
    await db.connect();
    try {
      const users = await db.query(`select username from ${schema}.users`);
      expect(users.rows.map((r) => r.username)).toEqual(['admin']);
      const docs = await db.query(`select count(*)::int as n from ${schema}.policy_documents`);
      expect(docs.rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  }, 120_000);

  describe('serving one database', () => {
    let world: World;
    let a: Server;
    let b: Server;
    let manager: TestUser;
    let staff: TestUser;
    beforeAll(async () => {
      world = await createWorld('postgres');
      [a, b] = await Promise.all([start({ pgSchema: world.pgSchema!, dataDir: world.config.dataDir }), start({ pgSchema: world.pgSchema!, dataDir: world.config.dataDir })]);
      servers.push(a, b);
      manager = await makeUser(world, ['manager']);
      staff = await makeUser(world, ['staff']);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a, b].map((x) => stopServer(x)));
      await world.close();
    });

    it('1.1 records-management: concurrent creates and conditional updates through both processes lose nothing and fork no chain', async () => {
      const published = await client(a, await signIn(a, manager.username))('POST', '/api/notices', {
        title: 'How we look after your information', body: 'We keep what you tell us confidential (4.1).', language: 'en', publish: true,
      });
      expect(published.status, published.text).toBe(201);
      const session = await signIn(a, staff.username);
      expect(session.status).toBe(200);
      const viaA = client(a, session);
      const viaB = client(b, session); // the session made by A is honoured by B
      const purposeId = await casePurpose(world);
      const created = await Promise.all(Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? viaA : viaB)('POST', '/api/people', {
          kind: 'service_user', givenName: `Two${i}`, familyName: 'Servers', openCase: { service: 'Music mentoring', purposeId }, firstContact: { noticeVersion: 1, language: 'en', contactedOn: new Date().toISOString().slice(0, 10), method: 'in_person' },
        })));
      for (const r of created) expect(r.status, r.text).toBe(201);
      const ids = created.map((r) => r.json().id as string);
      expect(new Set(ids).size).toBe(40);

      // 20 writers race to update one person, each with the version it read: exactly one per version wins.
      const target = ids[0];
      const first = await viaA('GET', `/api/people/${target}`);
      const etag = first.headers.get('etag')!;
      const racers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? viaA : viaB)('PATCH', `/api/people/${target}`, { pronouns: `p${i}` }, { 'if-match': etag })));
      const statuses = racers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);

      const verified = await verifyAudit(world.services.db.kysely, world.services.signer);
      expect(verified.problem).toBeUndefined();
      expect(verified.ok).toBe(true);
      const seqs = (await world.services.db.kysely.selectFrom('audit_events').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
      // Every create is in the chain once, whichever process served it.
      const creates = await world.services.db.kysely.selectFrom('audit_events').select('resource_id')
        .where('action', '=', 'person.create').where('decision', '=', 'change').execute();
      expect(new Set(creates.map((r) => r.resource_id))).toEqual(new Set(ids));
    }, 60_000);

    it('3.4 need-to-know: a grant approved through one process opens the record in the other, and its revocation through one is refused by the other at the next request', async () => {
      const person = await makePerson(world);
      await makeCase(world, person, { [manager.id]: 'lead' });
      const staffA = client(a, await signIn(a, staff.username));
      const staffB = client(b, await signIn(b, staff.username));
      const managerA = client(a, await signIn(a, manager.username));

      expect((await staffB('GET', `/api/people/${person}`)).status).toBe(404);
      const requested = await staffA('POST', '/api/access/requests', { resourceType: 'person', resourceId: person, reason: 'covering the session next week' });
      expect(requested.status, requested.text).toBe(202);
      const approved = await managerA('POST', `/api/access/requests/${requested.json().id}/approve`, {});
      expect(approved.status, approved.text).toBe(200);
      expect((await staffB('GET', `/api/people/${person}`)).status).toBe(200);

      const revoked = await managerA('POST', `/api/access/grants/${requested.json().id}/revoke`, {});
      expect(revoked.status, revoked.text).toBe(200);
      expect((await staffB('GET', `/api/people/${person}`)).status).toBe(404);
    }, 60_000);

    it('3.7 secure-conditions: failed sign-ins through both processes count towards one lockout', async () => {
      const victim = await makeUser(world, ['staff']);
      const attempts = [];
      for (let i = 0; i < 12; i++) attempts.push(await signIn(i % 2 ? a : b, victim.username, 'wrong password entirely'));
      expect(attempts.every((r) => r.status !== 200)).toBe(true);
      // The right password is now refused on both processes: the lockout is in the shared database.
      expect((await signIn(a, victim.username)).status).not.toBe(200);
      expect((await signIn(b, victim.username)).status).not.toBe(200);
    }, 60_000);
  });
});
