import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventRow } from '../../src/db/schema';
import { as, casePurpose, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * The audit trail is the proof the organisation relies on: each entry names the action that was attempted, the rule
 * and clause that decided, and the record (1.1, practice 4.3). These tests assert the entries a request writes.
 */
describe.each(dialects())('audit entries say exactly what happened (%s)', (dialect) => {
  let world: World;
  let manager: TestUser;
  let teamStaff: TestUser;
  let teamVolunteer: TestUser;
  let personId: string;
  let caseId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 24 * 60, breakGlassMinutes: 30 });
    manager = await makeUser(world, ['manager']);
    teamStaff = await makeUser(world, ['staff']);
    teamVolunteer = await makeUser(world, ['volunteer']);
    personId = await makePerson(world, { familyName: 'Okonkwo' });
    caseId = await makeCase(world, personId, { [teamStaff.id]: 'lead', [teamVolunteer.id]: 'volunteer' });
    noteId = await makeNote(world, caseId, teamStaff.id);
  });
  afterAll(() => world.close());

  /** The audit entries written while `run` ran, oldest first. */
  async function entriesOf(run: () => Promise<unknown>): Promise<AuditEventRow[]> {
    const db = world.services.db.kysely;
    const head = await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    await run();
    return db.selectFrom('audit_events').selectAll().where('seq', '>', Number(head?.seq ?? 0)).orderBy('seq').execute();
  }
  const shape = (r: AuditEventRow) => ({ action: r.action, decision: r.decision, rule: r.rule_id, clause: r.clause, type: r.resource_type, id: r.resource_id });

  /** An approved access request for `user` on a record, at `classifications`, for `hours`. */
  async function approvedGrant(user: TestUser, resourceType: 'person' | 'case', resourceId: string, classifications: string[], hours = 8) {
    const asked = await as(world, user).post('/api/access/requests', { resourceType, resourceId, classifications, reason: 'Covering for a colleague this week', hours });
    const approved = await as(world, manager).post(`/api/access/requests/${asked.json().id}/approve`, { hours });
    expect(approved.statusCode).toBe(200);
    return approved.json() as { id: string; expiresAt: string };
  }

  it('practice 4.3 break-glass-review: reads under a break-glass are audited under break-glass/emergency-access, not as an approved grant', async () => {
    const staff = await makeUser(world, ['staff']);
    await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'Client collapsed at the session, need contacts now' });
    const entries = await entriesOf(async () => expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200));
    expect(entries.map(shape)).toEqual([
      { action: 'person.read', decision: 'allow', rule: 'break-glass/emergency-access', clause: 'practice 4.2, practice 4.3', type: 'person', id: personId },
    ]);
    expect(JSON.parse(entries[0].detail).fields).toContain('safeguardingNotes');
    expect(entries[0].subject_person_id).toBe(personId);
  });

  it('3.4 need-to-know need-to-know/access-grant: reads under an approved request are audited under the grant rule, not break-glass', async () => {
    const staff = await makeUser(world, ['staff']);
    await approvedGrant(staff, 'person', personId, ['personal']);
    const entries = await entriesOf(() => as(world, staff).get(`/api/people/${personId}`));
    expect(entries.map(shape)).toEqual([
      { action: 'person.read', decision: 'allow', rule: 'need-to-know/access-grant', clause: '3.3, 3.4, 4.2', type: 'person', id: personId },
    ]);
    expect(JSON.parse(entries[0].detail)).toEqual({ fields: ['dateOfBirth', 'email', 'phone', 'address'], classes: ['personal'] });
  });

  it('practice 4.2 break-glass-review: a break-glass on a person opens their cases, notes and attachments — also a case opened during the emergency', async () => {
    const staff = await makeUser(world, ['staff']);
    expect((await as(world, staff).get(`/api/notes/${noteId}`)).statusCode).toBe(404);
    await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'Client collapsed at the session, need the risk notes' });
    const cases = (await as(world, staff).get(`/api/people/${personId}/cases`)).json().items.map((c: { id: string }) => c.id);
    expect(cases).toContain(caseId);
    const entries = await entriesOf(async () => {
      const note = await as(world, staff).get(`/api/notes/${noteId}`);
      expect(note.statusCode).toBe(200);
      expect(note.json().data.body).toBe('talked about drumming and home');
    });
    expect(entries.map(shape)).toEqual([
      { action: 'note.read', decision: 'allow', rule: 'break-glass/emergency-access', clause: 'practice 4.2, practice 4.3', type: 'note', id: noteId },
    ]);
    // 2.1: a read of what is filed under a case names the purpose the case is held for.
    expect(JSON.parse(entries[0].detail)).toEqual({ fields: ['body'], classes: ['session'], purposeId: await casePurpose(world) });
    // A case opened for the person while the emergency lasts is covered from the next request (the access epoch moves).
    const later = await makeCase(world, personId, { [manager.id]: 'lead' });
    expect((await as(world, staff).get(`/api/cases/${later}`)).json().data.riskNotes).toBe('none known');
  });

  it('3.4 need-to-know: an approved request on a person opens the person only — their notes stay closed (deny; session notes are not even asked for on a person)', async () => {
    const staff = await makeUser(world, ['staff']);
    await approvedGrant(staff, 'person', personId, ['personal', 'special', 'safeguarding']);
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/people/${personId}/cases`)).json().items).toEqual([]);
    const entries = await entriesOf(async () => expect((await as(world, staff).get(`/api/notes/${noteId}`)).statusCode).toBe(404));
    expect(entries.map(shape)).toEqual([{ action: 'note.read', decision: 'deny', rule: 'default/deny', clause: '3.3, 3.4, 4.2', type: 'note', id: noteId }]);
  });

  it('3.4 need-to-know: a refused PATCH on a record the actor cannot see is audited as the update that was attempted', async () => {
    const outsider = await makeUser(world, ['staff']);
    const entries = await entriesOf(async () => {
      const res = await as(world, outsider).patch(`/api/people/${personId}`, { preferredName: 'Changed' }, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(404);
    });
    expect(entries.map(shape)).toEqual([{ action: 'person.update', decision: 'deny', rule: 'default/deny', clause: '3.3, 3.4, 4.2', type: 'person', id: personId }]);
    expect(JSON.parse(entries[0].detail)).toEqual({ visible: false });
    const notes = await entriesOf(async () => expect((await as(world, outsider).patch(`/api/notes/${noteId}`, { title: 'x' }, { 'if-match': '"1"' })).statusCode).toBe(404));
    expect(notes.map(shape)).toEqual([{ action: 'note.update', decision: 'deny', rule: 'default/deny', clause: '3.3, 3.4, 4.2', type: 'note', id: noteId }]);
  });

  it('3.4 need-to-know: an allowed PATCH records the change, and no read of fields nobody was shown before it', async () => {
    const entries = await entriesOf(async () => {
      const res = await as(world, teamStaff).patch(`/api/people/${personId}`, { preferredName: 'Oko' }, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(200);
    });
    expect(entries.map((r) => `${r.action} ${r.decision}`)).toEqual(['person.update change', 'person.read allow']); // the change, then the answer shown
    expect(shape(entries[1])).toMatchObject({ rule: 'need-to-know/case-team', id: personId });
  });

  it('3.5 staff-awareness agreement/not-accepted: an agreement-gate denial names the record that was asked for', async () => {
    const unaccepted = await makeUser(world, ['staff'], { accepted: false });
    const person = await entriesOf(async () => expect((await as(world, unaccepted).get(`/api/people/${personId}`)).statusCode).toBe(403));
    expect(person.map(shape)).toEqual([{ action: 'person.read', decision: 'deny', rule: 'agreement/not-accepted', clause: '3.5, practice 3', type: 'person', id: personId }]);
    expect(JSON.parse(person[0].detail)).toEqual({ route: '/api/people/:id' });
    const notes = await entriesOf(() => as(world, unaccepted).get(`/api/cases/${caseId}/notes`));
    expect(notes.map(shape)).toEqual([{ action: 'note.read', decision: 'deny', rule: 'agreement/not-accepted', clause: '3.5, practice 3', type: 'case', id: caseId }]);
    // A route that names no record, and an id not of the API's form, record none.
    const list = await entriesOf(() => as(world, unaccepted).get('/api/people'));
    expect(shape(list[0])).toMatchObject({ rule: 'agreement/not-accepted', type: null, id: null });
    const junk = await entriesOf(() => as(world, unaccepted).get('/api/people/not-an-id'));
    expect(junk.map((r) => [r.resource_type, r.resource_id])).toEqual([[null, null]]);
  });

  it('1.1 audit: a role refused at the policy gate, before the record is read, is audited with the record the route names — a disclosure, an agreement, a referral, a meeting, a concern', async () => {
    const student = await makeUser(world, ['student']);
    const id = '01a23bb7-5997-7000-89f3-6fee62f204b0'; // the gate refuses before looking: any id of ours is named as asked
    const cases: [string, string, string, string][] = [
      ['post', `/api/disclosures/${id}/release`, 'disclosure.release', 'disclosure'],
      ['post', `/api/agreements/${id}/terminate`, 'agreement.manage', 'agreement'],
      ['post', `/api/referrals/${id}/approval`, 'disclosure.approve', 'referral'],
      ['get', `/api/meetings/${id}`, 'meeting.read', 'meeting'],
      ['get', `/api/concerns/${id}/chronology`, 'concern.work', 'concern'],
    ];
    for (const [method, url, action, type] of cases) {
      const entries = await entriesOf(async () => {
        const res = method === 'get' ? await as(world, student).get(url) : await as(world, student).post(url, {});
        expect([403, 404], url).toContain(res.statusCode);
      });
      expect(entries.map(shape), url).toEqual([expect.objectContaining({ action, decision: 'deny', type, id })]);
    }
  });

  it('3.4 need-to-know need-to-know/case-team-volunteer: opening a record that shows general fields only is audited', async () => {
    const entries = await entriesOf(async () => {
      const res = await as(world, teamVolunteer).get(`/api/people/${personId}`);
      expect(res.json().restricted.length).toBeGreaterThan(0);
    });
    expect(entries.map(shape)).toEqual([
      { action: 'person.read', decision: 'allow', rule: 'need-to-know/case-team-volunteer', clause: '3.3, 3.4, 4.2', type: 'person', id: personId },
    ]);
    expect(JSON.parse(entries[0].detail)).toEqual({ fields: [], classes: [] });
  });

  it('3.4 need-to-know: each list and search writes one entry with the terms\' length and the number of results, never the terms', async () => {
    const search = await entriesOf(async () => expect((await as(world, teamStaff).get('/api/people?q=okon')).json().items).toHaveLength(1));
    expect(search.map(shape)).toEqual([{ action: 'person.read', decision: 'allow', rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2', type: 'person', id: null }]);
    const detail = JSON.parse(search[0].detail);
    expect(detail).toMatchObject({ list: 'person', results: 1, termsLength: 4 });
    expect(detail.rules).toEqual(['need-to-know/case-team', 'break-glass/emergency-access', 'need-to-know/access-grant']);
    expect(search[0].detail.toLowerCase()).not.toContain('okon');

    const notes = await entriesOf(() => as(world, teamStaff).get(`/api/cases/${caseId}/notes`));
    expect(notes.map(shape)).toEqual([{ action: 'note.read', decision: 'allow', rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2', type: 'case', id: caseId }]);
    expect(JSON.parse(notes[0].detail)).toMatchObject({ list: 'note', results: 1 });
    expect(notes[0].subject_person_id).toBe(personId);

    // A manager's list is filtered by oversight; an organisation search too records its terms' length only.
    const orgs = await entriesOf(() => as(world, manager).get('/api/organisations?q=harbour'));
    expect(orgs.map(shape)).toEqual([{ action: 'organisation.read', decision: 'allow', rule: 'organisations/directory', clause: '3.3, 3.4, 4.2', type: 'organisation', id: null }]);
    expect(JSON.parse(orgs[0].detail)).toMatchObject({ results: 0, termsLength: 7 });
  });

  it('3.4 need-to-know: an expired grant lists as expired, not approved, and can no longer be revoked', async () => {
    const staff = await makeUser(world, ['staff']);
    const grant = await approvedGrant(staff, 'case', caseId, ['personal'], 1);
    const mine = async (status = '') => (await as(world, staff).get(`/api/access/grants?mine=true${status}`)).json().items.filter((g: { id: string }) => g.id === grant.id);
    expect(await mine()).toMatchObject([{ status: 'approved' }]);
    world.clock.advance(61 * 60_000);
    expect(await mine()).toMatchObject([{ status: 'expired', expiresAt: grant.expiresAt }]);
    expect(await mine('&status=approved')).toEqual([]);
    expect(await mine('&status=expired')).toHaveLength(1);
    const revoke = await as(world, manager).post(`/api/access/grants/${grant.id}/revoke`, {});
    expect(revoke.statusCode).toBe(409);
    expect(revoke.json().detail).toContain('expired');
  });

  it('3.4 need-to-know: a field the grant does not cover says so, not that the reader is off the case team', async () => {
    const staff = await makeUser(world, ['staff']);
    await approvedGrant(staff, 'person', personId, ['personal', 'special']);
    const res = await as(world, staff).get(`/api/people/${personId}`);
    expect(res.json().data.healthNotes).toBe('asthma');
    expect(res.json().restricted).toEqual([
      { field: 'safeguardingNotes', classification: 'safeguarding', reason: 'Your access grant does not cover safeguarding information — request access.' },
    ]);
  });
});
