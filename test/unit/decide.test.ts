import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIDENTIAL_ACTIONS, type Action } from '../../src/policy/actions';
import { SAMPLE_CLAUSE_MAP } from '../../src/policy/clauses';
import { decide, decideAction, warnedRules } from '../../src/policy/decide';
import { RULES, type AllowRule, type ForbidRule } from '../../src/policy/rules';
import { PolicyState, SAMPLE_POLICY_STATE } from '../../src/policy/state';
import type { AgreementFact, AgreementFacts } from '../../src/policy/agreement-relation';
import type { ConsentFacts } from '../../src/policy/consent-relation';
import { classMask, roleBit, type ActiveGrant, type Actor, type Classification, type Resource, type Role } from '../../src/policy/types';

// Rule by rule: every rule of src/policy/rules.ts has an allow AND a deny case here, named by its clause. The last
// test fails when a rule is added without being named in a test title of this file.

const ME = 'user-me';
const OTHER = 'user-other';

function actor(roles: Role[], options: { accepted?: boolean; grants?: ActiveGrant[]; policy?: PolicyState } = {}): Actor {
  return { id: ME, username: 'me', roles, roleMask: roles.reduce((m, r) => m | roleBit(r), 0), policyAccepted: options.accepted ?? true, grants: options.grants ?? [], policy: options.policy ?? SAMPLE_POLICY_STATE };
}

/** Decides on one field classification of a record with the given facts. */
const on = (a: Actor, action: Action, classification: Classification, facts: Resource = {}) => decide(a, action, { type: 'person', id: 'p1', ...facts, classification });
const team = { team: true };
const granted = (...cs: Classification[]) => ({ granted: classMask(['general', ...cs]) });

function expectAllowed(d: ReturnType<typeof decide>, ruleId: string, clause?: string) {
  expect(d).toMatchObject({ allowed: true, ruleId });
  if (clause) expect(d.clause).toBe(clause);
}
function expectDenied(d: ReturnType<typeof decide>, ruleId?: string) {
  expect(d.allowed).toBe(false);
  if (ruleId) expect(d.ruleId).toBe(ruleId);
}

describe('decide(): forbid rules win over every allow rule', () => {
  it('3.5 staff-awareness agreement/not-accepted: nothing confidential until the current policy is accepted; accepting opens it', () => {
    const d = on(actor(['staff'], { accepted: false }), 'person.read', 'general', team);
    expectDenied(d, 'agreement/not-accepted');
    expect(d.actorLevel).toBe(true);
    expect(d.clause).toBe('3.5, practice 3');
    expectAllowed(on(actor(['staff']), 'person.read', 'general', team), 'need-to-know/case-team');
    // Not a confidential action: one's own account and notifications stay reachable (to read and accept the policy).
    expectAllowed(decide(actor(['staff'], { accepted: false }), 'notification.read'), 'accounts/self');
    expect(decideAction(actor(['staff'], { accepted: false }), 'person.read')?.ruleId).toBe('agreement/not-accepted');
  });

  it('practice 2 session-staff-team-only session/staff-team-only: session details only for the team or a session grant, even for managers', () => {
    expectDenied(on(actor(['manager']), 'note.read', 'session'), 'session/staff-team-only');
    expectDenied(on(actor(['staff']), 'note.read', 'session', granted('personal')), 'session/staff-team-only');
    expectAllowed(on(actor(['staff']), 'note.read', 'session', team), 'need-to-know/case-team');
    expectAllowed(on(actor(['staff']), 'note.read', 'session', granted('session')), 'need-to-know/access-grant');
    // It protects session fields only: a manager off the team still sees general details.
    expectAllowed(on(actor(['manager']), 'note.read', 'general'), 'safeguarding/management-oversight');
  });

  it('3.1 justify-purpose grant/no-self-approval: nobody decides their own request or reviews their own break-glass use', () => {
    const mgr = actor(['manager']);
    expectDenied(decide(mgr, 'grant.decide', { type: 'grant', ownerId: ME }), 'grant/no-self-approval');
    expectDenied(decide(mgr, 'breakglass.review', { type: 'grant', ownerId: ME }), 'grant/no-self-approval');
    expectAllowed(decide(mgr, 'grant.decide', { type: 'grant', ownerId: OTHER }), 'grants/manage');
    expectAllowed(decide(mgr, 'breakglass.review', { type: 'grant', ownerId: OTHER }), 'grants/manage');
    // Revoking one's own grant is giving it up, not deciding it.
    expectAllowed(decide(mgr, 'grant.revoke', { type: 'grant', ownerId: ME }), 'grants/own');
  });

  it('3.4 need-to-know records/no-self-assignment: no manager puts themselves on a case or organisation team; another manager may, and taking someone off names no member', () => {
    const mgr = actor(['manager']);
    for (const action of ['case.team.manage', 'organisation.team.manage'] as const) {
      const d = decide(mgr, action, { type: action === 'case.team.manage' ? 'case' : 'organisation', classification: 'general', member: ME });
      expectDenied(d, 'records/no-self-assignment');
      expect(d).toMatchObject({ clause: '3.3, 3.4, 4.2', actorLevel: false });
      expectAllowed(decide(mgr, action, { type: 'case', classification: 'general', member: OTHER }), 'records/team-manage');
      expectAllowed(decide(mgr, action, { type: 'case', classification: 'general' }), 'records/team-manage');
    }
    // Not actor-level: the pipeline still lets a manager reach team management (to add someone else).
    expect(decideAction(mgr, 'case.team.manage')).toBeNull();
  });

  it('3.4 need-to-know accounts/no-self-role-change: nobody changes their own roles, even an administrator; another administrator may', () => {
    const admin = actor(['administrator']);
    const d = decide(admin, 'user.roles', { type: 'user', id: ME, ownerId: ME });
    expectDenied(d, 'accounts/no-self-role-change');
    expect(d.clause).toBe('3.3, 3.4, 4.2');
    expectAllowed(decide(admin, 'user.roles', { type: 'user', id: OTHER, ownerId: OTHER }), 'accounts/administer');
    expectDenied(decide(actor(['manager']), 'user.roles', { type: 'user', id: OTHER, ownerId: OTHER }), 'default/deny');
    // The rest of managing one's own account (its name, its email) is not a change of roles.
    expectAllowed(decide(admin, 'user.manage', { type: 'user', id: ME, ownerId: ME }), 'accounts/administer');
  });
});

describe('decide(): need to know on case records', () => {
  it('3.4 need-to-know need-to-know/case-team: staff on the team read general, personal, special and session fields; not safeguarding; not off the team', () => {
    const staff = actor(['staff']);
    for (const c of ['general', 'personal', 'special', 'session'] as const) expectAllowed(on(staff, 'person.read', c, team), 'need-to-know/case-team', '3.3, 3.4, 4.2');
    expectDenied(on(staff, 'person.read', 'safeguarding', team), 'default/deny');
    const off = on(staff, 'person.read', 'general');
    expectDenied(off, 'default/deny');
    expect(off.reason).toBe("You are not on this client's case team — request access.");
  });

  it('3.4 need-to-know: a denial names what is really missing — the team, the grant\'s cover, or the role', () => {
    const staff = actor(['staff']);
    // Granted personal and special: safeguarding is refused because the grant does not cover it (being on the
    // team would not open it either).
    const grantedOff = on(staff, 'person.read', 'safeguarding', granted('personal', 'special'));
    expectDenied(grantedOff, 'default/deny');
    expect(grantedOff.reason).toBe('Your access grant does not cover safeguarding information — request access.');
    // On the team, safeguarding is for management: the role is what is missing.
    expect(on(staff, 'person.read', 'safeguarding', team).reason).toBe('Your role does not give access to safeguarding information here — request access.');
    // Off the team without a grant, a field the team would open: the team is what is missing.
    expect(on(staff, 'person.read', 'personal').reason).toBe("You are not on this client's case team — request access.");
  });

  it('3.4 need-to-know need-to-know/case-team-volunteer: volunteers and students on the team see general details only', () => {
    for (const role of ['volunteer', 'student'] as const) {
      expectAllowed(on(actor([role]), 'case.read', 'general', team), 'need-to-know/case-team-volunteer');
      const d = on(actor([role]), 'case.read', 'personal', team);
      expectDenied(d, 'default/deny');
      expect(d.reason).toMatch(/personal information/);
      expectDenied(on(actor([role]), 'case.read', 'general'), 'default/deny');
    }
  });

  it('practice 2 session-staff-team-only session/manager-on-team: a manager on the team sees session details; off the team not', () => {
    expectAllowed(on(actor(['manager']), 'note.read', 'session', team), 'session/manager-on-team', 'practice 1, practice 2');
    expectDenied(on(actor(['manager']), 'note.read', 'session'), 'session/staff-team-only');
  });

  it('practice 4.1 safeguarding-management safeguarding/management-oversight: managers see safeguarding on every case; staff on the team do not', () => {
    const d = on(actor(['manager']), 'person.read', 'safeguarding');
    expectAllowed(d, 'safeguarding/management-oversight', 'practice 4.1, practice 4.2');
    expect(d.obligations).toContain('audit');
    expectDenied(on(actor(['staff']), 'person.read', 'safeguarding', team));
  });

  it('3.1 justify-purpose review/guardian-overview: the guardian sees general details of any record, nothing more', () => {
    expectAllowed(on(actor(['guardian']), 'person.read', 'general'), 'review/guardian-overview');
    expectDenied(on(actor(['guardian']), 'person.read', 'personal'), 'default/deny');
  });

  it('3.4 need-to-know need-to-know/access-grant: a grant opens exactly the classifications it covers', () => {
    const volunteer = actor(['volunteer']);
    expectAllowed(on(volunteer, 'person.read', 'personal', granted('personal')), 'need-to-know/access-grant');
    expectDenied(on(volunteer, 'person.read', 'special', granted('personal')), 'default/deny');
    expectDenied(on(volunteer, 'person.read', 'personal'), 'default/deny');
    // A grant is for reading: it never opens a write.
    expectDenied(on(volunteer, 'person.update', 'personal', granted('personal')));
  });
});

