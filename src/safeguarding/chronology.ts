import type { Ctx } from '../context';
import type { ConcernEntryRow } from '../db/schema';
import { newId } from '../lib/ids';

/**
 * Kinds of chronology entry. Written by the commands: raised, alerted, acknowledged, escalated, referral, closed, and
 * referral-update (a referral approved, refused, reviewed, completed or flagged overdue: `detail.event`, with
 * `detail.referralId`); written by a lead: fact, action, decision (with its reason and who agreed), outcome.
 */
export type EntryKind = 'raised' | 'alerted' | 'acknowledged' | 'escalated' | 'fact' | 'action' | 'decision' | 'outcome' | 'referral' | 'referral-update' | 'closed';

/** One entry to append. `recordedBy` null means Confide itself (alerts and escalations). */
export interface NewEntry {
  kind: EntryKind;
  recordedBy: string | null;
  text?: string | null;
  reason?: string | null;
  agreedWith?: readonly string[] | null;
  detail?: Record<string, unknown>;
}

/**
 * Appends an entry to a concern's chronology, stamped with the operation's time (practice 4.3: all concerns and the
 * action on them are recorded). Entries are never changed or removed; a correction is a new entry.
 */
export async function addEntry(ctx: Ctx, concernId: string, entry: NewEntry): Promise<ConcernEntryRow> {
  const row: ConcernEntryRow = {
    id: newId(ctx.now.getTime()), concern_id: concernId, at: ctx.nowIso, kind: entry.kind, recorded_by: entry.recordedBy,
    text: entry.text ?? null, reason: entry.reason ?? null, agreed_with: entry.agreedWith ? JSON.stringify(entry.agreedWith) : null,
    detail: JSON.stringify(entry.detail ?? {}),
  };
  await ctx.db.insertInto('concern_entries').values(row).execute();
  return row;
}

/** The manager a decision was agreed with (practice 4.2), a checked user id; null on entries written before it was asked. */
const agreedByOf = (detail: Record<string, unknown>) => (typeof detail.agreedBy === 'string' ? detail.agreedBy : null);

/**
 * An entry as the API sends it. `agreedBy`: the manager a decision was agreed with (an active manager's user id,
 * checked when written); `agreedWith`: names as written — on referral entries, and on decisions recorded before
 * `agreedBy` was asked — never checked.
 */
export function presentEntry(row: ConcernEntryRow) {
  const detail = JSON.parse(row.detail) as Record<string, unknown>;
  return {
    id: row.id, at: row.at, kind: row.kind, recordedBy: row.recorded_by, text: row.text, reason: row.reason,
    agreedWith: row.agreed_with ? (JSON.parse(row.agreed_with) as string[]) : null, agreedBy: agreedByOf(detail), detail,
  };
}

/** A concern's chronology, oldest first (entries of one instant in the order they were written: ids are UUIDv7). */
export async function entriesOf(ctx: Ctx, concernId: string) {
  const rows = await ctx.db.selectFrom('concern_entries').selectAll().where('concern_id', '=', concernId).orderBy('at').orderBy('id').execute();
  return rows.map(presentEntry);
}
