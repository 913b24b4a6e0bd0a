import { open } from 'node:fs/promises';
import { route } from '../http/route';
import { formParts } from '../http/uploads';
import { archiveAttachment, authoriseDownload, createAttachment, receiveUpload, type Upload } from './commands';
import { getAttachment, listAttachments } from './queries';
import { caseParams, idParams, listAttachmentsQuery } from './schema';
import { contentPath, removeTemp } from './store';

const tags = ['attachments'];

/** A Content-Disposition that always downloads (never displays) the file, under its stored display name. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Attachments: documents filed with a case, stored on disk by content hash, classified like fields (1.1, 3.4). */
export const attachmentRoutes = [
  route({
    method: 'POST', url: '/api/cases/:caseId/attachments', action: 'attachment.create', tags, params: caseParams, multipart: true, status: 201,
    summary: 'Attach a file to a case (multipart/form-data: file; classification personal|special|session|safeguarding, default session; noteId)',
    responses: { 404: 'No such case, or you may not see it', 413: 'The file is larger than MAX_UPLOAD_BYTES', 415: 'The file type is not allowed or does not match its bytes' },
    // The file is streamed to a temporary name before the transaction opens (see PolicyRoute.receive).
    receive: ({ request }, services) => receiveUpload(formParts(request), services.config),
    // Whatever happened in the unit, the temporary file is gone before the answer leaves (a stored file was moved).
    release: (received) => removeTemp((received as Upload).tmpPath),
    handler: async (ctx, { params, received, reply }) => {
      const created = await createAttachment(ctx, params.caseId, received as Upload);
      reply.header('location', `/api/attachments/${String(created.data.id)}`);
      return created;
    },
  }),
  route({
    method: 'GET', url: '/api/cases/:caseId/attachments', action: 'attachment.read', tags, params: caseParams, query: listAttachmentsQuery,
    summary: 'List the attachments of a case that you may see (general fields only, no filenames), newest first',
    handler: (ctx, { params, query }) => listAttachments(ctx, params.caseId, query),
  }),
  route({
    method: 'GET', url: '/api/attachments/:id', action: 'attachment.read', tags, params: idParams,
    summary: "Read an attachment's details: its filename is restricted unless you may read its classification",
    handler: (ctx, { params }) => getAttachment(ctx, params.id),
  }),
  route({
    method: 'GET', url: '/api/attachments/:id/content', action: 'attachment.read', tags, params: idParams,
    summary: 'Download an attachment, if you may read its classification (audited)',
    handler: async (ctx, { params, reply }) => {
      const file = await authoriseDownload(ctx, params.id);
      const fh = await open(contentPath(ctx.services.config, file.sha256), 'r').catch(() => {
        throw new Error('attachment content is missing from storage'); // a true server fault: logged, 500
      });
      reply
        .header('content-type', file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType)
        .header('content-length', String(file.sizeBytes))
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox");
      return fh.createReadStream();
    },
  }),
  route({
    method: 'POST', url: '/api/attachments/:id/archive', action: 'attachment.archive', tags, params: idParams,
    summary: 'Archive an attachment you filed, while on the case team (kept, hidden from lists; not erasure)',
    handler: (ctx, { params }) => archiveAttachment(ctx, params.id),
  }),
];