describe('decide(): break-glass', () => {
  const emergency = (...cs: Classification[]) => ({ granted: classMask(['general', ...cs]), emergency: classMask(['general', ...cs]) });

  it('practice 4.2 break-glass-review break-glass/emergency-access: reads under a break-glass are decided by the break-glass rule, not as a grant', () => {
    const staff = actor(['staff']);
    for (const c of ['general', 'personal', 'special', 'safeguarding', 'session'] as const) {
      expectAllowed(on(staff, 'note.read', c, emergency('personal', 'special', 'safeguarding', 'session')), 'break-glass/emergency-access', 'practice 4.2, practice 4.3');
    }
    // Together with a request grant on the same record, what the break-glass covers is still named as break-glass.
    expectAllowed(on(staff, 'person.read', 'personal', { granted: classMask(['general', 'personal', 'commercial']), emergency: classMask(['general', 'personal']) }), 'break-glass/emergency-access');
  });

  it('practice 4.2 break-glass-review break-glass/emergency-access: deny — a request grant is not a break-glass, and a break-glass opens only what it covers', () => {
    const staff = actor(['staff']);
    expectAllowed(on(staff, 'person.read', 'personal', granted('personal')), 'need-to-know/access-grant');
    expectDenied(on(staff, 'person.read', 'commercial', emergency('personal')), 'default/deny');
    expectDenied(on(staff, 'person.read', 'personal'), 'default/deny');
    // Emergency access is for reading: it never opens a write.
    expectDenied(on(staff, 'person.update', 'personal', emergency('personal')));
  });
});

describe('decide(): organisations and commercial sensitivity', () => {
  it('3.4 need-to-know organisations/directory: everyone working here sees organisation names; an administrator account does not', () => {
    expectAllowed(on(actor(['volunteer']), 'organisation.read', 'general', { type: 'organisation' }), 'organisations/directory');
    expectDenied(on(actor(['administrator']), 'organisation.read', 'general', { type: 'organisation' }));
  });

  it('3.4 need-to-know organisations/contact-details: staff see partner contact details; volunteers do not', () => {
    expectAllowed(on(actor(['staff']), 'organisation.read', 'personal', { type: 'organisation' }), 'organisations/contact-details');
    expectDenied(on(actor(['volunteer']), 'organisation.read', 'personal', { type: 'organisation' }));
  });

  it('1.4 commercial-sensitivity organisations/commercial-team: business information only for those who deal with the organisation', () => {
    expectAllowed(on(actor(['staff']), 'organisation.read', 'commercial', { type: 'organisation', team: true }), 'organisations/commercial-team', '1.4, 2.3');
    const d = on(actor(['manager']), 'organisation.read', 'commercial', { type: 'organisation' });
    expectDenied(d, 'default/deny');
    expect(d.reason).toBe('You do not deal with this organisation — request access.');
  });
});

describe('decide(): writes, field by field', () => {
  it('1.1 records-management records/staff-create: staff record people with personal and special details, not safeguarding', () => {
    expectAllowed(on(actor(['staff']), 'person.create', 'special'), 'records/staff-create');
    expectDenied(on(actor(['staff']), 'person.create', 'safeguarding'));
    expectDenied(on(actor(['volunteer']), 'person.create', 'general'));
  });

  it('3.4 need-to-know records/staff-open-case: staff open a further case for someone on their team; a grant or emergency access does not let them join it for good; management may', () => {
    const kase = (facts: Resource): Resource => ({ ...facts, type: 'case' });
    expectAllowed(on(actor(['staff']), 'case.create', 'general', kase(team)), 'records/staff-open-case', '3.3, 3.4, 4.2');
    expectDenied(on(actor(['staff']), 'case.create', 'general', kase(granted('personal', 'special'))), 'default/deny');
    expectDenied(on(actor(['staff']), 'case.create', 'general', kase({ granted: classMask(['general']), emergency: classMask(['general']) })), 'default/deny');
    expectDenied(on(actor(['volunteer']), 'case.create', 'general', kase(team)));
    expectAllowed(on(actor(['manager']), 'case.create', 'general', kase({})), 'records/manager-write');
  });

  it('1.1 records-management records/manager-write: management keep records accurate including safeguarding, never commercial on a person', () => {
    expectAllowed(on(actor(['manager']), 'person.update', 'safeguarding'), 'records/manager-write');
    expectDenied(on(actor(['manager']), 'case.update', 'session'));
    expectDenied(on(actor(['staff']), 'person.archive', 'general'));
  });

  it('3.4 need-to-know records/case-team-update: staff on the team edit personal details; off the team they cannot', () => {
    expectAllowed(on(actor(['staff']), 'person.update', 'personal', team), 'records/case-team-update');
    expectDenied(on(actor(['staff']), 'person.update', 'personal'), 'default/deny');
    expectDenied(on(actor(['staff']), 'person.update', 'safeguarding', team));
  });

  it('3.4 need-to-know records/team-manage: managers assign who needs to know; staff do not', () => {
    expectAllowed(decide(actor(['manager']), 'case.team.manage', { type: 'case' }), 'records/team-manage');
    expectDenied(decide(actor(['staff']), 'case.team.manage', { type: 'case', team: true }));
  });

  it('practice 2 session-staff-team-only notes/case-team-write: the team records sessions; others and volunteers cannot', () => {
    expectAllowed(on(actor(['staff']), 'note.create', 'session', team), 'notes/case-team-write');
    expectDenied(on(actor(['staff']), 'note.create', 'session'));
    expectDenied(on(actor(['volunteer']), 'note.create', 'general', team));
    expectDenied(on(actor(['staff']), 'note.create', 'safeguarding', team));
  });

  it('practice 4.1 safeguarding-management safeguarding/management-documents: managers file safeguarding documents; staff cannot', () => {
    expectAllowed(on(actor(['manager']), 'attachment.create', 'safeguarding'), 'safeguarding/management-documents');
    expectDenied(on(actor(['staff']), 'attachment.create', 'safeguarding', team));
  });

  it('1.1 records-management notes/author-edit: the author edits their note while on the team; not off the team, not someone else', () => {
    expectAllowed(on(actor(['staff']), 'note.update', 'session', { type: 'note', team: true, ownerId: ME }), 'notes/author-edit');
    expectDenied(on(actor(['staff']), 'note.update', 'session', { type: 'note', team: false, ownerId: ME }));
    expectDenied(on(actor(['staff']), 'note.update', 'session', { type: 'note', team: true, ownerId: OTHER }));
  });

  it('1.1 records-management organisations/manage: staff record organisations with business details; volunteers cannot', () => {
    expectAllowed(on(actor(['staff']), 'organisation.create', 'commercial', { type: 'organisation' }), 'organisations/manage');
    expectDenied(on(actor(['volunteer']), 'organisation.create', 'general', { type: 'organisation' }));
  });

  it('1.1 records-management organisations/update: staff update partner details; business details only from the team', () => {
    expectAllowed(on(actor(['staff']), 'organisation.update', 'personal', { type: 'organisation' }), 'organisations/update');
    expectDenied(on(actor(['staff']), 'organisation.update', 'commercial', { type: 'organisation' }));
    expectDenied(on(actor(['volunteer']), 'organisation.update', 'general', { type: 'organisation' }));
  });

  it('1.1 records-management organisations/archive: managers archive organisations; staff cannot', () => {
    expectAllowed(decide(actor(['manager']), 'organisation.archive', { type: 'organisation' }), 'organisations/archive');
    expectDenied(decide(actor(['staff']), 'organisation.archive', { type: 'organisation', team: true }));
  });
});

describe('decide(): access grants and break-glass', () => {
  it('3.4 need-to-know grants/request: anyone working with records may ask for access; an administrator account may not', () => {
    expectAllowed(decide(actor(['volunteer']), 'grant.request'), 'grants/request');
    expectDenied(decide(actor(['administrator']), 'grant.request'));
    expect(decideAction(actor(['administrator']), 'grant.request')).not.toBeNull();
  });

  it('3.4 need-to-know grants/own: you list and give up your own grants, not anyone else\'s', () => {
    expectAllowed(decide(actor(['staff']), 'grant.list', { type: 'grant', ownerId: ME }), 'grants/own');
    expectAllowed(decide(actor(['staff']), 'grant.revoke', { type: 'grant', ownerId: ME }), 'grants/own');
    expectDenied(decide(actor(['staff']), 'grant.revoke', { type: 'grant', ownerId: OTHER }));
    expectDenied(decide(actor(['staff']), 'grant.list', { type: 'grant', ownerId: null }));
  });

  it('3.4 need-to-know grants/withdraw-own: you withdraw your own request, whatever your role; not anyone else\'s, not even as a manager', () => {
    for (const role of ['staff', 'volunteer', 'manager'] as const) {
      expectAllowed(decide(actor([role]), 'grant.withdraw', { type: 'grant', ownerId: ME }), 'grants/withdraw-own');
      expectDenied(decide(actor([role]), 'grant.withdraw', { type: 'grant', ownerId: OTHER }));
    }
  });

  it('3.4 need-to-know grants/manage: managers decide, revoke and review; staff cannot decide even on the team', () => {
    expectAllowed(decide(actor(['manager']), 'grant.revoke', { type: 'grant', ownerId: OTHER }), 'grants/manage');
    expectAllowed(decide(actor(['manager']), 'grant.list', { type: 'grant', ownerId: null }), 'grants/manage');
    expectDenied(decide(actor(['staff']), 'grant.decide', { type: 'grant', ownerId: OTHER, team: true }));
    expectDenied(decide(actor(['guardian']), 'breakglass.review', { type: 'grant', ownerId: OTHER }));
  });

  it('practice 4.2 break-glass-review break-glass/open: staff and managers may break the glass; volunteers and the guardian may not', () => {
    expectAllowed(decide(actor(['staff']), 'breakglass.open', { type: 'person' }), 'break-glass/open', 'practice 4.2, practice 4.3');
    expectAllowed(decide(actor(['manager']), 'breakglass.open', { type: 'case' }), 'break-glass/open');
    for (const role of ['volunteer', 'student', 'guardian'] as const) expectDenied(decide(actor([role]), 'breakglass.open', { type: 'person' }));
    expect(decideAction(actor(['volunteer']), 'breakglass.open')?.allowed).toBe(false);
  });
});

