import type { Action } from './actions';
import { CONFIDENTIAL_ACTIONS } from './actions';
import { classBit, type Actor, type Classification, type Relation, type Resource, type Role } from './types';

/**
 * A rule is data plus, for a few forbid rules, a small condition. Allow rules say: these roles, tied to the record
 * by this relation, may do these actions on fields of these classifications. Because the relation is data, the
 * same rule drives the single-record check (decide.ts) and the list filter in SQL (filter.ts).
 */
export interface AllowRule {
  id: string;
  clauseKey: string;
  effect: 'allow';
  actions: readonly Action[];
  roles: readonly Role[] | 'any';
  /** All listed relations must hold. */
  relation: Relation | readonly Relation[];
  /**
   * Field classifications the rule covers; 'granted' = whatever the actor's grants cover; 'emergency' = whatever the
   * actor's break-glass uses cover (a break-glass is a grant, so its relation is 'grant'); omitted = not field-scoped.
   */
  classifications?: readonly Classification[] | 'granted' | 'emergency';
  reason: string;
}

/** A forbid rule wins over every allow rule. */
export interface ForbidRule {
  id: string;
  clauseKey: string;
  effect: 'forbid';
  actions: readonly Action[] | 'read-actions';
  roles: readonly Role[] | 'any';
  /** Field classifications it protects; omitted = every request for the action. */
  classifications?: readonly Classification[];
  /** Actor-level forbids (e.g. policy not accepted) answer 403 and also empty every list. */
  actorLevel: boolean;
  when: (actor: Actor, resource: Resource) => boolean;
  reason: string;
  /**
   * Whether an organisation may switch it to warn-only (recorded, not enforced). Only actor-level rules may be, and
   * never the safety rules: disclosure without basis, session notes, break-glass review.
   */
  configurable: boolean;
}

export type Rule = AllowRule | ForbidRule;

const SESSION_BIT = classBit('session');
const READS = ['person.read', 'case.read', 'note.read', 'attachment.read'] as const;
const TEAM_STAFF_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'session'];
const MANAGER_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'safeguarding'];

