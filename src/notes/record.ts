import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/** A session or contact note filed under a case: its body is confidential to the staff team (practice 1–2). */
export const NOTE_RECORD = defineRecord({
  type: 'note',
  noun: 'note',
  table: 'notes',
  fields: [
    f('id', 'id', 'general'),
    f('caseId', 'case_id', 'general'),
    f('kind', 'kind', 'general'),
    f('channel', 'channel', 'general'),
    f('occurredAt', 'occurred_at', 'general'),
    f('title', 'title', 'general'),
    f('body', 'body', 'session'),
    f('authorId', 'author_id', 'general'),
    f('archivedAt', 'archived_at', 'general'),
    ...VERSIONED_META,
  ],
  actions: ['read', 'create', 'update', 'archive'],
  subjectPerson: '(select c.person_id from cases c where c.id = notes.case_id)',
  heldFor: '(select c.purpose_id from cases c where c.id = notes.case_id)',
  access: { compartment: 'case', column: 'case_id' },
  owner: 'author_id',
  editable: ['kind', 'channel', 'occurredAt', 'title', 'body'],
});