describe('decide(): explanations, audit and accounts', () => {
  it('3.1 justify-purpose explain/oversight: managers and the guardian explain anyone and read who has seen a record; staff not', () => {
    for (const role of ['manager', 'guardian'] as const) {
      const d = decide(actor([role]), 'access.explain', { type: 'user', ownerId: OTHER });
      expectAllowed(d, 'explain/oversight', '3.1, monitoring-and-review');
      expect(d.via).toBe('any');
      expectAllowed(decide(actor([role]), 'audit.read', { type: 'person' }), 'explain/oversight');
    }
    expectDenied(decide(actor(['staff']), 'audit.read', { type: 'person', team: true }));
  });

  it('3.1 justify-purpose explain/self: anyone may ask about themselves, nobody else about another', () => {
    const d = decide(actor(['volunteer']), 'access.explain', { type: 'user', ownerId: ME });
    expectAllowed(d, 'explain/self');
    expect(d.via).toBe('self');
    expectDenied(decide(actor(['staff']), 'access.explain', { type: 'user', ownerId: OTHER }));
  });

  it('1.1 records-management audit/verify: administrators and the guardian verify the audit chain; managers do not', () => {
    expectAllowed(decide(actor(['administrator']), 'audit.verify'), 'audit/verify');
    expectAllowed(decide(actor(['guardian']), 'audit.verify'), 'audit/verify');
    expectDenied(decide(actor(['manager']), 'audit.verify'));
  });

  it('3.7 secure-conditions accounts/self: everyone reaches their account, notifications and the policy; nothing more from it', () => {
    for (const action of ['account.self', 'notification.read', 'policy.read', 'policy.accept'] as const) expectAllowed(decide(actor(['student']), action), 'accounts/self');
    expectDenied(decide(actor(['student']), 'user.list'));
    expectDenied(decide(actor(['student']), 'policy.load'));
  });

  it('3.7 secure-conditions accounts/directory: administrators and managers list users; staff do not', () => {
    expectAllowed(decide(actor(['manager']), 'user.list'), 'accounts/directory');
    expectDenied(decide(actor(['staff']), 'user.list'));
  });

  it('3.7 secure-conditions accounts/administer: administrators manage accounts and load the policy; managers do not', () => {
    expectAllowed(decide(actor(['administrator']), 'user.manage'), 'accounts/administer');
    expectAllowed(decide(actor(['administrator']), 'policy.load'), 'accounts/administer');
    expectDenied(decide(actor(['manager']), 'user.manage'));
  });
});

describe('decide(): safeguarding concerns', () => {
  const concern = (ownerId: string, classification: Classification = 'general'): Resource => ({ type: 'concern', id: 'c1', ownerId, classification });

  it('practice 4.1 safeguarding-management safeguarding/raise-concern: anyone working here raises a concern, even before accepting the policy; an administrator account cannot', () => {
    for (const role of ['staff', 'volunteer', 'student', 'manager', 'guardian', 'safeguarding_lead'] as const) {
      for (const accepted of [true, false]) {
        expectAllowed(decide(actor([role], { accepted }), 'concern.raise', concern(ME, 'safeguarding')), 'safeguarding/raise-concern', 'practice 4.1, practice 4.2');
      }
    }
    expectDenied(decide(actor(['administrator']), 'concern.raise', concern(ME, 'safeguarding')), 'default/deny');
    expectDenied(decide(actor([]), 'concern.raise', concern(ME)), 'default/deny');
    // What the raiser writes is general or safeguarding information, nothing else.
    expectDenied(decide(actor(['staff']), 'concern.raise', concern(ME, 'session')));
  });

  it('practice 4.1 safeguarding-management safeguarding/raiser-own-report: the raiser reads back what they wrote and its status; staff who did not raise it read nothing', () => {
    for (const c of ['general', 'safeguarding'] as const) expectAllowed(decide(actor(['volunteer']), 'concern.read', concern(ME, c)), 'safeguarding/raiser-own-report');
    expectDenied(decide(actor(['volunteer']), 'concern.read', concern(ME, 'special')));
    for (const c of ['general', 'safeguarding'] as const) expectDenied(decide(actor(['staff']), 'concern.read', concern(OTHER, c)), 'default/deny');
    // The case team and access grants open case records, never a concern about the same person.
    expectDenied(decide(actor(['staff']), 'concern.read', { ...concern(OTHER), team: true, granted: EVERYTHING }), 'default/deny');
    expectDenied(decide(actor(['volunteer'], { accepted: false }), 'concern.read', concern(ME)), 'agreement/not-accepted');
  });

  it('practice 4.2 safeguarding-management safeguarding/leads-and-management: the safeguarding leads and managers read every concern; the guardian does not', () => {
    for (const role of ['safeguarding_lead', 'manager'] as const) {
      for (const c of ['general', 'personal', 'special', 'safeguarding'] as const) expectAllowed(decide(actor([role]), 'concern.read', concern(OTHER, c)), 'safeguarding/leads-and-management');
    }
    expectDenied(decide(actor(['guardian']), 'concern.read', concern(OTHER)), 'default/deny');
    expectDenied(decide(actor(['safeguarding_lead']), 'concern.read', concern(OTHER, 'commercial')));
  });

  it('practice 4.3 safeguarding-concern-record safeguarding/work-concern: leads and managers acknowledge and record the course of action; the raiser and staff cannot', () => {
    expectAllowed(decide(actor(['safeguarding_lead']), 'concern.work', concern(OTHER)), 'safeguarding/work-concern', 'practice 4.2, practice 4.3');
    expectAllowed(decide(actor(['manager']), 'concern.work', concern(OTHER)), 'safeguarding/work-concern');
    expectDenied(decide(actor(['staff']), 'concern.work', concern(ME)), 'default/deny');
    expectDenied(decide(actor(['guardian']), 'concern.work', concern(OTHER)), 'default/deny');
    expect(decideAction(actor(['volunteer']), 'concern.work')?.allowed).toBe(false);
  });

  it('practice 4.2 safeguarding-management safeguarding/not-own-concern: a lead or manager who raised a concern works it but does not acknowledge or close it; another one does', () => {
    for (const role of ['safeguarding_lead', 'manager'] as const) {
      const d = decide(actor([role]), 'concern.settle', concern(ME));
      expectDenied(d, 'safeguarding/not-own-concern');
      expect(d).toMatchObject({ clause: 'practice 4.1, practice 4.2', actorLevel: false });
      expectAllowed(decide(actor([role]), 'concern.work', concern(ME)), 'safeguarding/work-concern');
      expectAllowed(decide(actor([role]), 'concern.settle', concern(OTHER)), 'safeguarding/work-concern');
    }
    expectDenied(decide(actor(['staff']), 'concern.settle', concern(OTHER)), 'default/deny');
  });

  it('practice 4.3 safeguarding-duty-to-share safeguarding/referral: leads and managers refer to the local authority or the police (Caldicott 7); staff and the guardian cannot', () => {
    expectAllowed(decide(actor(['safeguarding_lead']), 'concern.refer', concern(OTHER)), 'safeguarding/referral', 'practice 4.3');
    expectAllowed(decide(actor(['manager']), 'concern.refer', concern(OTHER)), 'safeguarding/referral');
    for (const role of ['staff', 'volunteer', 'guardian', 'administrator'] as const) expectDenied(decide(actor([role]), 'concern.refer', concern(ME)), 'default/deny');
  });

  it('practice 4.1 safeguarding-management safeguarding/urgent-release-by-manager: a manager releases an urgent referral at once (management take immediate action); a lead who is not a manager, staff and the guardian cannot', () => {
    expectAllowed(decide(actor(['manager']), 'concern.release', concern(OTHER)), 'safeguarding/urgent-release-by-manager', 'practice 4.1, practice 4.2');
    expectAllowed(decide(actor(['manager', 'safeguarding_lead']), 'concern.release', concern(OTHER)), 'safeguarding/urgent-release-by-manager');
    for (const role of ['safeguarding_lead', 'staff', 'volunteer', 'guardian', 'administrator'] as const) expectDenied(decide(actor([role]), 'concern.release', concern(OTHER)), 'default/deny');
  });

  it('practice 4.1 safeguarding-management safeguarding/subject-name-for-leads: leads and managers see by name whom a concern is about (general fields only); the raiser, staff and the guardian do not', () => {
    expectAllowed(decide(actor(['safeguarding_lead']), 'concern.subject', concern(OTHER)), 'safeguarding/subject-name-for-leads', 'practice 4.1, practice 4.2');
    expectAllowed(decide(actor(['manager']), 'concern.subject', concern(OTHER)), 'safeguarding/subject-name-for-leads');
    expectDenied(decide(actor(['safeguarding_lead']), 'concern.subject', concern(OTHER, 'personal')), 'default/deny');
    for (const role of ['staff', 'volunteer', 'student', 'guardian', 'administrator'] as const) expectDenied(decide(actor([role]), 'concern.subject', concern(ME)), 'default/deny');
  });

  const referral = (classification: Classification = 'general', over: Resource = {}): Resource => ({ type: 'disclosure', id: 'd1', referral: true, ownerId: OTHER, classification, ...over });
  it('practice 4.3 safeguarding-duty-to-share safeguarding/referral-disclosure: leads and managers ask for, release and record telling on a referral\'s disclosure; staff on the person\'s case team cannot', () => {
    for (const a of ['disclosure.request', 'disclosure.release', 'disclosure.told'] as const) {
      expectAllowed(decide(actor(['safeguarding_lead']), a, referral()), 'safeguarding/referral-disclosure', 'practice 4.3');
      expectDenied(decide(actor(['staff']), a, referral('general', { team: true })), 'default/deny');
      expectDenied(decide(actor(['volunteer']), a, referral('general', { team: true })));
    }
    expect(decide(actor(['manager']), 'disclosure.request', referral()).allowed).toBe(true);
    // Ordinary disclosures are unchanged: the case team still asks for them.
    expectAllowed(decide(actor(['staff']), 'disclosure.request', { type: 'disclosure', team: true }), 'disclosure/case-team-requests');
  });

  it('practice 4.3 safeguarding-duty-to-share safeguarding/referral-disclosure-reads: leads read a referral\'s disclosure and its reasons; the case team, volunteers and the guardian do not (practice 4.1: concerns stay with the leads and management)', () => {
    for (const c of ['general', 'personal'] as const) expectAllowed(decide(actor(['safeguarding_lead']), 'disclosure.read', referral(c)), 'safeguarding/referral-disclosure-reads');
    expectAllowed(decide(actor(['manager']), 'disclosure.read', referral('personal')), 'disclosure/management-oversight');
    for (const role of ['staff', 'volunteer', 'student'] as const) expectDenied(decide(actor([role]), 'disclosure.read', referral('general', { team: true })), 'default/deny');
    expectDenied(decide(actor(['guardian']), 'disclosure.read', referral()), 'default/deny');
    expectAllowed(decide(actor(['guardian']), 'disclosure.read', { type: 'disclosure', classification: 'general' }), 'disclosure/guardian-register');
  });

  it('3.4 need-to-know safeguarding/referral-pack-need-to-know: a lead opens a referral\'s pack only on the person\'s case team, and the rule gives no class of its items (each is decided where it lives: src/disclosure/pack-read.ts); off the team not at all; managers read every pack whole; the case team never a referral\'s', () => {
    expectAllowed(decide(actor(['safeguarding_lead']), 'disclosure.pack', referral('general', { team: true })), 'safeguarding/referral-pack-need-to-know', '3.3, 3.4, 4.2');
    for (const c of ['personal', 'special', 'safeguarding', 'session'] as const) expectDenied(decide(actor(['safeguarding_lead']), 'disclosure.pack', referral(c, { team: true })), 'default/deny');
    for (const c of ['general', 'personal', 'special', 'safeguarding', 'session'] as const) {
      expectDenied(decide(actor(['safeguarding_lead']), 'disclosure.pack', referral(c)), 'default/deny');
      expectAllowed(decide(actor(['manager']), 'disclosure.pack', referral(c)), 'disclosure/management-releases');
      expectDenied(decide(actor(['staff']), 'disclosure.pack', referral(c, { team: true })), 'default/deny');
    }
    expectDenied(decide(actor(['safeguarding_lead']), 'disclosure.pack', referral('commercial', { team: true })), 'default/deny');
  });

  it('1.3 disclosure-exception disclosure/no-self-approval: the manager who made a referral does not approve or review it', () => {
    expectDenied(decide(actor(['manager']), 'disclosure.approve', referral('general', { ownerId: ME })), 'disclosure/no-self-approval');
    expectAllowed(decide(actor(['manager']), 'disclosure.approve', referral()), 'disclosure/manager-decides-exception');
  });
});

