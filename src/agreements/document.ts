import { fromDecision } from '../audit/append';
import { officeKind, resolveContentType, sniffMagic } from '../attachments/sniff';
import { placeFile, removeTemp, sanitiseFilename, spoolUpload, type UploadPart } from '../attachments/store';
import type { Config } from '../config';
import type { Ctx } from '../context';
import { conflict, invalidInput, unsupportedMediaType } from '../lib/errors';
import { loadAgreement, present, requireAgreement, requireCompletable, signIfComplete, writeVersioned } from './commands';

/** The signed copy of an agreement, taken in before the transaction: the file waits under a temporary name. */
export interface SignedCopy {
  tmpPath: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  filename: string;
}

/** What a signed copy may be: a PDF, or a scan as an image. */
const SIGNED_COPY_TYPES = new Set(['application/pdf', 'image/png', 'image/jpeg']);

/**
 * Takes in the signed copy with the attachments' own safety: streamed to a temporary file (never in memory, never in
 * the transaction) under MAX_UPLOAD_BYTES (413), its bytes sniffed and matched to what was declared (415), its name
 * stripped of path parts. Only a PDF or a scanned image is accepted. On failure the temp file is gone.
 */
export async function receiveSignedCopy(parts: AsyncIterable<UploadPart>, config: Config): Promise<SignedCopy> {
  const spooled = await spoolUpload(parts, config);
  const file = spooled.file;
  try {
    const extra = Object.keys(spooled.fields);
    if (extra.length) throw invalidInput('Send only the file.', extra.map((k) => ({ path: `body.${k}`, message: 'unexpected field' })));
    if (!file) throw invalidInput('Attach the signed copy in the form field "file".', [{ path: 'body.file', message: 'required' }]);
    if (file.size === 0) throw invalidInput('The file is empty.', [{ path: 'body.file', message: 'empty file' }]);
    const magic = sniffMagic(file.head);
    const kind = magic === 'zip' ? await officeKind(file.tmpPath, file.size, file.head) : magic ?? (file.text ? 'text' : null);
    const contentType = resolveContentType(kind, file.declaredType);
    if (!SIGNED_COPY_TYPES.has(contentType)) throw unsupportedMediaType('The signed copy must be a PDF or a scanned image (PNG or JPEG).', [{ path: 'body.file', message: `not accepted: ${contentType}` }]);
    return { tmpPath: file.tmpPath, sha256: file.sha256, sizeBytes: file.size, contentType, filename: sanitiseFilename(file.clientFilename) };
  } catch (error) {
    if (file) await removeTemp(file.tmpPath);
    throw error;
  }
}

/**
 * Attaches the signed copy to a draft (If-Match). The row is written first and the file moved to its content address
 * last, so a failed move rolls the row back. With every signatory recorded, the agreement is then signed. The audit
 * names the type, size and hash, never the filename.
 */
export async function attachSignedCopy(ctx: Ctx, id: string, expected: number, copy: SignedCopy) {
  try {
    const row = await loadAgreement(ctx, id);
    const d = requireAgreement(ctx, 'agreement.manage', id);
    if (row.status !== 'draft') throw conflict('The signed copy of a signed agreement is not replaced: record a variation.', [{ path: 'params.id', message: `the agreement is ${row.status}` }]);
    await requireCompletable(ctx, row, 'agreement.attach');
    const written = await writeVersioned(ctx, row, expected, {
      document_sha256: copy.sha256, document_filename: copy.filename, document_content_type: copy.contentType, document_size: copy.sizeBytes,
      document_uploaded_by: ctx.actor.id, document_uploaded_at: ctx.nowIso,
    });
    ctx.audit.add(fromDecision('agreement.attach', d, { resourceType: 'agreement', resourceId: id, detail: { contentType: copy.contentType, sizeBytes: copy.sizeBytes, sha256: copy.sha256, version: written.version } }));
    const result = await present(ctx, await signIfComplete(ctx, written, d, 'agreement.attach'));
    await placeFile(ctx.services.config, copy.tmpPath, copy.sha256); // last: a failure here leaves no row
    return result;
  } finally {
    await removeTemp(copy.tmpPath);
  }
}

/** Authorises reading the signed copy: management and the guardian; every read audited (404 when none is attached). */
export async function authoriseSignedCopy(ctx: Ctx, id: string) {
  const row = await loadAgreement(ctx, id);
  const d = requireAgreement(ctx, 'agreement.document', id);
  if (!row.document_sha256) throw invalidInput('No signed copy is attached to this agreement yet.', [{ path: 'params.id', message: 'no signed copy' }]);
  ctx.audit.add(fromDecision('agreement.document', d, { resourceType: 'agreement', resourceId: id, detail: { sha256: row.document_sha256 } }));
  return { sha256: row.document_sha256, filename: row.document_filename!, contentType: row.document_content_type!, sizeBytes: Number(row.document_size) };
}
