import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify';
import { DEMO_MARK, DEMO_NOTICE, DEMO_USERS } from '../../src/demo/data';
import { DemoRefused, demoSummary, loadDemo, type DemoResult } from '../../src/demo/load';
import { as, auditRows, makePerson } from '../factories';
import { signedIn } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const PASSWORD = 'demo-Pass-phrase-2026';
const count = async (world: World, table: 'users' | 'people' | 'cases' | 'notes' | 'organisations' | 'case_team' | 'organisation_team') =>
  Number((await world.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe.each(dialects())('confide demo (%s)', (dialect) => {
  let world: World;
  let result: DemoResult;
  beforeAll(async () => {
    world = await createWorld(dialect);
  }, 120_000);
  afterAll(() => world?.close());

  it('refuses a CONFIDE_DEMO_PASSWORD that fails the password rules, and writes nothing', async () => {
    const before = await auditRows(world);
    await expect(loadDemo(world.services, { password: 'short' })).rejects.toThrow(/CONFIDE_DEMO_PASSWORD must be at least 12 characters/);
    expect(await count(world, 'users')).toBe(0);
    expect((await auditRows(world)).length).toBe(before.length);
  });

  it('loads the fictional organisation: accounts in every role, people, cases with teams, notes, a partner, a funder, and the council and police a safeguarding referral goes to (practice 4.3)', async () => {
    result = await loadDemo(world.services, { password: PASSWORD });
    expect(result.counts).toEqual({ users: 8, people: 12, cases: 9, notes: 15, organisations: 4, purposes: 2, notices: 1 });
    // 3.1, 2.1: two purposes, each proposed by the manager and approved by the guardian: one keeping information in
    // house (consents, exports), one naming the partners in the register a disclosure may go to (4.3).
    const purposes = await world.services.db.kysely.selectFrom('purposes').select(['id', 'status', 'created_by', 'approved_by', 'recipient_categories']).orderBy('name').execute();
    expect(purposes).toEqual([
      { id: result.sharingPurpose.id, status: 'active', created_by: expect.any(String), approved_by: expect.any(String), recipient_categories: JSON.stringify(['named partner organisation', 'local authority', 'police']) },
      { id: result.purpose.id, status: 'active', created_by: expect.any(String), approved_by: expect.any(String), recipient_categories: JSON.stringify(['internal service only']) },
    ]);
    for (const p of purposes) expect(p.created_by).not.toBe(p.approved_by);
    // Practice 2: session details go to a third party only when the client asks; the sharing purpose covers them so
    // that such a request can be tried (under its Article 9 condition, as the purpose schema requires).
    const sharing = await world.services.db.kysely.selectFrom('purposes').select(['data_categories', 'art9_condition']).where('id', '=', result.sharingPurpose.id).executeTakeFirstOrThrow();
    expect(sharing).toEqual({ data_categories: JSON.stringify(['general', 'personal', 'special', 'session']), art9_condition: 'not_for_profit_body' });
    expect(await count(world, 'users')).toBe(8);
    expect(await count(world, 'people')).toBe(12);
    expect(await count(world, 'cases')).toBe(9);
    expect(await count(world, 'notes')).toBe(15);
    expect(await count(world, 'organisations')).toBe(4);
    expect(await count(world, 'case_team')).toBeGreaterThan(9);
    expect(await count(world, 'organisation_team')).toBe(5);
    const db = world.services.db.kysely;
    const roles = (await db.selectFrom('user_roles').select('role').execute()).map((r) => r.role).sort();
    expect(roles).toEqual(['administrator', 'guardian', 'manager', 'manager', 'staff', 'staff', 'student', 'volunteer']);
    const users = await db.selectFrom('users').select(['username', 'must_change_password']).execute();
    expect(users.map((u) => u.username).sort()).toEqual(DEMO_USERS.map((u) => u.username).sort());
    expect(users.every((u) => Number(u.must_change_password) === 0)).toBe(true);
    // Clearly labelled: every person's family name and every note say they are demo data.
    const people = await db.selectFrom('people').select('family_name').execute();
    expect(people.every((p) => /demo/i.test(p.family_name))).toBe(true);
    const notes = await db.selectFrom('notes').select(['title', 'body', 'kind']).execute();
    expect(notes.every((n) => n.title.startsWith('Demo:') && n.body.startsWith('[Fictional demo data]'))).toBe(true);
    expect(new Set(notes.map((n) => n.kind))).toEqual(new Set(['session', 'contact']));
    const orgs = await db.selectFrom('organisations').select(['kind', 'commercial_notes']).execute();
    expect(orgs.map((o) => o.kind).sort()).toEqual(['funder', 'local_authority', 'partner_agency', 'police']);
    expect(orgs.filter((o) => o.kind === 'partner_agency' || o.kind === 'funder').every((o) => o.commercial_notes)).toBe(true);
    const summary = demoSummary(result);
    expect(summary).toContain('FICTIONAL');
    expect(summary).toContain(`The confidentiality notice "${DEMO_NOTICE.title}" (version 1, en) is published`);
    expect(summary).toContain('no password change is forced');
    expect(summary).not.toContain(PASSWORD);
  }, 120_000);

  it('3.5 agreement: every demo account has accepted the current policy document', async () => {
    const db = world.services.db.kysely;
    const doc = await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    const accepted = await db.selectFrom('policy_acceptances').select('user_id').where('policy_document_id', '=', doc.id).execute();
    expect(accepted.length).toBe(8);
  });

  it('every change is audited under the demo user who made it, the accounts under the system, each entry naming its rule and clause, and the audit chain verifies', async () => {
    const rows = await auditRows(world);
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['user.create', 'policy.accept', 'notice.draft', 'notice.publish', 'person.create', 'case.create', 'case.team.manage', 'note.create', 'organisation.create', 'organisation.team.manage', 'person.update']) {
      expect(actions, a).toContain(a);
    }
    // The accounts are created by the system, and recorded before the demo users first act with them.
    const demo = rows.filter((r) => r.request_id === 'cli-demo');
    const created = demo.filter((r) => r.action === 'user.create');
    expect(created.map((r) => r.actor_id)).toEqual(DEMO_USERS.map(() => 'system'));
    expect(demo.slice(0, created.length)).toEqual(created);
    const demoIds = new Set(created.map((r) => r.resource_id));
    expect(demo.slice(created.length).every((r) => demoIds.has(r.actor_id))).toBe(true);
    const verified = await verifyAudit(world.services.db.kysely, world.services.signer);
    expect(verified.ok, verified.problem?.message).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('Fictional:'); // fields, never values
    // Every entry names the rule and the clause that decided it: the audit is the proof (1.1, 3.6).
    expect(demo.filter((r) => !r.rule_id || !r.clause).map((r) => `${r.action} ${r.rule_id} ${r.clause}`)).toEqual([]);
  });

  it('3.4 need to know: demo users sign in and see only their own case-team people', async () => {
    const staff = await signedIn(world, 'demo.staff2', PASSWORD);
    const res = await as(world, staff).get('/api/people?limit=100');
    expect(res.statusCode, res.body).toBe(200);
    const names = (res.json().items as { familyName: string }[]).map((p) => p.familyName).sort();
    expect(names).toEqual(['Nolan (demo)', 'Rahman (demo)', 'Sato (demo)', 'Toth (demo)', 'Umeh (demo)']);
    const manager = await signedIn(world, 'demo.manager', PASSWORD);
    const all = await as(world, manager).get('/api/people?limit=100');
    expect(all.json().items.length).toBe(12);
    for (const u of DEMO_USERS) await signedIn(world, u.username, PASSWORD);
  }, 60_000);

  it('4.1 first-contact-notice: the demo publishes a short fictional notice in plain words, labelled as demo text, by the demo manager through the API\'s command; everyone working here reads it as current, it is the public notice, and first contact can be recorded with it', async () => {
    const db = world.services.db.kysely;
    const manager = await db.selectFrom('users').select('id').where('username', '=', 'demo.manager').executeTakeFirstOrThrow();
    const rows = await db.selectFrom('notices').selectAll().execute();
    expect(rows.map((r) => ({ ...r, version: Number(r.version) }))).toEqual([expect.objectContaining({
      version: 1, language: 'en', status: 'published', title: DEMO_NOTICE.title, body: DEMO_NOTICE.body, published_by: manager.id, created_by: manager.id,
    })]);
    const notice = rows[0];
    expect(result.notice).toEqual({ id: notice.id, version: 1, language: 'en', title: DEMO_NOTICE.title });
    // Labelled as invented, and short and plain: no sentence over 25 words, under 300 words in all.
    expect(notice.title).toMatch(/\(demo notice\)$/);
    expect(notice.body.startsWith(`${DEMO_MARK} This is a made-up notice`)).toBe(true);
    expect(notice.body.split(/\s+/).length).toBeLessThan(300);
    expect(Math.max(...notice.body.split(/[.?!:]\s/).map((sentence) => sentence.split(/\s+/).length))).toBeLessThanOrEqual(25);
    // Written through createNotice, as POST /api/notices: the same audit entries, under the manager, rule and clause named.
    const audit = (await auditRows(world)).filter((r) => r.resource_id === notice.id);
    expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.actor_id, r.request_id])).toEqual([
      ['notice.draft', 'allow', 'notices/publish', '4.1', manager.id, 'cli-demo'],
      ['notice.publish', 'allow', 'notices/publish', '4.1', manager.id, 'cli-demo'],
    ]);
    // Staff read it as the current notice, with who published it; anyone reads it where receipts link to.
    const staff = await signedIn(world, 'demo.staff1', PASSWORD);
    const list = await as(world, staff).get('/api/notices');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: notice.id, version: 1, language: 'en', status: 'published', current: true, publishedBy: manager.id, publishedByName: 'Morgan Reyes (demo manager)' })]);
    const open = await world.app.inject({ method: 'GET', url: '/api/privacy-notice' });
    expect(open.json().notice).toMatchObject({ version: 1, language: 'en', title: DEMO_NOTICE.title, body: DEMO_NOTICE.body });
    // Nobody is recorded as told, so first contact can be tried; a worker on the case team records it with version 1.
    expect(await db.selectFrom('people').select('id').where('told_at', 'is not', null).execute()).toEqual([]);
    const alex = await db.selectFrom('people').select('id').where('family_name', '=', 'Marsh (demo)').executeTakeFirstOrThrow();
    const told = await as(world, staff).post(`/api/people/${alex.id}/first-contacts`, { noticeVersion: 1, language: 'en', contactedOn: world.clock.now().toISOString().slice(0, 10), method: 'in_person' });
    expect(told.statusCode, told.body).toBe(201);
    expect(told.json()).toMatchObject({ noticeId: notice.id, noticeVersion: 1, recordedBy: staff.id });
  }, 60_000);

  it('1.3 disclosure-exception, practice 4.1 safeguarding-management: the demo has a second manager who accepted the policy like every demo account, so a non-urgent referral one manager makes is approved by the other — never by the one who made it', async () => {
    const db = world.services.db.kysely;
    expect(DEMO_USERS.filter((u) => u.roles.includes('manager')).map((u) => [u.username, u.displayName])).toEqual([
      ['demo.manager', 'Morgan Reyes (demo manager)'], ['demo.manager2', 'Nadia Brook (demo manager)'],
    ]);
    const staff = await signedIn(world, 'demo.staff1', PASSWORD);
    const manager = await signedIn(world, 'demo.manager', PASSWORD);
    const manager2 = await signedIn(world, 'demo.manager2', PASSWORD);
    const me2 = await as(world, manager2).get('/api/auth/me');
    expect(me2.json()).toMatchObject({ user: { displayName: 'Nadia Brook (demo manager)', roles: ['manager'], mustChangePassword: false }, policyAccepted: true });
    expect((await as(world, manager2).get('/api/people?limit=100')).json().items.length).toBe(12);
    // A worker on Alex's case raises a concern; the first manager refers it to the demo council, not urgently.
    const alex = await db.selectFrom('people').select('id').where('family_name', '=', 'Marsh (demo)').executeTakeFirstOrThrow();
    const council = await db.selectFrom('organisations').select('id').where('kind', '=', 'local_authority').executeTakeFirstOrThrow();
    const concern = await as(world, staff).post('/api/concerns', {
      concernFor: 'child', personId: alex.id, whatHappened: 'Fictional: said they are scared to go home after the session.', occurredAt: world.clock.now().toISOString(),
      peopleInvolved: 'Alex', immediateRisk: false, actionsTaken: 'Listened; told the manager the same day',
    });
    expect(concern.statusCode, concern.body).toBe(201);
    const referral = await as(world, manager).post(`/api/concerns/${concern.json().data.id}/referrals`, {
      to: 'local_authority', riskOfHarm: true, riskOfHarmReason: 'Fictional: fear of harm at home', consentPossibleAndSafe: false,
      consentNote: 'Fictional: asking could alert the adult concerned', informationShared: 'Name and date of birth', sharedWith: 'Children\'s services duty team',
      sharedHow: 'Secure referral portal', personTold: false, notToldReason: 'Fictional: children\'s services decide when to tell them',
      share: { recipient: { organisationId: council.id, name: 'Duty social worker', role: 'Children\'s services duty team' }, purposeId: result.sharingPurpose.id, items: { personFields: ['givenName', 'familyName', 'dateOfBirth'] } },
    });
    expect(referral.statusCode, referral.body).toBe(201);
    const r = referral.json();
    expect(r).toMatchObject({ releasedAtOnce: false, awaitingDecision: true, disclosure: { status: 'awaiting_approval' }, can: { approve: false } });
    const own = await as(world, manager).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'Fictional: my own referral' });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ rule: 'disclosure/no-self-approval', clause: '1.3' });
    const approved = await as(world, manager2).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'Fictional: risk of harm; the law requires it' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ disclosure: { status: 'released' } });
  }, 60_000);

  it('refuses a second load when people exist, and changes nothing', async () => {
    const before = (await auditRows(world)).length;
    await expect(loadDemo(world.services, { password: PASSWORD })).rejects.toThrow(DemoRefused);
    await expect(loadDemo(world.services, { password: PASSWORD })).rejects.toThrow(/already holds 12 people.*--force/);
    // --force does not load the demo twice: the accounts exist.
    await expect(loadDemo(world.services, { password: PASSWORD, force: true })).rejects.toThrow(/already loaded/);
    expect(await count(world, 'people')).toBe(12);
    expect((await auditRows(world)).length).toBe(before);
  });

  it('--force loads alongside existing records; generated passwords differ per account and work', async () => {
    const other = await createWorld(dialect);
    try {
      await makePerson(other, { familyName: 'Existing' });
      await expect(loadDemo(other.services)).rejects.toThrow(DemoRefused);
      const forced = await loadDemo(other.services, { force: true });
      expect(await count(other, 'people')).toBe(13);
      expect(forced.passwordFromEnv).toBe(false);
      expect(new Set(forced.accounts.map((a) => a.password)).size).toBe(8);
      expect(demoSummary(forced)).toContain(forced.accounts[0].password);
      const student = forced.accounts.find((a) => a.username === 'demo.student')!;
      await signedIn(other, student.username, student.password);
      expect((await verifyAudit(other.services.db.kysely, other.services.signer)).ok).toBe(true);
    } finally {
      await other.close();
    }
  }, 120_000);
});

