import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { as, casePurpose, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const LIMIT = 64 * 1024;
const MISSING = '01900000-0000-7000-8000-000000000000';

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

/** A multipart/form-data body, built by hand so tests control every byte (names, order, types). */
function multipart(parts: Part[]) {
  const boundary = `----confide${Math.random().toString(36).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = 'filename' in p
      ? `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), 'filename' in p ? p.data : Buffer.from(p.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A minimal ZIP (stored entries) with the given entry names, enough for the office sniffers. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const n = Buffer.from(name);
    const data = Buffer.from(content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(entries).length, 8); end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000dIHDR-fake-image-bytes')]);
const DOCX = zip({ '[Content_Types].xml': '<Types/>', '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' });
const XLSX = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
const ODT = zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content/>' });
const PLAIN_ZIP = zip({ 'notes.txt': 'hello' });
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90), Buffer.from([0, 0, 0, 1])]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(dialects())('attachments over HTTP (%s)', (dialect) => {
  let world: World;
  let lead: TestUser; // staff, lead on the case, uploads
  let worker: TestUser; // staff on the team, did not upload
  let outsider: TestUser; // staff, not on the team
  let manager: TestUser; // manager, not on the team
  let volunteer: TestUser; // volunteer on the team
  let personId: string;
  let caseId: string;
  let otherCaseId: string;

  const upload = (user: TestUser | undefined, cid: string, parts: Part[]) => {
    const body = multipart(parts);
    return world.app.inject({
      method: 'POST', url: `/api/cases/${cid}/attachments`, payload: body.payload,
      headers: { 'content-type': body.contentType, ...(user ? { cookie: `${SESSION_COOKIE}=${user.cookie}`, 'x-csrf-token': user.csrf } : {}) },
    });
  };
  const file = (data: Buffer, filename = 'report.pdf', type = 'application/pdf'): Part => ({ name: 'file', filename, type, data });
  const field = (name: string, value: string): Part => ({ name, value });
  const storeDir = () => join(world.config.dataDir, 'attachments');
  const tempFiles = () => (existsSync(join(storeDir(), 'tmp')) ? readdirSync(join(storeDir(), 'tmp')) : []);
  const rowCount = async () => Number((await world.services.db.kysely.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    world = await createWorld(dialect, { maxUploadBytes: LIMIT });
    [lead, worker, outsider, manager, volunteer] = await Promise.all([
      makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['manager']), makeUser(world, ['volunteer']),
    ]);
    personId = await makePerson(world);
    caseId = await makeCase(world, personId, { [lead.id]: 'lead', [worker.id]: 'worker', [volunteer.id]: 'volunteer' });
    otherCaseId = await makeCase(world, await makePerson(world), { [outsider.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 2 notes/case-team-write: a staff member on the team files a session document; stored by content hash only', async () => {
    const res = await upload(lead, caseId, [file(PDF)]);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.data).toMatchObject({ caseId, classification: 'session', contentType: 'application/pdf', sizeBytes: PDF.length, filename: 'report.pdf', uploadedBy: lead.id });
    expect(res.headers.location).toBe(`/api/attachments/${body.data.id}`);
    const digest = sha(PDF);
    expect(body.data.sha256).toBe(digest);
    expect(existsSync(join(storeDir(), digest.slice(0, 2), digest))).toBe(true);
    expect(tempFiles()).toEqual([]);
  });

  it('1.1 records-management: PNG, plain text, CSV, DOCX, XLSX and ODT are recognised from their bytes', async () => {
    const cases: [Buffer, string, string, string][] = [
      [PNG, 'photo.png', 'image/png', 'image/png'],
      [Buffer.from('Session plan\nwarm-up, drums\n'), 'plan.txt', 'text/plain', 'text/plain'],
      [Buffer.from('date,minutes\n2026-03-01,45\n'), 'attendance.csv', 'text/csv', 'text/csv'],
      [DOCX, 'letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [XLSX, 'sheet.xlsx', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [ODT, 'minutes.odt', 'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.text'],
    ];
    for (const [data, name, declared, stored] of cases) {
      const res = await upload(lead, caseId, [file(data, name, declared), field('classification', 'personal')]);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      expect(res.json().data.contentType).toBe(stored);
    }
  });

  it('1.1: a type outside the allow-list (executable, plain zip, HTML) or bytes that contradict the declared type answer 415', async () => {
    const before = await rowCount();
    for (const [data, name, type] of [
      [EXE, 'setup.exe', 'application/octet-stream'],
      [PLAIN_ZIP, 'archive.zip', 'application/zip'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'page.html', 'text/html'],
      [PDF, 'holiday.png', 'image/png'],
      [PNG, 'form.pdf', 'application/pdf'],
    ] as [Buffer, string, string][]) {
      const res = await upload(lead, caseId, [file(data, name, type)]);
      expect(res.statusCode, name).toBe(415);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].path).toBe('body.file');
    }
    expect(await rowCount()).toBe(before);
    expect(tempFiles()).toEqual([]);
  });

  it('1.1: an empty file is 400 and a file over MAX_UPLOAD_BYTES is 413; nothing is stored', async () => {
    const before = await rowCount();
    const empty = await upload(lead, caseId, [file(Buffer.alloc(0), 'empty.txt', 'text/plain')]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0]).toMatchObject({ path: 'body.file' });
    const big = await upload(lead, caseId, [file(Buffer.alloc(LIMIT + 1, 0x61), 'big.txt', 'text/plain')]);
    expect(big.statusCode).toBe(413);
    expect(big.json().errors[0].path).toBe('body.file');
    const exact = await upload(lead, caseId, [file(Buffer.alloc(LIMIT, 0x62), 'exact.txt', 'text/plain')]);
    expect(exact.statusCode).toBe(201);
    expect(await rowCount()).toBe(before + 1);
    expect(tempFiles()).toEqual([]);
  });

  it('traversal-like and hostile filenames are stored as display names only, never as paths; names with folders, a NUL or a lone surrogate are refused, naming the file', async () => {
    const before = await rowCount();
    for (const raw of ['../../etc/passwd.txt', '..\\..\\windows\\win.ini.txt', 'dir/report.txt', 'nul\u0000.txt']) {
      const res = await upload(lead, caseId, [file(Buffer.from(`content ${Math.random()}\n`), raw, 'text/plain')]);
      expect(res.statusCode, JSON.stringify(raw)).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.file', message: expect.stringMatching(/^file name /) }]);
    }
    expect(await rowCount()).toBe(before);
    expect(tempFiles()).toEqual([]);
    const names: [string, string][] = [
      ['..', 'attachment'],
      ['.hidden.txt', 'hidden.txt'],
      ['inv\u202Egnp.txt', 'invgnp.txt'],
      ['tab\tand\u0007bell.txt', 'tabandbell.txt'],
    ];
    for (const [raw, stored] of names) {
      const data = Buffer.from(`content for ${stored} ${Math.random()}\n`);
      const res = await upload(lead, caseId, [file(data, raw, 'text/plain')]);
      expect(res.statusCode, raw).toBe(201);
      expect(res.json().data.filename).toBe(stored);
      const digest = sha(data);
      expect(existsSync(join(storeDir(), digest.slice(0, 2), digest))).toBe(true);
    }
    const long = await upload(lead, caseId, [file(Buffer.from('long name\n'), `${'n'.repeat(300)}.txt`, 'text/plain')]);
    expect([...long.json().data.filename].length).toBe(200);
    expect(long.json().data.filename.endsWith('.txt')).toBe(true);
    expect(existsSync(join(world.config.dataDir, 'etc'))).toBe(false);
    expect(existsSync(join(world.config.dataDir, '..', 'etc', 'passwd.txt'))).toBe(false);
  });

  it('bad input: unknown form fields, a bad classification, a foreign note, a second file and bad ids are 400s naming the field', async () => {
    const unknown = await upload(lead, caseId, [field('uploadedBy', manager.id), file(PDF)]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].message).toMatch(/uploadedBy/);
    const badClass = await upload(lead, caseId, [file(PDF), field('classification', 'general')]);
    expect(badClass.statusCode).toBe(400);
    expect(badClass.json().errors[0].path).toBe('body.classification');
    const foreignNote = await makeNote(world, otherCaseId, outsider.id);
    const wrongNote = await upload(lead, caseId, [file(PDF), field('noteId', foreignNote)]);
    expect(wrongNote.statusCode).toBe(400);
    expect(wrongNote.json().errors[0].path).toBe('body.noteId');
    const noFile = await upload(lead, caseId, [field('classification', 'session')]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().errors[0].path).toBe('body.file');
    const badId = await upload(lead, 'not-a-uuid', [file(PDF)]);
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0].path).toBe('params.caseId');
    expect((await as(world, lead).get('/api/attachments/../../etc/passwd')).statusCode).toBeGreaterThanOrEqual(400);
    expect((await as(world, lead).get('/api/attachments/not-a-uuid')).statusCode).toBe(400);
    const json = await as(world, lead).post(`/api/cases/${caseId}/attachments`, { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(tempFiles()).toEqual([]);
  });

  it('a note of the same case can be named; the attachment is then listed under it', async () => {
    const noteId = await makeNote(world, caseId, lead.id);
    const res = await upload(lead, caseId, [field('noteId', noteId), file(PDF, 'session-sheet.pdf')]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data.noteId).toBe(noteId);
  });

  it('3.4 need to know: a staff member off the team gets the same 404 as for a missing case, and nothing is stored', async () => {
    const before = await rowCount();
    const forbidden = await upload(outsider, caseId, [file(PDF)]);
    const missing = await upload(outsider, MISSING, [file(PDF)]);
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(forbidden.json().detail).toBe(missing.json().detail);
    expect(await rowCount()).toBe(before);
    expect(tempFiles()).toEqual([]);
  });

  it('practice 3 notes/case-team-write: a volunteer on the team may not file documents (403)', async () => {
    const res = await upload(volunteer, caseId, [file(PDF)]);
    expect(res.statusCode).toBe(403);
  });

  it('practice 2 session-staff-team-only: a manager off the team may not file a session document; management may file a personal one', async () => {
    const session = await upload(manager, caseId, [file(PDF)]);
    expect(session.statusCode).toBe(403);
    // The classification is at fault (session, by default), named once — not the file's name and hash it classifies.
    expect(session.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.classification']);
    const personal = await upload(manager, caseId, [file(PDF, 'referral.pdf'), field('classification', 'personal')]);
    expect(personal.statusCode, personal.body).toBe(201);
  });

  it('practice 4.1 safeguarding-management: staff may not file a safeguarding document — the refusal names the classification, in the answer and the audit; a manager may', async () => {
    const staff = await upload(lead, caseId, [file(PDF, 'concern.pdf'), field('classification', 'safeguarding')]);
    expect(staff.statusCode).toBe(403);
    expect(staff.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.classification']);
    const rows = await auditRows(world);
    expect(rows.at(-1)!).toMatchObject({ decision: 'deny', action: 'attachment.create' });
    expect(JSON.parse(rows.at(-1)!.detail)).toEqual({ fields: ['classification'] });
    const mgr = await upload(manager, caseId, [file(Buffer.from('%PDF-1.4 safeguarding referral\n'), 'concern.pdf'), field('classification', 'safeguarding')]);
    expect(mgr.statusCode, mgr.body).toBe(201);
  });

  describe('reading and downloading', () => {
    let sessionId: string;
    let safeguardingId: string;
    const content = Buffer.from('%PDF-1.4\nsession notes: talked about home\n%%EOF\n');

    beforeAll(async () => {
      sessionId = (await upload(lead, caseId, [file(content, 'Séance 3 (notes).pdf')])).json().data.id;
      safeguardingId = (await upload(manager, caseId, [file(Buffer.from('%PDF-1.4 concern form\n'), 'concern-form.pdf'), field('classification', 'safeguarding')])).json().data.id;
    });

    it('practice 2: the team downloads a session document as an attachment, with nosniff; the download is audited by field, never value', async () => {
      const res = await as(world, worker).get(`/api/attachments/${sessionId}/content`);
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(content)).toBe(true);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="S_ance 3 (notes).pdf"; filename*=UTF-8''S%C3%A9ance%203%20%28notes%29.pdf`);
      const row = (await auditRows(world)).at(-1)!;
      expect(row).toMatchObject({ action: 'attachment.read', decision: 'allow', resource_id: sessionId, subject_person_id: personId });
      expect(JSON.parse(row.detail)).toEqual({ fields: ['content', 'filename'], classes: ['session'], purposeId: await casePurpose(world) });
      expect(row.detail).not.toContain('ance 3');
    });

    it('3.4 audit: reading the details shows the filename to the team and records which fields, not their values', async () => {
      const res = await as(world, worker).get(`/api/attachments/${sessionId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.filename).toBe('Séance 3 (notes).pdf');
      const row = (await auditRows(world)).at(-1)!;
      expect(row).toMatchObject({ action: 'attachment.read', decision: 'allow' });
      expect(JSON.parse(row.detail).fields).toEqual(['filename', 'sha256']);
      expect(row.detail).not.toContain('(notes)');
    });

    it('practice 2 session-staff-team-only: a manager off the team sees the details but not the filename, and may not download (403, audited)', async () => {
      const meta = await as(world, manager).get(`/api/attachments/${sessionId}`);
      expect(meta.statusCode).toBe(200);
      expect(meta.json().data.filename).toBeUndefined();
      expect(meta.json().restricted.map((r: { field: string }) => r.field)).toEqual(['filename', 'sha256']);
      const dl = await as(world, manager).get(`/api/attachments/${sessionId}/content`);
      expect(dl.statusCode).toBe(403);
      expect(dl.json().rule).toBe('session/staff-team-only');
      const row = (await auditRows(world)).at(-1)!;
      expect(row).toMatchObject({ action: 'attachment.read', decision: 'deny', rule_id: 'session/staff-team-only', resource_id: sessionId });
    });

    it('practice 3 need-to-know/case-team-volunteer: a volunteer on the team sees general details only and may not download', async () => {
      const meta = await as(world, volunteer).get(`/api/attachments/${sessionId}`);
      expect(meta.statusCode).toBe(200);
      expect(meta.json().data.filename).toBeUndefined();
      expect((await as(world, volunteer).get(`/api/attachments/${sessionId}/content`)).statusCode).toBe(403);
    });

    it('practice 4.1 safeguarding: management download a safeguarding document; staff on the team may not', async () => {
      const mgr = await as(world, manager).get(`/api/attachments/${safeguardingId}/content`);
      expect(mgr.statusCode).toBe(200);
      const staff = await as(world, lead).get(`/api/attachments/${safeguardingId}/content`);
      expect(staff.statusCode).toBe(403);
      const meta = await as(world, lead).get(`/api/attachments/${safeguardingId}`);
      expect(meta.json().data.filename).toBeUndefined();
    });

    it('3.4 need to know: off the team, details and content answer the same 404 as a missing id', async () => {
      for (const url of [`/api/attachments/${sessionId}`, `/api/attachments/${sessionId}/content`]) {
        const forbidden = await as(world, outsider).get(url);
        const missing = await as(world, outsider).get(url.replace(sessionId, MISSING));
        expect(forbidden.statusCode).toBe(404);
        expect(missing.statusCode).toBe(404);
        expect(forbidden.json().detail).toBe(missing.json().detail);
      }
    });

    it('3.4 need to know: lists are filtered in SQL and carry no filenames; off the team the case is a 404', async () => {
      const mine = await as(world, worker).get(`/api/cases/${caseId}/attachments?limit=200`);
      expect(mine.statusCode).toBe(200);
      const ids = mine.json().items.map((i: { id: string }) => i.id);
      expect(ids).toContain(sessionId);
      expect(ids).toContain(safeguardingId); // the item is listed (general fields) even when its content is not readable
      for (const item of mine.json().items) {
        expect(item.filename).toBeUndefined();
        expect(item.sha256).toBeUndefined();
      }
      const theirs = await as(world, outsider).get(`/api/cases/${caseId}/attachments`);
      expect(theirs.statusCode).toBe(404);
      const own = await as(world, outsider).get(`/api/cases/${otherCaseId}/attachments`);
      expect(own.json().items).toEqual([]);
      const paged = await as(world, worker).get(`/api/cases/${caseId}/attachments?limit=2`);
      expect(paged.json().items).toHaveLength(2);
      const next = await as(world, worker).get(`/api/cases/${caseId}/attachments?limit=2&cursor=${paged.json().nextCursor}`);
      expect(next.json().items.map((i: { id: string }) => i.id)).not.toContain(paged.json().items[0].id);
    });
  });

  describe('archiving', () => {
    it('1.1 notes/author-edit: only the uploader on the team archives; the archived attachment leaves lists unless asked for', async () => {
      const id = (await upload(lead, caseId, [file(Buffer.from('to be archived\n'), 'old.txt', 'text/plain')])).json().data.id;
      const other = await as(world, worker).post(`/api/attachments/${id}/archive`);
      expect(other.statusCode).toBe(403);
      const ok = await as(world, lead).post(`/api/attachments/${id}/archive`);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().data.archivedAt).toBe(world.clock.now().toISOString());
      const again = await as(world, lead).post(`/api/attachments/${id}/archive`);
      expect(again.statusCode).toBe(409);
      const listed = (await as(world, lead).get(`/api/cases/${caseId}/attachments?limit=200`)).json().items.map((i: { id: string }) => i.id);
      expect(listed).not.toContain(id);
      const all = (await as(world, lead).get(`/api/cases/${caseId}/attachments?limit=200&includeArchived=true`)).json().items.map((i: { id: string }) => i.id);
      expect(all).toContain(id);
      expect((await as(world, lead).get(`/api/attachments/${id}/content`)).statusCode).toBe(200); // archive is not erasure
    });

    it('3.4 notes/author-edit: an uploader taken off the team can no longer see or archive their upload (404)', async () => {
      const leaver = await makeUser(world, ['staff']);
      const cid = await makeCase(world, personId, { [leaver.id]: 'worker' });
      const id = (await upload(leaver, cid, [file(Buffer.from('leaver file\n'), 'a.txt', 'text/plain')])).json().data.id;
      await world.services.db.kysely.deleteFrom('case_team').where('case_id', '=', cid).where('user_id', '=', leaver.id).execute();
      expect((await as(world, leaver).post(`/api/attachments/${id}/archive`)).statusCode).toBe(404);
      expect((await as(world, leaver).get(`/api/attachments/${id}/content`)).statusCode).toBe(404);
    });
  });

  it('nothing half-written: when the content cannot be moved into place the transaction rolls back and leaves no row', async () => {
    const data = Buffer.from('%PDF-1.4 cannot be placed\n');
    const digest = sha(data);
    mkdirSync(join(storeDir(), digest.slice(0, 2), digest), { recursive: true }); // a directory squats on the address
    writeFileSync(join(storeDir(), digest.slice(0, 2), digest, 'x'), 'x');
    const before = await rowCount();
    const auditBefore = (await auditRows(world)).length;
    const res = await upload(lead, caseId, [file(data)]);
    expect(res.statusCode).toBe(500);
    expect(await rowCount()).toBe(before);
    const created = (await auditRows(world)).slice(auditBefore).filter((r) => r.action === 'attachment.create');
    expect(created).toEqual([]);
    expect(tempFiles()).toEqual([]);
  });

  it('malformed multipart bodies answer a 4xx problem, never a 5xx, and leave nothing behind', async () => {
    const before = await rowCount();
    const good = multipart([file(PDF)]);
    const boundary = good.contentType.split('boundary=')[1];
    const bodies: [string, Buffer | string][] = [
      [good.contentType, good.payload.subarray(0, good.payload.length - 20)], // truncated before the closing boundary
      [good.contentType, ''],
      ['multipart/form-data', good.payload], // no boundary
      ['multipart/form-data; boundary=other', good.payload], // wrong boundary
      [good.contentType, `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nno filename\r\n--${boundary}--\r\n`],
      [good.contentType, `--${boundary}\r\nContent-Disposition: form-data; name="classification"\r\n\r\n${'x'.repeat(5000)}\r\n--${boundary}--\r\n`],
      [good.contentType, Buffer.concat([multipart([file(PDF), file(PNG, 'b.png', 'image/png')]).payload])],
      [good.contentType, `--${boundary}\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--${boundary}--\r\n`],
    ];
    for (const [i, [type, payload]] of bodies.entries()) {
      const res = await world.app.inject({
        method: 'POST', url: `/api/cases/${caseId}/attachments`, payload,
        headers: { 'content-type': type, cookie: `${SESSION_COOKIE}=${lead.cookie}`, 'x-csrf-token': lead.csrf },
      });
      expect(res.statusCode, `case ${i}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `case ${i}: ${res.body}`).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await rowCount()).toBe(before);
    expect(tempFiles()).toEqual([]);
  });

  it('identical content is stored once and shared by both rows', async () => {
    const data = Buffer.from('same bytes twice\n');
    const a = await upload(lead, caseId, [file(data, 'one.txt', 'text/plain')]);
    const b = await upload(lead, caseId, [file(data, 'two.txt', 'text/plain')]);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    const digest = sha(data);
    expect(readdirSync(join(storeDir(), digest.slice(0, 2))).filter((n) => n === digest)).toHaveLength(1);
    expect((await as(world, lead).get(`/api/attachments/${b.json().data.id}/content`)).rawPayload.equals(data)).toBe(true);
  });

  it('3.4 need-to-know: the list offers what the API then does — `canOpen` on each document is its download\'s answer, `canAttach` the classifications an upload is accepted under (no safeguarding document for staff, no session document opened by a manager off the team)', async () => {
    const classes = ['personal', 'special', 'session', 'safeguarding'];
    for (const user of [lead, worker, volunteer, manager]) {
      const list = await as(world, user).get(`/api/cases/${caseId}/attachments?limit=200`);
      expect(list.statusCode, list.body).toBe(200);
      const { items, canAttach } = list.json() as { items: { id: string; canOpen: boolean }[]; canAttach: string[] };
      for (const item of items) {
        const opened = await as(world, user).get(`/api/attachments/${item.id}/content`);
        expect(opened.statusCode === 200, `${user.username} ${item.id}`).toBe(item.canOpen);
      }
      for (const c of classes) {
        const res = await upload(user, caseId, [file(PDF, `${c}.pdf`), field('classification', c)]);
        expect(res.statusCode === 201, `${user.username} files ${c}: ${res.statusCode}`).toBe(canAttach.includes(c));
      }
    }
    const offered = async (user: TestUser) => (await as(world, user).get(`/api/cases/${caseId}/attachments?limit=200`)).json();
    const byLead = await offered(lead);
    expect(byLead.canAttach).not.toContain('safeguarding');
    expect(byLead.canAttach).toContain('session');
    const byManager = await offered(manager);
    const session = byManager.items.filter((i: { classification: string }) => i.classification === 'session');
    expect(session.length).toBeGreaterThan(0);
    for (const i of session) expect(i.canOpen).toBe(false); // practice 2: session details stay with the staff team
    expect((await offered(volunteer)).canAttach).not.toContain('safeguarding');
  });
});
