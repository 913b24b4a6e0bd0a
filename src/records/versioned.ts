import type { Ctx } from '../context';
import { staleVersion } from '../lib/errors';
import type { RecordType } from '../policy/types';
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
