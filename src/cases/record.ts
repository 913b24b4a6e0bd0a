import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/**
 * A case: the support a person receives from one service, with its case team (3.4 need to know), held for a purpose
 * of the register (2.1).
 */
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
    f('purposeId', 'purpose_id', 'general'),
    f('archivedAt', 'archived_at', 'general'),
    ...VERSIONED_META,
  ],
  actions: ['read', 'create', 'update', 'archive', 'team.manage'],
  subjectPerson: 'cases.person_id',
  heldFor: 'cases.purpose_id',
  access: { compartment: 'case', column: 'id' },
  owner: null,
  breakGlass: true,
  offers: [
    { can: 'addNote', action: 'note.create', on: { child: 'note' }, whileOpen: true },
    { can: 'addAttachment', action: 'attachment.create', on: { child: 'attachment' }, whileOpen: true },
    { can: 'manageTeam', action: 'case.team.manage', on: 'record' },
    // Moving the case to another purpose (2.1): management's decision, so not among the fields anyone may edit.
    { can: 'changePurpose', action: 'purpose.assign', on: 'record', whileOpen: true },
  ],
  editable: ['service', 'status', 'closedOn', 'summary', 'supportNeeds', 'riskNotes'],
});
