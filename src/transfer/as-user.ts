import { loadActor } from '../accounts/actor';
import { AuditBuffer, type AuditEntry } from '../audit/append';
import { recordAudit, recordAuditNow } from '../audit/record';
import type { Ctx, Services } from '../context';
import { TransferError } from './csv';

/** Thrown from inside {@link asUser} to roll the transaction back while still returning a result. */
export class RollBack<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

/**
 * Runs `fn` as the named user, in one transaction, with that user's need to know (their roles, team memberships,
 * grants and policy acceptance), and records its audit entries in the same transaction under that user. An
 * unknown or deactivated username is a TransferError. When `fn` throws {@link RollBack}, nothing it wrote stays,
 * its denials are still recorded (in a transaction of their own), and the RollBack's result is returned.
 */
export async function asUser<T>(services: Services, username: string, requestId: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const now = services.clock.now();
  const nowIso = now.toISOString();
  const db = services.db.kysely;
  const user = await db.selectFrom('users').select('id').where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
  const actor = user ? await loadActor(db, user.id, nowIso) : null;
  if (!user || !actor) throw new TransferError(`No active user "${username}".`);
  const audit = new AuditBuffer();
  const stamp = { actorId: actor.id, requestId, at: nowIso };
  try {
    return await db.transaction().execute(async (trx) => {
      const out = await fn({ db: trx, actor, now, nowIso, requestId, audit, services });
      await recordAudit(trx, services, audit.entries, stamp);
      return out;
    });
  } catch (error) {
    const denials: AuditEntry[] = audit.denials();
    await recordAuditNow(services, denials, stamp);
    if (error instanceof RollBack) return error.result as T;
    throw error;
  }
}
