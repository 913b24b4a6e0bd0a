import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, casePurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const NOTICE = '# How we look after your information\n\nWe keep what you tell us confidential and share it only with your consent, except when the law requires it.';

describe.each(dialects())('first contact: the notice and telling people at first contact (%s)', (dialect) => {
  let world: World;
  let publisher: TestUser, manager: TestUser, guardian: TestUser, staff: TestUser, otherStaff: TestUser, volunteer: TestUser, student: TestUser, admin: TestUser;
  let mine: string, mineToo: string, elsewhere: string;
  let v1en: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'people' | 'first_contacts' | 'notices' | 'cases' | 'case_team' | 'audit_events') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const snapshot = async () => Promise.all((['people', 'first_contacts', 'notices', 'cases', 'case_team', 'audit_events'] as const).map(count));
  const lastAudit = async (n: number) => (await auditRows(world)).slice(-n);
  const contact = (over: Record<string, unknown> = {}) => ({ noticeVersion: 1, language: 'en', contactedOn: '2026-02-25', method: 'in_person', ...over });

  beforeAll(async () => {
    world = await createWorld(dialect);
    // Version 1 was published a while ago (sessions made then would have expired: the other users sign in now).
    const now = world.clock.now();
    world.clock.set(new Date('2026-02-20T09:00:00.000Z'));
    publisher = await makeUser(world, ['manager']);
    const res = await as(world, publisher).post('/api/notices', { title: 'How we look after your information', body: NOTICE, language: 'en', publish: true });
    expect(res.statusCode, res.body).toBe(201);
    v1en = res.json().id;
    world.clock.set(now); // 2026-03-02
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    student = await makeUser(world, ['student']);
    admin = await makeUser(world, ['administrator']);
    mine = await makePerson(world, { familyName: 'Aaronson' });
    await makeCase(world, mine, { [staff.id]: 'lead', [volunteer.id]: 'volunteer', [student.id]: 'student' });
    mineToo = await makePerson(world, { familyName: 'Bell' });
    await makeCase(world, mineToo, { [staff.id]: 'lead' });
    elsewhere = await makePerson(world, { familyName: 'Carter' });
    await makeCase(world, elsewhere, { [otherStaff.id]: 'lead' });
  });
  afterAll(() => world.close());

  describe('versioned notices', () => {
    it('4.1 first-contact-notice: management publish the notice; the audit names the rule and clause; everyone working here reads it (3.5 staff-awareness)', async () => {
      const audit = (await auditRows(world)).filter((r) => r.resource_id === v1en);
      expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.actor_id])).toEqual([
        ['notice.draft', 'allow', 'notices/publish', '4.1', 'notice', publisher.id],
        ['notice.publish', 'allow', 'notices/publish', '4.1', 'notice', publisher.id],
      ]);
      expect(JSON.parse(audit[1].detail)).toEqual({ version: 1, language: 'en', translationOf: null });
      for (const reader of [staff, volunteer, student, guardian, admin]) {
        const list = await as(world, reader).get('/api/notices');
        expect(list.statusCode, list.body).toBe(200);
        expect(list.json().items.map((n: { version: number; language: string; current: boolean }) => [n.version, n.language, n.current])).toContainEqual([1, 'en', true]);
        const one = await as(world, reader).get(`/api/notices/${v1en}`);
        expect(one.json()).toMatchObject({ version: 1, language: 'en', status: 'published', current: true, body: NOTICE, publishedBy: publisher.id });
      }
    });

    it('4.1 first-contact-notice: staff and volunteers may not publish (403, audited); nothing is written', async () => {
      for (const user of [staff, volunteer]) {
        const before = await count('notices');
        const res = await as(world, user).post('/api/notices', { title: 'Mine', body: 'x', language: 'en', publish: true });
        expect(res.statusCode).toBe(403);
        expect(await count('notices')).toBe(before);
        const [denial] = await lastAudit(1);
        expect(denial).toMatchObject({ action: 'notice.publish', decision: 'deny', rule_id: 'default/deny', actor_id: user.id });
      }
    });

    it('4.1 first-contact-notice: the guardian supplies a translation of version 1; a draft is seen only by those who publish until published; a published version is never changed', async () => {
      const cy = await as(world, guardian).post('/api/notices', { title: 'Sut rydym yn gofalu am eich gwybodaeth', body: 'Cymraeg', language: 'cy', translationOf: 1 });
      expect(cy.statusCode, cy.body).toBe(201);
      expect(cy.json()).toMatchObject({ version: 1, language: 'cy', status: 'draft', current: false, publishedAt: null });
      const id = cy.json().id;
      expect((await as(world, staff).get(`/api/notices/${id}`)).statusCode).toBe(404);
      expect((await as(world, staff).get('/api/notices?language=cy')).json().items).toEqual([]);
      expect((await as(world, manager).get('/api/notices?language=cy')).json().items.map((n: { id: string }) => n.id)).toEqual([id]);
      const published = await as(world, guardian).post(`/api/notices/${id}/publish`);
      expect(published.statusCode, published.body).toBe(200);
      expect(published.json()).toMatchObject({ status: 'published', current: true, publishedBy: guardian.id });
      expect((await lastAudit(1))[0]).toMatchObject({ action: 'notice.publish', decision: 'allow', rule_id: 'notices/publish', clause: '4.1', resource_id: id });
      const again = await as(world, guardian).post(`/api/notices/${id}/publish`);
      expect(again.statusCode).toBe(409);
      const twice = await as(world, manager).post('/api/notices', { title: 'Again', body: 'x', language: 'cy', translationOf: 1 });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().errors).toEqual([{ path: 'body.language', message: 'version 1 already exists in this language' }]);
    });

    it('1.3, 4.1 first-contact-notice: anyone, signed in or not, reads the current published notice where receipts link to it — in a language it exists in, with how to contact us; drafts never; reading it writes nothing', async () => {
      const draft = await as(world, manager).post('/api/notices', { title: 'Comment nous protégeons vos informations', body: 'brouillon', language: 'fr', translationOf: 1 });
      expect(draft.statusCode, draft.body).toBe(201);
      const before = await snapshot();
      const read = async (query = '') => world.app.inject({ method: 'GET', url: `/api/privacy-notice${query}` });
      const en = await read();
      expect(en.statusCode, en.body).toBe(200);
      expect(en.json()).toEqual({
        organisation: world.config.organisation, languages: ['en', 'cy'],
        notice: { version: 1, language: 'en', title: 'How we look after your information', body: NOTICE, publishedAt: '2026-02-20T09:00:00.000Z' },
      });
      expect((await read('?lang=cy')).json().notice).toMatchObject({ version: 1, language: 'cy', title: 'Sut rydym yn gofalu am eich gwybodaeth' });
      expect((await read('?lang=de')).json().notice.language).toBe('en'); // a language it does not exist in: English
      expect((await read('?lang=fr')).json().notice.language).toBe('en'); // the French one is a draft
      const bad = await read('?lang=English');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('query.lang');
      expect(await snapshot()).toEqual(before); // not audited: the notice is public
    });

    it('4.1 first-contact-notice: bad input is a 400 naming the field and writes nothing', async () => {
      const before = await snapshot();
      const cases: [Record<string, unknown>, string][] = [
        [{ title: 'T', body: 'B', language: 'English' }, 'body.language'],
        [{ title: '', body: 'B', language: 'en' }, 'body.title'],
        [{ title: 'T', body: 'B', language: 'en', translationOf: 9 }, 'body.translationOf'],
        [{ title: 'T', body: 'B', language: 'en', version: 3 }, 'body'],
      ];
      for (const [body, path] of cases) {
        const res = await as(world, manager).post('/api/notices', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('recording first contact', () => {
    it('4.1 first-contact-notice: staff on the case team record that the person was told; the record shows when, and the audit names rule, clause and person', async () => {
      const before = (await as(world, staff).get(`/api/people/${mine}`)).json();
      expect(before.data.toldAt).toBeNull(); // flagged: never told
      const res = await as(world, staff).post(`/api/people/${mine}/first-contacts`, contact({ questions: 'Asked whether school will be told' }));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ personId: mine, noticeId: v1en, noticeVersion: 1, language: 'en', contactedOn: '2026-02-25', method: 'in_person', recordedBy: staff.id });
      const [entry] = await lastAudit(1);
      expect(entry).toMatchObject({ action: 'person.inform', decision: 'allow', rule_id: 'first-contact/case-team', clause: '4.1', resource_type: 'person', resource_id: mine, subject_person_id: mine, actor_id: staff.id });
      expect(entry.detail).not.toContain('school');
      expect(JSON.parse(entry.detail)).toMatchObject({ notice: v1en, version: 1, language: 'en', method: 'in_person', fields: ['contactedOn', 'language', 'method', 'noticeVersion', 'questions'] });
      const after = (await as(world, staff).get(`/api/people/${mine}`)).json();
      expect(after.data.toldAt).toBe('2026-02-25');
      const item = (await as(world, staff).get('/api/people')).json().items.find((p: { id: string }) => p.id === mine);
      expect(item.toldAt).toBe('2026-02-25');
    });

    it('4.1 first-contact-notice: a trained volunteer on the case team may record it; a placement student on the team may not (403, audited, nothing written)', async () => {
      const ok = await as(world, volunteer).post(`/api/people/${mine}/first-contacts`, contact({ language: 'cy', contactedOn: '2026-03-02', method: 'phone' }));
      expect(ok.statusCode, ok.body).toBe(201);
      expect((await lastAudit(1))[0]).toMatchObject({ action: 'person.inform', decision: 'allow', rule_id: 'first-contact/case-team', clause: '4.1', resource_id: mine });
      const before = await count('first_contacts');
      const denied = await as(world, student).post(`/api/people/${mine}/first-contacts`, contact());
      expect(denied.statusCode).toBe(403);
      expect(await count('first_contacts')).toBe(before);
      expect((await lastAudit(1))[0]).toMatchObject({ action: 'person.inform', decision: 'deny', rule_id: 'default/deny', resource_id: mine, actor_id: student.id });
    });

    it('3.4 need-to-know: staff off the case team get the same 404 as for a person who does not exist, audited, and nothing is written; management record for anyone', async () => {
      const before = await count('first_contacts');
      const hidden = await as(world, staff).post(`/api/people/${elsewhere}/first-contacts`, contact());
      const missing = await as(world, staff).post('/api/people/01966f5e-0000-7000-8000-000000000000/first-contacts', contact());
      expect(hidden.statusCode).toBe(404);
      expect({ ...hidden.json(), instance: undefined }).toEqual({ ...missing.json(), instance: undefined });
      const denials = (await lastAudit(2)).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_id]);
      // Both cite need to know: the one hidden, and the one not found — the same 404 is the rule that keeps them alike.
      expect(denials).toEqual([
        ['person.inform', 'deny', 'default/deny', '3.3, 3.4, 4.2', elsewhere],
        ['person.inform', 'deny', 'default/not-found', '3.3, 3.4, 4.2', '01966f5e-0000-7000-8000-000000000000'],
      ]);
      expect(await count('first_contacts')).toBe(before);
      const byManager = await as(world, manager).post(`/api/people/${elsewhere}/first-contacts`, contact({ method: 'letter' }));
      expect(byManager.statusCode, byManager.body).toBe(201);
      expect((await lastAudit(1))[0]).toMatchObject({ action: 'person.inform', rule_id: 'first-contact/management', clause: '4.1', resource_id: elsewhere });
      const guardianTries = await as(world, guardian).post(`/api/people/${elsewhere}/first-contacts`, contact());
      expect(guardianTries.statusCode).toBe(403);
    });

    it('4.1 first-contact-notice: a version that does not exist or is a draft, another language, a future date or a date before the version was published is a 400 naming the field, and nothing is written', async () => {
      const draft = await as(world, manager).post('/api/notices', { title: 'Draft', body: 'd', language: 'pl', translationOf: 1 });
      expect(draft.statusCode).toBe(201);
      const before = await snapshot();
      const cases: [Record<string, unknown>, string][] = [
        [contact({ noticeVersion: 7 }), 'body.noticeVersion'],
        [contact({ language: 'pl' }), 'body.noticeVersion'],
        [contact({ language: 'fr' }), 'body.noticeVersion'],
        [contact({ contactedOn: '2026-03-03' }), 'body.contactedOn'],
        [contact({ contactedOn: '2026-02-01' }), 'body.contactedOn'],
        [contact({ contactedOn: 'yesterday' }), 'body.contactedOn'],
        [contact({ method: 'carrier_pigeon' }), 'body.method'],
        [{ ...contact(), by: 'someone' }, 'body'],
      ];
      for (const [body, path] of cases) {
        const res = await as(world, staff).post(`/api/people/${mineToo}/first-contacts`, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
      }
      expect(await snapshot()).toEqual(before);
      expect((await as(world, staff).get(`/api/people/${mineToo}`)).json().data.toldAt).toBeNull();
    });

    it('4.1 first-contact-notice: the history of notices given is kept (a newer version can be given later); the note of questions is personal, so a volunteer sees it restricted; reads are audited', async () => {
      const v2 = await as(world, manager).post('/api/notices', { title: 'Our notice, updated', body: 'v2', language: 'en', publish: true });
      expect(v2.json()).toMatchObject({ version: 2, current: true });
      expect((await as(world, staff).get(`/api/notices/${v1en}`)).json().current).toBe(false); // one current version per language
      const later = await as(world, staff).post(`/api/people/${mine}/first-contacts`, contact({ noticeVersion: 2, contactedOn: '2026-03-02', method: 'online' }));
      expect(later.statusCode, later.body).toBe(201);
      const history = await as(world, staff).get(`/api/people/${mine}/first-contacts`);
      expect(history.statusCode).toBe(200);
      expect(history.json().toldAt).toBe('2026-02-25'); // the first time they were told
      expect(history.json().items.map((i: { noticeVersion: number; language: string; method: string }) => [i.noticeVersion, i.language, i.method])).toEqual([
        [1, 'en', 'in_person'], [1, 'cy', 'phone'], [2, 'en', 'online'],
      ]);
      expect(history.json().items[0].questions).toBe('Asked whether school will be told');
      expect((await lastAudit(1))[0]).toMatchObject({ action: 'person.read', decision: 'allow', rule_id: 'need-to-know/case-team', resource_id: mine, subject_person_id: mine });
      expect(JSON.parse((await lastAudit(1))[0].detail)).toEqual({ list: 'first-contacts', results: 3, fields: ['questions'], classes: ['personal'] });
      const asVolunteer = (await as(world, volunteer).get(`/api/people/${mine}/first-contacts`)).json();
      expect(asVolunteer.items[0]).not.toHaveProperty('questions');
      expect(asVolunteer.restricted).toEqual([{ field: 'questions', classification: 'personal', reason: expect.any(String) }]);
      expect((await as(world, otherStaff).get(`/api/people/${mine}/first-contacts`)).statusCode).toBe(404);
    });
  });

  describe('the worklist of people we have not yet told', () => {
    it('4.1 first-contact-notice: staff see only the people of their case teams not yet told, paged; the list read is audited like the people list (3.4 need-to-know)', async () => {
      const extra: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await makePerson(world, { familyName: `Zed${i}` });
        await makeCase(world, id, { [staff.id]: 'worker' });
        extra.push(id);
      }
      const first = await as(world, staff).get('/api/people/not-yet-told?limit=2');
      expect(first.statusCode, first.body).toBe(200);
      const second = await as(world, staff).get(`/api/people/not-yet-told?limit=2&cursor=${first.json().nextCursor}`);
      const ids = [...first.json().items, ...second.json().items].map((p: { id: string }) => p.id);
      expect(ids).toEqual([mineToo, ...extra]); // name order; told people and other teams' people are not listed
      expect(second.json().nextCursor).toBeNull();
      expect(first.json().items[0]).toMatchObject({ id: mineToo, toldAt: null });
      expect(first.json().items[0]).not.toHaveProperty('healthNotes');
      const [entry] = await lastAudit(1);
      expect(entry).toMatchObject({ action: 'person.read', decision: 'allow', rule_id: 'need-to-know/case-team', resource_type: 'person', resource_id: null, actor_id: staff.id });
      expect(JSON.parse(entry.detail)).toMatchObject({ list: 'person', view: 'not-yet-told', results: 2 });
      // Telling them takes them off the worklist.
      expect((await as(world, staff).post(`/api/people/${extra[0]}/first-contacts`, contact({ noticeVersion: 2, contactedOn: '2026-03-02' }))).statusCode).toBe(201);
      const now = (await as(world, staff).get('/api/people/not-yet-told')).json().items.map((p: { id: string }) => p.id);
      expect(now).toEqual([mineToo, extra[1], extra[2]]);
      // Management see everyone not yet told; someone who works with nobody sees no one.
      const all = (await as(world, manager).get('/api/people/not-yet-told?limit=200')).json().items.map((p: { id: string }) => p.id);
      expect(all).toEqual(expect.arrayContaining([mineToo, extra[1], extra[2]]));
      expect(all).not.toContain(mine);
      expect(all).not.toContain(elsewhere);
      const lonely = await makeUser(world, ['staff']);
      expect((await as(world, lonely).get('/api/people/not-yet-told')).json().items).toEqual([]);
    });
  });

  describe('registering a person is one step a worker can finish', () => {
    it('3.4 need-to-know: staff registering a person without a case would not see them: 400 naming body.openCase, and nothing is written', async () => {
      const before = await snapshot();
      const res = await as(world, staff).post('/api/people', { kind: 'service_user', givenName: 'Nia', familyName: 'Lost' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.openCase', message: expect.stringMatching(/service/) }]);
      expect(res.json().detail).toMatch(/Open their first case/);
      expect(await snapshot()).toEqual(before);
    });

    it('4.1 first-contact-notice: staff register a person, open their case and record first contact in one request; they can read the person at once; the audit records each step', async () => {
      const seqBefore = await count('audit_events');
      const res = await as(world, staff).post('/api/people', {
        kind: 'service_user', givenName: 'Nia', familyName: 'Found', healthNotes: 'hay fever',
        openCase: { service: 'Drum mentoring', purposeId: await casePurpose(world) }, firstContact: contact({ noticeVersion: 2, contactedOn: '2026-03-02' }),
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      expect(res.headers.location).toBe(`/api/people/${id}`);
      expect(res.json()).toMatchObject({ id, data: { id, givenName: 'Nia', toldAt: '2026-03-02', healthNotes: 'hay fever' }, firstContact: { noticeVersion: 2, recordedBy: staff.id } });
      expect(res.json().caseId).toEqual(expect.any(String));
      const read = await as(world, staff).get(`/api/people/${id}`);
      expect(read.statusCode).toBe(200);
      const team = await db().selectFrom('case_team').select(['user_id', 'team_role']).where('case_id', '=', res.json().caseId).execute();
      expect(team).toEqual([{ user_id: staff.id, team_role: 'lead' }]);
      const entries = (await auditRows(world)).slice(seqBefore);
      expect(entries.slice(0, 5).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.subject_person_id])).toEqual([
        ['person.create', 'change', 'records/staff-create', '1.1', id],
        ['case.create', 'change', 'records/staff-open-case', '3.3, 3.4, 4.2', id],
        ['case.team.manage', 'change', 'records/staff-open-case', '3.3, 3.4, 4.2', id],
        ['person.inform', 'allow', 'first-contact/case-team', '4.1', id],
        ['person.read', 'allow', 'need-to-know/case-team', '3.3, 3.4, 4.2', id],
      ]);
      expect((await as(world, staff).get('/api/people/not-yet-told?limit=200')).json().items.map((p: { id: string }) => p.id)).not.toContain(id);
    });

    it('4.1 first-contact-notice: a bad first contact in the registration refuses the whole request (400 naming body.firstContact.contactedOn): no person, no case', async () => {
      const before = await snapshot();
      const res = await as(world, staff).post('/api/people', {
        kind: 'service_user', givenName: 'Ola', familyName: 'Never', openCase: { service: 'Drum mentoring', purposeId: await casePurpose(world) }, firstContact: contact({ contactedOn: '2027-01-01' }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.firstContact.contactedOn', message: 'must not be in the future' }]);
      expect(await snapshot()).toEqual(before);
    });

    it('3.4 need-to-know: management see everyone, so they may register a person without a case; a volunteer may not register (403)', async () => {
      const res = await as(world, manager).post('/api/people', { kind: 'member_of_public', givenName: 'Pat', familyName: 'Parent' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().caseId).toBeNull();
      expect((await as(world, manager).get(`/api/people/${res.json().id}`)).statusCode).toBe(200);
      const before = await count('people');
      expect((await as(world, volunteer).post('/api/people', { kind: 'service_user', givenName: 'V', familyName: 'W', openCase: { service: 'x', purposeId: await casePurpose(world) } })).statusCode).toBe(403);
      expect(await count('people')).toBe(before);
    });
  });
});
