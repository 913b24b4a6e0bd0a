import type { Rule } from '../rule';

/** Accounts, notifications and the policy document (3.5, 3.7); who may change an account's roles (3.4). */
export const ACCOUNTS_RULES: readonly Rule[] = [
  {
    // 3.4 need to know, separation of duties: roles decide what a user may see (a manager sees every client record
    // and concern), so nobody widens — or narrows — their own: another administrator changes them. `ownerId` is the
    // account whose roles would change (src/accounts/admin.ts).
    id: 'accounts/no-self-role-change', clauseKey: 'need-to-know', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['user.roles'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'Nobody changes their own roles: another administrator must make the change.',
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
    actions: ['user.manage', 'user.roles', 'policy.load'], reason: 'Administrators manage accounts and load the organisation\'s policy.',
  },
];

/** The rule that allows a user's own account, notifications and policy acceptance: changes there cite it. */
export const SELF_RULE = ACCOUNTS_RULES.find((r) => r.id === 'accounts/self')!;

/** The rule that allows administering accounts and loading the policy: changes there cite it. */
export const ADMINISTER_RULE = ACCOUNTS_RULES.find((r) => r.id === 'accounts/administer')!;
