import { fromDecision } from '../audit/append';
import { requireNotArchived } from '../cases/access';
import { heldForOf, requireHeldForPurpose } from '../purposes/held-for';
import { checkWrite, findVisible, findWritable, presentWritten, refusalTarget, requireAllowed } from '../records/guard';
import type { Config } from '../config';
import type { Ctx } from '../context';
import { invalidInput, conflict, zodFieldErrors } from '../lib/errors';
import { newId } from '../lib/ids';
import type { Classification } from '../policy/types';
import { getAttachment, newAttachmentFacts } from './queries';
import { uploadFields } from './schema';
import { officeKind, resolveContentType, sniffMagic, type FileKind } from './sniff';
import { placeFile, removeTemp, sanitiseFilename, spoolUpload, type UploadPart } from './store';

/** An upload taken in and checked before the transaction: the file waits under a temporary name. */
export interface Upload {
  tmpPath: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  filename: string;
  classification: Classification;
  noteId: string | null;
}

/** What the bytes of a spooled file are: a magic number, an office document inside a ZIP, text, or nothing allowed. */
async function kindOf(file: { tmpPath: string; size: number; head: Buffer; text: boolean }): Promise<FileKind | null> {
  const magic = sniffMagic(file.head);
  if (magic === 'zip') return officeKind(file.tmpPath, file.size, file.head);
  if (magic) return magic;
  return file.text ? 'text' : null;
}

/**
 * Takes in an upload form before the transaction opens: streams the file to a temporary name while hashing it
 * (never in memory, never inside the database transaction), then checks the form fields (invalid input naming the
 * field), that there is a non-empty file, its size (too large) and that its bytes are an allowed type matching what
 * was declared (unsupported media type). On failure the temp file is gone; on success the caller removes it
 * (`upload.tmpPath`) once it is done, whatever happened.
 */
export async function receiveUpload(parts: AsyncIterable<UploadPart>, config: Config): Promise<Upload> {
  const spooled = await spoolUpload(parts, config);
  const file = spooled.file;
  try {
    const fields = uploadFields.safeParse(spooled.fields);
    if (!fields.success) throw invalidInput('The upload is invalid.', zodFieldErrors('body', fields.error));
    if (!file) throw invalidInput('Attach a file in the form field "file".', [{ path: 'body.file', message: 'required' }]);
    if (file.size === 0) throw invalidInput('The file is empty.', [{ path: 'body.file', message: 'empty file' }]);
    const contentType = resolveContentType(await kindOf(file), file.declaredType);
    return {
      tmpPath: file.tmpPath, sha256: file.sha256, sizeBytes: file.size, contentType, filename: sanitiseFilename(file.clientFilename),
      classification: fields.data.classification, noteId: fields.data.noteId ?? null,
    };
  } catch (error) {
    if (file) await removeTemp(file.tmpPath);
    throw error;
  }
}

/**
 * Files an upload with a case (rule notes/case-team-write; safeguarding documents: management), while the case is
 * held for a purpose in force (2.1: 409 otherwise). The row is
 * inserted first and the file moved to its content address last, inside the transaction: a failed move rolls the
 * row back, so no row ever points at a missing file. The audit names the classification, type and size, never
 * the filename or the content.
 */
export async function createAttachment(ctx: Ctx, caseId: string, upload: Upload) {
  try {
    const c = await findVisible(ctx, 'case', caseId, 'attachment.create');
    const fields = { classification: upload.classification, filename: upload.filename, contentType: upload.contentType, sizeBytes: upload.sizeBytes, sha256: upload.sha256, noteId: upload.noteId ?? undefined };
    const d = checkWrite(ctx, 'attachment.create', 'attachment', fields, newAttachmentFacts(ctx, caseId, c.row, upload.classification), c.subjectPersonId);
    requireNotArchived(c.row, 'case');
    await requireHeldForPurpose(ctx, 'attachment.create', heldForOf(c.row, ctx.nowIso), refusalTarget(c), 'params.caseId');
    if (upload.noteId) {
      const note = await ctx.db.selectFrom('notes').select('id').where('id', '=', upload.noteId).where('case_id', '=', caseId).where('archived_at', 'is', null).executeTakeFirst();
      if (!note) throw invalidInput('The note is not a current note of this case.', [{ path: 'body.noteId', message: 'no current note with that id on this case' }]);
    }
    const id = newId(ctx.now.getTime());
    await ctx.db
      .insertInto('attachments')
      .values({
        id, case_id: caseId, note_id: upload.noteId, filename: upload.filename, content_type: upload.contentType, size_bytes: upload.sizeBytes,
        sha256: upload.sha256, classification: upload.classification, uploaded_by: ctx.actor.id, created_at: ctx.nowIso, archived_at: null,
      })
      .execute();
    ctx.audit.add({
      action: 'attachment.create', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'attachment', resourceId: id, subjectPersonId: c.subjectPersonId,
      detail: { caseId, noteId: upload.noteId, classification: upload.classification, contentType: upload.contentType, sizeBytes: upload.sizeBytes },
    });
    const created = await getAttachment(ctx, id);
    await placeFile(ctx.services.config, upload.tmpPath, upload.sha256); // last: a failure here leaves no row
    return created;
  } finally {
    await removeTemp(upload.tmpPath);
  }
}

/**
 * Authorises a download: the actor must see the attachment (404 otherwise) and may read its classification
 * (403 with the reason otherwise, audited). Every download is audited, naming the content, never including it.
 */
export async function authoriseDownload(ctx: Ctx, id: string) {
  const v = await findVisible(ctx, 'attachment', id);
  const classification = v.row.classification as Classification;
  const d = requireAllowed(ctx, 'attachment.read', v, classification, { fields: ['content'] });
  // 2.1: the read names the purpose its case is held for (its id).
  ctx.audit.add(fromDecision('attachment.read', d, { resourceType: 'attachment', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { fields: ['content', 'filename'], classes: [classification], purposeId: v.row._purpose ?? null } }));
  return { sha256: v.row.sha256 as string, filename: v.row.filename as string, contentType: v.row.content_type as string, sizeBytes: Number(v.row.size_bytes) };
}

/** Archives an attachment: its uploader, while on the case team (rule notes/author-edit). Kept, not erased. */
export async function archiveAttachment(ctx: Ctx, id: string) {
  const v = await findWritable(ctx, 'attachment.archive', 'attachment', id);
  if (v.row.archived_at) throw conflict('This attachment is already archived.');
  await ctx.db.updateTable('attachments').set({ archived_at: ctx.nowIso }).where('id', '=', id).where('archived_at', 'is', null).execute();
  ctx.audit.add({ action: 'attachment.archive', decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: 'attachment', resourceId: id, subjectPersonId: v.subjectPersonId, detail: {} });
  const { data, restricted } = presentWritten(ctx, 'attachment', v, { archived_at: ctx.nowIso });
  return { data, restricted };
}
