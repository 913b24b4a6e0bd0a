import type { Rule } from '../rule';

/**
 * The management review ("Monitoring and Review": "The Senior Management Team will regularly review the operation
 * of this policy"; 3.6: "This policy will be reviewed regularly").
 *
 * Decision: the senior management team are the users holding the manager role. Only they read the review view
 * (it lists records of every area: concerns, breaches, break-glass uses, consents) and record a review of the
 * policy. Staff, volunteers, students, administrators and the guardian are refused — a safeguarding lead too,
 * unless they are also a manager. The guardian reviews purposes and uses (3.1) through the purpose register, the
 * breach register and explain; the policy review is management's, as the clause says.
 */
export const REVIEW_RULES: readonly Rule[] = [
  {
    id: 'review/senior-management-only', clauseKey: 'management-review', effect: 'forbid', roles: 'any', actorLevel: true,
    actions: ['review.read', 'review.record'], configurable: false,
    when: (actor) => !actor.roles.includes('manager'),
    reason: 'The Senior Management Team review the operation of the policy: the management review is for managers only.',
  },
  {
    id: 'review/senior-management', clauseKey: 'management-review', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['review.read', 'review.record'],
    reason: 'The Senior Management Team regularly review the operation of the policy, and the policy itself by its review date.',
  },
];
