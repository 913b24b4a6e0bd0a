import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// What a record's `can` says the caller may do must be what the API then does: each flag is checked against the
// action itself, allowed and refused, so the web app can offer exactly what will work (it never decides access).
describe.each(dialects())('what the caller may do with a record (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let volunteer: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  let personId: string;
  let caseId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    personId = await makePerson(world);
    caseId = await makeCase(world, personId, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    noteId = await makeNote(world, caseId, staff.id);
  });
  afterAll(() => world.close());

  const can = async (user: TestUser, url: string) => (await as(world, user).get(url)).json().can;

  it('3.4 need-to-know: staff on the team may edit the fields they may write (not safeguarding), add notes and open cases', async () => {
    const person = await can(staff, `/api/people/${personId}`);
    expect(person.edit).toEqual(expect.arrayContaining(['givenName', 'familyName', 'dateOfBirth', 'healthNotes']));
    expect(person.edit).not.toContain('safeguardingNotes');
    expect(person).toMatchObject({ openCase: true, requestAccess: true, breakGlass: true, seeAccessLog: false, archive: false });
    const kase = await can(staff, `/api/cases/${caseId}`);
    expect(kase).toMatchObject({ addNote: true, addAttachment: true, manageTeam: false });
    expect(kase.edit).not.toContain('riskNotes');
    expect((await can(staff, `/api/notes/${noteId}`)).edit).toEqual(expect.arrayContaining(['title', 'body']));

    // …and the API does what the flags said: the note and the edit are accepted, the safeguarding edit refused.
    const etag = (await as(world, staff).get(`/api/people/${personId}`)).headers.etag as string;
    expect((await as(world, staff).patch(`/api/people/${personId}`, { pronouns: 'she/her' }, { 'if-match': etag })).statusCode).toBe(200);
    const etag2 = (await as(world, staff).get(`/api/people/${personId}`)).headers.etag as string;
    const refused = await as(world, staff).patch(`/api/people/${personId}`, { safeguardingNotes: 'x' }, { 'if-match': etag2 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().clause).toBeTruthy();
    expect((await as(world, staff).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'Drums', body: 'fills' })).statusCode).toBe(201);
  });

  it('3.4 need-to-know: a volunteer on the team may change nothing, add no notes, and may ask for access but not break the glass', async () => {
    const person = await can(volunteer, `/api/people/${personId}`);
    expect(person).toMatchObject({ edit: [], openCase: false, requestAccess: true, breakGlass: false, seeAccessLog: false });
    expect(await can(volunteer, `/api/cases/${caseId}`)).toMatchObject({ edit: [], addNote: false, addAttachment: false });
    // …and the API refuses what the flags refused.
    expect((await as(world, volunteer).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y' })).statusCode).toBe(403);
    expect((await as(world, volunteer).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason: 'an emergency that is long enough' })).statusCode).toBe(403);
  });

  it('practice 4.1 safeguarding-management: a manager off the team may edit safeguarding fields and see who has seen it, but adds no notes', async () => {
    const person = await can(manager, `/api/people/${personId}`);
    expect(person.edit).toContain('safeguardingNotes');
    expect(person).toMatchObject({ seeAccessLog: true, archive: true });
    expect(await can(manager, `/api/cases/${caseId}`)).toMatchObject({ addNote: false, manageTeam: true });
    expect((await as(world, manager).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y' })).statusCode).toBe(403);
    expect((await as(world, manager).get(`/api/people/${personId}/access-log`)).statusCode).toBe(200);
  });

  it('4.1 informed-consent: staff on the team may record first contact and consent; a volunteer on the team may only withdraw — and the API agrees', async () => {
    expect(await can(staff, `/api/people/${personId}`)).toMatchObject({ inform: true, recordConsent: true, withdrawConsent: true, printConsentReceipt: true });
    expect(await can(volunteer, `/api/people/${personId}`)).toMatchObject({ recordConsent: false, withdrawConsent: true, printConsentReceipt: false });
    expect(await can(guardian, `/api/people/${personId}`)).toMatchObject({ inform: false, recordConsent: false, withdrawConsent: false, printConsentReceipt: false });
    // The API refuses the consent the flag refused: 403 with the rule's clause, before any purpose is looked up.
    const refused = await as(world, volunteer).post(`/api/people/${personId}/consents`, {
      purposeId: '00000000-0000-7000-8000-000000000000', decision: 'given', recipients: [{ kind: 'internal' }], dataCategories: ['general'],
      told: { why: 'w', withWhom: 'w', consequences: 'c', serviceImpact: 's' }, method: { kind: 'oral', attestation: 'a' }, givenBy: { kind: 'person' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().clause).toBeTruthy();
  });

  it('4.3 third-party-disclosure: staff on the team may ask for a disclosure; a volunteer and the guardian may only see the register — and the API agrees', async () => {
    expect(await can(staff, `/api/people/${personId}`)).toMatchObject({ requestDisclosure: true, seeDisclosures: true });
    expect(await can(volunteer, `/api/people/${personId}`)).toMatchObject({ requestDisclosure: false, seeDisclosures: true });
    expect(await can(guardian, `/api/people/${personId}`)).toMatchObject({ requestDisclosure: false, seeDisclosures: true });
    const body = { personIds: [personId], recipient: { organisationId: '00000000-0000-7000-8000-000000000000', name: 'A', role: 'B' }, purposeId: '00000000-0000-7000-8000-000000000000', reason: 'r', items: { personFields: ['givenName'] } };
    const refused = await as(world, volunteer).post('/api/disclosures', body);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().clause).toBeTruthy();
    expect((await as(world, volunteer).get(`/api/people/${personId}/disclosures`)).statusCode).toBe(200);
  });

  it('4.1 no-surprises: staff on the team and managers may read and prepare "how your information is used"; the guardian may read it, not prepare the copy handed over (3.1 information-use/guardian-review); a volunteer neither — and the API agrees', async () => {
    expect(await can(staff, `/api/people/${personId}`)).toMatchObject({ readInformationUse: true, prepareInformationUse: true });
    expect(await can(manager, `/api/people/${personId}`)).toMatchObject({ readInformationUse: true, prepareInformationUse: true });
    expect(await can(volunteer, `/api/people/${personId}`)).toMatchObject({ readInformationUse: false, prepareInformationUse: false });
    expect(await can(guardian, `/api/people/${personId}`)).toMatchObject({ readInformationUse: true, prepareInformationUse: false });
    for (const u of [staff, manager]) {
      expect((await as(world, u).get(`/api/people/${personId}/information-use`)).statusCode).toBe(200);
      expect((await as(world, u).get(`/api/people/${personId}/information-use.pdf`)).statusCode).toBe(200);
    }
    expect((await as(world, volunteer).get(`/api/people/${personId}/information-use`)).statusCode).toBe(403);
    expect((await as(world, guardian).get(`/api/people/${personId}/information-use`)).statusCode).toBe(200);
    expect((await as(world, guardian).get(`/api/people/${personId}/information-use.pdf`)).statusCode).toBe(403);
  });

  it('practice 3 third-party-meetings: staff on the team may record a meeting about the person; a volunteer, a manager off the team and the guardian may not — and the API agrees', async () => {
    expect(await can(staff, `/api/people/${personId}`)).toMatchObject({ recordMeeting: true });
    expect(await can(volunteer, `/api/people/${personId}`)).toMatchObject({ recordMeeting: false });
    expect(await can(manager, `/api/people/${personId}`)).toMatchObject({ recordMeeting: false });
    expect(await can(guardian, `/api/people/${personId}`)).toMatchObject({ recordMeeting: false });
    const meeting = { about: 'person', personId, title: 'Review with the GP', heldAt: world.clock.now().toISOString(), notes: 'Agreed a plan', notesClassification: 'general' };
    expect((await as(world, staff).post('/api/meetings', meeting)).statusCode).toBe(201);
    expect((await as(world, volunteer).post('/api/meetings', meeting)).statusCode).toBe(403);
    // The manager sees the person (management oversight) but is not on their team: refused, not answered as missing (3.4).
    expect((await as(world, manager).post('/api/meetings', meeting)).statusCode).toBe(403);
  });

  it('3.1 justify-purpose: the guardian may see who has seen the record but change nothing', async () => {
    expect(await can(guardian, `/api/people/${personId}`)).toMatchObject({ edit: [], seeAccessLog: true, openCase: false, breakGlass: false });
  });

  it('3.4 need-to-know: someone off the team gets no flags at all — the record is 404 — and the refusal is audited', async () => {
    const res = await as(world, outsider).get(`/api/people/${personId}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().can).toBeUndefined();
    const denial = (await auditRows(world)).reverse().find((r) => r.actor_id === outsider.id && r.action === 'person.read');
    expect(denial).toMatchObject({ decision: 'deny', resource_id: personId });
  });

  it('1.4 commercial-sensitivity: on an organisation, staff who do not deal with it may not edit its commercial notes; those on its team may', async () => {
    const created = await as(world, staff).post('/api/organisations', { kind: 'funder', name: 'Riverside Trust', commercialNotes: 'grant renewal due' });
    expect(created.statusCode).toBe(201);
    const orgId = created.json().data.id as string;
    const mine = await can(staff, `/api/organisations/${orgId}`); // the creator joins its team
    expect(mine.edit).toEqual(expect.arrayContaining(['name', 'commercialNotes']));
    expect(mine).toMatchObject({ breakGlass: false, seeAccessLog: false });
    const other = await can(outsider, `/api/organisations/${orgId}`);
    expect(other.edit).toContain('name');
    expect(other.edit).not.toContain('commercialNotes');
    const etag = (await as(world, outsider).get(`/api/organisations/${orgId}`)).headers.etag as string;
    const refused = await as(world, outsider).patch(`/api/organisations/${orgId}`, { commercialNotes: 'x' }, { 'if-match': etag });
    expect(refused.statusCode).toBe(403);
    const denial = (await auditRows(world)).reverse().find((r) => r.actor_id === outsider.id && r.action === 'organisation.update');
    expect(denial).toMatchObject({ decision: 'deny', resource_id: orgId });
  });

  it('3.1 justify-purpose: who has seen a record names each person and their roles and says why, in words', async () => {
    await as(world, staff).get(`/api/people/${personId}`);
    await as(world, outsider).get(`/api/people/${personId}`);
    const items = (await as(world, manager).get(`/api/people/${personId}/access-log?limit=200`)).json().items as Array<{ actor: { id: string; displayName: string; roles: string[] } | null; decision: string; rule: string | null; why: string | null }>;
    const read = items.find((i) => i.actor?.id === staff.id && i.decision === 'allow');
    expect(read).toMatchObject({ actor: { displayName: staff.username, roles: ['staff'] }, rule: 'need-to-know/case-team', why: 'They are on the case team working with this client.' });
    const refused = items.find((i) => i.actor?.id === outsider.id && i.decision === 'deny');
    expect(refused?.why).toMatch(/refused/);
    const change = items.find((i) => i.decision === 'change' && i.rule === null);
    expect(change?.why ?? null).toBeNull();
    const logRead = (await auditRows(world)).reverse().find((r) => r.action === 'audit.read' && r.actor_id === manager.id);
    expect(logRead).toMatchObject({ decision: 'allow', resource_id: personId, clause: expect.stringContaining('3.1') });
  });
});
