import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const MISSING = '01900000-0000-7000-8000-000000000000';
const BODY = 'talked about drumming and home';
const restrictedFields = (res: { json(): { restricted: { field: string }[] } }) => res.json().restricted.map((r) => r.field).sort();

describe.each(dialects())('session notes and conversations over HTTP (%s)', (dialect) => {
  let world: World;
  let author: TestUser; // staff, lead on the case
  let teammate: TestUser; // staff, worker on the case
  let outsider: TestUser; // staff on no case
  let manager: TestUser; // manager, not on the team
  let teamManager: TestUser; // manager on the team
  let volunteer: TestUser; // volunteer on the team
  let guardian: TestUser;
  let caseId: string;
  let noteId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    [author, teammate, outsider, manager, teamManager, volunteer, guardian] = await Promise.all([
      makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['manager']),
      makeUser(world, ['manager']), makeUser(world, ['volunteer']), makeUser(world, ['guardian']),
    ]);
    const personId = await makePerson(world);
    caseId = await makeCase(world, personId, { [author.id]: 'lead', [teammate.id]: 'worker', [teamManager.id]: 'worker', [volunteer.id]: 'volunteer' });
    noteId = await makeNote(world, caseId, author.id, BODY);
  });
  afterAll(() => world.close());

  describe('recording', () => {
    it('practice 2 session-staff-team-only (notes/case-team-write): staff on the team record a session note', async () => {
      const res = await as(world, teammate).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'Guitar', body: 'learnt three chords' });
      expect(res.statusCode).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.headers.location).toBe(`/api/notes/${res.json().data.id}`);
      expect(res.json().data).toMatchObject({ caseId, kind: 'session', channel: null, title: 'Guitar', body: 'learnt three chords', authorId: teammate.id, occurredAt: '2026-03-02T09:00:00.000Z' });
      const audit = (await auditRows(world)).find((r) => r.action === 'note.create' && r.resource_id === res.json().data.id)!;
      expect(audit.decision).toBe('change');
      expect(audit.detail).not.toContain('three chords');
    });

    it('practice 1 session-staff-team-only: a conversation is a contact note that names its channel (400 without)', async () => {
      const missing = await as(world, author).post(`/api/cases/${caseId}/notes`, { kind: 'contact', title: 'Call', body: 'mum rang' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().errors[0].path).toBe('body.channel');
      const ok = await as(world, author).post(`/api/cases/${caseId}/notes`, { kind: 'contact', channel: 'telephone', title: 'Call', body: 'mum rang', occurredAt: '2026-03-01T17:30:00+01:00' });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().data).toMatchObject({ kind: 'contact', channel: 'telephone', occurredAt: '2026-03-01T16:30:00.000Z' });
      const future = await as(world, author).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'Later', body: 'x', occurredAt: '2026-04-01T10:00:00Z' });
      expect(future.statusCode).toBe(400);
      expect(future.json().errors[0].path).toBe('body.occurredAt');
    });

    it('3.4 need to know: staff off the team get the same 404 as for a missing case', async () => {
      const hidden = await as(world, outsider).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y' });
      const missing = await as(world, outsider).post(`/api/cases/${MISSING}/notes`, { kind: 'session', title: 'x', body: 'y' });
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(hidden.json().detail).toBe(missing.json().detail);
    });

    it('practice 2 session-staff-team-only (notes/case-team-write): a manager off the team may not record (403 why)', async () => {
      const res = await as(world, manager).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y' });
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toMatch(/case team/);
      const onTeam = await as(world, teamManager).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'Review', body: 'progress review' });
      expect(onTeam.statusCode).toBe(201);
    });

    it('practice 3 staff-awareness: volunteers and students on the team do not record session notes (403)', async () => {
      const res = await as(world, volunteer).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y' });
      expect(res.statusCode).toBe(403);
    });

    it('1.1 records-management: unknown fields are 400 naming them, bad ids are 400', async () => {
      const unknown = await as(world, author).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'x', body: 'y', authorId: outsider.id });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].message).toMatch(/unknown field.*authorId/);
      const bad = await as(world, author).post('/api/cases/123/notes', { kind: 'session', title: 'x', body: 'y' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('params.caseId');
    });
  });

  describe('reading', () => {
    it('practice 2 session-staff-team-only: staff on the team read the body; the read is audited naming the field only', async () => {
      const res = await as(world, teammate).get(`/api/notes/${noteId}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.json().data.body).toBe(BODY);
      expect(res.json().restricted).toEqual([]);
      const audit = (await auditRows(world)).filter((r) => r.action === 'note.read' && r.resource_id === noteId).at(-1)!;
      expect(audit.actor_id).toBe(teammate.id);
      expect(JSON.parse(audit.detail)).toMatchObject({ fields: ['body'], classes: ['session'] });
      expect(audit.detail).not.toContain('drumming');
    });

    it('practice 2 session-staff-team-only: a manager off the team sees the note but its body is restricted', async () => {
      const res = await as(world, manager).get(`/api/notes/${noteId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.title).toBe('Drum session');
      expect(res.json().data.body).toBeUndefined();
      expect(res.json().restricted).toEqual([{ field: 'body', classification: 'session', reason: expect.stringMatching(/staff team/) }]);
    });

    it('practice 2 session-staff-team-only (session/manager-on-team): a manager on the team reads the body, and the audit names the rule that opened it', async () => {
      const res = await as(world, teamManager).get(`/api/notes/${noteId}`);
      expect(res.json().data.body).toBe(BODY);
      // 1.1: the opening is decided by the manager's oversight, the session body by their place on the team: both named.
      const entry = (await auditRows(world)).filter((r) => r.action === 'note.read').at(-1)!;
      expect(entry).toMatchObject({ decision: 'allow', resource_type: 'note', resource_id: noteId });
      expect(JSON.parse(entry.detail)).toMatchObject({ fields: ['body'], classes: ['session'], rulesByClass: { session: 'session/manager-on-team' } });
    });

    it('practice 3 staff-awareness: volunteers on the team see the metadata only', async () => {
      const res = await as(world, volunteer).get(`/api/notes/${noteId}`);
      expect(res.statusCode).toBe(200);
      expect(restrictedFields(res)).toEqual(['body']);
      const guardianView = await as(world, guardian).get(`/api/notes/${noteId}`);
      expect(restrictedFields(guardianView)).toEqual(['body']);
    });

    it('3.4 need to know: staff off the team get the same 404 as for a missing note', async () => {
      const hidden = await as(world, outsider).get(`/api/notes/${noteId}`);
      const missing = await as(world, outsider).get(`/api/notes/${MISSING}`);
      expect(hidden.statusCode).toBe(404);
      expect(missing.statusCode).toBe(404);
      expect(hidden.json().detail).toBe(missing.json().detail);
      expect((await as(world, outsider).get('/api/notes/x')).statusCode).toBe(400);
    });
  });

  describe('listing', () => {
    it('practice 2 session-staff-team-only: lists carry metadata only, never a body, even for the team', async () => {
      const res = await as(world, author).get(`/api/cases/${caseId}/notes?limit=200`);
      expect(res.statusCode).toBe(200);
      const items = res.json().items as Record<string, unknown>[];
      expect(items.map((n) => n.id)).toContain(noteId);
      for (const n of items) expect(n.body).toBeUndefined();
      expect(JSON.stringify(res.json())).not.toContain('drumming');
    });

    it('3.4 need to know: off the team the list is a 404, not an empty list or a count (no leak)', async () => {
      const res = await as(world, outsider).get(`/api/cases/${caseId}/notes`);
      expect(res.statusCode).toBe(404);
      expect(JSON.stringify(res.json())).not.toMatch(/Drum|items/);
    });

    it('3.4 need to know: a volunteer on the team lists the notes; a kind filter and cursor paging work', async () => {
      const all = await as(world, volunteer).get(`/api/cases/${caseId}/notes?limit=200`);
      expect(all.json().items.length).toBeGreaterThan(1);
      const contacts = await as(world, volunteer).get(`/api/cases/${caseId}/notes?kind=contact`);
      expect(contacts.json().items.every((n: { kind: string }) => n.kind === 'contact')).toBe(true);
      const first = await as(world, volunteer).get(`/api/cases/${caseId}/notes?limit=1`);
      const second = await as(world, volunteer).get(`/api/cases/${caseId}/notes?limit=1&cursor=${first.json().nextCursor}`);
      expect(second.json().items[0].id).not.toBe(first.json().items[0].id);
      expect((await as(world, volunteer).get(`/api/cases/${caseId}/notes?sort=body`)).statusCode).toBe(400);
    });
  });

  describe('editing and archiving', () => {
    it('1.1 records-management (notes/author-edit): the author edits with If-Match; stale is 412, none is 428', async () => {
      const id = await makeNote(world, caseId, author.id, 'first draft');
      const ok = await as(world, author).patch(`/api/notes/${id}`, { body: 'second draft' }, { 'if-match': '"1"' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers.etag).toBe('"2"');
      expect(ok.json().data.body).toBe('second draft');
      const stale = await as(world, author).patch(`/api/notes/${id}`, { body: 'lost update' }, { 'if-match': '"1"' });
      expect(stale.statusCode).toBe(412);
      expect((await as(world, author).patch(`/api/notes/${id}`, { body: 'x' })).statusCode).toBe(428);
      expect((await as(world, author).get(`/api/notes/${id}`)).json().data.body).toBe('second draft');
      const audit = (await auditRows(world)).filter((r) => r.action === 'note.update' && r.resource_id === id).at(-1)!;
      expect(JSON.parse(audit.detail).fields).toEqual(['body']);
      expect(audit.detail).not.toContain('second draft');
    });

    it('1.1 records-management: an edit that changes nothing writes nothing — the version stays and no change is audited (only the opening); a stale If-Match is still 412', async () => {
      const id = await makeNote(world, caseId, author.id, 'as it was');
      const title = (await as(world, author).get(`/api/notes/${id}`)).json().data.title as string;
      const before = (await auditRows(world)).length;
      const same = await as(world, author).patch(`/api/notes/${id}`, { title, body: 'as it was' }, { 'if-match': '"1"' });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.headers.etag).toBe('"1"');
      expect(same.json().version).toBe(1);
      const entries = (await auditRows(world)).slice(before).filter((r) => r.resource_id === id);
      expect(entries.map((r) => [r.action, r.decision])).toEqual([['note.read', 'allow']]);
      expect((await world.services.db.kysely.selectFrom('notes').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version).toBe(1);
      await as(world, author).patch(`/api/notes/${id}`, { body: 'changed' }, { 'if-match': '"1"' });
      expect((await as(world, author).patch(`/api/notes/${id}`, { body: 'changed' }, { 'if-match': '"1"' })).statusCode).toBe(412);
    });

    it('1.1 records-management (notes/author-edit): a teammate who is not the author may not edit or archive (403)', async () => {
      const edit = await as(world, teammate).patch(`/api/notes/${noteId}`, { title: 'mine now' }, { 'if-match': '"1"' });
      expect(edit.statusCode).toBe(403);
      const archive = await as(world, teammate).post(`/api/notes/${noteId}/archive`, undefined, { 'if-match': '"1"' });
      expect(archive.statusCode).toBe(403);
      expect((await auditRows(world)).at(-1)!.decision).toBe('deny');
    });

    it('1.1 records-management (notes/author-edit): an author taken off the team can no longer edit their note', async () => {
      const personId = await makePerson(world);
      const other = await makeCase(world, personId, { [author.id]: 'lead', [manager.id]: 'worker' });
      const managersNote = await makeNote(world, other, manager.id, 'manager wrote this');
      await world.services.db.kysely.deleteFrom('case_team').where('case_id', '=', other).where('user_id', '=', manager.id).execute();
      const res = await as(world, manager).patch(`/api/notes/${managersNote}`, { title: 'still mine?' }, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(403); // managers still see the note (oversight) but are no longer on the team
      const authorsNote = await makeNote(world, other, author.id);
      await world.services.db.kysely.deleteFrom('case_team').where('case_id', '=', other).where('user_id', '=', author.id).execute();
      const gone = await as(world, author).patch(`/api/notes/${authorsNote}`, { title: 'x' }, { 'if-match': '"1"' });
      expect(gone.statusCode).toBe(404); // staff off the team no longer see the case at all
    });

    it('1.1 records-management: the author archives a note (not erased): hidden from lists unless asked, read-only', async () => {
      const id = await makeNote(world, caseId, author.id, 'to archive');
      const res = await as(world, author).post(`/api/notes/${id}/archive`, undefined, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.archivedAt).toBe('2026-03-02T09:00:00.000Z');
      const list = await as(world, author).get(`/api/cases/${caseId}/notes?limit=200`);
      expect(list.json().items.map((n: { id: string }) => n.id)).not.toContain(id);
      const withArchived = await as(world, author).get(`/api/cases/${caseId}/notes?limit=200&includeArchived=true`);
      expect(withArchived.json().items.map((n: { id: string }) => n.id)).toContain(id);
      expect((await as(world, author).patch(`/api/notes/${id}`, { title: 'x' }, { 'if-match': '"2"' })).statusCode).toBe(409);
      expect((await as(world, author).get(`/api/notes/${id}`)).json().data.body).toBe('to archive');
    });

    it('1.1 records-management: a contact note cannot lose its channel; unknown fields are 400 naming them', async () => {
      const created = await as(world, author).post(`/api/cases/${caseId}/notes`, { kind: 'contact', channel: 'email', title: 'Email', body: 'sent the timetable' });
      const id = created.json().data.id;
      const res = await as(world, author).patch(`/api/notes/${id}`, { channel: null }, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('body.channel');
      const unknown = await as(world, author).patch(`/api/notes/${id}`, { caseId }, { 'if-match': '"1"' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].message).toMatch(/unknown field.*caseId/);
    });
  });
});