describe('`confide demo`, export and import from the command line (sqlite)', () => {
  const run = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', ...env }, encoding: 'utf8' });

  it('loads once, refuses again (exit 1), exports as staff and imports all-or-nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-demo-cli-'));
    try {
      const env = { DATA_DIR: dir, CONFIDE_DEMO_PASSWORD: PASSWORD };
      const first = run(env, 'demo');
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain('Demo: Riverside Music Project');
      expect(first.stdout).toContain('demo.manager');
      expect(first.stdout).toContain('demo.manager2');
      const second = run(env, 'demo');
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/already holds 12 people/);
      const out = join(dir, 'people.csv');
      const purpose = /The purpose "[^"]+" \(([0-9a-f-]{36})\) is active/.exec(first.stdout)![1];
      expect(run(env, 'export', 'people', '--as', 'demo.staff1', '-o', out).status).toBe(1); // no purpose named (2.1)
      const exported = run(env, 'export', 'people', '--as', 'demo.staff1', '--purpose', purpose, '-o', out);
      expect(exported.status, exported.stderr).toBe(0);
      const csv = readFileSync(out, 'utf8');
      expect(csv.split('\r\n')[0]).toBe('id,givenName,familyName,kind,dateOfBirth,email,phone,address,pronouns,preferredName,ethnicity,healthNotes,safeguardingNotes,restricted');
      expect(csv).toContain('Marsh (demo)');
      expect(csv).not.toContain('Sato (demo)'); // not on staff1's case teams
      expect(csv).not.toContain('school safeguarding lead'); // safeguarding is for management (practice 4.1)
      const file = join(dir, 'in.csv');
      writeFileSync(file, 'givenName,familyName,kind,email\nNew,Person (demo),service_user,new@example.org\nBad,Row,service_user,not-an-email\n');
      const all = run(env, 'import', 'people', file, '--as', 'demo.staff1', '--service', 'Drum mentoring (demo)', '--purpose', purpose);
      expect(all.status).toBe(1);
      expect(all.stdout).toContain('row 3, email');
      expect(all.stdout).not.toContain('not-an-email');
      const partial = run(env, 'import', 'people', file, '--as', 'demo.staff1', '--service', 'Drum mentoring (demo)', '--purpose', purpose, '--partial');
      expect(partial.stdout).toContain('Imported 1 of 2');
      const nobody = run(env, 'import', 'people', file, '--as', 'nobody');
      expect(nobody.status).toBe(1);
      expect(nobody.stderr).toContain('No active user "nobody"');
      expect(run(env, 'audit', 'verify').status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
