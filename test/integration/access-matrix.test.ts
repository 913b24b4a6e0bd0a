import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/policy/actions';
import { decideAction, RULES_BY_ACTION } from '../../src/policy/decide';
import { SAMPLE_POLICY_STATE } from '../../src/policy/state';
import { ROLES, roleBit, type Actor, type Role } from '../../src/policy/types';
import { as, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// The route × role table (3.4 need to know, 3.7 secure conditions): every operation of the served OpenAPI document,
// called by nobody and by a user of each role who is on NO team, against records that belong to another team's
// client. Each cell is checked against what the policy says it must be, and the whole table is written to
// docs/access-matrix.md for reviewers (CONFIDE_WRITE_DOCS=1 npx vitest run test/integration/access-matrix.test.ts).

const DOC = join(import.meta.dirname, '../../docs/access-matrix.md');
const RANDOM_ID = '01966f5e-0000-7000-8000-00000000abcd';

interface Operation {
  method: string;
  path: string;
  action: string;
  /** The statuses the served document lists for it. */
  documented: string[];
}

/** A user of exactly these roles, as decideAction sees them (accepted the policy, no grants, sample policy). */
const actorOf = (role: Role): Actor => ({ id: 'x', username: 'x', roles: [role], roleMask: roleBit(role), policyAccepted: true, grants: [], policy: SAMPLE_POLICY_STATE });

/** Whether some rule lets this role act on ANY record of the action, whoever's team it is on (relation 'any'). */
/** Relations that say what kind of record it is, not how the actor is tied to it: a rule needing only these reaches any such record. */
const RECORD_KIND_RELATIONS: readonly string[] = ['any', 'ordinary', 'referral'];
const reachesAnyRecord = (role: Role, action: string) =>
  (RULES_BY_ACTION.get(action as Action)?.allow ?? []).some((a) => (a.roleMask === 0 || (a.roleMask & roleBit(role)) !== 0) && a.relations.every((r) => RECORD_KIND_RELATIONS.includes(r)));

describe.each(dialects())('the route × role table (%s)', (dialect) => {
  let world: World;
  let operations: Operation[];
  const users = new Map<Role, TestUser>();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    world = await createWorld(dialect);
    // Another team's client, with a case, a note, an attachment-free case file, an organisation and a concern.
    const owner = await makeUser(world, ['staff', 'manager']);
    ids.person = await makePerson(world, { givenName: 'Other', familyName: 'Team', safeguardingNotes: 'restricted' });
    ids.case = await makeCase(world, ids.person, { [owner.id]: 'lead' });
    ids.note = await makeNote(world, ids.case, owner.id);
    const org = await as(world, owner).post('/api/organisations', { name: 'Northside Youth Club', kind: 'partner_agency' });
    expect(org.statusCode, org.body).toBe(201);
    ids.organisation = org.json().data.id;
    const concern = await as(world, owner).post('/api/concerns', { concernFor: 'child', personId: ids.person, whatHappened: 'Seen upset at the session', occurredAt: world.clock.now().toISOString(), immediateRisk: false });
    expect(concern.statusCode, concern.body).toBe(201);
    ids.concern = concern.json().data.id;
    ids.user = owner.id;
    for (const role of ROLES) users.set(role, await makeUser(world, [role]));
    const doc = (await world.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    operations = Object.entries(doc.paths as Record<string, Record<string, { 'x-policy-action': string; responses: Record<string, unknown> }>>)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, action: op['x-policy-action'], documented: Object.keys(op.responses) })))
      .filter((o) => o.action !== 'public')
      // Signing out ends the session the rest of the table uses: it goes last.
      .sort((a, b) => Number(a.path.endsWith('/sign-out')) - Number(b.path.endsWith('/sign-out')) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }, 120_000);
  afterAll(() => world.close());

  /** The path with each parameter replaced by the other team's record of that kind (or an id nothing has). */
  const concrete = (path: string) => {
    const kind = path.startsWith('/api/people') ? 'person' : path.startsWith('/api/cases') ? 'case' : path.startsWith('/api/notes') ? 'note'
      : path.startsWith('/api/organisations') ? 'organisation' : path.startsWith('/api/concerns') ? 'concern' : path.startsWith('/api/users') ? 'user' : '';
    return path.replace(/\{[A-Za-z]+\}|:[A-Za-z]+/g, () => ids[kind] ?? RANDOM_ID);
  };

  const call = (op: Operation, user?: TestUser) => {
    const client = as(world, user);
    const url = concrete(op.path);
    if (op.method === 'GET') return client.get(url);
    if (op.method === 'DELETE') return client.delete(url);
    if (op.method === 'PATCH') return client.patch(url, {});
    if (op.method === 'PUT') return client.put(url, {});
    return client.post(url, {});
  };

  it('3.7 secure-conditions: with no credentials every operation answers 401, and never reveals anything', async () => {
    expect(operations.length).toBeGreaterThan(40);
    for (const op of operations) {
      const res = await call(op);
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
      expect(op.documented, `${op.method} ${op.path}`).toContain('401');
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('3.4 need-to-know: each role is refused (403) exactly where no rule could allow it, never reaches another team\'s record it has no rule for, and nothing answers 5xx', async () => {
    const rows: string[] = [];
    const undocumented: string[] = [];
    for (const op of operations) {
      const cells: string[] = [];
      for (const role of ROLES) {
        const res = await call(op, users.get(role));
        const status = res.statusCode;
        const where = `${role}: ${op.method} ${op.path} (${op.action})`;
        expect(status, where).toBeLessThan(500);
        // issue 9: the served document lists every status the server really answers (it cannot drift again).
        if (!op.documented.includes(String(status))) undocumented.push(`${where}: ${status}`);
        const coarse = decideAction(actorOf(role), op.action as Action);
        if (coarse) {
          expect(status, `${where}: the policy refuses this role outright`).toBe(403);
          expect(res.json().ruleId ?? res.json().decision?.ruleId ?? coarse.ruleId).toBe(coarse.ruleId);
        } else {
          // A role some rule could allow is not refused at the door; a 403 here is a decision on this record, which
          // names its rule and clause (e.g. a manager who sees the person but is on no team their meetings are for).
          if (status === 403) expect(res.json(), `${where}: some rule could allow this role, yet refused without naming the record's rule`).toMatchObject({ rule: expect.any(String), clause: expect.any(String) });
          // Another team's record: a read succeeds only for a role a rule lets reach any such record.
          if (op.method === 'GET' && /[:{]/.test(op.path) && status === 200 && !reachesAnyRecord(role, op.action)) {
            throw new Error(`${where}: read another team's record (200) with no rule that reaches any record`);
          }
        }
        cells.push(String(status));
      }
      rows.push(`| \`${op.method} ${op.path}\` | \`${op.action}\` | ${cells.join(' | ')} |`);
    }
    // issue 9: the served document lists every status the server really answers, so it cannot drift again.
    expect(undocumented, 'answered with a status its OpenAPI responses do not list').toEqual([]);
    if (dialect !== 'sqlite') return;
    const markdown = [
      '# Route × role table',
      '',
      'Generated by `test/integration/access-matrix.test.ts` (run it with `CONFIDE_WRITE_DOCS=1` to refresh this file; the',
      'test fails while this file is out of date). Every operation of the served API, called by a user holding only the',
      'role in the column, who has accepted the policy and is on no team, against the records of another team\'s client',
      '(ids of records that exist). Without credentials every operation answers 401.',
      '',
      '- **403**: no rule gives this role the action (3.4 need to know; the body names the rule and clause).',
      '- **404**: the role may do this in general, but not to this record — missing and forbidden look the same.',
      '- **400/409/412/428**: passed the policy check; the (empty) request was refused for its input or state.',
      '- **200/201**: allowed — a list filtered by need to know, the user\'s own records, or a rule that reaches every',
      '  record of the kind (for example the safeguarding leads and management reading concerns).',
      '',
      `| Operation | Policy action | ${ROLES.join(' | ')} |`,
      `| --- | --- | ${ROLES.map(() => '---').join(' | ')} |`,
      ...rows,
      '',
    ].join('\n');
    if (process.env.CONFIDE_WRITE_DOCS === '1') writeFileSync(DOC, markdown);
    expect(readFileSync(DOC, 'utf8'), 'docs/access-matrix.md is out of date: rerun with CONFIDE_WRITE_DOCS=1').toBe(markdown);
  }, 240_000);

  it('3.4 need-to-know: an id that belongs to nothing is refused like a forbidden one (404), never 200 or 5xx', async () => {
    const manager = await makeUser(world, ['manager']); // the table's users signed out at its end
    for (const op of operations.filter((o) => o.method === 'GET' && /\{id\}|:id/.test(o.path))) {
      const res = await as(world, manager).get(op.path.replace(/\{id\}|:id/, RANDOM_ID).replace(/\{[A-Za-z]+\}|:[A-Za-z]+/g, RANDOM_ID));
      expect([400, 403, 404], `${op.method} ${op.path}`).toContain(res.statusCode); // 400: a required query is checked before the record
    }
  });
});
