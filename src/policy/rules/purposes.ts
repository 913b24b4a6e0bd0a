import type { Rule } from '../rule';

/**
 * The purpose register (3.1 justify the purpose, 2.1): every proposed use or transfer of information is defined
 * and scrutinised — proposed by management or the guardian, approved by a guardian who is not its author — and
 * reviewed by its date. The register itself is not confidential: everyone working here may read it, so they know
 * what information is used for (3.5 staff awareness). Every case is held for one of its purposes, and new
 * information goes into a case only while that purpose is in force (2.1).
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
  {
    // 2.1: a case holds information used to provide a service, under the purpose it was opened for. While that purpose
    // is retired or past its review date — or the case, opened before purposes were required, names none — nothing new
    // goes into it: no note, file, meeting about it, note edit, or change to the case but closing it. Reading and
    // closing it never carry the fact (src/purposes/held-for.ts), so they are never refused by this rule.
    id: 'purposes/case-purpose-in-force', clauseKey: 'authorised-use', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['case.update', 'note.create', 'note.update', 'attachment.create', 'meeting.record'], configurable: false,
    when: (_actor, r) => r.heldFor !== undefined && !r.heldFor.inForce,
    reason: 'New information goes into a case only while the purpose it is held for is in force: a manager moves the case to a purpose in force. It can still be read and closed.',
  },
  {
    // 2.1, 3.1: which purpose a client's information is used for is management's decision. Staff name the purpose when
    // they open a case (case.create); moving it afterwards changes the use of what is already held.
    id: 'purposes/manager-assigns-case', clauseKey: 'authorised-use', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['purpose.assign'],
    reason: 'Management decide which authorised purpose a case is held for.',
  },
];
