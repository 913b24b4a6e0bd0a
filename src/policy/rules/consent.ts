import type { Rule } from '../rule';

/**
 * Informed consent (1.3, 4.1, 4.2): recorded per purpose and recipient by staff who can explain it, read on a
 * need-to-know basis like the rest of the person's record, withdrawn by anyone working with the person, and asked
 * of the policy before any information goes anywhere (relation `consent`, src/policy/consent-relation.ts).
 */
export const CONSENT_RULES: readonly Rule[] = [
  {
    // A volunteer or student is not trained to explain why information is shared, with whom and the likely
    // consequences (4.1), nor to assess a child's competence: consent is sought and recorded by staff (3.5).
    id: 'consent/explained-by-trained-staff', clauseKey: 'consent-by-trained-staff', effect: 'forbid', roles: ['volunteer', 'student'],
    actorLevel: true, actions: ['consent.record'], configurable: false,
    when: (actor) => !actor.roles.includes('staff') && !actor.roles.includes('manager'),
    reason: 'Consent must be explained and recorded by a member of staff trained to do so; ask a member of staff on the case team. You may record a withdrawal.',
  },
  {
    id: 'consent/case-team-reads', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: ['consent.read'], classifications: ['general', 'personal'],
    reason: 'You are on the case team working with this person.',
  },
  {
    id: 'consent/case-team-volunteer-reads', clauseKey: 'need-to-know', effect: 'allow', roles: ['volunteer', 'student'], relation: 'team',
    actions: ['consent.read'], classifications: ['general'],
    reason: 'You work with this person: you see what they agreed to, not the detail of how it was given.',
  },
  {
    id: 'consent/management-oversight', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['consent.read'], classifications: ['general', 'personal'],
    reason: 'Management oversee every case, including what people agreed to.',
  },
  {
    id: 'consent/guardian-review', clauseKey: 'purpose-register', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: ['consent.read'], classifications: ['general'],
    reason: 'The guardian reviews how each purpose is used and sees general details only.',
  },
  {
    id: 'consent/record-case-team', clauseKey: 'informed-consent', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['consent.record'], classifications: ['general', 'personal'],
    reason: "You are on the person's case team and record the consent you explained to them.",
  },
  {
    // A withdrawal must never wait: anyone working with the person records it at once, and management anywhere.
    id: 'consent/withdraw-case-team', clauseKey: 'informed-consent', effect: 'allow', roles: ['staff', 'manager', 'volunteer', 'student'],
    relation: 'team', actions: ['consent.withdraw'], classifications: ['general', 'personal'],
    reason: 'You work with this person: record their withdrawal at once.',
  },
  {
    id: 'consent/withdraw-management', clauseKey: 'informed-consent', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['consent.withdraw'], classifications: ['general', 'personal'],
    reason: 'Management record a withdrawal for anyone, at once.',
  },
  {
    id: 'consent/check-case-team', clauseKey: 'informed-consent', effect: 'allow', roles: ['staff', 'volunteer', 'student'],
    relation: ['team', 'consent'], actions: ['consent.check'],
    reason: "The person's current consent covers this recipient, purpose and information.",
  },
  {
    id: 'consent/check-management', clauseKey: 'informed-consent', effect: 'allow', roles: ['manager'], relation: 'consent',
    actions: ['consent.check'],
    reason: "The person's current consent covers this recipient, purpose and information.",
  },
];