/** The rule set. Order within allow rules only affects which rule an explanation names first. */
export const RULES: readonly Rule[] = [
  // ---- forbid rules (win over everything) ----
  {
    id: 'agreement/not-accepted', clauseKey: 'staff-awareness', effect: 'forbid', roles: 'any', actorLevel: true,
    actions: CONFIDENTIAL_ACTIONS, configurable: true,
    when: (actor) => !actor.policyAccepted,
    reason: 'Read and accept the current confidentiality policy before working with confidential records.',
  },
  {
    id: 'session/staff-team-only', clauseKey: 'session-staff-team-only', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: 'read-actions', classifications: ['session'], configurable: false,
    when: (_actor, r) => !r.team && ((r.granted ?? 0) & SESSION_BIT) === 0,
    reason: 'Session details are confidential to the staff team working with this client — request access.',
  },
  {
    id: 'grant/no-self-approval', clauseKey: 'justify-purpose', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['grant.decide', 'breakglass.review'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'Access you asked for, or an emergency access you used, must be decided by another manager.',
  },

  // ---- need to know on case records (3.4, 4.2, practice 2) ----
  {
    id: 'need-to-know/case-team', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: READS, classifications: TEAM_STAFF_CLASSES,
    reason: 'You are on the case team working with this client.',
  },
  {
    id: 'need-to-know/case-team-volunteer', clauseKey: 'need-to-know', effect: 'allow', roles: ['volunteer', 'student'],
    relation: 'team', actions: READS, classifications: ['general'],
    reason: 'You work with this client; volunteers and students see general details unless granted more.',
  },
  {
    // A manager on the case team is part of the staff team working with the client, so sees session details
    // (practice 2); off the team, oversight stops short of them (session/staff-team-only).
    id: 'session/manager-on-team', clauseKey: 'session-staff-team-only', effect: 'allow', roles: ['manager'], relation: 'team',
    actions: READS, classifications: ['session'],
    reason: 'You are on the staff team working with this client.',
  },
  {
    id: 'safeguarding/management-oversight', clauseKey: 'safeguarding-management', effect: 'allow', roles: ['manager'],
    relation: 'any', actions: READS, classifications: MANAGER_CLASSES,
    reason: 'Management oversee every case so that concerns can be acted on immediately.',
  },
  {
    id: 'review/guardian-overview', clauseKey: 'justify-purpose', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: READS, classifications: ['general'],
    reason: 'The guardian reviews how information is used and sees general details only.',
  },
  {
    // Before need-to-know/access-grant, so reads under a break-glass are decided — and audited — as what they are:
    // emergency access a manager will review (practice 4.2, 4.3), not a grant a manager approved beforehand.
    id: 'break-glass/emergency-access', clauseKey: 'break-glass-review', effect: 'allow', roles: 'any', relation: 'grant',
    actions: READS, classifications: 'emergency',
    reason: 'You opened this record with emergency (break-glass) access; a manager reviews every use.',
  },
  {
    id: 'need-to-know/access-grant', clauseKey: 'need-to-know', effect: 'allow', roles: 'any', relation: 'grant',
    actions: [...READS, 'organisation.read'], classifications: 'granted',
    reason: 'A manager granted you time-limited access to this record.',
  },

  // ---- organisations and commercial sensitivity (1.4, 2.3, 3.2) ----
  {
    id: 'organisations/directory', clauseKey: 'need-to-know', effect: 'allow',
    roles: ['manager', 'guardian', 'staff', 'volunteer', 'student'], relation: 'any',
    actions: ['organisation.read'], classifications: ['general'],
    reason: 'Partner and funder names are general information for everyone working here.',
  },
  {
    id: 'organisations/contact-details', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager', 'staff'],
    relation: 'any', actions: ['organisation.read'], classifications: ['personal'],
    reason: 'Staff may contact partner organisations.',
  },
  {
    id: 'organisations/commercial-team', clauseKey: 'commercial-sensitivity', effect: 'allow', roles: ['manager', 'staff'],
    relation: 'team', actions: ['organisation.read', 'organisation.update'], classifications: ['general', 'personal', 'commercial'],
    reason: 'You deal with this organisation, so you see its business information.',
  },

  // ---- writes, checked field by field (no mass assignment) ----
  {
    id: 'records/staff-create', clauseKey: 'records-management', effect: 'allow', roles: ['staff', 'manager'], relation: 'any',
    actions: ['person.create', 'case.create'], classifications: ['general', 'personal', 'special'],
    reason: 'Staff record the people they support.',
  },
  {
    id: 'records/manager-write', clauseKey: 'records-management', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['person.create', 'case.create', 'person.update', 'case.update', 'person.archive', 'case.archive'],
    classifications: MANAGER_CLASSES,
    reason: 'Management keep records accurate, including safeguarding information.',
  },
  {
    id: 'records/case-team-update', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: ['person.update', 'case.update'], classifications: ['general', 'personal', 'special'],
    reason: 'You are on the case team working with this client.',
  },
  {
    id: 'records/team-manage', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['case.team.manage', 'organisation.team.manage'],
    reason: 'Management decide who needs to know, by assigning teams.',
  },
  {
    id: 'notes/case-team-write', clauseKey: 'session-staff-team-only', effect: 'allow', roles: ['staff', 'manager'],
    relation: 'team', actions: ['note.create', 'attachment.create'], classifications: ['general', 'personal', 'special', 'session'],
    reason: 'You are on the case team and record its sessions and conversations.',
  },
  {
    // Staff on the team may file personal, special and session documents (notes/case-team-write), but only
    // management file safeguarding documents, which staff cannot read back (practice 4.1).
    id: 'safeguarding/management-documents', clauseKey: 'safeguarding-management', effect: 'allow', roles: ['manager'],
    relation: 'any', actions: ['attachment.create'], classifications: MANAGER_CLASSES,
    reason: 'Management file safeguarding documents with the case so concerns can be acted on.',
  },
  {
    id: 'notes/author-edit', clauseKey: 'records-management', effect: 'allow', roles: ['staff', 'manager'],
    relation: ['team', 'self'], actions: ['note.update', 'note.archive', 'attachment.archive'],
    classifications: ['general', 'session'],
    reason: 'You wrote this and are still on the case team.',
  },
  {
    id: 'organisations/manage', clauseKey: 'records-management', effect: 'allow', roles: ['manager', 'staff'], relation: 'any',
    actions: ['organisation.create'], classifications: ['general', 'personal', 'commercial'],
    reason: 'Staff record the organisations they work with.',
  },
  {
    id: 'organisations/update', clauseKey: 'records-management', effect: 'allow', roles: ['manager', 'staff'], relation: 'any',
    actions: ['organisation.update'], classifications: ['general', 'personal'],
    reason: 'Staff keep partner details up to date.',
  },
  {
    id: 'organisations/archive', clauseKey: 'records-management', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['organisation.archive'], reason: 'Management archive organisations.',
  },

  // ---- access grants and break-glass (3.4, practice 4.2) ----
  {
    id: 'grants/request', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager', 'guardian', 'staff', 'volunteer', 'student'],
    relation: 'any', actions: ['grant.request'], reason: 'Anyone may ask for access, with a reason.',
  },
  {
    id: 'grants/own', clauseKey: 'need-to-know', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['grant.list', 'grant.revoke'], reason: 'These are your own access grants.',
  },
  {
    id: 'grants/manage', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['grant.list', 'grant.decide', 'grant.revoke', 'breakglass.review'],
    reason: 'Management decide who needs to know.',
  },
  {
    id: 'break-glass/open', clauseKey: 'break-glass-review', effect: 'allow', roles: ['staff', 'manager'], relation: 'any',
    actions: ['breakglass.open'], reason: 'In an emergency staff may open a record, stating why; managers review every use.',
  },

  // ---- explanations, audit, accounts, the policy document ----
  {
    id: 'explain/oversight', clauseKey: 'justify-purpose', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['access.explain', 'audit.read'], reason: 'Managers and the guardian review who can see and who has seen records.',
  },
  {
    id: 'explain/self', clauseKey: 'justify-purpose', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['access.explain'], reason: 'You may ask why you can or cannot see something.',
  },
  {
    id: 'audit/verify', clauseKey: 'records-management', effect: 'allow', roles: ['administrator', 'guardian'], relation: 'any',
    actions: ['audit.verify'], reason: 'Administrators and the guardian check the audit trail is intact.',
  },
  {
    id: 'accounts/self', clauseKey: 'secure-conditions', effect: 'allow', roles: 'any', relation: 'any',
    actions: ['account.self', 'notification.read', 'policy.read', 'policy.accept'],
    reason: 'Your own account, notifications and the policy you work under.',
  },
  {
    id: 'accounts/directory', clauseKey: 'secure-conditions', effect: 'allow', roles: ['administrator', 'manager'], relation: 'any',
    actions: ['user.list'], reason: 'Administrators and managers see who works here, to assign teams.',
  },
  {
    id: 'accounts/administer', clauseKey: 'secure-conditions', effect: 'allow', roles: ['administrator'], relation: 'any',
    actions: ['user.manage', 'policy.load'], reason: 'Administrators manage accounts and load the organisation\'s policy.',
  },
];
