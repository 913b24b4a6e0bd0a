import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { findVisible, presentSummary, openRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { ListNotesQuery } from './schema';

/**
 * One note as the actor may see it. The body is session information, confidential to the staff team working
 * with the client (practice 2): managers off the team, volunteers and students see the note's details but the
 * body is listed as restricted. A read that shows the body is audited (fields named, never their values).
 */
export function getNote(ctx: Ctx, id: string) {
  return openRecord(ctx, 'note', id);
}

/**
 * The notes of a case the actor may see (404 for a case they may not see), newest first, filtered in SQL by the
 * same rules as a single read (3.4). Items carry general fields only, so a list never shows a session's body.
 */
export async function listNotes(ctx: Ctx, caseId: string, query: ListNotesQuery) {
  const within = await findVisible(ctx, 'case', caseId);
  const scope = filter(ctx.actor, 'note.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db
    .selectFrom('notes')
    .selectAll('notes')
    .select((eb) => teamFlag(eb, 'note', ctx.actor.id))
    .where('notes.case_id', '=', caseId)
    .where((eb) => visibleWhere(eb, 'note', scope, ctx.actor));
  if (query.includeArchived !== 'true') q = q.where('notes.archived_at', 'is', null);
  if (query.kind) q = q.where('notes.kind', '=', query.kind);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('notes.occurred_at', '<', at), eb.and([eb('notes.occurred_at', '=', at), eb('notes.id', '<', id)])]));
  }
  const rows = await q.orderBy('notes.occurred_at', 'desc').orderBy('notes.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'note', { within: { type: 'case', id: caseId, subjectPersonId: within.subjectPersonId, purposeId: within.row._purpose ?? null }, results: page.length, rows: page });
  return {
    items: page.map((r) => presentSummary(ctx, 'note', r)),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.occurred_at, last.id]) : null,
  };
}
