import type { Ctx } from '../context';
import { findVisible, presentSummary, readRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { ListAttachmentsQuery } from './schema';

/**
 * An attachment's details as the actor may see them: its filename and hash carry the attachment's own
 * classification, so they are restricted unless the actor may read that (3.4). Reads that show them are audited.
 */
export async function getAttachment(ctx: Ctx, id: string) {
  const { presented } = await readRecord(ctx, 'attachment', id);
  return { data: presented.data, restricted: presented.restricted };
}

/**
 * The attachments of a case the actor may see (404 for a case they may not see), newest first, filtered in SQL by
 * the same rules as a single read. Items carry general fields only (no filename).
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
  auditList(ctx, 'attachment', { within: { type: 'case', id: caseId, subjectPersonId: within.subjectPersonId }, results: page.length });
  return {
    items: page.map((r) => presentSummary(ctx, 'attachment', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
  };
}
