import type { Rule } from '../rule';

/** Everyone working here: that an agreement exists, with whom and for what, is not confidential (5.1). */
const EVERYONE = ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'] as const;

/**
 * Sharing agreements — joint working protocols (practice 5.1): agreed and signed by appropriate people on each side
 * — management or the guardian for us, recorded from the signed copy for the partner. Everyone working here may
 * know that an agreement exists, with whom and for what, so they know what may be shared (3.5); the signed document
 * itself and every change are for management and the guardian. An agreement is a basis for sharing only when the
 * relation `agreement` holds (src/policy/agreement-relation.ts): fully signed, in force, covering the partner, the
 * purpose and the information.
 */
export const AGREEMENTS_RULES: readonly Rule[] = [
  {
    id: 'agreements/register-open', clauseKey: 'sharing-agreements', effect: 'allow', roles: EVERYONE, relation: 'any',
    actions: ['agreement.read'],
    reason: 'Everyone working here may see which sharing agreements exist, with whom and for what — not the signed document.',
  },
  {
    id: 'agreements/manage', clauseKey: 'sharing-agreements', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['agreement.manage'],
    reason: 'Management and the guardian agree joint working protocols with partners, record who signed them and end them.',
  },
  {
    id: 'agreements/signed-copy', clauseKey: 'sharing-agreements', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['agreement.document'],
    reason: 'Management and the guardian keep the signed copy of each joint working protocol.',
  },
  {
    // 3.1: a continuing use is regularly reviewed; the review decides whether the protocol continues, is varied or ends.
    // 3.1: continuing uses of information are "regularly reviewed by an appropriate guardian" — an agreement is one.
    id: 'agreements/review', clauseKey: 'sharing-agreements', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['agreement.review'],
    reason: 'Management and the guardian review each joint working protocol by its review date: it continues unchanged, needs a variation or ends.',
  },
  {
    id: 'agreements/covers', clauseKey: 'sharing-agreements', effect: 'allow', roles: ['manager', 'guardian', 'staff'], relation: 'agreement',
    actions: ['agreement.check'],
    reason: 'A signed sharing agreement in force covers this partner, purpose and information.',
  },
];
