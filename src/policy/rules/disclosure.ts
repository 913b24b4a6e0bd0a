import type { Rule } from '../rule';
import type { Classification } from '../types';

const READ_CLASSES: readonly Classification[] = ['general', 'personal'];

/**
 * Third-party disclosure (1.2, 1.3, 2.2, 3.2, 4.3, practice 2; Caldicott 3 minimum necessary). A worker on the
 * person's case team asks for a disclosure of chosen items to a named recipient; the basis — the person's consent
 * (relation `consent`) or an exception approved by a manager who did not ask for it — is decided on the server at
 * request and again at release. The forbid rules are the hard limits, decided from the facts of the request
 * (`resource.disclosure`, loaded before deciding): they win over every allow rule and no organisation may switch
 * them to warn-only.
 */
export const DISCLOSURE_RULES: readonly Rule[] = [
  {
    // 2.2: nothing is sold, traded, rented or lent, and people are not exported in bulk to a third party: one
    // disclosure concerns one person, so each is justified on its own.
    id: 'disclosure/one-person-each', clauseKey: 'no-sale-or-bulk', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['disclosure.request', 'disclosure.release'], configurable: false,
    when: (_actor, r) => (r.disclosure?.people ?? 1) > 1,
    reason: 'Information about several people is not handed to a third party in bulk: one disclosure concerns one person.',
  },
  {
    // Practice 2: session details go to no third party, without exception, unless the client asked for it.
    id: 'disclosure/session-only-at-client-request', clauseKey: 'session-staff-team-only', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['disclosure.request', 'disclosure.release'], configurable: false,
    when: (_actor, r) => r.disclosure !== undefined && r.disclosure.sessionItems && !r.disclosure.clientRequested,
    reason: 'Session details are confidential to the staff team and go to no third party unless the client asks for it: record their request first.',
  },
  {
    // 3.2: organisation-specific data (an organisation's business information, its internal notes) never goes to a
    // third party; 2.3 and 1.4: a partner's business information is held as confidentially as personal information.
    id: 'disclosure/no-organisation-data', clauseKey: 'no-organisation-data', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['disclosure.request', 'disclosure.release'], configurable: false,
    when: (_actor, r) => r.disclosure?.organisationItems === true,
    reason: 'Organisation-specific data, such as a partner\'s business information or internal notes, is never given to a third party.',
  },
  {
    id: 'disclosure/no-self-approval', clauseKey: 'disclosure-exception', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['disclosure.approve'], configurable: false,
    when: (actor, r) => r.ownerId === actor.id,
    reason: 'A disclosure without consent must be decided by a manager other than the person who asked for it.',
  },
  {
    // Every case-team rule requires `ordinary`: a safeguarding referral's disclosure is need to know of the
    // safeguarding leads and management only (practice 4.1), never of the person's case team.
    id: 'disclosure/case-team-reads', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: ['team', 'ordinary'],
    actions: ['disclosure.read'], classifications: READ_CLASSES,
    reason: 'You are on the case team working with this person.',
  },
  {
    // Not an exception's disclosure (relation `not-exception`): that information went to the police or a court without
    // the person's consent is not for volunteers and students (3.4).
    id: 'disclosure/case-team-volunteer-reads', clauseKey: 'need-to-know', effect: 'allow', roles: ['volunteer', 'student'], relation: ['team', 'ordinary', 'not-exception'],
    actions: ['disclosure.read'], classifications: ['general'],
    reason: 'You work with this person: you see what was disclosed to whom, not the reasons.',
  },
  {
    id: 'disclosure/management-oversight', clauseKey: 'third-party-disclosure', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['disclosure.read'], classifications: READ_CLASSES,
    reason: 'Management oversee every disclosure to a third party.',
  },
  {
    // Not a referral's: concerns stay with the safeguarding leads and management (practice 4.1); a guardian who is
    // also a manager sees them as a manager.
    id: 'disclosure/guardian-register', clauseKey: 'justify-purpose', effect: 'allow', roles: ['guardian'], relation: 'ordinary',
    actions: ['disclosure.read'], classifications: ['general'],
    reason: 'The guardian reviews every use and transfer of information and sees the register, not the reasons.',
  },
  {
    id: 'disclosure/case-team-requests', clauseKey: 'third-party-disclosure', effect: 'allow', roles: ['staff', 'manager'], relation: ['team', 'ordinary'],
    actions: ['disclosure.request', 'disclosure.release', 'disclosure.pack', 'disclosure.told'],
    reason: "You are on the person's case team and there is a clear reason to share the minimum necessary.",
  },
  {
    id: 'disclosure/management-releases', clauseKey: 'third-party-disclosure', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['disclosure.release', 'disclosure.pack', 'disclosure.told'],
    reason: 'Management release disclosures whose basis has been checked and whose recipient accepted the terms.',
  },
  {
    id: 'disclosure/manager-decides-exception', clauseKey: 'disclosure-exception', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['disclosure.approve'],
    reason: 'Management decide whether the law, an emergency or the prevention of crime requires sharing without consent.',
  },
  {
    id: 'disclosure/register-oversight', clauseKey: 'third-party-disclosure', effect: 'allow', roles: ['manager', 'guardian'], relation: 'any',
    actions: ['disclosure.register'],
    reason: 'Management and the guardian review every disclosure the organisation made.',
  },
];
