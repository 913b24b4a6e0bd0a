import type { Metrics } from './metrics/metrics';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditBuffer } from './audit/append';
import type { Signer } from './audit/checkpoint';
import type { Config } from './config';
import type { Db } from './db/connect';
import type { UnitRunner } from './db/units';
import type { Database } from './db/schema';
import type { CallerCache } from './accounts/caller-cache';
import type { PolicyStates } from './policy-document/sync';
import type { Clock } from './lib/clock';
import type { Actor } from './policy/types';

/** Long-lived dependencies, built once per process and shared by HTTP and CLI. */
export interface Services {
  config: Config;
  db: Db;
  clock: Clock;
  signer: Signer;
  logger: Logger;
  /** Authenticated callers kept between requests while the access epoch is unchanged. */
  callers: CallerCache;
  /** The organisation's policy (clause numbers, rule modes) per access epoch, attached to each unit's actor. */
  policy: PolicyStates;
  /** Runs each request's unit of work atomically (group commit on SQLite). */
  units: UnitRunner;
  /** Operational figures for /metrics (no-ops unless METRICS_TOKEN is set). */
  metrics: Metrics;
}

/**
 * Everything a command or query needs: who is acting, the transaction to use, the time, and where to put audit
 * entries. Commands take `(ctx, input)`; they never reach for globals.
 */
export interface Ctx {
  db: Kysely<Database>;
  actor: Actor;
  now: Date;
  nowIso: string;
  requestId: string;
  audit: AuditBuffer;
  services: Services;
}

/** Context for public routes (no actor, no transaction). */
export interface PublicCtx {
  requestId: string;
  now: Date;
  services: Services;
}
