import type { Ctx } from '../context';
import { staleVersion } from '../lib/errors';
import type { RecordType } from '../policy/types';
import { presentWritten, type RecordView, type Writable } from './guard';
import { recordOf } from './registry';

/**
 * Applies changes only if the row is still at `expected` version (optimistic concurrency): the UPDATE itself
 * checks the version, so two concurrent writers cannot both win. Returns the new version.
 */
export async function updateVersioned(
  ctx: Ctx,
  type: Exclude<RecordType, 'attachment'>,
  id: string,
  expected: number,
  changes: Record<string, unknown>,
): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = ctx.db as any;
  const result = await db
    .updateTable(recordOf(type).table)
    .set({ ...changes, version: expected + 1, updated_at: ctx.nowIso })
    .where('id', '=', id)
    .where('version', '=', expected)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    const current = await db.selectFrom(recordOf(type).table).select('version').where('id', '=', id).executeTakeFirst();
    throw staleVersion(Number(current?.version ?? expected));
  }
  return expected + 1;
}

/** Whether writing `changes` over `row` would leave every column as it is (numbers and text compared as stored). */
export function changesNothing(row: Record<string, unknown>, changes: Record<string, unknown>): boolean {
  return Object.entries(changes).every(([column, value]) => {
    const now = row[column] ?? null;
    const next = value ?? null;
    return now === next || (now !== null && next !== null && String(now) === String(next));
  });
}

/**
 * An edit of a record's fields (a PATCH): writes `changes` from the `expected` version, audits the change under the
 * rule that allowed it, naming the fields sent (never their values), and answers the record as written. An edit that
 * changes nothing writes nothing and records no change — the version stays, so the audit never shows a change that
 * did not happen — though a stale `expected` is still a 412. `facts` are columns the record is presented with after
 * the change that are not written to it (a case moved to another purpose: that purpose's state, src/purposes/held-for.ts).
 */
export async function applyEdit(
  ctx: Ctx,
  type: Exclude<RecordType, 'attachment'>,
  v: Writable,
  expected: number,
  changes: Record<string, unknown>,
  fields: readonly string[],
  facts: Record<string, unknown> = {},
): Promise<RecordView> {
  if (changesNothing(v.row, changes)) {
    if (Number(v.row.version) !== expected) throw staleVersion(Number(v.row.version));
    return presentWritten(ctx, type, v, {});
  }
  const version = await updateVersioned(ctx, type, v.row.id, expected, changes);
  ctx.audit.add({
    action: `${type}.update`, decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: type, resourceId: v.row.id,
    subjectPersonId: v.subjectPersonId, detail: { fields: [...fields].sort(), version },
  });
  return presentWritten(ctx, type, v, { ...changes, ...facts, version });
}
