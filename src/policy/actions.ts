/**
 * Every action the pipeline can ask the policy about. A route must name one (or be public); the route-table test
 * checks that every named action has at least one rule.
 */
export const RECORD_ACTIONS = [
  'person.read', 'person.create', 'person.update', 'person.archive',
  'organisation.read', 'organisation.create', 'organisation.update', 'organisation.archive', 'organisation.team.manage',
  'case.read', 'case.create', 'case.update', 'case.archive', 'case.team.manage',
  'note.read', 'note.create', 'note.update', 'note.archive',
  'attachment.read', 'attachment.create', 'attachment.archive',
] as const;

export const OTHER_ACTIONS = [
  'account.self',
  'user.list', 'user.manage',
  'grant.request', 'grant.list', 'grant.decide', 'grant.revoke',
  'breakglass.open', 'breakglass.review',
  'access.explain', 'audit.read', 'audit.verify',
  'policy.read', 'policy.accept', 'policy.load',
  'notification.read',
] as const;

export const ACTIONS = [...RECORD_ACTIONS, ...OTHER_ACTIONS] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that touch confidential data, so they wait until the user has accepted the policy (3.5). */
export const CONFIDENTIAL_ACTIONS: readonly Action[] = [
  ...RECORD_ACTIONS,
  'grant.request', 'grant.decide', 'breakglass.open', 'breakglass.review', 'access.explain', 'audit.read',
];

/** True when the string names a known action. */
export const isAction = (s: string): s is Action => (ACTIONS as readonly string[]).includes(s);
