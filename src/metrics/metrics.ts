import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditEntry } from '../audit/append';
import type { GroupCommitPath } from '../db/units';

/** Seconds: from a fast cached read (~0.1 ms) to a slow export. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Units of work per group-commit transaction on SQLite (at most 64: src/db/units.ts). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/**
 * The process's operational figures in Prometheus form (issue 9), served at /metrics only when METRICS_TOKEN is set.
 * Labels are route patterns (`/api/people/:id`, never a URL with an id or a searched name), status codes, audit
 * decisions and policy rule ids: no record value can reach them. When off, every method returns at once and nothing
 * is registered, so the request path pays nothing.
 */
export class Metrics {
  readonly enabled: boolean;
  private readonly registry = new Registry();
  private readonly requests?: Histogram<'method' | 'route' | 'status'>;
  private readonly auditEntries?: Counter<'decision'>;
  private readonly denials?: Counter<'rule'>;
  private readonly batches?: Histogram;
  private readonly groupPaths?: Counter<'path'>;
  private readonly outbox?: Gauge<'status'>;

  constructor(enabled: boolean) {
    this.enabled = enabled;
    if (!enabled) return;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'confide_' });
    this.requests = new Histogram({ name: 'confide_http_request_duration_seconds', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], buckets: LATENCY_BUCKETS, registers });
    this.auditEntries = new Counter({ name: 'confide_audit_entries_total', help: 'Audit entries appended to the chain, by decision', labelNames: ['decision'], registers });
    this.denials = new Counter({ name: 'confide_denials_total', help: 'Refusals recorded in the audit, by the policy rule that decided', labelNames: ['rule'], registers });
    this.batches = new Histogram({ name: 'confide_group_commit_units', help: 'Units of work per group commit: sharing one transaction (SQLite), or whose audit entries were committed together (PostgreSQL)', buckets: BATCH_BUCKETS, registers });
    this.groupPaths = new Counter({
      name: 'confide_group_commits_total',
      help: 'PostgreSQL: groups of read records by how they were committed: in one statement, by the locking path after the chain moved under that statement (another process or a writer appended), or by the locking path without trying one',
      labelNames: ['path'],
      registers,
    });
    this.outbox = new Gauge({ name: 'confide_email_outbox_messages', help: 'E-mail messages waiting in the outbox (pending) or given up on (failed)', labelNames: ['status'], registers });
  }

  /** One answered HTTP request. `route` is the matched pattern, or "unmatched". */
  request(method: string, route: string, status: number, seconds: number): void {
    this.requests?.observe({ method, route, status: String(status) }, seconds);
  }

  /** Entries appended to the audit chain; refusals are also counted by the rule that decided. */
  audited(entries: readonly AuditEntry[]): void {
    if (!this.auditEntries) return;
    for (const e of entries) {
      this.auditEntries.inc({ decision: e.decision });
      if (e.decision === 'deny') this.denials!.inc({ rule: e.ruleId ?? 'none' });
    }
  }

  /** One group commit of `units` units of work (see the histogram's help). */
  batch(units: number): void {
    this.batches?.observe(units);
  }

  /** How one group of read records was committed (PostgreSQL; see src/db/units.ts, BatchObserver). */
  groupCommitted(path: GroupCommitPath): void {
    this.groupPaths?.inc({ path });
  }

  /**
   * The exposition text (Prometheus text format 0.0.4), with the outbox depth read just now.
   * @param outbox messages per outbox status
   */
  async render(outbox: Record<string, number>): Promise<{ contentType: string; body: string }> {
    if (!this.outbox) throw new Error('metrics are off');
    this.outbox.reset();
    for (const status of ['pending', 'failed']) this.outbox.set({ status }, outbox[status] ?? 0);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
