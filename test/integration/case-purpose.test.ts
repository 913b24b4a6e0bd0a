import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliImportPeople } from '../../src/cli/transfer';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { as, auditRows, insertPurpose, makeCase, makeNote, makePerson, makeUser, multipartFile, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * 2.1: information is used to provide a service or carry out an authorised transaction. A case is opened for a
 * purpose in the register that is in force; new information goes into it only while that purpose is in force (rule
 * purposes/case-purpose-in-force); only a manager moves it to another purpose (purposes/manager-assigns-case); reading
 * and closing it are never blocked; every read of it, or of what is filed under it, names the purpose.
 */
describe.each(dialects())('2.1 a case is held for a purpose in force (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, staff: TestUser;
  let personId: string;
  let active: string, other: string, draft: string, retired: string, overdue: string;
  const db = () => world.services.db.kysely;
  const RULE = 'purposes/case-purpose-in-force';
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

  const count = async (table: 'cases' | 'notes' | 'attachments' | 'meetings') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const since = async (seq: number) => (await auditRows(world)).filter((r) => Number(r.seq) > seq);
  const lastSeq = async () => Number((await auditRows(world)).at(-1)?.seq ?? 0);
  const upload = (user: TestUser, caseId: string) => {
    const m = multipartFile(PDF, 'report.pdf');
    return world.app.inject({
      method: 'POST', url: `/api/cases/${caseId}/attachments`, payload: m.payload,
      headers: { 'content-type': m.contentType, cookie: `${SESSION_COOKIE}=${user.cookie}`, 'x-csrf-token': user.csrf },
    });
  };
  const note = (user: TestUser, caseId: string) => as(world, user).post(`/api/cases/${caseId}/notes`, { kind: 'session', title: 'Drum session', body: 'Talked about the gig.' });
  const meeting = (user: TestUser, caseId: string) => as(world, user).post('/api/meetings', {
    about: 'case', caseId, title: 'Review with school', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed the next steps.', notesClassification: 'general',
  });
  const version = async (caseId: string) => Number((await db().selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version);
  const patch = async (user: TestUser, caseId: string, body: Record<string, unknown>) =>
    as(world, user).patch(`/api/cases/${caseId}`, body, { 'if-match': `"${await version(caseId)}"` });
  /** A case held for a purpose of its own, which the test then retires or leaves as it is. */
  const caseFor = async (purposeId: string | null) => makeCase(world, personId, { [staff.id]: 'lead' }, { purposeId });
  const retire = (purposeId: string) => db().updateTable('purposes')
    .set({ status: 'retired', retired_by: guardian.id, retired_at: world.clock.now().toISOString(), retire_reason: 'Service ended.' }).where('id', '=', purposeId).execute();

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const purpose = (name: string, nextReviewOn?: string) => insertPurpose(world, { name, guardianId: guardian.id, createdBy: manager.id, nextReviewOn });
    active = await purpose('Music mentoring support');
    other = await purpose('Band project support');
    draft = await purpose('Draft purpose');
    await db().updateTable('purposes').set({ status: 'draft', approved_by: null, approved_at: null }).where('id', '=', draft).execute();
    retired = await purpose('Retired purpose');
    await retire(retired);
    overdue = await purpose('Overdue purpose', '2026-03-01'); // the world's clock reads 2026-03-02
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Byron' });
    await makeCase(world, personId, { [staff.id]: 'lead' }, { purposeId: active });
  });
  afterAll(() => world.close());

  it('2.1 purpose-register: opening a case names its purpose — without one a 400 naming body.purposeId; a draft, retired or overdue one is refused by purposes/not-in-force naming body.purposeId, audited as case.create on the person; nothing written', async () => {
    const before = await count('cases');
    const missing = await as(world, staff).post('/api/cases', { personId, service: 'Drums' });
    expect(missing.statusCode, missing.body).toBe(400);
    expect(missing.json().errors).toEqual([{ path: 'body.purposeId', message: expect.any(String) }]);
    for (const purposeId of [draft, retired, overdue]) {
      const seq = await lastSeq();
      const res = await as(world, staff).post('/api/cases', { personId, service: 'Drums', purposeId });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ rule: 'purposes/not-in-force', clause: '3.1, 2.1', errors: [{ path: 'body.purposeId', message: 'the purpose is not active' }] });
      const denials = (await since(seq)).filter((r) => r.decision === 'deny');
      expect(denials.map((r) => [r.action, r.rule_id, r.resource_type, r.resource_id, r.subject_person_id])).toEqual([['case.create', 'purposes/not-in-force', 'person', personId, personId]]);
      expect(JSON.parse(denials[0].detail)).toEqual({ purposeId });
    }
    const unknown = await as(world, staff).post('/api/cases', { personId, service: 'Drums', purposeId: '01900000-0000-7000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ path: 'body.purposeId', message: 'no such purpose' }]);
    expect(await count('cases')).toBe(before);
  });

  it('2.1 purpose-register: a case opened for an active purpose is held for it — its purposeId is shown, and the opening is audited naming the purpose by id', async () => {
    const seq = await lastSeq();
    const res = await as(world, staff).post('/api/cases', { personId, service: 'Drums', purposeId: active });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data).toMatchObject({ service: 'Drums', purposeId: active });
    const opened = (await since(seq)).find((r) => r.action === 'case.create')!;
    expect(opened).toMatchObject({ decision: 'change', resource_id: res.json().data.id });
    expect(JSON.parse(opened.detail)).toMatchObject({ purposeId: active });
    expect((await as(world, staff).get(`/api/cases/${res.json().data.id}`)).json().data.purposeId).toBe(active);
  });

  it('2.1 authorised-use purposes/case-purpose-in-force: a note, a file and a meeting added to a case whose purpose was retired are refused (409 naming the case, rule and clause cited), audited as the write attempted, nothing written', async () => {
    const purposeId = await insertPurpose(world, { name: 'Guitar group support', guardianId: guardian.id, createdBy: manager.id });
    const caseId = await caseFor(purposeId);
    expect((await note(staff, caseId)).statusCode).toBe(201);
    await retire(purposeId);
    const before = await Promise.all([count('notes'), count('attachments'), count('meetings')]);
    const seq = await lastSeq();
    const tries = [
      [await note(staff, caseId), 'note.create', 'params.caseId'],
      [await upload(staff, caseId), 'attachment.create', 'params.caseId'],
      [await meeting(staff, caseId), 'meeting.record', 'body.caseId'],
    ] as const;
    for (const [res, , path] of tries) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ rule: RULE, clause: '2.1' });
      expect(res.json().detail).toContain('“Guitar group support”');
      expect(res.json().detail).toMatch(/retired/);
      expect(res.json().errors).toEqual([{ path, message: 'the purpose “Guitar group support” was retired: a manager moves the case to a purpose in force' }]);
    }
    const denials = (await since(seq)).filter((r) => r.decision === 'deny');
    expect(denials.map((r) => [r.action, r.rule_id, r.clause, r.resource_type, r.resource_id, r.subject_person_id])).toEqual(
      tries.map(([, action]) => [action, RULE, '2.1', 'case', caseId, personId]),
    );
    for (const d of denials) expect(JSON.parse(d.detail)).toMatchObject({ purposeId });
    expect(await Promise.all([count('notes'), count('attachments'), count('meetings')])).toEqual(before);
  });

  it('2.1 authorised-use purposes/case-purpose-in-force: a case past its purpose\'s review date refuses new notes until the guardian re-approves the purpose or the case moves', async () => {
    const caseId = await caseFor(overdue);
    const res = await note(staff, caseId);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ rule: RULE, errors: [{ path: 'params.caseId', message: 'the purpose “Overdue purpose” is past its review date: the guardian re-approves it, or a manager moves the case to a purpose in force' }] });
  });

  it('2.1 authorised-use purposes/case-purpose-in-force: a case opened before purposes were required names none — new notes, files and meetings are refused, asking to name the purpose this case is held for', async () => {
    const caseId = await caseFor(null);
    const before = await Promise.all([count('notes'), count('attachments'), count('meetings')]);
    for (const [res, path] of [[await note(staff, caseId), 'params.caseId'], [await upload(staff, caseId), 'params.caseId'], [await meeting(staff, caseId), 'body.caseId']] as const) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ rule: RULE, clause: '2.1', errors: [{ path, message: 'name the purpose this case is held for: it names none' }] });
    }
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'meeting.record', decision: 'deny', rule_id: RULE, resource_id: caseId });
    expect(await Promise.all([count('notes'), count('attachments'), count('meetings')])).toEqual(before);
  });

  it('2.1 authorised-use: a case held for a retired purpose is still read and closed; other changes to it (its summary, reopening it, a note\'s edit) are refused naming body.purposeId', async () => {
    const purposeId = await insertPurpose(world, { name: 'Choir support', guardianId: guardian.id, createdBy: manager.id });
    const caseId = await caseFor(purposeId);
    const noteId = await makeNote(world, caseId, staff.id);
    await retire(purposeId);
    expect((await as(world, staff).get(`/api/cases/${caseId}`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/cases/${caseId}/notes`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/notes/${noteId}`)).statusCode).toBe(200);

    const summary = await patch(staff, caseId, { summary: 'now wants to sing' });
    expect(summary.statusCode, summary.body).toBe(409);
    expect(summary.json()).toMatchObject({ rule: RULE, errors: [{ path: 'body.purposeId', message: 'the purpose “Choir support” was retired: a manager moves the case to a purpose in force' }] });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'case.update', decision: 'deny', rule_id: RULE, resource_id: caseId });
    const noteVersion = Number((await db().selectFrom('notes').select('version').where('id', '=', noteId).executeTakeFirstOrThrow()).version);
    const edit = await as(world, staff).patch(`/api/notes/${noteId}`, { title: 'Choir practice' }, { 'if-match': `"${noteVersion}"` });
    expect(edit.statusCode, edit.body).toBe(409);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'note.update', decision: 'deny', rule_id: RULE, resource_type: 'note', resource_id: noteId });

    const closed = await patch(staff, caseId, { status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().data).toMatchObject({ status: 'closed', purposeId });
    const reopened = await patch(staff, caseId, { status: 'open' });
    expect(reopened.statusCode, reopened.body).toBe(409);
    const row = await db().selectFrom('cases').select(['status', 'summary']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'closed', summary: 'referred by school' });
  });

  it('2.1 authorised-use purposes/manager-assigns-case: staff may not move a case to another purpose (403, audited); a manager moves it to a purpose in force (If-Match), audited with the old and new purpose ids, and notes, files and meetings are accepted again', async () => {
    const caseId = await caseFor(null);
    const staffMove = await patch(staff, caseId, { purposeId: active });
    expect(staffMove.statusCode, staffMove.body).toBe(403);
    expect(staffMove.json()).toMatchObject({ rule: 'default/deny', clause: '2.1' });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'purpose.assign', decision: 'deny', resource_type: 'case', resource_id: caseId });

    for (const purposeId of [draft, retired, overdue]) {
      const res = await patch(manager, caseId, { purposeId });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'purposes/not-in-force', errors: [{ path: 'body.purposeId', message: 'the purpose is not active' }] });
      expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'purpose.assign', decision: 'deny', rule_id: 'purposes/not-in-force', resource_id: caseId });
    }
    const noVersion = await as(world, manager).patch(`/api/cases/${caseId}`, { purposeId: active });
    expect(noVersion.statusCode).toBe(428);
    expect(await db().selectFrom('cases').select('purpose_id').where('id', '=', caseId).executeTakeFirstOrThrow()).toEqual({ purpose_id: null });

    const seq = await lastSeq();
    const moved = await patch(manager, caseId, { purposeId: active });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().data.purposeId).toBe(active);
    const entries = await since(seq);
    const assigned = entries.find((r) => r.action === 'purpose.assign')!;
    expect(assigned).toMatchObject({ decision: 'change', rule_id: 'purposes/manager-assigns-case', clause: '2.1', resource_type: 'case', resource_id: caseId, subject_person_id: personId });
    expect(JSON.parse(assigned.detail)).toEqual({ from: null, to: active });
    expect(JSON.parse(entries.find((r) => r.action === 'case.update')!.detail)).toMatchObject({ fields: ['purposeId'] });

    const again = await patch(manager, caseId, { purposeId: other });
    expect(again.statusCode, again.body).toBe(200);
    expect(JSON.parse((await auditRows(world)).filter((r) => r.action === 'purpose.assign').at(-1)!.detail)).toEqual({ from: active, to: other });

    expect((await note(staff, caseId)).statusCode).toBe(201);
    expect((await upload(staff, caseId)).statusCode).toBe(201);
    expect((await meeting(staff, caseId)).statusCode).toBe(201);
    expect((await patch(staff, caseId, { summary: 'going well' })).statusCode).toBe(200);
  });

  it('2.1 authorised-use: a retired purpose\'s case reopens only when a manager moves it to a purpose in force in the same change', async () => {
    const purposeId = await insertPurpose(world, { name: 'Summer school support', guardianId: guardian.id, createdBy: manager.id });
    const caseId = await caseFor(purposeId);
    expect((await patch(staff, caseId, { status: 'closed' })).statusCode).toBe(200);
    await retire(purposeId);
    expect((await patch(manager, caseId, { status: 'open' })).statusCode).toBe(409);
    const res = await patch(manager, caseId, { status: 'open', purposeId: active });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ status: 'open', purposeId: active });
  });

  it('2.1 authorised-use: reads of a case, its notes, a note, a file and a meeting about it name the case\'s purpose in their audit entry, and who has seen the person\'s records names the purpose', async () => {
    const caseId = await caseFor(active);
    const noteId = await makeNote(world, caseId, staff.id);
    const fileId = (await upload(staff, caseId)).json().data.id as string;
    const meetingId = (await meeting(staff, caseId)).json().data.id as string;
    const seq = await lastSeq();
    for (const url of [`/api/cases/${caseId}`, `/api/cases/${caseId}/notes`, `/api/notes/${noteId}`, `/api/attachments/${fileId}`, `/api/cases/${caseId}/attachments`, `/api/meetings/${meetingId}`]) {
      const res = await as(world, staff).get(url);
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
    }
    const reads = (await since(seq)).filter((r) => r.decision === 'allow');
    expect(reads.map((r) => r.action)).toEqual(['case.read', 'note.read', 'note.read', 'attachment.read', 'attachment.read', 'meeting.read']);
    for (const r of reads) expect(JSON.parse(r.detail), r.action).toMatchObject({ purposeId: active });
    expect(JSON.stringify(reads)).not.toContain('Music mentoring support');

    const log = await as(world, manager).get(`/api/people/${personId}/access-log?limit=200`);
    expect(log.statusCode, log.body).toBe(200);
    const items = log.json().items as { seq: number; action: string; purpose: { id: string; name: string } | null }[];
    const read = items.find((i) => i.action === 'case.read' && i.seq > seq)!;
    expect(read.purpose).toEqual({ id: active, name: 'Music mentoring support' });
    expect(items.find((i) => i.action === 'meeting.read' && i.seq > seq)!.purpose).toEqual({ id: active, name: 'Music mentoring support' });
    // A person's own record is read under need to know (3.4), not for one case's purpose: no purpose is named.
    expect((await as(world, staff).get(`/api/people/${personId}`)).statusCode).toBe(200);
    const after = (await as(world, manager).get(`/api/people/${personId}/access-log?limit=5`)).json().items as typeof items;
    expect(after.find((i) => i.action === 'person.read')!.purpose).toBeNull();
  });

  it('2.1 purpose-register: registering a person with their first case names its purpose (body.openCase.purposeId) — required, refused when not active with nothing written, and the case is held for it', async () => {
    const people = async () => Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await people();
    const body = (openCase: Record<string, unknown>) => ({ kind: 'service_user', givenName: 'Grace', familyName: 'Hopper', openCase });
    const missing = await as(world, staff).post('/api/people', body({ service: 'Band project' }));
    expect(missing.statusCode, missing.body).toBe(400);
    expect(missing.json().errors).toEqual([{ path: 'body.openCase.purposeId', message: expect.any(String) }]);
    const refused = await as(world, staff).post('/api/people', body({ service: 'Band project', purposeId: retired }));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'purposes/not-in-force', errors: [{ path: 'body.openCase.purposeId', message: 'the purpose is not active' }] });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'case.create', decision: 'deny', rule_id: 'purposes/not-in-force' });
    expect(await people()).toBe(before);
    const created = await as(world, staff).post('/api/people', body({ service: 'Band project', purposeId: active }));
    expect(created.statusCode, created.body).toBe(201);
    expect((await as(world, staff).get(`/api/cases/${created.json().caseId}`)).json().data.purposeId).toBe(active);
  });

  it('2.1 purpose-register: an import that opens first cases names their purpose (--purpose) — without it, or with a retired one, it is refused before any row (audited), nothing written; with an active one each case is held for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-case-purpose-'));
    try {
      const file = join(dir, 'people.csv');
      writeFileSync(file, 'givenName,familyName,kind\nIvy,Imported,service_user\n');
      const people = async () => Number((await db().selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await people();
      await expect(cliImportPeople(world.services, file, staff.username, false, { service: 'Drums' })).rejects.toThrow(/--service needs --purpose/);
      await expect(cliImportPeople(world.services, file, staff.username, false, { service: 'Drums', purpose: retired })).rejects.toMatchObject({ kind: 'forbidden', rule: 'purposes/not-in-force', errors: [{ path: 'purpose', message: 'the purpose is not active' }] });
      expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'case.create', decision: 'deny', rule_id: 'purposes/not-in-force', actor_id: staff.id });
      expect(await people()).toBe(before);
      const report = await cliImportPeople(world.services, file, staff.username, false, { service: 'Drums', purpose: active });
      expect(report).toMatchObject({ imported: 1, committed: true });
      const held = await db().selectFrom('cases').select('purpose_id').where('person_id', '=', report.ids[0]).execute();
      expect(held).toEqual([{ purpose_id: active }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
