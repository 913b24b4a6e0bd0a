import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPublishNotice } from '../../src/cli/notices';
import { cliImportPeople } from '../../src/cli/transfer';
import { DomainError } from '../../src/lib/errors';
import { TransferError } from '../../src/transfer/csv';
import { as, casePurpose, auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('first contact from the console: publishing the notice, importing people into a team (%s)', (dialect) => {
  let world: World;
  let dir: string;
  let manager: TestUser, guardian: TestUser, staff: TestUser, otherStaff: TestUser, volunteer: TestUser;
  const db = () => world.services.db.kysely;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const count = async (table: 'people' | 'cases' | 'case_team' | 'notices') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    world = await createWorld(dialect);
    dir = mkdtempSync(join(tmpdir(), 'confide-notice-'));
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
  });
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('4.1 first-contact-notice: the guardian publishes the notice from a Markdown file (title from its heading), then a translation; audited under them', async () => {
    const en = await cliPublishNotice(world.services, file('notice.md', '# Your information and us\n\nWe keep it confidential.\n'), { as: guardian.username, language: 'en' });
    expect(en).toMatchObject({ version: 1, language: 'en', title: 'Your information and us', status: 'published', current: true, publishedBy: guardian.id });
    const cy = await cliPublishNotice(world.services, file('notice.cy.md', 'Cymraeg\n'), { as: guardian.username, language: 'cy', title: 'Eich gwybodaeth', translationOf: '1' });
    expect(cy).toMatchObject({ version: 1, language: 'cy', current: true });
    const entries = (await auditRows(world)).filter((r) => r.action === 'notice.publish');
    expect(entries.map((r) => [r.actor_id, r.rule_id, r.clause, r.resource_id])).toEqual([[guardian.id, 'notices/publish', '4.1', en.id], [guardian.id, 'notices/publish', '4.1', cy.id]]);
    const draft = await cliPublishNotice(world.services, file('v2.md', '# Version two\n\ntext'), { as: manager.username, language: 'en', draft: true });
    expect(draft).toMatchObject({ version: 2, status: 'draft', current: false });
  });

  it('4.1 first-contact-notice: staff may not publish from the console either (forbidden, audited, nothing written); a file without a title names --title', async () => {
    const before = await count('notices');
    await expect(cliPublishNotice(world.services, file('x.md', '# X\n\ny'), { as: staff.username, language: 'en' })).rejects.toMatchObject({ kind: 'forbidden', rule: 'default/deny' });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'notice.publish', decision: 'deny', actor_id: staff.id });
    await expect(cliPublishNotice(world.services, file('untitled.md', 'no heading here'), { as: manager.username, language: 'en' })).rejects.toThrow(/--title/);
    await expect(cliPublishNotice(world.services, file('lang.md', '# T\n'), { as: manager.username, language: 'English' })).rejects.toThrow(/--language/);
    expect(await count('notices')).toBe(before);
  });

  it('3.4 need-to-know: staff importing people join each to a new case on their own team, so they can read them at once; the whole file is one unit', async () => {
    const report = await cliImportPeople(world.services, file('mine.csv', 'givenName,familyName,kind\nAna,Imported,service_user\nBo,Imported,member_of_public\n'), staff.username, false, { service: 'Drum mentoring', purpose: await casePurpose(world) });
    expect(report).toMatchObject({ committed: true, imported: 2 });
    for (const id of report.ids) {
      expect((await as(world, staff).get(`/api/people/${id}`)).statusCode).toBe(200);
      const team = await db().selectFrom('case_team as t').innerJoin('cases as c', 'c.id', 't.case_id').select(['t.user_id', 't.team_role', 'c.service']).where('c.person_id', '=', id).execute();
      expect(team).toEqual([{ user_id: staff.id, team_role: 'lead', service: 'Drum mentoring' }]);
    }
    const created = (await auditRows(world)).filter((r) => report.ids.includes(r.subject_person_id ?? '') && r.actor_id === staff.id).map((r) => r.action);
    expect(created.filter((a) => a === 'person.create').length).toBe(2);
    expect(created.filter((a) => a === 'case.create').length).toBe(2);
  });

  it('3.4 need-to-know: staff importing without --service would not see the people: refused before any row, nothing written', async () => {
    const before = [await count('people'), await count('cases')];
    await expect(cliImportPeople(world.services, file('lost.csv', 'givenName,familyName,kind\nCy,Lost,service_user\n'), staff.username, false)).rejects.toThrow(TransferError);
    await expect(cliImportPeople(world.services, file('lost.csv', 'givenName,familyName,kind\nCy,Lost,service_user\n'), staff.username, false)).rejects.toThrow(/--service/);
    expect([await count('people'), await count('cases')]).toEqual(before);
  });

  it('3.4 need-to-know: a manager imports people into a colleague\'s team (--team-of); staff may not put people on someone else\'s team (forbidden, audited)', async () => {
    const report = await cliImportPeople(world.services, file('theirs.csv', 'givenName,familyName,kind\nDee,Handed,service_user\n'), manager.username, false, { service: 'Guitar', purpose: await casePurpose(world), lead: otherStaff.username });
    expect(report.imported).toBe(1);
    expect((await as(world, otherStaff).get(`/api/people/${report.ids[0]}`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/people/${report.ids[0]}`)).statusCode).toBe(404);
    expect((await auditRows(world)).find((r) => r.action === 'case.team.manage' && r.subject_person_id === report.ids[0])).toMatchObject({ actor_id: manager.id });

    const before = await count('people');
    const refused = cliImportPeople(world.services, file('push.csv', 'givenName,familyName,kind\nEd,Pushed,service_user\n'), staff.username, false, { service: 'Guitar', purpose: await casePurpose(world), lead: otherStaff.username });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(cliImportPeople(world.services, file('push.csv', 'givenName,familyName,kind\nEd,Pushed,service_user\n'), staff.username, false, { service: 'Guitar', purpose: await casePurpose(world), lead: otherStaff.username })).rejects.toMatchObject({ kind: 'forbidden' });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'case.team.manage', decision: 'deny', actor_id: staff.id });
    await expect(cliImportPeople(world.services, file('vol.csv', 'givenName,familyName,kind\nFi,Vol,service_user\n'), manager.username, false, { service: 'Guitar', purpose: await casePurpose(world), lead: volunteer.username })).rejects.toThrow(/may not lead a case/);
    await expect(cliImportPeople(world.services, file('nobody.csv', 'givenName,familyName,kind\nGil,Nobody,service_user\n'), manager.username, false, { service: 'Guitar', purpose: await casePurpose(world), lead: 'no.such.user' })).rejects.toThrow(/No active user "no.such.user"/);
    expect(await count('people')).toBe(before);
  });

  it('all-or-nothing: one bad row keeps no person and no case of any row', async () => {
    const before = [await count('people'), await count('cases'), await count('case_team')];
    const report = await cliImportPeople(world.services, file('bad.csv', 'givenName,familyName,kind,email\nHal,Good,service_user,\nIan,Bad,service_user,not-an-email\n'), staff.username, false, { service: 'Drum mentoring', purpose: await casePurpose(world) });
    expect(report).toMatchObject({ committed: false, imported: 0, rejected: 1 });
    expect([await count('people'), await count('cases'), await count('case_team')]).toEqual(before);
  });
});
