import type { Classification } from '../policy/types';
import { defineRecord, field as f } from '../records/descriptor';

/** An attachment's name and hash take the classification it was filed under. */
const own = (row: Record<string, unknown>) => row.classification as Classification;

/** A document filed under a case (or one of its notes), classified as a whole when it is uploaded. */
export const ATTACHMENT_RECORD = defineRecord({
  type: 'attachment',
  noun: 'attachment',
  table: 'attachments',
  fields: [
    f('id', 'id', 'general'),
    f('caseId', 'case_id', 'general'),
    f('noteId', 'note_id', 'general'),
    f('classification', 'classification', 'general'),
    f('contentType', 'content_type', 'general'),
    f('sizeBytes', 'size_bytes', 'general'),
    f('filename', 'filename', own),
    f('sha256', 'sha256', own),
    f('uploadedBy', 'uploaded_by', 'general'),
    f('createdAt', 'created_at', 'general'),
    f('archivedAt', 'archived_at', 'general'),
  ],
  actions: ['read', 'create', 'archive'],
  subjectPerson: '(select c.person_id from cases c where c.id = attachments.case_id)',
  heldFor: '(select c.purpose_id from cases c where c.id = attachments.case_id)',
  access: { compartment: 'case', column: 'case_id' },
  owner: 'uploaded_by',
});
