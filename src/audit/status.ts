import type { Ctx, Services } from '../context';
import { fromDecision } from './append';
import { decide } from '../policy/decide';
import { recordAuditNow } from './record';
import { verifyAudit, type VerifyResult } from './verify';

/** The outcome of the last check of the audit chain this process ran, and when. */
export interface AuditCheck {
  ok: boolean;
  /** Entries recomputed. */
  checked: number;
  head: { seq: number; hash: string };
  checkpointsChecked: number;
  /** The first problem found, naming the entry (only when `ok` is false). */
  problem: { seq: number; message: string } | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** What the audit status page shows: the last finished check and whether one is running now. */
export interface AuditStatus {
  last: AuditCheck | null;
  running: boolean;
  runningSince: string | null;
  /** When a fresh check may next be started (one at a time, at most one a minute per process). */
  nextCheckFrom: string | null;
}

/**
 * A fresh check may start at most this often. Recomputing the chain reads every entry (seconds on a million), so
 * asking again and again must not become a way to keep the server busy; the last result is kept meanwhile.
 */
export const AUDIT_CHECK_INTERVAL_MS = 60_000;

interface State {
  last: AuditCheck | null;
  running: Promise<void> | null;
  runningSince: string | null;
}

/** Per process (and per test world): checks run in the background, outside any request's transaction. */
const states = new WeakMap<Services, State>();
const stateOf = (services: Services): State => {
  let s = states.get(services);
  if (!s) states.set(services, (s = { last: null, running: null, runningSince: null }));
  return s;
};

function present(s: State): AuditStatus {
  const next = s.last && !s.running ? new Date(Date.parse(s.last.finishedAt) + AUDIT_CHECK_INTERVAL_MS).toISOString() : null;
  return { last: s.last, running: !!s.running, runningSince: s.runningSince, nextCheckFrom: next };
}

const toCheck = (r: VerifyResult, startedAt: string, finishedAt: string, durationMs: number): AuditCheck => ({
  ok: r.ok, checked: r.checked, head: r.head, checkpointsChecked: r.checkpointsChecked, problem: r.problem ?? null, startedAt, finishedAt, durationMs,
});

/** Records who asked and what the policy decided (1.1: the audit trail is checked, and that is itself recorded). */
function audited(ctx: Ctx, detail: Record<string, unknown>) {
  ctx.audit.add(fromDecision('audit.verify', decide(ctx.actor, 'audit.verify', { type: 'system' }), { resourceType: 'audit', detail }));
}

/** The last check of the audit chain and whether one is running (administrators and the guardian; 1.1). */
export function getAuditStatus(ctx: Ctx): AuditStatus {
  const status = present(stateOf(ctx.services));
  audited(ctx, { read: true, lastOk: status.last?.ok ?? null });
  return status;
}

/**
 * Starts recomputing the chain in the background (src/audit/verify.ts) unless a check is running or one finished
 * less than a minute ago; answers the status either way, `started` saying which. The walk reads the database
 * outside this request's transaction, page by page, so it never holds the writers up; when it ends its outcome is
 * recorded in the audit trail under the actor who asked.
 */
export function startAuditCheck(ctx: Ctx): AuditStatus & { started: boolean } {
  const services = ctx.services;
  const s = stateOf(services);
  const tooSoon = !!s.last && ctx.now.getTime() - Date.parse(s.last.finishedAt) < AUDIT_CHECK_INTERVAL_MS;
  const started = !s.running && !tooSoon;
  audited(ctx, { started, reason: started ? undefined : s.running ? 'a check is running' : 'checked less than a minute ago' });
  if (started) {
    const startedAt = ctx.nowIso;
    const t0 = Date.now();
    const actorId = ctx.actor.id;
    const requestId = ctx.requestId;
    s.runningSince = startedAt;
    s.running = (async () => {
      try {
        const result = await verifyAudit(services.db.kysely, services.signer);
        const finishedAt = services.clock.now().toISOString();
        s.last = toCheck(result, startedAt, finishedAt, Date.now() - t0);
        await recordAuditNow(services, [{
          action: 'audit.verify', decision: 'allow', resourceType: 'audit', ruleId: 'audit/verify', clause: ctx.actor.policy.clauseFor('records-management'),
          detail: { outcome: result.ok ? 'intact' : 'broken', checked: result.checked, headSeq: result.head.seq, problemSeq: result.problem?.seq ?? null },
        }], { actorId, requestId, at: finishedAt });
      } catch (error) {
        services.logger.error({ err: error }, 'audit check could not complete');
        const finishedAt = services.clock.now().toISOString();
        s.last = { ok: false, checked: 0, head: { seq: 0, hash: '' }, checkpointsChecked: 0, problem: { seq: 0, message: 'the check could not complete (see the server log); try again' }, startedAt, finishedAt, durationMs: Date.now() - t0 };
      } finally {
        s.running = null;
        s.runningSince = null;
      }
    })();
  }
  return { ...present(s), started };
}

/** Waits for a running check to end (tests, and a server shutting down). */
export async function auditCheckSettled(services: Services): Promise<void> {
  await stateOf(services).running;
}
