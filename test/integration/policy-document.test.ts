import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultPolicy } from '../../src/policy-document/store';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { createWorld, dialects, type World } from '../support/world';

const secondText = readFileSync('test/fixtures/second-policy.md', 'utf8');
const secondMap = JSON.parse(readFileSync('test/fixtures/second-policy-map.json', 'utf8'));

describe.each(dialects())('the organisation\'s policy document (%s)', (dialect) => {
  let world: World;
  let admin: TestUser;
  let staff: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    admin = await makeUser(world, ['administrator']);
    staff = await makeUser(world, ['staff']);
    personId = await makePerson(world);
    await makeCase(world, personId, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('the sample policy is installed as version 1 on first start', async () => {
    const res = await as(world, staff).get('/api/policy/current');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: 1, clauseCount: 35 });
    expect(res.json().acceptedAt).not.toBeNull();
  });

  it('3.6 the sample matrix lists no planned clause and no gap — 2.1 is enforced by the rules that hold every case for a purpose in force — and says so on the first page (json, md)', async () => {
    const m = (await as(world, staff).get('/api/policy/matrix')).json();
    expect(m.summary).toMatchObject({ planned: [], uncovered: [], gaps: [], inPart: ['3.6', '3.7', '5', 'equality-and-diversity'] });
    expect(m.rows.find((r: { clause: string }) => r.clause === '1.3')).toMatchObject({ status: 'enforced', planned: null });
    const authorised = m.rows.find((r: { clause: string }) => r.clause === '2.1');
    expect(authorised).toMatchObject({ status: 'enforced', planned: null, procedural: null });
    expect(authorised.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['purposes/case-purpose-in-force', 'purposes/manager-assigns-case']));
    expect(m.rows.find((r: { clause: string }) => r.clause === '3.1')).toMatchObject({ status: 'enforced', planned: null });
    const md = (await as(world, staff).get('/api/policy/matrix?format=md')).body;
    const firstPage = md.slice(0, md.indexOf('\n## '));
    expect(firstPage).toContain('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
    expect(firstPage).not.toContain('planned, not yet enforced');
  });

  it('3.6 3.7 the sample matrix says they are enforced in part, not enforced: their rules and tests, and the procedural note for what the organisation does (json, md, pdf)', async () => {
    const m = (await as(world, staff).get('/api/policy/matrix')).json();
    const row = (id: string) => m.rows.find((r: { clause: string }) => r.clause === id);
    expect(row('3.6')).toMatchObject({ status: 'in-part', keys: ['management-review'], planned: null, procedural: expect.stringMatching(/Data Protection Act 2018/) });
    expect(row('3.7')).toMatchObject({ status: 'in-part', keys: ['secure-conditions'], planned: null, procedural: expect.stringMatching(/office/) });
    expect(row('3.7').rules.map((r: { id: string }) => r.id)).toEqual(['accounts/self', 'accounts/directory', 'accounts/administer']);
    expect(row('3.7').tests.length).toBeGreaterThan(0);
    expect(m.summary.gaps).not.toContain('3.7');
    expect(m.summary.enforced).toBe(m.rows.filter((r: { status: string }) => r.status === 'enforced').length);
    const md = (await as(world, staff).get('/api/policy/matrix?format=md')).body;
    expect(md).toContain('4 enforced in part (rules and tests for part, a procedural note for the rest)');
    expect(md.slice(md.indexOf('## 3.7\n'))).toMatch(/^## 3\.7\n[\s\S]*?\*\*Status:\*\* in-part/);
    const pdf = pdfPagesText((await as(world, staff).get('/api/policy/matrix?format=pdf')).rawPayload).map((p) => p.replace(/\s+/g, ' '));
    expect(pdf[0]).toMatch(/IN-PART 4 enforced in part/);
    expect(pdf[0]).toContain('3.6, 3.7, 5, equality and diversity.');
  });

  it('3.6 3.7 a database on the sample map an earlier release stored is given their notes at its next start, in place and audited; a second start changes nothing; an organisation\'s own note or mapping is kept', async () => {
    const db = world.services.db.kysely;
    const stored = await db.selectFrom('policy_documents').selectAll().where('version', '=', 1).executeTakeFirstOrThrow();
    const current = JSON.parse(stored.clause_map);
    const setMap = (map: unknown) => db.updateTable('policy_documents').set({ clause_map: JSON.stringify(map) }).where('id', '=', stored.id).execute();
    const readMap = async () => JSON.parse((await db.selectFrom('policy_documents').select('clause_map').where('id', '=', stored.id).executeTakeFirstOrThrow()).clause_map);
    const status = async (id: string) => (await as(world, staff).get('/api/policy/matrix')).json().rows.find((r: { clause: string }) => r.clause === id).status;
    const added = async () => (await auditRows(world)).filter((r) => r.action === 'policy.load' && r.resource_id === stored.id && JSON.parse(r.detail ?? '{}').notesAdded);
    try {
      // The release before: no note for 3.6, 3.7, 5 or equality and diversity (and, older still, no planned notes).
      const earlier = structuredClone(current);
      for (const id of ['3.6', '3.7', '5', 'equality-and-diversity']) delete earlier.procedural[id];
      delete earlier.planned;
      await setMap(earlier);
      expect(await status('3.7')).toBe('enforced');

      await installDefaultPolicy(world.services);
      expect((await readMap()).procedural).toEqual(current.procedural);
      expect(await status('3.7')).toBe('in-part');
      expect(await status('3.6')).toBe('in-part');
      expect((await as(world, staff).get('/api/policy/current')).json()).toMatchObject({ version: 1 }); // no new version to accept
      const entries = await added();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actor_id: 'system', decision: 'change', rule_id: 'accounts/administer', clause: '3.7', resource_type: 'policy' });
      expect(JSON.parse(entries[0].detail!)).toEqual({ version: 1, notesAdded: ['3.6', '3.7', '5', 'equality-and-diversity'] });

      await installDefaultPolicy(world.services);
      expect(await added()).toHaveLength(1);

      // An organisation's own note for 3.7 stays; 3.6 mapped to other keys than the sample's gets no note of ours.
      const own = structuredClone(current);
      own.procedural['3.7'] = 'Our own office rules, kept by the office manager.';
      delete own.procedural['3.6'];
      own.keys['management-review'] = ['monitoring-and-review'];
      own.keys['justify-purpose'] = [...own.keys['justify-purpose'], '3.6'];
      await setMap(own);
      await installDefaultPolicy(world.services);
      expect(await readMap()).toEqual(own);
      expect(await added()).toHaveLength(1);
    } finally {
      await setMap(current);
    }
  });

  it('3.5 staff-awareness: only administrators load a policy', async () => {
    const res = await as(world, staff).post('/api/policy/documents', { title: 'x', text: secondText, clauseMap: secondMap });
    expect(res.statusCode).toBe(403);
  });

  it('rejects bad policy input naming the field, and writes nothing', async () => {
    const empty = await as(world, admin).post('/api/policy/documents', { title: 'x', text: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].path).toBe('body.text');
    const noClauses = await as(world, admin).post('/api/policy/documents', { title: 'x', text: 'no structure here at all' });
    expect(noClauses.json().errors[0].path).toBe('body.text');
    const badKey = await as(world, admin).post('/api/policy/documents', { title: 'x', text: secondText, clauseMap: { keys: { bogus: ['1.1'] }, procedural: {} } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().errors[0].path).toBe('body.clauseMap.keys.bogus');
    const badClause = await as(world, admin).post('/api/policy/documents', { title: 'x', text: secondText, clauseMap: { keys: { 'need-to-know': ['9.9'] }, procedural: {} } });
    expect(badClause.json().errors[0].path).toBe('body.clauseMap.keys.need-to-know.0');
    const list = await as(world, admin).get('/api/policy/documents');
    expect(list.json().items).toHaveLength(1);
  });

  it('3.5 staff-awareness: someone who has not accepted yet may still read the policy they are asked to accept', async () => {
    const newcomer = await makeUser(world, ['volunteer'], { accepted: false });
    const current = await as(world, newcomer).get('/api/policy/current');
    expect(current.statusCode).toBe(200);
    expect(current.json()).toMatchObject({ version: 1, acceptedAt: null });
    expect(current.json().clauses.map((c: { id: string }) => c.id)).toContain('practice 4.1');
    expect((await as(world, newcomer).get('/api/people')).statusCode).toBe(403);
    const accepted = await as(world, newcomer).post('/api/policy/accept', { version: 1 });
    expect(accepted.statusCode).toBe(200);
    expect((await as(world, newcomer).get('/api/people')).statusCode).toBe(200);
  });

  it('one version in full with its clause map; a missing version is 404 and a bad one 400', async () => {
    const one = await as(world, staff).get('/api/policy/documents/1');
    expect(one.statusCode).toBe(200);
    expect(one.json().clauseMap.keys['need-to-know']).toEqual(['3.3', '3.4', '4.2']);
    expect(one.json().clauseMap.procedural['2.4']).toMatch(/Rationale/);
    expect(one.json().clauseMap.keys['no-sale-or-bulk']).toEqual(['2.2']);
    expect((await as(world, staff).get('/api/policy/documents/99')).statusCode).toBe(404);
    const bad = await as(world, staff).get('/api/policy/documents/latest');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('params.version');
  });

  it('3.5 staff-awareness: a new version must be accepted before confidential records show again, and decisions cite its numbers', async () => {
    const loaded = await as(world, admin).post('/api/policy/documents', { title: 'Harbour policy', text: secondText, clauseMap: secondMap });
    expect(loaded.statusCode).toBe(201);
    expect(loaded.json().version).toBe(2);
    // The answer tells the administrator what the new map leaves uncovered: no clause, but three rule keys this
    // shorter policy has no clause for (decisions under them cite the key itself).
    expect(loaded.json().coverage).toEqual({ gaps: [], planned: [], uncovered: [], unmappedKeys: ['authorised-use', 'breach-handling', 'consent-by-trained-staff', 'disclosure-exception', 'equality-monitoring', 'first-contact-notice', 'informed-consent', 'justify-purpose', 'management-review', 'no-organisation-data', 'no-sale-or-bulk', 'no-surprises', 'purpose-register', 'secure-conditions', 'sharing-agreements', 'third-party-disclosure', 'third-party-meetings'] });

    const blocked = await as(world, staff).get(`/api/people/${personId}`);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ rule: 'agreement/not-accepted', clause: '4.1' });
    expect(blocked.json().detail).toMatch(/accept the current confidentiality policy/i);
    expect((await as(world, staff).get('/api/people')).statusCode).toBe(403);

    const old = await as(world, staff).post('/api/policy/accept', { version: 1 });
    expect(old.statusCode).toBe(409);
    expect(old.json().errors[0].path).toBe('body.version');

    const accepted = await as(world, staff).post('/api/policy/accept', { version: 2 });
    expect(accepted.statusCode).toBe(200);
    const open = await as(world, staff).get(`/api/people/${personId}`);
    expect(open.statusCode).toBe(200);

    const again = await as(world, staff).post('/api/policy/accept', { version: 2 });
    expect(again.json().acceptedAt).toBe(accepted.json().acceptedAt);
    const rows = await auditRows(world);
    expect(rows.some((r) => r.action === 'policy.load' && r.decision === 'change')).toBe(true);
    expect(rows.filter((r) => r.action === 'policy.accept' && r.actor_id === staff.id)).toHaveLength(1);
  });

  it('the traceability matrix lists every clause of the current policy (json, md, pdf)', async () => {
    const json = await as(world, staff).get('/api/policy/matrix');
    expect(json.statusCode).toBe(200);
    const m = json.json();
    expect(m.rows.map((r: { clause: string }) => r.clause)).toEqual(['1', '1.1', '2', '2.1', '2.2', '2.3', '3', '3.1', '3.2', '4', '4.1']);
    const s22 = m.rows.find((r: { clause: string }) => r.clause === '2.2');
    expect(s22.rules.map((r: { id: string }) => r.id)).toContain('session/staff-team-only');
    const md = await as(world, staff).get('/api/policy/matrix?format=md');
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body).toContain('## 2.2');
    const pdf = await as(world, staff).get('/api/policy/matrix?format=pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const bad = await as(world, staff).get('/api/policy/matrix?format=doc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.format');
  });
});