/** The consent relation's facts: a purpose in force and one current consent covering GP practice for general+special. */
const NOW = '2026-03-02T09:00:00.000Z';
function consentFacts(over: { decision?: string; expiresAt?: string | null; recipient?: string; status?: string; nextReviewOn?: string; mask?: number } = {}): ConsentFacts {
  return {
    purpose: { id: 'p', status: over.status ?? 'active', nextReviewOn: over.nextReviewOn ?? '2027-01-01' },
    recipient: over.recipient ?? 'category:gp practice', mask: over.mask ?? classMask(['general', 'special']), at: NOW,
    current: [{ id: 'c1', decision: over.decision ?? 'given', expiresAt: over.expiresAt ?? null, recipients: ['category:gp practice', 'internal'], mask: classMask(['general', 'personal', 'special']) }],
  };
}
const check = (a: Actor, facts: ConsentFacts, onTeam = true) => decide(a, 'consent.check', { type: 'person', id: 'p1', team: onTeam, consent: facts });

describe('decide(): notices and first contact (issue 10)', () => {
  it('3.5 staff-awareness notices/read: everyone working here reads the published notice; a user with no role does not', () => {
    for (const r of ['volunteer', 'student', 'staff', 'administrator'] as const) expectAllowed(decide(actor([r]), 'notice.read', {}), 'notices/read');
    expectDenied(decide(actor([]), 'notice.read', {}), 'default/deny');
  });
  it('4.1 first-contact-notice notices/publish: management and the guardian publish a notice; staff do not', () => {
    expectAllowed(decide(actor(['manager']), 'notice.publish', {}), 'notices/publish', '4.1');
    expectAllowed(decide(actor(['guardian']), 'notice.publish', {}), 'notices/publish');
    expectDenied(decide(actor(['staff']), 'notice.publish', {}), 'default/deny');
  });
  it('4.1 first-contact-notice first-contact/case-team: staff and volunteers on the team record that a person was told; off the team, or a student, they do not', () => {
    for (const r of ['staff', 'volunteer'] as const) expectAllowed(on(actor([r]), 'person.inform', 'general', team), 'first-contact/case-team', '4.1');
    expectDenied(on(actor(['staff']), 'person.inform', 'general'), 'default/deny');
    expectDenied(on(actor(['student']), 'person.inform', 'general', team), 'default/deny');
  });
  it('4.1 first-contact-notice first-contact/management: a manager records it for anyone; the guardian does not', () => {
    expectAllowed(on(actor(['manager']), 'person.inform', 'general'), 'first-contact/management');
    expectDenied(on(actor(['guardian']), 'person.inform', 'general'), 'default/deny');
  });
});

describe('decide(): purposes and consent (issue 10)', () => {
  it('3.1 purpose-register purposes/register-open: everyone working here reads the register; a user with no role does not', () => {
    for (const r of ['volunteer', 'administrator', 'staff'] as const) expectAllowed(decide(actor([r]), 'purpose.read', { type: 'purpose' }), 'purposes/register-open', '3.1, 2.1');
    expectDenied(decide(actor([]), 'purpose.read', { type: 'purpose' }), 'default/deny');
  });
  it('3.1 purpose-register purposes/propose: managers and the guardian propose a purpose; staff do not', () => {
    expectAllowed(decide(actor(['manager']), 'purpose.create', { type: 'purpose' }), 'purposes/propose');
    expectDenied(decide(actor(['staff']), 'purpose.create', { type: 'purpose' }), 'default/deny');
  });
  it('3.1 purpose-register purposes/author-edits-draft: only the author edits a draft', () => {
    expectAllowed(decide(actor(['manager']), 'purpose.update', { type: 'purpose', ownerId: ME }), 'purposes/author-edits-draft');
    expectDenied(decide(actor(['guardian']), 'purpose.update', { type: 'purpose', ownerId: OTHER }));
  });
  it('3.1 purpose-register purposes/guardian-approves: a guardian approves and retires another\'s purpose; a manager does not', () => {
    expectAllowed(decide(actor(['guardian']), 'purpose.approve', { type: 'purpose', ownerId: OTHER }), 'purposes/guardian-approves');
    expectAllowed(decide(actor(['guardian']), 'purpose.retire', { type: 'purpose', ownerId: OTHER }), 'purposes/guardian-approves');
    expectDenied(decide(actor(['manager']), 'purpose.approve', { type: 'purpose', ownerId: OTHER }), 'default/deny');
  });
  it('3.1 purpose-register purposes/no-self-approval: its author may not approve it, even a guardian; another guardian may', () => {
    expectDenied(decide(actor(['guardian']), 'purpose.approve', { type: 'purpose', ownerId: ME }), 'purposes/no-self-approval');
    expectAllowed(decide(actor(['guardian']), 'purpose.approve', { type: 'purpose', ownerId: OTHER }), 'purposes/guardian-approves');
  });
  it('4.1 consent-by-trained-staff consent/explained-by-trained-staff: a volunteer or student may not record consent, a volunteer who is also staff may', () => {
    for (const r of ['volunteer', 'student'] as const) expectDenied(on(actor([r]), 'consent.record', 'general', team), 'consent/explained-by-trained-staff');
    expect(decideAction(actor(['volunteer']), 'consent.record')).toMatchObject({ allowed: false, ruleId: 'consent/explained-by-trained-staff', clause: '4.1, 3.5' });
    expectAllowed(on(actor(['volunteer', 'staff']), 'consent.record', 'personal', team), 'consent/record-case-team');
  });
  it('1.3 informed-consent consent/record-case-team: staff and managers on the team record consent; off the team they do not', () => {
    expectAllowed(on(actor(['staff']), 'consent.record', 'personal', team), 'consent/record-case-team', '1.3, 4.1, 4.2');
    expectAllowed(on(actor(['manager']), 'consent.record', 'general', team), 'consent/record-case-team');
    expectDenied(on(actor(['manager']), 'consent.record', 'general'));
  });
  it('1.3 informed-consent consent/withdraw-case-team: anyone on the team records a withdrawal; off the team, staff do not', () => {
    for (const r of ['volunteer', 'student', 'staff'] as const) expectAllowed(on(actor([r]), 'consent.withdraw', 'general', team), 'consent/withdraw-case-team');
    expectDenied(on(actor(['staff']), 'consent.withdraw', 'general'));
  });
  it('1.3 informed-consent consent/withdraw-management: management record a withdrawal anywhere; the guardian does not', () => {
    expectAllowed(on(actor(['manager']), 'consent.withdraw', 'general'), 'consent/withdraw-management');
    expectDenied(on(actor(['guardian']), 'consent.withdraw', 'general'));
  });
  it('3.4 need-to-know consent/case-team-reads: staff on the team read what the person was told; off the team nothing', () => {
    expectAllowed(on(actor(['staff']), 'consent.read', 'personal', team), 'consent/case-team-reads');
    expectDenied(on(actor(['staff']), 'consent.read', 'general'));
  });
  it('3.4 need-to-know consent/case-team-volunteer-reads: a volunteer on the team reads what was agreed, not what was told', () => {
    expectAllowed(on(actor(['volunteer']), 'consent.read', 'general', team), 'consent/case-team-volunteer-reads');
    expectDenied(on(actor(['volunteer']), 'consent.read', 'personal', team));
  });
  it('3.4 need-to-know consent/management-oversight: management read consent anywhere, not session information', () => {
    expectAllowed(on(actor(['manager']), 'consent.read', 'personal'), 'consent/management-oversight');
    expectDenied(on(actor(['manager']), 'consent.read', 'safeguarding'));
  });
  it('3.1 purpose-register consent/guardian-review: the guardian reads what was agreed, not what was told', () => {
    expectAllowed(on(actor(['guardian']), 'consent.read', 'general'), 'consent/guardian-review');
    expectDenied(on(actor(['guardian']), 'consent.read', 'personal'));
  });
  it('1.3 informed-consent consent/check-case-team: covered on the team; withdrawn, refused, expired, another recipient, more categories, a draft or overdue purpose, or off the team — not', () => {
    expectAllowed(check(actor(['staff']), consentFacts()), 'consent/check-case-team', '1.3, 4.1, 4.2');
    expectAllowed(check(actor(['volunteer']), consentFacts({ recipient: 'internal', mask: classMask(['general']) })), 'consent/check-case-team');
    for (const f of [consentFacts({ decision: 'withdrawn' }), consentFacts({ decision: 'refused' }), consentFacts({ expiresAt: NOW }), consentFacts({ recipient: 'org:b' }), consentFacts({ mask: classMask(['safeguarding']) })]) {
      expectDenied(check(actor(['staff']), f), 'consent/none-covers');
    }
    for (const f of [consentFacts({ status: 'draft' }), consentFacts({ status: 'retired' }), consentFacts({ nextReviewOn: '2026-03-01' })]) expectDenied(check(actor(['staff']), f), 'purposes/not-in-force');
    expect(check(actor(['staff']), consentFacts({ nextReviewOn: '2026-03-02' })).allowed).toBe(true); // in force on its review day
    expectDenied(check(actor(['staff']), consentFacts(), false), 'default/deny');
    expectDenied(decide(actor(['staff']), 'consent.check', { type: 'person', team: true }), 'consent/none-covers'); // nothing asked, nothing covered
  });
  it('4.1 no-surprises information-use/case-team: staff and managers on the team prepare the summary, with what the person was told; off the team they do not', () => {
    for (const r of ['staff', 'manager'] as const) expectAllowed(on(actor([r]), 'person.information-use', 'personal', team), 'information-use/case-team', '4.1');
    expectDenied(on(actor(['staff']), 'person.information-use', 'general'), 'default/deny');
    expectDenied(on(actor(['staff']), 'person.information-use', 'special', team));
  });
  it('4.1 no-surprises information-use/management: a manager prepares it for anyone; an administrator and a safeguarding lead alone do not', () => {
    expectAllowed(on(actor(['manager']), 'person.information-use', 'personal'), 'information-use/management', '4.1');
    for (const r of ['administrator', 'safeguarding_lead'] as const) expectDenied(on(actor([r]), 'person.information-use', 'general', team), 'default/deny');
  });
  it('3.1 justify-purpose information-use/guardian-review: the guardian reads the summary at the general level, as the consent history and disclosures; not what the person was told (personal)', () => {
    expectAllowed(on(actor(['guardian']), 'person.information-use', 'general'), 'information-use/guardian-review', '3.1, monitoring-and-review');
    expectDenied(on(actor(['guardian']), 'person.information-use', 'personal'), 'default/deny');
    expectAllowed(on(actor(['guardian', 'manager']), 'person.information-use', 'general'), 'information-use/management'); // a manager who is also the guardian prepares it as a manager
  });
  it('4.1 no-surprises information-use/prepared-by-staff: a volunteer or student on the team is refused outright; a volunteer who is also staff is not', () => {
    for (const r of ['volunteer', 'student'] as const) expectDenied(on(actor([r]), 'person.information-use', 'general', team), 'information-use/prepared-by-staff');
    expect(decideAction(actor(['student']), 'person.information-use')).toMatchObject({ allowed: false, ruleId: 'information-use/prepared-by-staff', clause: '4.1', actorLevel: true });
    expectAllowed(on(actor(['volunteer', 'staff']), 'person.information-use', 'personal', team), 'information-use/case-team');
  });
  it('1.3 informed-consent consent/check-management: a manager asks anywhere and gets the same answer; the guardian may not ask', () => {
    expectAllowed(check(actor(['manager']), consentFacts(), false), 'consent/check-management');
    expectDenied(check(actor(['manager']), consentFacts({ decision: 'withdrawn' }), false), 'consent/none-covers');
    expectDenied(check(actor(['guardian']), consentFacts()), 'default/deny');
  });
});

