import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/** A partner agency, funder or business the organisation works with (1.4, 2.3: its business information is confidential). */
export const ORGANISATION_RECORD = defineRecord({
  type: 'organisation',
  noun: 'organisation',
  table: 'organisations',
  fields: [
    f('id', 'id', 'general'),
    f('kind', 'kind', 'general'),
    f('name', 'name', 'general'),
    f('website', 'website', 'general'),
    f('contactName', 'contact_name', 'personal'),
    f('contactEmail', 'contact_email', 'personal'),
    f('contactPhone', 'contact_phone', 'personal'),
    f('address', 'address', 'personal'),
    f('commercialNotes', 'commercial_notes', 'commercial'),
    f('archivedAt', 'archived_at', 'general'),
    ...VERSIONED_META,
  ],
  actions: ['read', 'create', 'update', 'archive', 'team.manage'],
  subjectPerson: null,
  access: { compartment: 'organisation', column: 'id' },
  owner: null,
  editable: ['kind', 'name', 'website', 'contactName', 'contactEmail', 'contactPhone', 'address', 'commercialNotes'],
});
