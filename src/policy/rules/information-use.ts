import type { Rule } from '../rule';

/**
 * "How your information is used" (Caldicott principle 8, no surprises; 4.1: we tell people why information is shared,
 * with whom, and the likely consequences): a plain-English summary staff print or hand over to the person — the
 * notice they were given, their consents and withdrawals, the purposes their information is used for, disclosures
 * made, and which teams and roles have looked at their record.
 *
 * Decided here:
 * - Staff and managers on the person's case team produce it (3.4 need to know: they work with the person and can
 *   answer the questions it raises), and management for anyone (they oversee every case and answer the person's
 *   requests about their information).
 * - Volunteers and students do not, even on the team: the summary gathers what the person was told when consent
 *   was sought, which they may not read (consent/case-team-volunteer-reads), and handing it over means explaining
 *   how information is shared and what withdrawing means — the explanation the policy leaves to trained staff (4.1,
 *   3.5; practice 3: placement students and volunteers are third parties to the work). They are told to ask a member
 *   of staff on the case team, so the person's request is never lost.
 * - The guardian reads it, but does not prepare it: the guardian reviews how information is used (3.1) and already
 *   reads the person's consent history, their disclosures and who has seen their record at the general level
 *   (consent/guardian-review, disclosure/guardian-register, review/guardian-overview). At the same level here: what
 *   the person was told when consent was sought, and who gave it for them (personal), are left out of the guardian's
 *   copy, and the copy handed to the person (the PDF) is prepared by those who see all of it — their case team or
 *   management (src/information-use/summary.ts).
 * - Administrators do not: an administrator account works on the system, not with people.
 */
export const INFORMATION_USE_RULES: readonly Rule[] = [
  {
    id: 'information-use/prepared-by-staff', clauseKey: 'no-surprises', effect: 'forbid', roles: ['volunteer', 'student'],
    actorLevel: true, actions: ['person.information-use'], configurable: false,
    when: (actor) => !actor.roles.includes('staff') && !actor.roles.includes('manager'),
    reason: "A member of staff on the person's case team prepares this summary and explains it; ask one of them.",
  },
  {
    id: 'information-use/case-team', clauseKey: 'no-surprises', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['person.information-use'], classifications: ['general', 'personal'],
    reason: "You are on the person's case team: you may prepare the summary of how their information is used.",
  },
  {
    id: 'information-use/management', clauseKey: 'no-surprises', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['person.information-use'], classifications: ['general', 'personal'],
    reason: 'Management answer people\'s questions about their information and may prepare the summary for anyone.',
  },
  {
    // After management's rule: a manager who is also the guardian prepares it as a manager.
    id: 'information-use/guardian-review', clauseKey: 'justify-purpose', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: ['person.information-use'], classifications: ['general'],
    reason: 'The guardian reviews how information is used and reads this summary at the general level; the person\'s case team or management prepare it for them.',
  },
];
