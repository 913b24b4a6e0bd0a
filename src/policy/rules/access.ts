import type { Rule } from '../rule';

/** Who needs to know is decided by management: teams, access grants and break-glass (3.4, practice 4.2). */
export const ACCESS_RULES: readonly Rule[] = [
  {
    id: 'grant/no-self-approval', clauseKey: 'justify-purpose', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['grant.decide', 'breakglass.review'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'Access you asked for, or an emergency access you used, must be decided by another manager.',
  },
  {
    // 3.4 need to know, separation of duties: management decide who needs to know, but not for themselves. Putting
    // yourself on a case team opens its session notes (practice 2: confidential to the staff team) and on an
    // organisation's team its business information (1.4, 2.3), round the rule that access you ask for is decided by
    // another manager (grant/no-self-approval). `member` is whom the change puts on the team (added, or given another
    // team role); taking yourself off a team is not forbidden, nor joining a team by opening a case or recording an
    // organisation (their own rules allow that: src/cases/commands.ts, src/organisations/commands.ts).
    id: 'records/no-self-assignment', clauseKey: 'need-to-know', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['case.team.manage', 'organisation.team.manage'], configurable: false,
    when: (actor, r) => r.member === actor.id,
    reason: 'You cannot put yourself on a team: another manager decides whether you need to know, or ask for access.',
  },
  {
    id: 'records/team-manage', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['case.team.manage', 'organisation.team.manage'],
    reason: 'Management decide who needs to know, by assigning teams.',
  },
  {
    id: 'grants/request', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager', 'guardian', 'staff', 'volunteer', 'student'],
    relation: 'any', actions: ['grant.request'], reason: 'Anyone may ask for access, with a reason.',
  },
  {
    id: 'grants/own', clauseKey: 'need-to-know', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['grant.list', 'grant.revoke'], reason: 'These are your own access grants.',
  },
  {
    id: 'grants/withdraw-own', clauseKey: 'need-to-know', effect: 'allow', roles: 'any', relation: 'self',
    actions: ['grant.withdraw'], reason: 'You may withdraw your own request while it waits for a decision.',
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
];
