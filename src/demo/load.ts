import { loadActor } from '../accounts/actor';
import { SYSTEM_ACTOR } from '../accounts/system-actor';
import { generatePassword, passwordProblem } from '../accounts/passwords';
import { insertUser } from '../accounts/users';
import { addToCaseTeam } from '../cases/team';
import type { Ctx, Services } from '../context';
import { createNote } from '../notes/commands';
import { createOrganisation } from '../organisations/commands';
import { addToOrganisationTeam } from '../organisations/team';
import { createNotice } from '../notices/commands';
import { createNoticeBody } from '../notices/schema';
import { createPerson, updatePerson } from '../people/commands';
import { acceptPolicy } from '../policy-document/commands';
import { currentPolicy, installDefaultPolicy } from '../policy-document/store';
import { actAs, runUnit } from '../unit';
import { approvePurpose, createPurpose } from '../purposes/commands';
import { DEMO_NOTICE, DEMO_ORGANISATION, DEMO_ORGANISATIONS, DEMO_PEOPLE, DEMO_PURPOSE, DEMO_SHARING_PURPOSE, DEMO_USERS } from './data';

/** Why the demo was not loaded (a message for the operator; nothing was written). */
export class DemoRefused extends Error {}

/** One demo account as created, with its password (shown once to the operator, stored only as a hash). */
export interface DemoAccount {
  username: string;
  displayName: string;
  roles: string[];
  password: string;
}

/** What `loadDemo` created. */
export interface DemoResult {
  organisation: string;
  accounts: DemoAccount[];
  passwordFromEnv: boolean;
  counts: { users: number; people: number; cases: number; notes: number; organisations: number; purposes: number; notices: number };
  /** The active purpose the demo's cases are held for, and its exports and consents can name (2.1); its information stays in house. */
  purpose: { id: string; name: string };
  /** The active purpose for sharing with the partners in the register: what a disclosure names (3.1, 4.3). */
  sharingPurpose: { id: string; name: string };
  /** The published confidentiality notice people are given at first contact (4.1). */
  notice: { id: string; version: number; language: string; title: string };
}

const REQUEST_ID = 'cli-demo';
const DAY = 86_400_000;

/**
 * Loads the fictional demo organisation (issue 3) in ONE transaction: accounts in every role (two managers, for the
 * journeys a second manager approves or reviews), the published confidentiality notice, people with cases,
 * case teams, session and contact notes, a partner agency and a funder with commercial notes. Records are written
 * through the app's own commands acting as the demo user who would do it (so field checks apply and every change
 * is audited under that user); accounts are created by the system, and the audit names it. Refuses when people
 * already exist unless `force`, and always when demo accounts exist. `password` (CONFIDE_DEMO_PASSWORD) is used for every
 * account when given; otherwise each gets a generated one.
 */
export async function loadDemo(services: Services, options: { force?: boolean; password?: string } = {}): Promise<DemoResult> {
  const shared = options.password || undefined;
  if (shared !== undefined) {
    for (const u of DEMO_USERS) {
      const problem = passwordProblem(shared, u.username);
      if (problem) throw new DemoRefused(`CONFIDE_DEMO_PASSWORD ${problem} (checked for ${u.username}); nothing was loaded.`);
    }
  }
  await installDefaultPolicy(services);
  return runUnit(services, { actor: 'system', requestId: REQUEST_ID, work: (ctx) => loadInto(ctx, shared, options.force === true) });
}

