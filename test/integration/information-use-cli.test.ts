import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInformationUse } from '../../src/cli/people';
import { TransferError } from '../../src/transfer/csv';
import { auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { pdfText } from '../support/pdf-text';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('`confide people information-use` (%s)', (dialect) => {
  let world: World;
  let dir: string;
  let staff: TestUser, volunteer: TestUser, otherStaff: TestUser;
  let person: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    dir = mkdtempSync(join(tmpdir(), 'confide-information-use-'));
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    otherStaff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Sam', familyName: 'Console' });
    await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
  });
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('4.1 no-surprises information-use/case-team: staff on the team write the PDF and the JSON to a file, each audited under them', async () => {
    const pdfFile = join(dir, 'summary.pdf');
    expect(await cliInformationUse(world.services, person, { as: staff.username, output: pdfFile, format: 'pdf' })).toBe('pdf');
    const pdf = readFileSync(pdfFile);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(pdf)).toContain('Prepared for Sam Console on 2 March 2026');
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'allow', rule_id: 'information-use/case-team', clause: '4.1', resource_id: person, actor_id: staff.id, request_id: 'cli-information-use' });
    const jsonFile = join(dir, 'summary.json');
    await cliInformationUse(world.services, person, { as: staff.username, output: jsonFile, format: 'json' });
    const model = JSON.parse(readFileSync(jsonFile, 'utf8'));
    expect(model).toMatchObject({ preparedFor: { personId: person, name: 'Sam Console' }, notices: { items: [] }, consents: { items: [] }, disclosures: { items: [] } });
    expect(model.notices.statement).toMatch(/no record of giving you our confidentiality notice/);
    // The PDF written a moment ago is the case team's first look.
    expect(model.access.months[0].lines).toEqual([expect.objectContaining({ group: 'case-team', people: 1, looks: 1 })]);
  });

  it('4.1 no-surprises information-use/prepared-by-staff: a volunteer is refused, staff off the team find nothing, and a bad format or id writes no file', async () => {
    await expect(cliInformationUse(world.services, person, { as: volunteer.username, output: join(dir, 'v.pdf'), format: 'pdf' })).rejects.toMatchObject({ kind: 'forbidden', rule: 'information-use/prepared-by-staff' });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'deny', rule_id: 'information-use/prepared-by-staff', actor_id: volunteer.id });
    await expect(cliInformationUse(world.services, person, { as: otherStaff.username, output: join(dir, 'o.pdf'), format: 'pdf' })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(cliInformationUse(world.services, person, { as: staff.username, output: join(dir, 'x'), format: 'docx' })).rejects.toThrow(TransferError);
    await expect(cliInformationUse(world.services, 'nobody', { as: staff.username, output: join(dir, 'x'), format: 'pdf' })).rejects.toMatchObject({ kind: 'invalid-input', errors: [{ path: 'params.id' }] });
    expect(() => readFileSync(join(dir, 'v.pdf'))).toThrow();
  });
});

describe('`confide people information-use` as a command', () => {
  const run = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

  it('4.1 no-surprises: an unknown person is exit 5 (not found), a bad format exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_INITIAL_PASSWORD: 'correct horse battery staple' };
      expect(run(env, 'migrate').status).toBe(0);
      expect(run(env, 'user', 'add', 'mia', '--name', 'Mia', '--role', 'manager').status).toBe(0);
      const missing = run(env, 'people', 'information-use', '01966f5e-0000-7000-8000-000000000000', '--as', 'mia', '-o', join(dir, 'r.pdf'));
      expect(missing.status, missing.stderr).toBe(5);
      const format = run(env, 'people', 'information-use', '01966f5e-0000-7000-8000-000000000000', '--as', 'mia', '-o', join(dir, 'r.pdf'), '--format', 'docx');
      expect(format.status).toBe(1);
      expect(format.stderr).toContain('--format');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
