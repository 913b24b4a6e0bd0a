import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify';
import { cliExportPeople, cliImportPeople } from '../../src/cli/transfer';
import { registerCsv } from '../../src/disclosure/queries';
import { fromCsv, neutralise, toCsv, TransferError } from '../../src/transfer/csv';
import { casePurpose, auditRows, insertPurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

type Row = Record<string, string>;
const rowsOf = (csv: string) => parse(csv, { columns: true }) as Row[];
/** Parses as a line-based reader or spreadsheet does: a CR, LF or CRLF outside quotes ends the row (RFC 4180 quoting). */
const strictRowsOf = (csv: string) => parse(csv, { columns: true, record_delimiter: ['\r\n', '\n', '\r'] }) as Row[];
const peopleCount = async (world: World) =>
  Number((await world.services.db.kysely.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('CSV cells', () => {
  it('neutralises formula injection: = + - @ tab and CR get a leading quote', () => {
    for (const c of ['=1+2', '+44 7700', '-3', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(c)).toBe(`'${c}`);
    for (const c of ['Alex', '07700 900101', '', "'quoted"]) expect(neutralise(c)).toBe(c);
    expect(toCsv(['a'], [['=HYPERLINK("http://x")']])).toBe('a\r\n"\'=HYPERLINK(""http://x"")"\r\n');
  });
  it('3.7 secure-conditions: a cell holding CR, LF, CRLF, a double quote or a comma is quoted (RFC 4180) and parses back into its own row and column', () => {
    const awkward = ['line1\nline2', 'a\r\nb', 'mid\rcarriage', 'say "hi"', 'one, two', '=1+2\nnext', ''];
    const csv = toCsv(['id', 'value', 'after'], awkward.map((v, i) => [`r${i}`, v, `after${i}`]));
    expect(strictRowsOf(csv)).toEqual(awkward.map((v, i) => ({ id: `r${i}`, value: neutralise(v), after: `after${i}` })));
    // The disclosure register's CSV is written the same way.
    const register = strictRowsOf(registerCsv([{ reference: 'D-1', recipientName: 'Ward 3\nNight team', recipientRole: 'Nurse, "lead"', status: 'released' }, { reference: 'D-2', status: 'requested' }]));
    expect(register.map((r) => [r.reference, r.recipientName, r.recipientRole, r.status])).toEqual([['D-1', 'Ward 3\nNight team', 'Nurse, "lead"', 'released'], ['D-2', '', '', 'requested']]);
  });
  it('refuses malformed CSV and an empty file as a whole', () => {
    expect(() => fromCsv('a,b\n"unterminated')).toThrow(TransferError);
    expect(() => fromCsv('')).toThrow(/empty/);
  });
});

describe.each(dialects())('CSV export and import of people (%s)', (dialect) => {
  let world: World;
  let dir: string;
  let staff: TestUser;
  let otherStaff: TestUser;
  let volunteer: TestUser;
  let manager: TestUser;
  let guardian: TestUser;
  /** The active purpose exports name (2.1). */
  let purpose: string;
  const ids: Record<string, string> = {};
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    world = await createWorld(dialect);
    dir = mkdtempSync(join(tmpdir(), 'confide-csv-'));
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    purpose = await insertPurpose(world, { name: 'Service planning', guardianId: guardian.id, createdBy: manager.id });
    ids.mine = await makePerson(world, { givenName: 'Mina', familyName: 'Mine', healthNotes: 'asthma-secret', safeguardingNotes: 'sg-secret' });
    ids.formula = await makePerson(world, { givenName: '=HYPERLINK("http://evil")', familyName: '+Formula', email: 'f@example.org' });
    ids.theirs = await makePerson(world, { givenName: 'Theo', familyName: 'Theirs' });
    ids.vol = await makePerson(world, { givenName: 'Vera', familyName: 'Volunteered', email: 'vera-secret@example.org' });
    await makeCase(world, ids.mine, { [staff.id]: 'lead' });
    await makeCase(world, ids.formula, { [staff.id]: 'lead' });
    await makeCase(world, ids.theirs, { [otherStaff.id]: 'lead' });
    await makeCase(world, ids.vol, { [otherStaff.id]: 'lead', [volunteer.id]: 'volunteer' });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('3.4 need to know: export as staff holds only their case-team people, with safeguarding restricted and empty', async () => {
    const { csv, rows } = await cliExportPeople(world.services, staff.username, purpose);
    const out = rowsOf(csv);
    expect(rows).toBe(2);
    expect(out.map((r) => r.id).sort()).toEqual([ids.mine, ids.formula].sort());
    const mine = out.find((r) => r.id === ids.mine)!;
    expect(mine.healthNotes).toBe('asthma-secret'); // special: the case team needs it
    expect(mine.safeguardingNotes).toBe('');
    expect(mine.restricted).toBe('safeguardingNotes');
    expect(csv).not.toContain('sg-secret');
    expect(csv).not.toContain('Theirs');
  });

  it('3.4 need to know: export as a volunteer fills only general columns of the people they work with', async () => {
    const { csv } = await cliExportPeople(world.services, volunteer.username, purpose);
    const out = rowsOf(csv);
    expect(out.map((r) => r.id)).toEqual([ids.vol]);
    const [v] = out;
    expect(v.givenName).toBe('Vera');
    for (const f of ['dateOfBirth', 'email', 'phone', 'address', 'ethnicity', 'healthNotes', 'safeguardingNotes']) expect(v[f], f).toBe('');
    expect(v.restricted.split(' ').sort()).toEqual(['address', 'dateOfBirth', 'email', 'ethnicity', 'healthNotes', 'phone', 'safeguardingNotes']);
    expect(csv).not.toContain('vera-secret');
  });

  it('export neutralises formula injection in every cell', async () => {
    const { csv } = await cliExportPeople(world.services, staff.username, purpose);
    const f = rowsOf(csv).find((r) => r.id === ids.formula)!;
    expect(f.givenName).toBe('\'=HYPERLINK("http://evil")');
    expect(f.familyName).toBe("'+Formula");
  });

  it('3.4 need to know: each exported person with confidential fields is audited with the fields, never the values', async () => {
    const before = (await auditRows(world)).length;
    await cliExportPeople(world.services, manager.username, purpose);
    const entries = (await auditRows(world)).slice(before);
    expect(entries.length).toBe(4);
    for (const e of entries) {
      expect(e.action).toBe('person.read');
      expect(e.actor_id).toBe(manager.id);
      const detail = JSON.parse(e.detail as unknown as string);
      expect(detail.via).toBe('export');
      expect(detail.purposeId).toBe(purpose); // 2.1: the use the export serves
      expect(detail.fields).toContain('safeguardingNotes');
    }
    expect(JSON.stringify(entries)).not.toMatch(/sg-secret|asthma-secret/);
    // A volunteer's export shows general fields only: nothing confidential, no read entry.
    const mark = (await auditRows(world)).length;
    await cliExportPeople(world.services, volunteer.username, purpose);
    expect((await auditRows(world)).length).toBe(mark);
  });

  it('2.1 purpose-register: an export names an active purpose from the register — a draft, retired or overdue one is refused and audited, one not in the register is invalid, and nothing is written', async () => {
    const draft = await insertPurpose(world, { name: 'Draft use', guardianId: guardian.id, createdBy: manager.id });
    await world.services.db.kysely.updateTable('purposes').set({ status: 'draft', approved_by: null, approved_at: null }).where('id', '=', draft).execute();
    const overdue = await insertPurpose(world, { name: 'Overdue use', guardianId: guardian.id, createdBy: manager.id, nextReviewOn: '2020-01-01' });
    for (const p of [draft, overdue]) {
      const before = (await auditRows(world)).length;
      const written: string[] = [];
      await expect(cliExportPeople(world.services, staff.username, p, (chunk) => void written.push(chunk))).rejects.toMatchObject({
        kind: 'forbidden', rule: 'purposes/not-in-force', clause: '3.1, 2.1', errors: [{ path: 'purpose', message: 'the purpose is not active' }],
      });
      expect(written).toEqual([]);
      const entries = (await auditRows(world)).slice(before);
      expect(entries.map((e) => [e.action, e.decision, e.rule_id, e.clause, e.actor_id, JSON.parse(e.detail)])).toEqual([
        ['person.read', 'deny', 'purposes/not-in-force', '3.1, 2.1', staff.id, { purposeId: p }],
      ]);
    }
    const before = (await auditRows(world)).length;
    await expect(cliExportPeople(world.services, staff.username, 'not-a-purpose')).rejects.toMatchObject({ kind: 'invalid-input', errors: [{ path: 'purpose', message: 'no such purpose' }] });
    expect((await auditRows(world)).length).toBe(before);
  });

  it('3.5 agreement: a user who has not accepted the policy cannot export', async () => {
    const fresh = await makeUser(world, ['staff'], { accepted: false });
    await expect(cliExportPeople(world.services, fresh.username, purpose)).rejects.toThrow(/polic/i);
  });

  it('import is all-or-nothing: one bad row writes nothing and the report names row and field, never the value', async () => {
    const before = await peopleCount(world);
    const path = file('bad.csv', 'givenName,familyName,kind,email\nAna,Good,service_user,ana@example.org\nBo,Bad,service_user,bad-value-xyz\nCy,Worse,martian,\n');
    const report = await cliImportPeople(world.services, path, staff.username, false, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report.committed).toBe(false);
    expect(report.imported).toBe(0);
    expect(report.rejected).toBe(2);
    expect(report.problems).toEqual([
      { row: 3, field: 'email', message: expect.any(String) },
      { row: 4, field: 'kind', message: expect.any(String) },
    ]);
    expect(JSON.stringify(report)).not.toContain('bad-value-xyz');
    expect(JSON.stringify(report)).not.toContain('martian');
    expect(await peopleCount(world)).toBe(before);
  });

  it('import --partial keeps the good rows and reports the rest', async () => {
    const before = await peopleCount(world);
    const path = file('partial.csv', 'givenName,familyName,kind,email\nAna,Good,service_user,ana@example.org\nBo,Bad,service_user,bad-value\nCid,Fine,member_of_public,\n');
    const report = await cliImportPeople(world.services, path, staff.username, true, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report).toMatchObject({ committed: true, imported: 2, rejected: 1, rows: 3 });
    expect(report.problems.map((p) => [p.row, p.field])).toEqual([[3, 'email']]);
    expect(await peopleCount(world)).toBe(before + 2);
    const created = await world.services.db.kysely.selectFrom('people').select(['given_name', 'email', 'created_by']).where('id', 'in', report.ids).execute();
    expect(created.map((c) => c.given_name).sort()).toEqual(['Ana', 'Cid']);
    expect(created.every((c) => c.created_by === staff.id)).toBe(true);
    const rows = await auditRows(world);
    expect(rows.filter((r) => r.action === 'person.create' && report.ids.includes(r.resource_id!)).length).toBe(2);
    expect((await verifyAudit(world.services.db.kysely, world.services.signer)).ok).toBe(true);
  });

  it('practice 4.1 safeguarding: the field-level write check applies to imports; denials are audited even when nothing is written', async () => {
    const before = await peopleCount(world);
    const path = file('sg.csv', 'givenName,familyName,kind,safeguardingNotes\nDee,Staffer,service_user,import-sg-value\n');
    const report = await cliImportPeople(world.services, path, staff.username, false, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report.problems).toEqual([{ row: 2, field: 'safeguardingNotes', message: expect.stringMatching(/safeguarding/i) }]);
    expect(await peopleCount(world)).toBe(before);
    const denial = (await auditRows(world)).at(-1)!;
    expect(denial).toMatchObject({ action: 'person.create', decision: 'deny', actor_id: staff.id });
    expect(JSON.stringify(denial)).not.toContain('import-sg-value');
    // Management may record safeguarding notes.
    const ok = await cliImportPeople(world.services, path, manager.username, false);
    expect(ok.imported).toBe(1);
  });

  it('3.4 need to know: a volunteer cannot import people (every row denied, nothing written)', async () => {
    const before = await peopleCount(world);
    const path = file('vol.csv', 'givenName,familyName,kind\nEd,Vol,service_user\n');
    const report = await cliImportPeople(world.services, path, volunteer.username, true, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report.imported).toBe(0);
    expect(report.problems[0].row).toBe(2);
    expect(await peopleCount(world)).toBe(before);
  });

  it('refuses unknown and missing columns, too many rows, an oversized file and a non-existent --as user', async () => {
    const before = await peopleCount(world);
    await expect(cliImportPeople(world.services, file('u.csv', 'givenName,familyName,kind,openCase\nA,B,service_user,x\n'), staff.username, false)).rejects.toThrow(/Unknown column "openCase"/);
    await expect(cliImportPeople(world.services, file('id.csv', 'id,givenName,familyName,kind\n1,A,B,service_user\n'), staff.username, false)).rejects.toThrow(/Unknown column "id"/);
    await expect(cliImportPeople(world.services, file('m.csv', 'givenName,kind\nA,service_user\n'), staff.username, false)).rejects.toThrow(/Missing required column: familyName/);
    await expect(cliImportPeople(world.services, file('d.csv', 'givenName,givenName,familyName,kind\n'), staff.username, false)).rejects.toThrow(/appears twice/);
    const many = `givenName,familyName,kind\n${'A,B,service_user\n'.repeat(50_001)}`;
    await expect(cliImportPeople(world.services, file('many.csv', many), staff.username, false)).rejects.toThrow(/50001 rows; at most 50000/);
    const big = `givenName,familyName,kind\nA,${'b'.repeat(10 * 1024 * 1024)},service_user\n`;
    await expect(cliImportPeople(world.services, file('big.csv', big), staff.username, false)).rejects.toThrow(/at most 10 MB/);
    await expect(cliImportPeople(world.services, file('ok.csv', 'givenName,familyName,kind\nA,B,service_user\n'), 'no.such.user', false)).rejects.toThrow(/No active user "no.such.user"/);
    await expect(cliExportPeople(world.services, 'no.such.user', purpose)).rejects.toThrow(TransferError);
    expect(await peopleCount(world)).toBe(before);
  }, 60_000);

  it('3.7 secure-conditions: text with line breaks, quotes and commas round-trips through import and export in its own row and column', async () => {
    // A field holding a bare LF was written unquoted, so a reader split the row there and health text landed in
    // another row and column. The import file quotes each awkward field as RFC 4180 says; the export must too.
    const awkward = { familyName: 'O"Brien, Jr', preferredName: 'Ni\ra', address: 'Flat 2\r\n1 High Street, Town', healthNotes: 'line1\nline2' };
    const q = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const columns = ['givenName', 'kind', ...Object.keys(awkward)];
    const path = file('multiline.csv', `${columns.join(',')}\r\nNia,service_user,${Object.values(awkward).map(q).join(',')}\r\nOla,service_user,After,,,plain\r\n`);
    const report = await cliImportPeople(world.services, path, staff.username, false, { service: 'Music mentoring', purpose: await casePurpose(world) });
    expect(report).toMatchObject({ committed: true, imported: 2, rejected: 0 });
    const [nia, ola] = report.ids;
    const chunks: string[] = [];
    const { rows } = await cliExportPeople(world.services, staff.username, purpose, (chunk) => void chunks.push(chunk), 1);
    const records = strictRowsOf(chunks.join(''));
    expect(records.length).toBe(rows);
    const byId = new Map(records.map((r) => [r.id, r]));
    expect(byId.get(nia)).toMatchObject({ givenName: 'Nia', kind: 'service_user', ...awkward, safeguardingNotes: '', restricted: 'safeguardingNotes' });
    expect(byId.get(ola)).toMatchObject({ givenName: 'Ola', familyName: 'After', address: '', healthNotes: 'plain' });
    expect(byId.get(ids.mine)).toMatchObject({ givenName: 'Mina', healthNotes: 'asthma-secret' });
  });
});