describe('decide(): a case is held for a purpose in force (2.1)', () => {
  const held = (inForce: boolean, purposeId: string | null = 'purpose-1') => ({ heldFor: { purposeId, inForce } });
  const ADDING = ['note.create', 'note.update', 'attachment.create', 'meeting.record', 'case.update'] as const;

  it('2.1 authorised-use purposes/case-purpose-in-force: adding to a case whose purpose is not in force, or that names none, is refused whatever the roles, team or grants; under a purpose in force — or with nothing added (no heldFor fact: a read, closing) — need to know decides', () => {
    for (const action of ADDING) {
      for (const facts of [held(false), held(false, null)]) {
        const d = on(actor(ALL_ROLES), action, 'general', { ...team, granted: EVERYTHING, ownerId: ME, ...facts });
        expectDenied(d, 'purposes/case-purpose-in-force');
        expect(d).toMatchObject({ clause: '2.1', actorLevel: false });
      }
    }
    expectAllowed(on(actor(['staff']), 'note.create', 'session', { type: 'note', ...team, ...held(true) }), 'notes/case-team-write');
    expectAllowed(on(actor(['staff']), 'case.update', 'general', { type: 'case', ...team }), 'records/case-team-update');
    expectAllowed(on(actor(['staff']), 'case.read', 'general', { type: 'case', ...team, ...held(false) }), 'need-to-know/case-team');
    // Off the team it is still need to know that refuses: the purpose does not open anything.
    expectDenied(on(actor(['staff']), 'note.create', 'session', { type: 'note', ...held(true) }), 'default/deny');
  });

  it('2.1 authorised-use purposes/manager-assigns-case: a manager moves a case to another purpose; staff, volunteers, the guardian and administrators are refused, citing 2.1', () => {
    expectAllowed(decide(actor(['manager']), 'purpose.assign', { type: 'case', id: 'c1' }), 'purposes/manager-assigns-case', '2.1');
    for (const roles of [['staff'], ['volunteer'], ['student'], ['guardian'], ['administrator'], ['safeguarding_lead']] as Role[][]) {
      const d = decide(actor(roles), 'purpose.assign', { type: 'case', id: 'c1', team: true });
      expectDenied(d, 'default/deny');
      expect(d).toMatchObject({ clause: '2.1', reason: 'Only managers may do this.' });
    }
    expectDenied(decide(actor(['manager'], { accepted: false }), 'purpose.assign', { type: 'case' }), 'agreement/not-accepted');
  });
});

describe('decide(): the breach register', () => {
  const breach = (ownerId: string, classification: Classification = 'general'): Resource => ({ type: 'breach', id: 'b1', ownerId, classification });

  it('5 breach-handling breaches/report: anyone working here reports a suspected breach, even before accepting the policy; an administrator account cannot', () => {
    for (const role of ['staff', 'volunteer', 'student', 'manager', 'guardian', 'safeguarding_lead'] as const) {
      for (const accepted of [true, false]) expectAllowed(decide(actor([role], { accepted }), 'breach.report', breach(ME, 'personal')), 'breaches/report', '5');
    }
    expectDenied(decide(actor(['administrator']), 'breach.report', breach(ME)), 'default/deny');
    expectDenied(decide(actor(['staff']), 'breach.report', breach(ME, 'safeguarding'))); // what a report holds: general and personal
  });

  it('5 breach-handling breaches/reporter-own-report: the reporter reads back their report and its status, not its handling; others read nothing, whatever their team or grants', () => {
    for (const c of ['general', 'personal'] as const) expectAllowed(decide(actor(['volunteer']), 'breach.read', breach(ME, c)), 'breaches/reporter-own-report', '5');
    expectDenied(decide(actor(['volunteer']), 'breach.review', breach(ME)), 'default/deny');
    expectDenied(decide(actor(['volunteer']), 'breach.handle', breach(ME)), 'default/deny');
    for (const role of ['staff', 'volunteer', 'student', 'safeguarding_lead'] as const) expectDenied(decide(actor([role]), 'breach.read', breach(OTHER)), 'default/deny');
    expectDenied(decide(actor(['staff']), 'breach.read', { ...breach(OTHER), team: true, granted: EVERYTHING }), 'default/deny');
    expectDenied(decide(actor(['volunteer'], { accepted: false }), 'breach.read', breach(ME)), 'agreement/not-accepted');
  });

  it('5 breach-handling breaches/management: managers read, review and handle every breach; staff, volunteers and the guardian cannot handle', () => {
    for (const action of ['breach.read', 'breach.review', 'breach.handle'] as const) expectAllowed(decide(actor(['manager']), action, breach(OTHER)), 'breaches/management', '5');
    // A manager reading a breach they reported reads it as management.
    expectAllowed(decide(actor(['manager']), 'breach.read', breach(ME, 'personal')), 'breaches/management');
    for (const role of ['staff', 'volunteer', 'student', 'guardian', 'safeguarding_lead', 'administrator'] as const) expectDenied(decide(actor([role]), 'breach.handle', breach(ME)), 'default/deny');
    expectDenied(decide(actor(['manager'], { accepted: false }), 'breach.handle', breach(OTHER)), 'agreement/not-accepted');
  });

  it('5 breach-handling breaches/not-own-conduct: a manager may not handle, read or review a breach or flag about their own conduct, even with every role or as its reporter; another manager may', () => {
    const mine: Resource = { ...breach(OTHER), conductOf: [ME] };
    const d = decide(actor(['manager']), 'breach.handle', mine);
    expectDenied(d, 'breaches/not-own-conduct');
    expect(d).toMatchObject({ clause: '5', actorLevel: false });
    expectDenied(decide(actor(ALL_ROLES), 'breach.handle', { ...mine, conductOf: [OTHER, ME] }), 'breaches/not-own-conduct');
    // Nor do they follow it: its report, its handling and the ICO clock are not theirs to read — the guardian's
    // oversight and a reporter's read-back included.
    for (const action of ['breach.read', 'breach.review'] as const) {
      for (const roles of [['manager'], ['guardian'], ALL_ROLES] as Role[][]) {
        const refused = decide(actor(roles), action, mine);
        expectDenied(refused, 'breaches/not-own-conduct');
        expect(refused).toMatchObject({ clause: '5', actorLevel: false });
      }
      expectDenied(decide(actor(['volunteer']), action, { ...breach(ME), conductOf: [ME] }), 'breaches/not-own-conduct');
      expectAllowed(decide(actor(['manager']), action, { ...mine, conductOf: [OTHER] }), 'breaches/management', '5');
    }
    // Someone else's conduct, nobody's (a report in words), or not asked: management handle and read it.
    for (const conductOf of [[OTHER], [], undefined]) {
      for (const action of ['breach.handle', 'breach.read', 'breach.review'] as const) expectAllowed(decide(actor(['manager']), action, { ...breach(OTHER), conductOf }), 'breaches/management', '5');
    }
    // Never warn-only: the independence of a disciplinary matter (clause 5).
    const policy = new PolicyState(SAMPLE_CLAUSE_MAP, { 'breaches/not-own-conduct': 'warn' });
    expectDenied(decide(actor(['manager'], { policy }), 'breach.handle', mine), 'breaches/not-own-conduct');
  });

  it('5 breach-handling breaches/guardian-when-no-manager-free: the guardian handles a breach only when no active manager is free to — never one about their own conduct; managers are unaffected', () => {
    const stranded: Resource = { ...breach(OTHER), conductOf: [OTHER], noFreeManager: true };
    const d = decide(actor(['guardian']), 'breach.handle', stranded);
    expectAllowed(d, 'breaches/guardian-when-no-manager-free', '5');
    for (const noFreeManager of [false, undefined]) expectDenied(decide(actor(['guardian']), 'breach.handle', { ...stranded, noFreeManager }), 'default/deny');
    expectDenied(decide(actor(['guardian']), 'breach.handle', { ...stranded, conductOf: [ME] }), 'breaches/not-own-conduct');
    for (const role of ['staff', 'volunteer', 'student', 'safeguarding_lead', 'administrator'] as const) expectDenied(decide(actor([role]), 'breach.handle', stranded), 'default/deny');
    expectAllowed(decide(actor(['manager']), 'breach.handle', stranded), 'breaches/management');
  });

  it('5 breach-handling breaches/guardian-oversight: the guardian reads every breach and its handling but does not handle it', () => {
    for (const action of ['breach.read', 'breach.review'] as const) expectAllowed(decide(actor(['guardian']), action, breach(OTHER)), 'breaches/guardian-oversight', '5');
    expectDenied(decide(actor(['guardian']), 'breach.handle', breach(OTHER)), 'default/deny');
    expectDenied(decide(actor(['staff']), 'breach.review', breach(OTHER)), 'default/deny');
  });
});

