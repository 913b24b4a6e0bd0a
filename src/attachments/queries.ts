import type { Ctx } from '../context';
import { findVisible, mayWrite, presentSummary, readRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere } from '../policy/filter';
import { factsFor, teamFlag } from '../policy/relations';
import { decodeCursor, encodeCursor } from '../records/paging';
import { allows } from '../policy/decide';
import type { Classification } from '../policy/types';
import { heldForOf, heldForRefusal } from '../purposes/held-for';
import { ATTACHMENT_CLASSIFICATIONS, type ListAttachmentsQuery } from './schema';

/**
 * An attachment's details as the actor may see them: its filename and hash carry the attachment's own
 * classification, so they are restricted unless the actor may read that (3.4). Reads that show them are audited.
 */
export async function getAttachment(ctx: Ctx, id: string) {
  const { presented } = await readRecord(ctx, 'attachment', id);
  return { data: presented.data, restricted: presented.restricted };
}

/** The facts of an attachment about to be filed with a case: the case's team, the actor as uploader, its class. */
export const newAttachmentFacts = (ctx: Ctx, caseId: string, caseRow: Record<string, unknown>, classification: Classification) =>
  ({ case_id: caseId, _team: caseRow._team, uploaded_by: ctx.actor.id, classification });

/** The fields an upload writes besides its classification: only which they are matters to the decision, not their values. */
const UPLOAD_FIELDS = { filename: '', contentType: '', sizeBytes: 0, sha256: '' };

/**
 * The classifications the actor may file a document under on this case, decided field by field as the upload
 * itself is (none on an archived case, nor on one not held for a purpose in force, 2.1): the web app offers only these.
 */
export function attachableClasses(ctx: Ctx, caseId: string, caseRow: Record<string, unknown>): Classification[] {
  if (caseRow.archived_at || heldForRefusal(ctx, 'attachment.create', heldForOf(caseRow, ctx.nowIso), caseId)) return [];
  return ATTACHMENT_CLASSIFICATIONS.filter((classification) => mayWrite(ctx, 'attachment.create', 'attachment',
    { ...UPLOAD_FIELDS, classification }, newAttachmentFacts(ctx, caseId, caseRow, classification)));
}

/**
 * The attachments of a case the actor may see (404 for a case they may not see), newest first, filtered in SQL by
 * the same rules as a single read. Items carry general fields only (no filename), and whether the actor may open
 * each (`canOpen`: its classification decides, as the download does); `canAttach` lists the classifications the
 * actor may file under here. The web app offers only what these say.
 */
export async function listAttachments(ctx: Ctx, caseId: string, query: ListAttachmentsQuery) {
  const within = await findVisible(ctx, 'case', caseId);
  const scope = filter(ctx.actor, 'attachment.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db
    .selectFrom('attachments')
    .selectAll('attachments')
    .select((eb) => teamFlag(eb, 'attachment', ctx.actor.id))
    .where('attachments.case_id', '=', caseId)
    .where((eb) => visibleWhere(eb, 'attachment', scope, ctx.actor));
  if (query.includeArchived !== 'true') q = q.where('attachments.archived_at', 'is', null);
  if (query.cursor) {
    const [id] = decodeCursor(query.cursor, 1);
    q = q.where('attachments.id', '<', id);
  }
  const rows = await q.orderBy('attachments.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'attachment', { within: { type: 'case', id: caseId, subjectPersonId: within.subjectPersonId, purposeId: within.row._purpose ?? null }, results: page.length, rows: page });
  return {
    items: page.map((r) => ({ ...presentSummary(ctx, 'attachment', r), canOpen: mayOpen(ctx, r) })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
    canAttach: attachableClasses(ctx, caseId, within.row),
  };
}

/** Whether the actor may open a listed attachment's content: the download's own decision, without its audit entry. */
const mayOpen = (ctx: Ctx, row: Record<string, unknown>) =>
  allows(ctx.actor, 'attachment.read', { ...factsFor(ctx.actor, 'attachment', row), classification: row.classification as Classification });