/** The demo's one unit of work, begun by the system. */
async function loadInto(system: Ctx, shared: string | undefined, force: boolean): Promise<DemoResult> {
  const { db: trx, now, nowIso } = system;
  const existing = Number((await trx.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (existing > 0 && !force) {
    throw new DemoRefused(`This database already holds ${existing} ${existing === 1 ? 'person' : 'people'}; the demo loads only into an empty database. Use --force to add it alongside them.`);
  }
  const taken = await trx.selectFrom('users').select('username').where('username', 'in', DEMO_USERS.map((u) => u.username)).execute();
  if (taken.length) throw new DemoRefused(`The demo is already loaded (account ${taken[0].username} exists); nothing was changed.`);
  const policy = await currentPolicy(trx);
  if (!policy) throw new Error('no policy document is loaded');

  // Accounts, by the system, recorded before the demo users act so the chain keeps the order things happened in.
  // No forced password change: these accounts exist to try the app.
  const accounts: DemoAccount[] = [];
  const ids = new Map<string, string>();
  await actAs(system, SYSTEM_ACTOR, async (ctx) => {
    for (const u of DEMO_USERS) {
      const password = shared ?? generatePassword();
      const id = await insertUser(trx, { username: u.username, displayName: u.displayName, password, roles: u.roles, mustChangePassword: false }, nowIso);
      ids.set(u.username, id);
      accounts.push({ username: u.username, displayName: u.displayName, roles: [...u.roles], password });
      ctx.audit.add({
        action: 'user.create', decision: 'change', resourceType: 'user', resourceId: id, ruleId: 'accounts/administer', clause: ctx.actor.policy.clauseFor('secure-conditions'),
        detail: { fields: ['username', 'displayName', 'roles', 'password'], roles: [...u.roles].sort(), demo: true, oneTimePassword: false },
      });
    }
  });

  /** Runs `fn` as one demo user, in this unit, with that user's audit entries recorded under them. */
  const as = async <T>(username: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> => {
    const actor = await loadActor(trx, ids.get(username)!, nowIso);
    if (!actor) throw new Error(`demo account ${username} could not be loaded`);
    return actAs(system, actor, fn);
  };

  // 3.5, practice 3: everyone accepts the current confidentiality policy before seeing records.
  for (const u of DEMO_USERS) await as(u.username, (ctx) => acceptPolicy(ctx, policy.version));

  // 4.1: the notice people are told at first contact, published by management through the same command (and the
  // same checks) as the API's POST /api/notices. Nobody is recorded as told: that is for trying first contact.
  const notice = await as('demo.manager', (ctx) => createNotice(ctx, createNoticeBody.parse({ ...DEMO_NOTICE, publish: true })));

  // The purpose register (3.1): proposed by management, approved by the guardian (who did not write it), reviewed
  // in a year — before any case, since every case is held for a purpose in force (2.1).
  const review = new Date(now.getTime() + 365 * DAY).toISOString().slice(0, 10);
  const activePurpose = async (p: typeof DEMO_PURPOSE | typeof DEMO_SHARING_PURPOSE) => {
    const proposed = await as('demo.manager', (ctx) => createPurpose(ctx, { ...p, dataCategories: [...p.dataCategories], recipientCategories: [...p.recipientCategories], guardianId: ids.get('demo.guardian')!, nextReviewOn: review }));
    const id = proposed.data.id as string;
    await as('demo.guardian', (ctx) => approvePurpose(ctx, id, 1, {}));
    return id;
  };
  const purposeId = await activePurpose(DEMO_PURPOSE);
  const sharingPurposeId = await activePurpose(DEMO_SHARING_PURPOSE);

  // People and their first cases, recorded by the worker who supports them (they become lead worker), held for the
  // demo's support-planning purpose (2.1).
  const cases: (string | null)[] = [];
  const personIds: string[] = [];
  for (const p of DEMO_PEOPLE) {
    const created = await as(p.by, (ctx) => createPerson(ctx, { ...p.person, ...(p.service ? { openCase: { service: p.service, purposeId } } : {}) }));
    personIds.push(created.id);
    cases.push(created.caseId);
  }

  // Management assign need to know (3.4) and record safeguarding information (practice 4.1).
  await as('demo.manager', async (ctx) => {
    for (const [i, p] of DEMO_PEOPLE.entries()) {
      const caseId = cases[i];
      if (caseId) for (const [username, teamRole] of Object.entries(p.team ?? {})) await addToCaseTeam(ctx, caseId, { userId: ids.get(username)!, teamRole });
      if (p.safeguardingNotes) await updatePerson(ctx, personIds[i], 1, { safeguardingNotes: p.safeguardingNotes });
    }
  });

  // Session and contact notes, by the staff team working with each client (practice 1–2).
  for (const [i, p] of DEMO_PEOPLE.entries()) {
    const caseId = cases[i];
    if (!caseId) continue;
    for (const n of p.notes ?? []) {
      const occurredAt = new Date(now.getTime() - n.daysAgo * DAY).toISOString();
      await as(n.by, (ctx) => createNote(ctx, caseId, { ...n.input, occurredAt }));
    }
  }

  // A partner agency and a funder; their teams see the commercial notes (1.4, 2.3).
  for (const o of DEMO_ORGANISATIONS) {
    const org = await as(o.by, (ctx) => createOrganisation(ctx, o.input));
    const orgId = org.data.id as string;
    if (o.team?.length) {
      await as('demo.manager', async (ctx) => {
        for (const username of o.team ?? []) await addToOrganisationTeam(ctx, orgId, { userId: ids.get(username)! });
      });
    }
  }

  const count = async (table: 'users' | 'cases' | 'notes' | 'organisations', where?: { column: 'created_by' | 'author_id'; ids: string[] }) => {
    let q = trx.selectFrom(table as 'cases').select((eb) => eb.fn.countAll<number>().as('n'));
    if (where) q = q.where(where.column as 'created_by', 'in', where.ids);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const demoIds = [...ids.values()];
  return {
    organisation: DEMO_ORGANISATION,
    accounts,
    passwordFromEnv: shared !== undefined,
    counts: {
      users: accounts.length,
      people: personIds.length,
      cases: cases.filter(Boolean).length,
      notes: await count('notes', { column: 'author_id', ids: demoIds }),
      organisations: await count('organisations', { column: 'created_by', ids: demoIds }),
      purposes: 2,
      notices: 1,
    },
    purpose: { id: purposeId, name: DEMO_PURPOSE.name },
    sharingPurpose: { id: sharingPurposeId, name: DEMO_SHARING_PURPOSE.name },
    notice: { id: notice.id, version: notice.version, language: notice.language, title: notice.title },
  };
}

/** The operator's summary: what was loaded and, once, each account's password (stdout only, never the logger). */
export function demoSummary(result: DemoResult): string {
  const c = result.counts;
  const lines = [
    `Loaded the FICTIONAL demo organisation "${result.organisation}".`,
    `  ${c.users} accounts, ${c.people} people, ${c.cases} cases, ${c.notes} notes, ${c.organisations} organisations, ${c.purposes} active purposes and ${c.notices} published notice — all invented.`,
    `  The purpose "${result.purpose.name}" (${result.purpose.id}) is active: the demo's cases are held for it, and consents and exports name it; its information stays in house.`,
    `  The purpose "${result.sharingPurpose.name}" (${result.sharingPurpose.id}) is active: disclosures to the partners in the register name it.`,
    `  The confidentiality notice "${result.notice.title}" (version ${result.notice.version}, ${result.notice.language}) is published: nobody is recorded as told yet, so first contact can be tried (4.1).`,
    '',
    'Demo accounts (they have accepted the current confidentiality policy; no password change is forced, because they are for trying the app):',
  ];
  const width = Math.max(...result.accounts.map((a) => a.username.length));
  for (const a of result.accounts) {
    lines.push(`  ${a.username.padEnd(width)}  ${result.passwordFromEnv ? '(CONFIDE_DEMO_PASSWORD)' : a.password}  ${a.roles.join(', ')} — ${a.displayName}`);
  }
  lines.push('');
  lines.push(result.passwordFromEnv ? 'Every demo account uses the password in CONFIDE_DEMO_PASSWORD.' : 'These passwords are shown only now; they are stored only as hashes.');
  lines.push('Do not put real information into the demo accounts; deactivate them (confide user deactivate demo.…) before real use.');
  return `${lines.join('\n')}\n`;
}