describe('decide(): third-party disclosure', () => {
  const facts = (over: Partial<Resource['disclosure'] & object> = {}) => ({ people: 1, sessionItems: false, clientRequested: false, organisationItems: false, ...over });
  const ask = (a: Actor, action: Action, over: Partial<Resource['disclosure'] & object> = {}, res: Resource = team) => decide(a, action, { type: 'disclosure', id: 'd1', ...res, classification: 'general', disclosure: facts(over) });
  it('2.2 no-sale-or-bulk disclosure/one-person-each: two people in one disclosure are refused even to a manager on the team; one person is allowed', () => {
    expectDenied(ask(actor(['manager']), 'disclosure.request', { people: 2 }), 'disclosure/one-person-each');
    expect(ask(actor(['staff']), 'disclosure.release', { people: 3 }).clause).toBe('2.2');
    expectAllowed(ask(actor(['staff']), 'disclosure.request'), 'disclosure/case-team-requests', '4.3, 1.2');
  });
  it('practice 2 session-staff-team-only disclosure/session-only-at-client-request: session details go only when the client asked, recorded', () => {
    expectDenied(ask(actor(['staff']), 'disclosure.request', { sessionItems: true }), 'disclosure/session-only-at-client-request');
    expectDenied(ask(actor(['manager']), 'disclosure.release', { sessionItems: true }, {}), 'disclosure/session-only-at-client-request');
    expectAllowed(ask(actor(['staff']), 'disclosure.request', { sessionItems: true, clientRequested: true }), 'disclosure/case-team-requests');
  });
  it('3.2 no-organisation-data disclosure/no-organisation-data: organisation-specific data never goes to a third party; a person\'s own items may', () => {
    expectDenied(ask(actor(['staff']), 'disclosure.request', { organisationItems: true }), 'disclosure/no-organisation-data');
    expect(ask(actor(['staff']), 'disclosure.request', { organisationItems: true }).clause).toBe('3.2');
    expectAllowed(ask(actor(['staff']), 'disclosure.request', { organisationItems: false }), 'disclosure/case-team-requests');
  });
  it('1.3 disclosure-exception disclosure/no-self-approval: the requester may not approve their own exception, even a manager; another manager may', () => {
    expectDenied(decide(actor(['manager']), 'disclosure.approve', { type: 'disclosure', ownerId: ME }), 'disclosure/no-self-approval');
    expect(decide(actor(['manager']), 'disclosure.approve', { type: 'disclosure', ownerId: ME }).clause).toBe('1.3');
    expectAllowed(decide(actor(['manager']), 'disclosure.approve', { type: 'disclosure', ownerId: OTHER }), 'disclosure/manager-decides-exception');
  });
  it('1.3 disclosure-exception disclosure/manager-decides-exception: managers decide exceptions; staff on the team and the guardian do not', () => {
    expectAllowed(decide(actor(['manager']), 'disclosure.approve', { type: 'disclosure', ownerId: OTHER }), 'disclosure/manager-decides-exception', '1.3');
    expectDenied(decide(actor(['staff']), 'disclosure.approve', { type: 'disclosure', ownerId: OTHER, team: true }), 'default/deny');
    expectDenied(decide(actor(['guardian']), 'disclosure.approve', { type: 'disclosure', ownerId: OTHER }), 'default/deny');
  });
  it('4.3 third-party-disclosure disclosure/case-team-requests: staff and managers on the case team ask for and release a disclosure; off the team or as a volunteer not', () => {
    expectAllowed(ask(actor(['staff']), 'disclosure.release'), 'disclosure/case-team-requests');
    expectAllowed(ask(actor(['manager']), 'disclosure.request'), 'disclosure/case-team-requests');
    expectDenied(ask(actor(['staff']), 'disclosure.request', {}, {}), 'default/deny');
    expectDenied(ask(actor(['volunteer']), 'disclosure.request'), 'default/deny');
  });
  it('4.3 third-party-disclosure disclosure/management-releases: management release anywhere; staff off the team and the guardian do not', () => {
    expectAllowed(ask(actor(['manager']), 'disclosure.release', {}, {}), 'disclosure/management-releases');
    expectDenied(ask(actor(['staff']), 'disclosure.release', {}, {}), 'default/deny');
    expectDenied(ask(actor(['guardian']), 'disclosure.release', {}, {}), 'default/deny');
  });
  it('3.4 need-to-know disclosure/case-team-reads: staff on the team read a disclosure and its reasons; off the team nothing', () => {
    expectAllowed(decide(actor(['staff']), 'disclosure.read', { type: 'disclosure', team: true, classification: 'personal' }), 'disclosure/case-team-reads');
    expectDenied(decide(actor(['staff']), 'disclosure.read', { type: 'disclosure', classification: 'general' }));
  });
  it('3.4 need-to-know disclosure/case-team-volunteer-reads: a volunteer on the team sees what went to whom, not the reasons', () => {
    expectAllowed(decide(actor(['volunteer']), 'disclosure.read', { type: 'disclosure', team: true, classification: 'general' }), 'disclosure/case-team-volunteer-reads');
    expectDenied(decide(actor(['volunteer']), 'disclosure.read', { type: 'disclosure', team: true, classification: 'personal' }));
  });
  it('4.3 third-party-disclosure disclosure/management-oversight: management read every disclosure, not session or safeguarding detail', () => {
    expectAllowed(decide(actor(['manager']), 'disclosure.read', { type: 'disclosure', classification: 'personal' }), 'disclosure/management-oversight');
    expectDenied(decide(actor(['manager']), 'disclosure.read', { type: 'disclosure', classification: 'safeguarding' }));
  });
  it('3.1 justify-purpose disclosure/guardian-register: the guardian sees the register, not the reasons', () => {
    expectAllowed(decide(actor(['guardian']), 'disclosure.read', { type: 'disclosure', classification: 'general' }), 'disclosure/guardian-register');
    expectDenied(decide(actor(['guardian']), 'disclosure.read', { type: 'disclosure', classification: 'personal' }));
  });
  it('4.3 third-party-disclosure disclosure/register-oversight: management and the guardian read the organisation-wide register; staff do not', () => {
    expectAllowed(decide(actor(['guardian']), 'disclosure.register'), 'disclosure/register-oversight');
    expectAllowed(decide(actor(['manager']), 'disclosure.register'), 'disclosure/register-oversight');
    expectDenied(decide(actor(['staff']), 'disclosure.register'), 'default/deny');
  });
});

/** A sharing agreement between us and org a, signed by both, with its copy, in force on 2026-03-02. */
function agreementFacts(over: Partial<AgreementFact> & { organisationId?: string; purposeId?: string; mask?: number; at?: string; purposeStatus?: string } = {}): AgreementFacts {
  const { organisationId = 'org-a', purposeId = 'pur-1', mask = classMask(['general', 'personal']), at = '2026-03-02T09:00:00.000Z', purposeStatus = 'active', ...a } = over;
  return {
    organisationId, purposeId, mask, at, purpose: { id: 'pur-1', status: purposeStatus, nextReviewOn: '2027-01-01' },
    agreements: [{
      id: 'ag-1', status: 'signed', startsOn: '2026-01-01', endsOn: '2026-12-31', supersededBy: null, hasDocument: true,
      parties: ['ours', 'org-a'], signed: ['ours', 'org-a'], signedFrom: '2026-01-01', terminatedAt: null, purposeIds: ['pur-1'], mask: classMask(['general', 'personal']), requiresConsent: false, ...a,
    }],
  };
}

