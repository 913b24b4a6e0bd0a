import type { Rule } from '../rule';

/**
 * The purpose register (3.1 justify the purpose, 2.1): every proposed use or transfer of information is defined
 * and scrutinised — proposed by management or the guardian, approved by a guardian who is not its author — and
 * reviewed by its date. The register itself is not confidential: everyone working here may read it, so they know
 * what information is used for (3.5 staff awareness).
 */
export const PURPOSES_RULES: readonly Rule[] = [
  {
    id: 'purposes/no-self-approval', clauseKey: 'purpose-register', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['purpose.approve'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'A purpose must be scrutinised by someone other than its author: another guardian approves it.',
  },
  {
    id: 'purposes/register-open', clauseKey: 'purpose-register', effect: 'allow',
    roles: ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'], relation: 'any',
    actions: ['purpose.read'],
    reason: 'The purpose register is not confidential: everyone working here may see what information is used for.',
  },
  {
    id: 'purposes/propose', clauseKey: 'purpose-register', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['purpose.create'],
    reason: 'Management and the guardian define the purposes information is used for.',
  },
  {
    id: 'purposes/author-edits-draft', clauseKey: 'purpose-register', effect: 'allow', roles: ['manager', 'guardian'], relation: 'self',
    actions: ['purpose.update'],
    reason: 'You proposed this purpose and may change it until it is approved.',
  },
  {
    id: 'purposes/guardian-approves', clauseKey: 'purpose-register', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: ['purpose.approve', 'purpose.retire'],
    reason: 'A guardian scrutinises every purpose, approves it for a period and reviews it regularly.',
  },
];
