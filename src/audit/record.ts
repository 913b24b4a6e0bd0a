import type { Kysely } from 'kysely';
import type { Services } from '../context';
import type { Database } from '../db/schema';
import { appendAudit, type AuditEntry, type AuditStamp } from './append';
import { writeCheckpoint } from './checkpoint';

/**
 * Appends entries in the caller's transaction and, each time the chain crosses a multiple of
 * AUDIT_CHECKPOINT_EVERY, writes a signed checkpoint in the same transaction.
 */
export async function recordAudit(trx: Kysely<Database>, services: Services, entries: readonly AuditEntry[], stamp: AuditStamp) {
  if (entries.length === 0) return;
  const every = services.config.auditCheckpointEvery;
  const head = await appendAudit(trx, entries, stamp, services.db);
  services.metrics.audited(entries);
  const before = head.seq - entries.length;
  if (Math.floor(head.seq / every) > Math.floor(before / every)) {
    await writeCheckpoint(trx, services.signer, head, stamp.at);
  }
}

/** Records entries in a transaction of their own (the denials of a caller refused before their unit of work began). */
export async function recordAuditNow(services: Services, entries: readonly AuditEntry[], stamp: AuditStamp) {
  if (entries.length === 0) return;
  await services.db.kysely.transaction().execute((trx) => recordAudit(trx, services, entries, stamp));
}