describe('decide(): sharing agreements and meetings with third parties (issue 11)', () => {
  const ag = { type: 'agreement' as const };
  it('practice 5.1 sharing-agreements agreements/register-open: everyone working here reads that an agreement exists; a user with no role does not', () => {
    for (const r of ['volunteer', 'student', 'staff', 'administrator'] as const) expectAllowed(decide(actor([r]), 'agreement.read', ag), 'agreements/register-open', 'practice 5.1');
    expectDenied(decide(actor([]), 'agreement.read', ag), 'default/deny');
  });
  it('practice 5.1 sharing-agreements agreements/manage: management and the guardian draft, sign and end agreements; staff do not', () => {
    for (const r of ['manager', 'guardian'] as const) expectAllowed(decide(actor([r]), 'agreement.manage', ag), 'agreements/manage', 'practice 5.1');
    for (const r of ['staff', 'volunteer', 'administrator'] as const) expectDenied(decide(actor([r]), 'agreement.manage', ag), 'default/deny');
    expectDenied(decide(actor(['manager'], { accepted: false }), 'agreement.manage', ag), 'agreement/not-accepted');
  });
  it('practice 5.1 sharing-agreements agreements/signed-copy: management and the guardian read the signed copy; staff do not', () => {
    expectAllowed(decide(actor(['guardian']), 'agreement.document', ag), 'agreements/signed-copy');
    expectDenied(decide(actor(['staff']), 'agreement.document', ag), 'default/deny');
  });
  it('practice 5.1 sharing-agreements agreements/review: a manager or the guardian records the review of an agreement (3.1: continuing uses reviewed by an appropriate guardian); staff, volunteers, administrators and a manager who has not accepted the policy do not', () => {
    expectAllowed(decide(actor(['manager']), 'agreement.review', { ...ag, id: 'ag-1' }), 'agreements/review', 'practice 5.1');
    expectAllowed(decide(actor(['guardian']), 'agreement.review', { ...ag, id: 'ag-1' }), 'agreements/review', 'practice 5.1');
    for (const r of ['staff', 'volunteer', 'student', 'administrator', 'safeguarding_lead'] as const) expectDenied(decide(actor([r]), 'agreement.review', { ...ag, id: 'ag-1' }), 'default/deny');
    expectDenied(decide(actor(['manager'], { accepted: false }), 'agreement.review', ag), 'agreement/not-accepted');
  });
  it('practice 5.1 sharing-agreements agreements/covers: a fully signed agreement in force covers its partner, purpose and categories — from the later of its start and the last signature, until it ends or is ended early; unsigned, partly signed, no copy, expired, not started, not yet signed by all, terminated, superseded, another purpose, partner or category — not', () => {
    expectAllowed(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts() }), 'agreements/covers', 'practice 5.1');
    const not: AgreementFacts[] = [
      agreementFacts({ status: 'draft' }), agreementFacts({ signed: ['ours'] }), agreementFacts({ hasDocument: false }),
      agreementFacts({ endsOn: '2026-03-01' }), agreementFacts({ startsOn: '2026-03-03' }), agreementFacts({ status: 'terminated' }),
      agreementFacts({ supersededBy: 'ag-2' }), agreementFacts({ purposeId: 'pur-2' }), agreementFacts({ organisationId: 'org-b' }),
      agreementFacts({ mask: classMask(['general', 'special']) }), agreementFacts({ purposeStatus: 'retired' }),
    ];
    for (const f of not) expectDenied(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: f }), 'agreements/none-covers');
    expect(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts({ endsOn: '2026-03-02' }) }).allowed).toBe(true); // its last day
    // In force from the later of its start and the last signature; an agreement ended early covered what came before.
    expectDenied(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts({ signedFrom: '2026-03-03' }) }), 'agreements/none-covers');
    expect(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts({ signedFrom: '2026-03-02' }) }).allowed).toBe(true);
    expect(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts({ status: 'terminated', terminatedAt: '2026-03-02T10:00:00.000Z' }) }).allowed).toBe(true);
    expectDenied(decide(actor(['staff']), 'agreement.check', { ...ag, agreement: agreementFacts({ status: 'terminated', terminatedAt: '2026-03-02T09:00:00.000Z' }) }), 'agreements/none-covers');
    expectDenied(decide(actor(['volunteer']), 'agreement.check', { ...ag, agreement: agreementFacts() }), 'default/deny');
  });
  const mt = (over: Partial<Resource> = {}): Resource => ({ type: 'meeting', id: 'm1', team: true, meeting: { acknowledged: true, clientRequested: false }, ...over });
  it('3.4 need-to-know meetings/case-team-reads: staff working with the person or case read the meeting notes; off the team, or a volunteer, not', () => {
    expectAllowed(decide(actor(['staff']), 'meeting.read', { ...mt(), classification: 'session' }), 'meetings/case-team-reads', '3.3, 3.4, 4.2');
    expectDenied(decide(actor(['staff']), 'meeting.read', { ...mt({ team: false }), classification: 'personal' }));
    expectDenied(decide(actor(['volunteer']), 'meeting.read', { ...mt(), classification: 'general' }));
  });
  it('practice 3 third-party-meetings meetings/case-team-records: staff on the team record a meeting and acknowledgements; off the team, not', () => {
    expectAllowed(decide(actor(['staff']), 'meeting.record', mt()), 'meetings/case-team-records', 'practice 3');
    expectDenied(decide(actor(['staff']), 'meeting.update', mt({ team: false })));
  });
  it('practice 3 third-party-meetings meetings/share-after-acknowledgement: notes go to an attendee who acknowledged; off the team, not', () => {
    expectAllowed(decide(actor(['staff']), 'meeting.share', { ...mt(), classification: 'personal' }), 'meetings/share-after-acknowledgement', 'practice 3');
    expectDenied(decide(actor(['staff']), 'meeting.share', { ...mt({ team: false }), classification: 'personal' }), 'default/deny');
  });
  it('practice 3 third-party-meetings meetings/acknowledgement-first: nothing goes to an attendee who has not acknowledged confidentiality, even from a manager on the team', () => {
    expectDenied(decide(actor(['manager']), 'meeting.share', { ...mt({ meeting: { acknowledged: false, clientRequested: true } }), classification: 'general' }), 'meetings/acknowledgement-first');
    expectAllowed(decide(actor(['manager']), 'meeting.share', { ...mt(), classification: 'general' }), 'meetings/share-after-acknowledgement');
  });
  it('practice 2 session-staff-team-only meetings/session-never-external: session notes go to no third party unless the client asked', () => {
    expectDenied(decide(actor(['staff']), 'meeting.share', { ...mt(), classification: 'session' }), 'meetings/session-never-external');
    expectAllowed(decide(actor(['staff']), 'meeting.share', { ...mt({ meeting: { acknowledged: true, clientRequested: true } }), classification: 'session' }), 'meetings/share-after-acknowledgement');
  });
});

describe('decide(): deny by default', () => {
  it('3.4 need-to-know: a user with no roles is denied every record action, and every decision carries rule, clause and reason', () => {
    const nobody = actor([]);
    for (const action of ['person.read', 'case.update', 'note.create', 'organisation.read'] as const) {
      const d = on(nobody, action, 'general', team);
      expect(d).toMatchObject({ allowed: false, ruleId: 'default/deny', clauseKey: 'need-to-know' });
      expect(d.reason.length).toBeGreaterThan(0);
    }
  });

  it('practice 5.1 sharing-agreements: a role no rule gives an action to is refused under the clause that gives it to others, naming who may — not need to know', () => {
    const d = decideAction(actor(['staff']), 'agreement.manage')!;
    expect(d).toMatchObject({ allowed: false, ruleId: 'default/deny', clauseKey: 'sharing-agreements', clause: 'practice 5.1', reason: 'Only managers and the guardian may do this.', actorLevel: true });
    expect(decideAction(actor(['manager']), 'agreement.manage')).toBeNull(); // allowed through: the manager's rule applies
    expectAllowed(decide(actor(['guardian']), 'agreement.manage', {}), 'agreements/manage', 'practice 5.1');
    // Another action, its own clause; the roles listed in the policy's order.
    expect(decideAction(actor(['volunteer']), 'meeting.record')).toMatchObject({ ruleId: 'default/deny', clause: 'practice 3', reason: 'Only managers and staff may do this.' });
  });

  it('3.4 need-to-know: the refusal keeps need to know for record actions and for actions whose rules rest on it', () => {
    expect(on(actor(['volunteer']), 'person.read', 'special')).toMatchObject({ ruleId: 'default/deny', clauseKey: 'need-to-know' });
    expect(decideAction(actor(['volunteer']), 'grant.decide')).toMatchObject({ ruleId: 'default/deny', clauseKey: 'need-to-know', reason: expect.stringMatching(/^Only .+ may do this\.$/) });
  });

  it('every rule in rules.ts is named in a test title of this file (allow and deny cases above)', () => {
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const titles = [...source.matchAll(/\bit\(\s*'((?:\\.|[^'])+)'/g)].map((m) => m[1]);
    const untested = RULES.map((r) => r.id).filter((id) => !titles.some((t) => t.includes(` ${id}:`)));
    expect(untested).toEqual([]);
  });
});

// ---- Generated from the rule table: each allow rule fires when its roles, relations and classification hold, and
// never when any one of them fails; each forbid rule wins over an actor holding every role, team and grant. ----

const ALL_CLASSES = ['general', 'personal', 'special', 'safeguarding', 'session', 'commercial'] as const;
const ALL_ROLES: Role[] = ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'];
const EVERYTHING = classMask([...ALL_CLASSES]);
const allowRules = RULES.filter((r): r is AllowRule => r.effect === 'allow');
const forbidRules = RULES.filter((r): r is ForbidRule => r.effect === 'forbid');
const relationsOf = (r: AllowRule) => (typeof r.relation === 'string' ? [r.relation] : [...r.relation]);

/** Facts that make every relation of the rule hold, for a field of `c`. */
function factsFor(rule: AllowRule, c: Classification): Resource {
  const rels = relationsOf(rule);
  return {
    type: 'person', id: 'p1', classification: c,
    team: rels.includes('team'), ownerId: rels.includes('self') ? ME : OTHER,
    granted: rels.includes('grant') ? classMask(['general', c]) : 0,
    // A break-glass rule needs the grant to be a break-glass use; every other grant rule is tried with a request grant.
    emergency: rule.classifications === 'emergency' ? classMask(['general', c]) : 0,
    ...(rels.includes('consent') ? { consent: consentFacts() } : {}),
    ...(rels.includes('agreement') ? { agreement: agreementFacts() } : {}),
    // A safeguarding referral's disclosure for `referral`; anything else for `ordinary` (practice 4.1).
    referral: rels.includes('referral'),
    // Every active manager is someone the breach is about, or there is none (clause 5).
    noFreeManager: rels.includes('no-free-manager'),
    // Meeting facts under which no meeting forbid holds (acknowledged; the client asked for session details to go).
    meeting: { acknowledged: true, clientRequested: true },
  };
}
const classesOf = (rule: AllowRule): Classification[] => (rule.classifications === undefined || typeof rule.classifications === 'string' ? [...ALL_CLASSES] : [...rule.classifications]);

