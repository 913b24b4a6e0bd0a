import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/**
 * A safeguarding concern about a child or vulnerable adult (practice 4.1): what the person who raised it wrote, and
 * its status. Its fields are exactly what the raiser may read back; the handling — alerts, acknowledgement,
 * escalations and the leads' chronology — is not a field of the concern and is shown only to those who work it
 * (action `concern.work`, src/safeguarding/chronology.ts).
 *
 * Whose record it is: the person it is about, when the raiser could name one they may see (else `personId` is null
 * and `personDescription` says who). The raiser owns it (`raised_by`), which is what the `self` relation reads:
 * "raised this concern". Concerns have no team: need to know on them is the safeguarding leads and management.
 */
export const CONCERN_RECORD = defineRecord({
  type: 'concern',
  noun: 'concern',
  table: 'concerns',
  fields: [
    f('id', 'id', 'general'),
    f('status', 'status', 'general'),
    f('concernFor', 'concern_for', 'general'),
    f('personId', 'person_id', 'general'),
    f('personDescription', 'person_description', 'safeguarding'),
    f('whatHappened', 'what_happened', 'safeguarding'),
    f('occurredAt', 'occurred_at', 'general'),
    f('peopleInvolved', 'people_involved', 'safeguarding'),
    f('immediateRisk', 'immediate_risk', 'general'),
    f('actionsTaken', 'actions_taken', 'safeguarding'),
    f('raisedBy', 'raised_by', 'general'),
    f('raisedAt', 'raised_at', 'general'),
    ...VERSIONED_META,
  ],
  // raise: anyone working here; read: the leads, management, and the raiser their own; work: acknowledge, record
  // the chronology, close; settle: acknowledge or close it (never the raiser's own: practice 4.2, others agree the
  // course of action); refer: record a referral to the local authority or the police; release: release an
  // urgent referral's information at once, before a second manager's review (practice 4.1); subject: see whom the
  // concern is about by name (the person's general fields), off the person's case team too (practice 4.1).
  actions: ['read', 'raise', 'work', 'settle', 'refer', 'release', 'subject'],
  // What the web app may offer on a concern it shows (src/records/can.ts): working it (acknowledge, the chronology,
  // close) and recording a referral — decided by the same rules as the actions themselves.
  offers: [
    { can: 'work', action: 'concern.work', on: 'record' },
    { can: 'settle', action: 'concern.settle', on: 'record' },
    { can: 'refer', action: 'concern.refer', on: 'record' },
    { can: 'releaseAtOnce', action: 'concern.release', on: 'record' },
  ],
  subjectPerson: 'concerns.person_id',
  access: { compartment: 'person', column: 'person_id' },
  owner: 'raised_by',
});
