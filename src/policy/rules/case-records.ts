import type { Rule } from '../rule';
import { classBit, type Classification } from '../types';

const SESSION_BIT = classBit('session');
/** Reads of a client's records: the person, their cases, and what is filed under the cases. */
const READS = ['person.read', 'case.read', 'note.read', 'attachment.read'] as const;
const TEAM_STAFF_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'session'];
const MANAGER_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'safeguarding'];

/** Need to know on case records — a person, their cases, the cases' notes and attachments (3.4, 4.2, practice 1–2, practice 4.1). */
export const CASE_RECORDS_RULES: readonly Rule[] = [
  {
    id: 'session/staff-team-only', clauseKey: 'session-staff-team-only', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: 'read-actions', classifications: ['session'], configurable: false,
    when: (_actor, r) => !r.team && ((r.granted ?? 0) & SESSION_BIT) === 0,
    reason: 'Session details are confidential to the staff team working with this client — request access.',
  },
  {
    id: 'need-to-know/case-team', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: READS, classifications: TEAM_STAFF_CLASSES,
    reason: 'You are on the case team working with this client.',
  },
  {
    id: 'need-to-know/case-team-volunteer', clauseKey: 'need-to-know', effect: 'allow', roles: ['volunteer', 'student'],
    relation: 'team', actions: READS, classifications: ['general'],
    reason: 'You work with this client; volunteers and students see general details unless granted more.',
  },
  {
    // A manager on the case team is part of the staff team working with the client, so sees session details
    // (practice 2); off the team, oversight stops short of them (session/staff-team-only).
    id: 'session/manager-on-team', clauseKey: 'session-staff-team-only', effect: 'allow', roles: ['manager'], relation: 'team',
    actions: READS, classifications: ['session'],
    reason: 'You are on the staff team working with this client.',
  },
  {
    id: 'safeguarding/management-oversight', clauseKey: 'safeguarding-management', effect: 'allow', roles: ['manager'],
    relation: 'any', actions: READS, classifications: MANAGER_CLASSES,
    reason: 'Management oversee every case so that concerns can be acted on immediately.',
  },
  {
    id: 'review/guardian-overview', clauseKey: 'justify-purpose', effect: 'allow', roles: ['guardian'], relation: 'any',
    actions: READS, classifications: ['general'],
    reason: 'The guardian reviews how information is used and sees general details only.',
  },
  {
    // Before need-to-know/access-grant, so reads under a break-glass are decided — and audited — as what they are:
    // emergency access a manager will review (practice 4.2, 4.3), not a grant a manager approved beforehand.
    id: 'break-glass/emergency-access', clauseKey: 'break-glass-review', effect: 'allow', roles: 'any', relation: 'grant',
    actions: READS, classifications: 'emergency',
    reason: 'You opened this record with emergency (break-glass) access; a manager reviews every use.',
  },
  {
    id: 'need-to-know/access-grant', clauseKey: 'need-to-know', effect: 'allow', roles: 'any', relation: 'grant',
    actions: [...READS, 'organisation.read'], classifications: 'granted',
    reason: 'A manager granted you time-limited access to this record.',
  },
  {
    id: 'records/staff-create', clauseKey: 'records-management', effect: 'allow', roles: ['staff', 'manager'], relation: 'any',
    actions: ['person.create'], classifications: ['general', 'personal', 'special'],
    reason: 'Staff record the people they support.',
  },
  {
    // Opening a case puts its opener on the person's team for good: time-limited or emergency access (relation
    // grant) must not become lasting need to know that way. A person registered with their first case counts as
    // the registering worker's (src/cases/commands.ts).
    id: 'records/staff-open-case', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: ['case.create'], classifications: ['general', 'personal', 'special'],
    reason: 'Staff open a further case for someone they already work with; access granted for a time, or emergency access, does not make you part of their team.',
  },
  {
    id: 'records/manager-write', clauseKey: 'records-management', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['person.create', 'case.create', 'person.update', 'case.update', 'person.archive', 'case.archive'],
    classifications: MANAGER_CLASSES,
    reason: 'Management keep records accurate, including safeguarding information.',
  },
  {
    id: 'records/case-team-update', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff'], relation: 'team',
    actions: ['person.update', 'case.update'], classifications: ['general', 'personal', 'special'],
    reason: 'You are on the case team working with this client.',
  },
  {
    id: 'notes/case-team-write', clauseKey: 'session-staff-team-only', effect: 'allow', roles: ['staff', 'manager'],
    relation: 'team', actions: ['note.create', 'attachment.create'], classifications: ['general', 'personal', 'special', 'session'],
    reason: 'You are on the case team and record its sessions and conversations.',
  },
  {
    // Staff on the team may file personal, special and session documents (notes/case-team-write), but only
    // management file safeguarding documents, which staff cannot read back (practice 4.1).
    id: 'safeguarding/management-documents', clauseKey: 'safeguarding-management', effect: 'allow', roles: ['manager'],
    relation: 'any', actions: ['attachment.create'], classifications: MANAGER_CLASSES,
    reason: 'Management file safeguarding documents with the case so concerns can be acted on.',
  },
  {
    id: 'notes/author-edit', clauseKey: 'records-management', effect: 'allow', roles: ['staff', 'manager'],
    relation: ['team', 'self'], actions: ['note.update', 'note.archive', 'attachment.archive'],
    classifications: ['general', 'session'],
    reason: 'You wrote this and are still on the case team.',
  },
];
