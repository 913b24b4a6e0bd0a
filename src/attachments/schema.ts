import { z } from 'zod';
import { pageQuery } from '../records/paging';

/** How confidential an attachment's file is; it governs who may download it and see its name (3.4). */
export const ATTACHMENT_CLASSIFICATIONS = ['personal', 'special', 'session', 'safeguarding'] as const;

/**
 * The form fields of POST /api/cases/:caseId/attachments (multipart/form-data, the file in the part "file").
 * A document from a session is confidential to the staff team unless said otherwise (practice 2).
 */
export const uploadFields = z.strictObject({
  classification: z.enum(ATTACHMENT_CLASSIFICATIONS).default('session'),
  noteId: z.uuid().optional(),
});
export type UploadFields = z.infer<typeof uploadFields>;

/** GET /api/cases/:caseId/attachments. */
export const listAttachmentsQuery = z.strictObject({
  ...pageQuery,
  includeArchived: z.enum(['true', 'false']).default('false'),
});
export type ListAttachmentsQuery = z.infer<typeof listAttachmentsQuery>;

/** Path parameter of a case, for the attachments under it. */
export const caseParams = z.strictObject({ caseId: z.uuid() });
/** Path parameter of an attachment. */
export const idParams = z.strictObject({ id: z.uuid() });
