import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/**
 * One version of a person's answer about one purpose (1.3, 4.1, 4.2): given or refused, to which recipients, for
 * which categories of information, what they were told, how and by whom it was given — or a withdrawal. Never
 * edited: a change is a new version that `supersedes` the previous one. Whose record it is: the person's; need to
 * know reaches it through the person's case teams, like the rest of their record (3.4). What was agreed is general
 * information for the team; what the person was told, the signature or attestation, and who gave it for them are
 * personal.
 */
export const CONSENT_RECORD = defineRecord({
  type: 'consent',
  noun: 'consent',
  table: 'consents',
  fields: [
    f('id', 'id', 'general'),
    f('personId', 'person_id', 'general'),
    f('purposeId', 'purpose_id', 'general'),
    f('decision', 'decision', 'general'),
    f('recipients', 'recipients', 'general'),
    f('dataCategories', 'data_categories', 'general'),
    f('toldWhy', 'told_why', 'personal'),
    f('toldWithWhom', 'told_with_whom', 'personal'),
    f('toldConsequences', 'told_consequences', 'personal'),
    f('toldServiceImpact', 'told_service_impact', 'personal'),
    f('method', 'method', 'general'),
    f('methodDetail', 'method_detail', 'personal'),
    f('givenBy', 'given_by', 'general'),
    f('givenByDetail', 'given_by_detail', 'personal'),
    f('expiresAt', 'expires_at', 'general'),
    f('supersedes', 'supersedes', 'general'),
    f('supersededBy', 'superseded_by', 'general'),
    f('withdrawnAt', 'withdrawn_at', 'general'),
    f('withdrawalMethod', 'withdrawal_method', 'general'),
    f('withdrawalNote', 'withdrawal_note', 'personal'),
    f('recordedBy', 'recorded_by', 'general'),
    f('recordedAt', 'recorded_at', 'general'),
    ...VERSIONED_META,
  ],
  // read: the person's record; record: a new answer (given or refused) or a new version; withdraw: at once;
  // check: may this person's information in these categories go to this recipient for this purpose?
  actions: ['read', 'record', 'withdraw', 'check'],
  subjectPerson: 'consents.person_id',
  access: { compartment: 'person', column: 'person_id' },
  owner: 'recorded_by',
});
