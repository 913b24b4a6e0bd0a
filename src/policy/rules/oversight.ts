import type { Rule } from '../rule';

/** Explanations, the audit trail and its verification (1.1, 3.1, monitoring and review). */
export const OVERSIGHT_RULES: readonly Rule[] = [
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
];
