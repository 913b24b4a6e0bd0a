import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/** A case: the support a person receives from one service, with its case team (3.4 need to know). */
export const CASE_RECORD = defineRecord({
  type: 'case',
  noun: 'case',
  table: 'cases',
  fields: [
    f('id', 'id', 'general'),
    f('personId', 'person_id', 'general'),
    f('service', 'service', 'general'),
    f('status', 'status', 'general'),
    f('openedOn', 'opened_on', 'general'),
    f('closedOn', 'closed_on', 'general'),
    f('summary', 'summary', 'personal'),
    f('supportNeeds', 'support_needs', 'special'),
    f('riskNotes', 'risk_notes', 'safeguarding'),
    f('archivedAt', 'archived_at', 'general'),
    ...VERSIONED_META,
  ],
  actions: ['read', 'create', 'update', 'archive', 'team.manage'],
  subjectPerson: 'cases.person_id',
  access: { compartment: 'case', column: 'id' },
  owner: null,
  breakGlass: true,
  offers: [
    { can: 'addNote', action: 'note.create', on: { child: 'note' }, whileOpen: true },
    { can: 'addAttachment', action: 'attachment.create', on: { child: 'attachment' }, whileOpen: true },
    { can: 'manageTeam', action: 'case.team.manage', on: 'record' },
  ],
  editable: ['service', 'status', 'closedOn', 'summary', 'supportNeeds', 'riskNotes'],
});
