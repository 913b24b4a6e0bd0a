import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context';
import { staleVersion, versionRequired, badRequest } from '../http/errors';
import type { RecordType } from '../policy/types';
import { recordOf } from './registry';

/** The ETag of a record version. */
export const etagOf = (version: number) => `"${version}"`;

/** Sets the ETag header for a record so the client can send it back in If-Match. */
export function setEtag(reply: FastifyReply, version: unknown) {
  reply.header('etag', etagOf(Number(version)));
}

/** Reads the version from If-Match ("3" or W/"3"); 428 when absent, 400 when malformed. */
export function ifMatchVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined) throw versionRequired();
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(String(header));
  if (!m) throw badRequest('If-Match must be the ETag you loaded, e.g. "3".', [{ path: 'header.if-match', message: 'malformed' }]);
  return Number(m[1]);
}

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
