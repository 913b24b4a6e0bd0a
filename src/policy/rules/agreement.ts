import { CONFIDENTIAL_ACTIONS } from '../actions';
import type { Rule } from '../rule';

/** 3.5, practice 3: everyone handling information knows their responsibilities — the agreement gate. */
export const AGREEMENT_RULES: readonly Rule[] = [
  {
    id: 'agreement/not-accepted', clauseKey: 'staff-awareness', effect: 'forbid', roles: 'any', actorLevel: true,
    actions: CONFIDENTIAL_ACTIONS, configurable: true,
    when: (actor) => !actor.policyAccepted,
    reason: 'Read and accept the current confidentiality policy before working with confidential records.',
  },
];
