import type { Kysely } from 'kysely';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { appendAuditGroups, type AuditEntry, type AuditGroup, type AuditHead, type AuditStamp } from './append';
import { writeCheckpoint } from './checkpoint';

/**
 * Appends entries in the caller's transaction and, each time the chain crosses a multiple of
 * AUDIT_CHECKPOINT_EVERY, writes a signed checkpoint in the same transaction.
 */
export function recordAudit(trx: Kysely<Database>, services: Services, entries: readonly AuditEntry[], stamp: AuditStamp): Promise<void> {
  return recordAuditGroups(trx, services, [{ entries, stamp }]);
}

/** {@link recordAudit} for several groups in order, with one append (the units of one group commit); `lockedHead` as for appendAuditGroups. */
export async function recordAuditGroups(
  trx: Kysely<Database>,
  services: Pick<Services, 'config' | 'db' | 'metrics' | 'signer'>,
  groups: readonly AuditGroup[],
  lockedHead?: AuditHead,
) {
  const count = groups.reduce((n, g) => n + g.entries.length, 0);
  if (count === 0) return;
  const every = services.config.auditCheckpointEvery;
  const head = await appendAuditGroups(trx, groups, services.db, lockedHead);
  for (const g of groups) services.metrics.audited(g.entries);
  const before = head.seq - count;
  if (Math.floor(head.seq / every) > Math.floor(before / every)) {
    await writeCheckpoint(trx, services.signer, head, groups[groups.length - 1].stamp.at);
  }
}

/** Records entries in a transaction of their own (the denials of a caller refused before their unit of work began). */
export async function recordAuditNow(services: Services, entries: readonly AuditEntry[], stamp: AuditStamp) {
  if (entries.length === 0) return;
  await services.db.kysely.transaction().execute((trx) => recordAudit(trx, services, entries, stamp));
}
