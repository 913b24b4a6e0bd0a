import type { Kysely } from 'kysely';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { appendAuditGroups, appendAuditGroupsIfCurrent, type AuditEntry, type AuditGroup, type AuditHead, type AuditStamp, type ChainExpectation, type ConditionalAppend } from './append';
import { writeCheckpoint } from './checkpoint';

/**
 * Appends entries in the caller's transaction and, each time the chain crosses a multiple of
 * AUDIT_CHECKPOINT_EVERY, writes a signed checkpoint in the same transaction.
 */
export async function recordAudit(trx: Kysely<Database>, services: Services, entries: readonly AuditEntry[], stamp: AuditStamp): Promise<void> {
  await recordAuditGroups(trx, services, [{ entries, stamp }]);
}

/** {@link recordAudit} for several groups in order, with one append (the units of one group commit); `lockedHead` as for appendAuditGroups. */
export async function recordAuditGroups(
  trx: Kysely<Database>,
  services: Pick<Services, 'config' | 'db' | 'metrics' | 'signer'>,
  groups: readonly AuditGroup[],
  lockedHead?: AuditHead,
): Promise<AuditHead | null> {
  const count = entryCount(groups);
  if (count === 0) return null;
  const head = await appendAuditGroups(trx, groups, services.db, lockedHead);
  for (const g of groups) services.metrics.audited(g.entries);
  if (crossesCheckpoint(services, head.seq - count, head.seq)) {
    await writeCheckpoint(trx, services.signer, head, groups[groups.length - 1].stamp.at);
  }
  return head;
}

/**
 * PostgreSQL: {@link recordAuditGroups} as one autocommitted statement, if the chain's head and the access epoch are
 * still as expected (src/audit/append.ts, appendAuditGroupsIfCurrent). Null, with nothing sent, when there is
 * nothing to append or when the append would cross a checkpoint (that takes the locking path, whose transaction
 * writes the signed checkpoint with the entries).
 */
export function recordAuditGroupsIfCurrent(
  db: Kysely<Database>,
  services: Pick<Services, 'config' | 'metrics'>,
  groups: readonly AuditGroup[],
  expected: ChainExpectation,
): ConditionalAppend | null {
  const count = entryCount(groups);
  if (count === 0 || crossesCheckpoint(services, expected.head.seq, expected.head.seq + count)) return null;
  const sent = appendAuditGroupsIfCurrent(db, groups, expected);
  if (!sent) return null;
  const committed = sent.committed.then((ok) => {
    if (ok) for (const g of groups) services.metrics.audited(g.entries);
    return ok;
  });
  return { head: sent.head, committed };
}

const entryCount = (groups: readonly AuditGroup[]) => groups.reduce((n, g) => n + g.entries.length, 0);

/** Whether the chain passes a multiple of AUDIT_CHECKPOINT_EVERY between the two sequence numbers. */
function crossesCheckpoint(services: Pick<Services, 'config'>, before: number, after: number): boolean {
  const every = services.config.auditCheckpointEvery;
  return Math.floor(after / every) > Math.floor(before / every);
}

/** Records entries in a transaction of their own (the denials of a caller refused before their unit of work began). */
export async function recordAuditNow(services: Services, entries: readonly AuditEntry[], stamp: AuditStamp) {
  if (entries.length === 0) return;
  await services.db.kysely.transaction().execute((trx) => recordAudit(trx, services, entries, stamp));
}
