import type { Rule } from '../rule';
import type { Classification } from '../types';

/** What meeting notes may be classified as, and what the staff team working with the person read of them. */
const NOTE_CLASSES: readonly Classification[] = ['general', 'personal', 'special', 'session'];

/**
 * Meetings with third parties (practice 3): what is discussed where third parties are present — health
 * professionals, other agencies, students, volunteers, visitors — is treated with the same confidentiality as the
 * rest of the record. Staff read and record a meeting's notes on the same need to know as the person or case it is
 * about (3.4; for a general meeting, its attendees). Notes reach an external attendee only once they have
 * acknowledged confidentiality, and session details never do unless the client asked for it (practice 2).
 */
export const MEETINGS_RULES: readonly Rule[] = [
  {
    id: 'meetings/acknowledgement-first', clauseKey: 'third-party-meetings', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['meeting.share'], configurable: false,
    when: (_actor, r) => r.meeting?.acknowledged !== true,
    reason: 'This attendee has not acknowledged the confidentiality of the meeting: record their acknowledgement before sharing any notes.',
  },
  {
    id: 'meetings/session-never-external', clauseKey: 'session-staff-team-only', effect: 'forbid', roles: 'any', actorLevel: false,
    actions: ['meeting.share'], classifications: ['session'], configurable: false,
    when: (_actor, r) => r.meeting?.clientRequested !== true,
    reason: 'Session details are confidential to the staff team and are not passed to a third party unless the client asked for it.',
  },
  {
    id: 'meetings/case-team-reads', clauseKey: 'need-to-know', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['meeting.read'], classifications: NOTE_CLASSES,
    reason: 'You work with the person or case this meeting was about (or attended it).',
  },
  {
    id: 'meetings/case-team-records', clauseKey: 'third-party-meetings', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['meeting.record', 'meeting.update'], classifications: NOTE_CLASSES,
    reason: 'You work with the person or case: you record the meeting, who attended and their acknowledgement of confidentiality.',
  },
  {
    id: 'meetings/share-after-acknowledgement', clauseKey: 'third-party-meetings', effect: 'allow', roles: ['staff', 'manager'], relation: 'team',
    actions: ['meeting.share'], classifications: NOTE_CLASSES,
    reason: 'The attendee acknowledged confidentiality: the notes of this meeting go to them, marked CONFIDENTIAL.',
  },
];