describe('decide(): every allow rule, generated from the rule table', () => {
  it.each(allowRules.map((r) => [`${SAMPLE_POLICY_STATE.clauseFor(r.clauseKey)} ${r.clauseKey} ${r.id}`, r] as const))('%s: allows exactly when its roles, relations and classifications hold (generated)', (_title, rule) => {
    for (const action of rule.actions) {
      for (const c of classesOf(rule)) {
        // A session field off the team needs a session grant, whatever the rule (practice 2): skip what it forbids.
        const facts = factsFor(rule, c);
        const roleSets: Role[][] = rule.roles === 'any' ? [[]] : rule.roles.map((r) => [r]);
        for (const roles of roleSets) {
          const d = decide(actor(roles), action, facts);
          const sessionForbidden = c === 'session' && !facts.team && ((facts.granted ?? 0) & classMask(['session'])) === 0 && ['person.read', 'case.read', 'note.read', 'attachment.read', 'organisation.read'].includes(action);
          if (sessionForbidden) {
            expect(d, `${action} ${c}`).toMatchObject({ allowed: false, ruleId: 'session/staff-team-only' });
            continue;
          }
          expect(d.allowed, `${rule.id} ${action} ${c} as [${roles}]`).toBe(true);
          // Deny: not accepted (for confidential actions), then each condition broken on its own.
          if ((CONFIDENTIAL_ACTIONS as readonly string[]).includes(action)) expect(decide(actor(roles, { accepted: false }), action, facts).allowed).toBe(false);
          if (rule.roles !== 'any') {
            const others = ALL_ROLES.filter((r) => !(rule.roles as readonly Role[]).includes(r));
            expect(decide(actor(others), action, facts).ruleId, `${rule.id} fired for roles [${others}]`).not.toBe(rule.id);
          }
          for (const broken of relationsOf(rule).filter((r) => r !== 'any')) {
            const f = { ...facts, ...(broken === 'team' ? { team: false } : broken === 'grant' ? { granted: 0, emergency: 0 } : broken === 'consent' ? { consent: consentFacts({ decision: 'withdrawn' }) } : broken === 'agreement' ? { agreement: agreementFacts({ status: 'draft' }) } : broken === 'referral' ? { referral: false } : broken === 'ordinary' ? { referral: true } : broken === 'not-exception' ? { exception: true } : broken === 'no-free-manager' ? { noFreeManager: false } : { ownerId: OTHER }) };
            expect(decide(actor(roles), action, f).ruleId, `${rule.id} fired without ${broken}`).not.toBe(rule.id);
          }
        }
      }
      if (rule.classifications !== undefined && typeof rule.classifications !== 'string') {
        for (const c of ALL_CLASSES.filter((x) => !(rule.classifications as readonly string[]).includes(x))) {
          const roles = rule.roles === 'any' ? [] : [rule.roles[0]];
          expect(decide(actor(roles), action, factsFor(rule, c)).ruleId, `${rule.id} fired for ${c}`).not.toBe(rule.id);
        }
      }
      if (typeof rule.classifications === 'string') {
        // A grant opens only what it names: the same field without it in the grant is not opened by this rule.
        for (const c of ALL_CLASSES.filter((x) => x !== 'general')) {
          expect(decide(actor([]), action, { ...factsFor(rule, c), granted: classMask(['general']), emergency: rule.classifications === 'emergency' ? classMask(['general']) : 0 }).ruleId).not.toBe(rule.id);
        }
      }
    }
  });
});

/** Facts of a disclosure request under which each disclosure hard rule fires. */
const DISCLOSURE_BASE = { people: 1, sessionItems: false, clientRequested: false, organisationItems: false };
const DISCLOSURE_FIRES: Record<string, Resource['disclosure']> = {
  'disclosure/one-person-each': { ...DISCLOSURE_BASE, people: 2 },
  'disclosure/session-only-at-client-request': { ...DISCLOSURE_BASE, sessionItems: true },
  'disclosure/no-organisation-data': { ...DISCLOSURE_BASE, organisationItems: true },
};

describe('decide(): the management review and equality monitoring', () => {
  const system: Resource = { type: 'system' };
  const NON_MANAGERS: Role[][] = [['staff'], ['volunteer'], ['student'], ['safeguarding_lead'], ['safeguarding_lead', 'staff'], ['guardian'], ['administrator']];

  it('monitoring-and-review 3.6 management-review review/senior-management: managers read the review view and record a policy review', () => {
    for (const action of ['review.read', 'review.record'] as const) expectAllowed(decide(actor(['manager']), action, system), 'review/senior-management', 'monitoring-and-review, 3.6');
    expectAllowed(decide(actor(['safeguarding_lead', 'manager']), 'review.read', system), 'review/senior-management');
    expectDenied(decide(actor(['staff']), 'review.read', system), 'review/senior-management-only');
  });

  it('monitoring-and-review 3.6 management-review review/senior-management-only: staff, volunteers, students, leads who are not managers, the guardian and administrators are refused, citing the clause', () => {
    for (const roles of NON_MANAGERS) {
      for (const action of ['review.read', 'review.record'] as const) {
        const d = decide(actor(roles), action, system);
        expectDenied(d, 'review/senior-management-only');
        expect(d).toMatchObject({ clause: 'monitoring-and-review, 3.6', actorLevel: true });
        expect(decideAction(actor(roles), action)?.ruleId).toBe('review/senior-management-only');
      }
    }
    expect(decideAction(actor(['manager']), 'review.read')).toBeNull();
  });

  it('equality-and-diversity equality-monitoring equality/case-team-records: staff and managers on the person\'s case team record their answers; off the team, volunteers and administrators may not', () => {
    expectAllowed(on(actor(['staff']), 'equality.record', 'special', team), 'equality/case-team-records', 'equality-and-diversity');
    expectAllowed(on(actor(['manager']), 'equality.record', 'special', team), 'equality/case-team-records');
    expectDenied(on(actor(['staff']), 'equality.record', 'special'));
    expectDenied(on(actor(['manager']), 'equality.record', 'special'));
    expectDenied(on(actor(['volunteer']), 'equality.record', 'special', team));
    expectDenied(on(actor(['administrator']), 'equality.record', 'special', team));
  });

  it('equality-and-diversity equality-monitoring equality/aggregate-only: no one reads one person\'s answers, whatever their roles, team or grants', () => {
    for (const roles of [...NON_MANAGERS, ['manager'], ALL_ROLES] as Role[][]) {
      const d = on(actor(roles), 'equality.read', 'special', { ...team, granted: EVERYTHING });
      expectDenied(d, 'equality/aggregate-only');
      expect(d.clause).toBe('equality-and-diversity');
    }
    expect(decideAction(actor(['manager']), 'equality.read')?.ruleId).toBe('equality/aggregate-only');
  });

  it('equality-and-diversity equality-monitoring equality/management-reports: managers read the suppressed counts; staff, volunteers, the guardian and administrators do not', () => {
    expectAllowed(decide(actor(['manager']), 'equality.report', system), 'equality/management-reports', 'equality-and-diversity');
    for (const roles of NON_MANAGERS) expectDenied(decide(actor(roles), 'equality.report', system), 'default/deny');
  });
});

describe('decide(): forbid beats allow, generated from the rule table', () => {
  it.each(forbidRules.map((r) => [`${SAMPLE_POLICY_STATE.clauseFor(r.clauseKey)} ${r.clauseKey} ${r.id}`, r] as const))('%s: refuses even an actor with every role, on the team and granted everything (generated)', (_title, rule) => {
    const actions = rule.actions === 'read-actions' ? (['person.read', 'case.read', 'note.read', 'attachment.read', 'organisation.read'] as Action[]) : rule.actions;
    // A rule about what the actor lacks (no staff role) refuses the roles it names; every other, an actor with every role.
    const all = ['consent/explained-by-trained-staff', 'information-use/prepared-by-staff'].includes(rule.id) ? actor(['volunteer', 'student'])
      : rule.id === 'review/senior-management-only' ? actor(ALL_ROLES.filter((r) => r !== 'manager'))
        : actor(ALL_ROLES, { accepted: rule.id !== 'agreement/not-accepted' });
    for (const action of actions) {
      for (const c of rule.classifications ?? ['general' as const]) {
        // Facts under which the forbid's own condition holds while every allow relation also holds.
        // The disclosure hard rules decide from the request's own facts: those that make each one fire.
        const disclosure = DISCLOSURE_FIRES[rule.id];
        const facts: Resource = rule.id === 'session/staff-team-only'
          ? { type: 'note', id: 'n1', classification: c, team: false, granted: EVERYTHING & ~classMask(['session']), ownerId: ME }
          : { type: 'grant', id: 'g1', classification: c, team: true, granted: EVERYTHING, ownerId: ME, member: ME, conductOf: [ME], ...(disclosure ? { disclosure } : {}), agreement: agreementFacts(),
            // Each meeting forbid on its own: the other one's condition does not hold.
            meeting: { acknowledged: rule.id !== 'meetings/acknowledgement-first', clientRequested: rule.id !== 'meetings/session-never-external' },
            // A case whose purpose is not in force, for the rule that keeps new information out of it (2.1).
            heldFor: { purposeId: null, inForce: false } };
        const d = decide(all, action, facts);
        expect(d, `${rule.id} on ${action} ${c}`).toMatchObject({ allowed: false, ruleId: rule.id, actorLevel: rule.actorLevel });
      }
    }
  });

  it('3.5 staff-awareness practice 2: only the agreement gate may be switched to warn-only; session and self-approval rules stay enforced', () => {
    const policy = new PolicyState(SAMPLE_CLAUSE_MAP, { 'agreement/not-accepted': 'warn', 'session/staff-team-only': 'warn', 'grant/no-self-approval': 'warn' });
    const notAccepted = actor(['staff'], { accepted: false, policy });
    expect(decide(notAccepted, 'person.read', { type: 'person', team: true }).allowed).toBe(true);
    expect(warnedRules(notAccepted, 'person.read').map((r) => r.id)).toEqual(['agreement/not-accepted']);
    expectDenied(on(actor(['manager'], { policy }), 'note.read', 'session'), 'session/staff-team-only');
    expectDenied(decide(actor(['manager'], { policy }), 'grant.decide', { type: 'grant', ownerId: ME }), 'grant/no-self-approval');
    expectDenied(on(actor(['staff'], { accepted: false }), 'person.read', 'general', team), 'agreement/not-accepted');
  });
});
