import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { NoteRow } from '../db/schema';
import { isInFuture } from '../lib/clock';
import { invalidInput } from '../lib/errors';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { newId } from '../lib/ids';
import { requireNotArchived } from '../cases/access';
import { heldForOf, requireHeldForPurpose } from '../purposes/held-for';
import { checkWrite, findVisible, findWritable, presentWritten, refusalTarget } from '../records/guard';
import { applyEdit, updateVersioned } from '../records/versioned';
import { getNote } from './queries';
import type { CreateNoteInput, UpdateNoteInput } from './schema';

const COLUMNS: Record<string, keyof NoteRow> = { kind: 'kind', channel: 'channel', occurredAt: 'occurred_at', title: 'title', body: 'body' };

/** Maps API field names to columns, keeping only fields that were sent; times are stored as UTC ISO text. */
function toColumns(ctx: Ctx, input: Record<string, unknown>): Partial<NoteRow> {
  const out: Record<string, unknown> = {};
  for (const [api, value] of Object.entries(input)) if (api in COLUMNS && value !== undefined) out[COLUMNS[api]] = value;
  if (typeof out.occurred_at === 'string') {
    const at = new Date(out.occurred_at);
    if (isInFuture(at, ctx.now)) throw invalidInput('A note records something that has happened.', [{ path: 'body.occurredAt', message: 'must not be in the future' }]);
    out.occurred_at = at.toISOString();
  }
  return out as Partial<NoteRow>;
}

/**
 * Records a session or a conversation on a case (practice 1–2). Only the staff team working with the client may
 * (rule notes/case-team-write): someone who cannot see the case gets 404, a manager off the team 403 naming why; and
 * only while the case is held for a purpose in force (2.1: 409 naming params.caseId otherwise).
 */
export async function createNote(ctx: Ctx, caseId: string, input: CreateNoteInput) {
  const c = await findVisible(ctx, 'case', caseId, 'note.create');
  // The note does not exist yet: its facts are the case's team and the actor as author.
  const draft = { case_id: caseId, _team: c.row._team, author_id: ctx.actor.id };
  // e.g. a manager who oversees the case but is not on its team: 403 saying why (field by field would be noise)
  const d = enforce(ctx, 'note.create', decide(ctx.actor, 'note.create', { ...factsFor(ctx.actor, 'note', draft), classification: 'general' }), refusalTarget(c));
  checkWrite(ctx, 'note.create', 'note', input, draft, c.subjectPersonId);
  requireNotArchived(c.row, 'case');
  await requireHeldForPurpose(ctx, 'note.create', heldForOf(c.row, ctx.nowIso), refusalTarget(c), 'params.caseId');
  const id = newId(ctx.now.getTime());
  await ctx.db
    .insertInto('notes')
    .values({
      id, case_id: caseId, kind: input.kind, channel: input.channel ?? null, occurred_at: ctx.nowIso, title: input.title, body: input.body,
      author_id: ctx.actor.id, archived_at: null, created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1, ...toColumns(ctx, { occurredAt: input.occurredAt }),
    })
    .execute();
  ctx.audit.add({ action: 'note.create', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'note', resourceId: id, subjectPersonId: c.subjectPersonId, detail: { caseId, kind: input.kind, fields: Object.keys(input).sort() } });
  return getNote(ctx, id);
}

/**
 * Changes a note: only its author, while still on the case team (rule notes/author-edit), only from the version
 * they loaded (412 otherwise), and only while its case is held for a purpose in force (2.1: 409 otherwise).
 */
export async function updateNote(ctx: Ctx, id: string, expectedVersion: number, input: UpdateNoteInput) {
  const v = await findWritable(ctx, 'note.update', 'note', id, input);
  const { row } = v;
  requireNotArchived(row, 'note');
  await requireHeldForPurpose(ctx, 'note.update', heldForOf(row, ctx.nowIso), refusalTarget(v), 'params.id');
  const kind = input.kind ?? row.kind;
  const channel = input.channel !== undefined ? input.channel : row.channel;
  if (kind === 'contact' && !channel) throw invalidInput('A contact note says how the conversation took place.', [{ path: 'body.channel', message: 'required for a contact note' }]);
  return applyEdit(ctx, 'note', v, expectedVersion, toColumns(ctx, input), Object.keys(input));
}

/** Archives a note (kept, hidden from lists unless asked for; not erasure). Author on the team only. */
export async function archiveNote(ctx: Ctx, id: string, expectedVersion: number) {
  const v = await findWritable(ctx, 'note.archive', 'note', id);
  requireNotArchived(v.row, 'note');
  const version = await updateVersioned(ctx, 'note', id, expectedVersion, { archived_at: ctx.nowIso });
  ctx.audit.add({ action: 'note.archive', decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: 'note', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { version } });
  return presentWritten(ctx, 'note', v, { archived_at: ctx.nowIso, version });
}
