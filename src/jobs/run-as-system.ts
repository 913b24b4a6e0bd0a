import { AuditBuffer } from '../audit/append';
import { recordAudit } from '../audit/record';
import type { Ctx, Services } from '../context';
import type { Actor } from '../policy/types';

/**
 * The actor of scheduled jobs: Confide itself. It holds no role, so no rule allows it anything; jobs do only what
 * their own code does (an escalation, a delivery) and record it. Its audit entries name no user (actor null).
 */
export const SYSTEM_ACTOR: Actor = { id: 'system', username: 'system', roles: [], roleMask: 0, policyAccepted: true, grants: [] };

/**
 * Runs one scheduled job's work as a unit of work with the system as actor: one transaction (through the process's
 * unit runner, so on SQLite it queues with the requests), its audit entries written in that same transaction, and
 * nothing left of it if it fails. `requestId` names the job in the audit trail (e.g. "job:escalation").
 */
export async function runAsSystem<T>(services: Services, requestId: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const now = services.clock.now();
  const nowIso = now.toISOString();
  const audit = new AuditBuffer();
  return services.units.run({
    work: async (trx) => {
      const out = await fn({ db: trx, actor: SYSTEM_ACTOR, now, nowIso, requestId, audit, services });
      await recordAudit(trx, services, audit.entries, { actorId: null, requestId, at: nowIso });
      return out;
    },
    afterRollback: async () => undefined,
  });
}
