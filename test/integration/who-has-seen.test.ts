import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

interface LogItem {
  seq: number;
  at: string;
  actor: { id: string; username: string } | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  decision: string;
  rule: string | null;
  clause: string | null;
  fields: string[];
  list: string | null;
  rulesByClass: Array<{ classification: string; rule: string; why: string | null; clause: string | null; fields: string[] }>;
}

describe.each(dialects())('who has seen this record (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let volunteer: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  let personId: string;
  let otherPersonId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    personId = await makePerson(world, { healthNotes: 'brittle asthma', safeguardingNotes: 'known to social care' });
    otherPersonId = await makePerson(world);
    const caseId = await makeCase(world, personId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    await makeCase(world, otherPersonId, { [staff.id]: 'lead' });
    noteId = await makeNote(world, caseId, staff.id, 'spoke about the court date');
  });
  afterAll(() => world.close());

  const log = async (user: TestUser, id = personId, query = '') => as(world, user).get(`/api/people/${id}/access-log${query}`);
  const items = async (user: TestUser, id = personId) => (await log(user, id, '?limit=200')).json().items as LogItem[];

  it('3.1 justify-purpose: a manager sees who read the person and which fields, never the values', async () => {
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200);
    const res = await log(manager);
    expect(res.statusCode).toBe(200);
    const read = (res.json().items as LogItem[]).find((i) => i.action === 'person.read' && i.actor?.id === staff.id);
    expect(read).toMatchObject({ actor: { username: staff.username }, decision: 'allow', resourceType: 'person', resourceId: personId, rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' });
    expect(read!.fields).toEqual(expect.arrayContaining(['dateOfBirth', 'healthNotes']));
    expect(read!.fields).not.toContain('safeguardingNotes');
    expect(typeof read!.at).toBe('string');
    const text = JSON.stringify(res.json());
    expect(text).not.toContain('brittle asthma');
    expect(text).not.toContain('known to social care');
  });

  it('practice 2 session-staff-team-only: reads of session notes on the person\'s cases are listed under the person', async () => {
    expect((await as(world, staff).get(`/api/notes/${noteId}`)).statusCode).toBe(200);
    const read = (await items(guardian)).find((i) => i.action === 'note.read' && i.resourceId === noteId);
    expect(read?.actor?.id).toBe(staff.id);
    expect(JSON.stringify(await items(guardian))).not.toContain('court date');
  });

  it('practice 4.2 break-glass-review, 1.1: a record opened partly under emergency access names the break-glass rule for the class it opened, with its fields, reason and clause', async () => {
    const responder = await makeUser(world, ['staff']);
    const someone = await makePerson(world, { safeguardingNotes: 'subject of a child protection plan' });
    const caseId = await makeCase(world, someone, { [responder.id]: 'lead' });
    const opened = await as(world, responder).post('/api/access/break-glass', { resourceType: 'person', resourceId: someone, reason: 'She rang in distress and cannot go home tonight' });
    expect(opened.statusCode, opened.body).toBe(201);
    expect((await as(world, responder).get(`/api/people/${someone}`)).json().data.safeguardingNotes).toBe('subject of a child protection plan');
    expect((await as(world, responder).get(`/api/cases/${caseId}`)).statusCode).toBe(200);
    const list = await items(manager, someone);
    const open = list.find((i) => i.action === 'breakglass.open')!;
    const read = list.find((i) => i.action === 'person.read' && i.actor?.id === responder.id)!;
    // The case team opened the record; the safeguarding notes were shown only because of the emergency access.
    expect(read).toMatchObject({ decision: 'allow', rule: 'need-to-know/case-team', list: null });
    expect(read.fields).toContain('safeguardingNotes');
    expect(read.rulesByClass).toEqual([{
      classification: 'safeguarding', rule: 'break-glass/emergency-access', why: 'They opened it with emergency (break-glass) access; a manager reviews every use.',
      clause: open.clause, fields: ['safeguardingNotes'],
    }]);
    const caseRead = list.find((i) => i.action === 'case.read' && i.resourceId === caseId)!;
    expect(caseRead.rulesByClass).toEqual([expect.objectContaining({ classification: 'safeguarding', rule: 'break-glass/emergency-access', fields: ['riskNotes'] })]);
    // Opened under one rule alone, an entry names no other.
    expect(open.rulesByClass).toEqual([]);
    expect(JSON.stringify(list)).not.toContain('child protection plan');
  });

  it('3.1 justify-purpose: each entry says what was read — a list of the person\'s cases, consents or a case\'s notes, or one record opened', async () => {
    const caseId = (await as(world, staff).get(`/api/people/${personId}/cases`)).json().items[0].id as string;
    expect((await as(world, staff).get(`/api/cases/${caseId}`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/cases/${caseId}/notes`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/people/${personId}/consents`)).statusCode).toBe(200);
    const mine = (await items(manager)).filter((i) => i.actor?.id === staff.id);
    const latest = (action: string, list: string | null) => mine.find((i) => i.action === action && i.list === list);
    expect(latest('case.read', 'case')).toMatchObject({ resourceType: 'person', resourceId: personId });
    expect(latest('case.read', null)).toMatchObject({ resourceType: 'case', resourceId: caseId });
    expect(latest('note.read', 'note')).toMatchObject({ resourceType: 'case', resourceId: caseId });
    expect(latest('consent.read', 'consent')).toMatchObject({ resourceType: 'person', resourceId: personId });
    expect(latest('person.read', null)).toMatchObject({ resourceType: 'person', resourceId: personId });
  });

  it('3.4 need-to-know: attempts by someone off the team are listed as denials', async () => {
    expect((await as(world, outsider).get(`/api/people/${personId}`)).statusCode).toBe(404);
    const denied = (await items(manager)).find((i) => i.actor?.id === outsider.id && i.action === 'person.read');
    expect(denied).toMatchObject({ decision: 'deny', rule: 'default/deny' });
  });

  it('practice 4.1 safeguarding-management: safeguarding work on the person is listed to management, never to the guardian, who may not know a concern exists', async () => {
    const raised = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personId, whatHappened: 'Said that an adult at home hurt them', occurredAt: world.clock.now().toISOString(),
      peopleInvolved: 'the child', immediateRisk: false, actionsTaken: 'Listened; told the lead',
    });
    expect(raised.statusCode, raised.body).toBe(201);
    const concernId = raised.json().data.id as string;
    expect((await as(world, manager).post(`/api/concerns/${concernId}/acknowledge`, {})).statusCode).toBe(200);
    expect((await as(world, guardian).get(`/api/concerns/${concernId}`)).statusCode).toBe(404);
    const work = (list: LogItem[]) => list.filter((i) => i.resourceType === 'concern' || i.resourceId === concernId);
    expect(work(await items(manager)).map((i) => i.action)).toEqual(expect.arrayContaining(['concern.raise', 'concern.acknowledge']));
    const guardianView = await items(guardian);
    expect(work(guardianView)).toEqual([]);
    expect(JSON.stringify(guardianView)).not.toContain(concernId);
    expect(guardianView.length).toBeGreaterThan(0); // the rest of the log is still theirs to see
    const own = (await auditRows(world)).at(-1)!;
    expect(own).toMatchObject({ action: 'audit.read', decision: 'allow', actor_id: guardian.id, resource_id: personId });
  });

  it('3.1 justify-purpose: the log is about one person only', async () => {
    await as(world, staff).get(`/api/people/${otherPersonId}`);
    const mine = await items(manager);
    expect(mine.every((i) => i.resourceId !== otherPersonId)).toBe(true);
    const theirs = await items(manager, otherPersonId);
    expect(theirs.some((i) => i.action === 'person.read' && i.resourceId === otherPersonId)).toBe(true);
    expect(theirs.some((i) => i.resourceId === personId)).toBe(false);
  });

  it('3.1 justify-purpose: reading the log is itself audited and shows in the log', async () => {
    await log(guardian);
    const rows = await auditRows(world);
    const entry = rows.filter((r) => r.action === 'audit.read' && r.actor_id === guardian.id && r.subject_person_id === personId).at(-1);
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'explain/oversight', clause: '3.1, monitoring-and-review' });
    expect((await items(manager)).some((i) => i.action === 'audit.read' && i.actor?.id === guardian.id)).toBe(true);
  });

  it('3.1 justify-purpose: the log pages by audit sequence, newest first, without gaps or repeats', async () => {
    for (let i = 0; i < 3; i += 1) await as(world, staff).get(`/api/people/${personId}`);
    const all = (await items(manager)).map((i) => i.seq);
    expect(all).toEqual([...all].sort((a, b) => b - a));
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await log(manager, personId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: LogItem[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.seq));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    // Each page read adds its own audit.read entry above the first page, so every seq listed before is found.
    expect(seen).toEqual([...new Set(seen)]);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(all.every((s) => seen.includes(s))).toBe(true);
  });

  it('3.1 justify-purpose: staff and volunteers on the team may not read the log (403); an unknown person is 404; bad input is 400', async () => {
    for (const user of [staff, volunteer, outsider]) expect((await log(user)).statusCode).toBe(403);
    const denial = (await auditRows(world)).filter((r) => r.action === 'audit.read' && r.actor_id === staff.id);
    expect(denial.at(-1)?.decision).toBe('deny');
    expect((await log(manager, '01900000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    const badCursor = await log(manager, personId, '?cursor=bm90LWEtY3Vyc29y');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().errors[0].path).toBe('query.cursor');
    // A well-formed cursor that does not hold a sequence number is refused too, not sent to the database.
    const notSeq = await log(manager, personId, `?cursor=${Buffer.from(JSON.stringify(['x'])).toString('base64url')}`);
    expect(notSeq.statusCode).toBe(400);
    expect((await log(manager, personId, '?limit=0')).statusCode).toBe(400);
    expect((await log(manager, personId, '?extra=1')).statusCode).toBe(400);
  });
});
