import pino, { type Logger } from 'pino';
import { loadOrCreateSigner } from './audit/checkpoint';
import { ensureSignerRegistered } from './audit/signers';
import type { Config } from './config';
import type { Services } from './context';
import { connect, type ConnectOptions } from './db/connect';
import { unitRunnerFor, type AppendAudit, type AppendIfCurrent } from './db/units';
import { recordAuditGroups, recordAuditGroupsIfCurrent } from './audit/record';
import { CallerCache } from './accounts/caller-cache';
import { PolicyStates } from './policy-document/sync';
import { migrateToLatest } from './db/migrate';
import { Metrics } from './metrics/metrics';
import { systemClock, type Clock } from './lib/clock';
import { chooseLogFormat, prettyStream } from './lib/log-lines';
import { LineBuffer } from './lib/log-destination';

/** What the process log never writes. Belt and braces: the access log never includes these, but nothing else may either. */
export const LOG_REDACT = { paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token'], censor: '[redacted]' };

/**
 * The process logger on stdout: JSON lines, or readable lines at a terminal (LOG_FORMAT). JSON lines are gathered and
 * written in the background (src/lib/log-destination.ts), and flushed at exit. The access log is operational; the
 * record of who saw what is the audit chain, written in each operation's own transaction.
 */
function createLogger(config: Config): Logger {
  const options = {
    level: config.logLevel,
    redact: LOG_REDACT,
  };
  // At a terminal, readable lines written as they come (a person is watching); JSON lines otherwise, or when asked.
  if (chooseLogFormat(config.logFormat, process.stdout.isTTY) === 'pretty') return pino(options, prettyStream(process.stdout));
  return pino(options, new LineBuffer(1));
}

/** Creates the process-wide services: database, clock, audit signing key, logger. */
export function createServices(
  config: Config,
  options: { clock?: Clock; logger?: Logger; connect?: Partial<ConnectOptions> } = {},
): Services {
  const logger = options.logger ?? createLogger(config);
  const walCheckpointer = options.connect?.walCheckpointer && {
    onFailure: (code: string) => logger.warn({ code }, 'the background copy of the SQLite log failed; commits copy it instead'),
    ...options.connect.walCheckpointer,
  };
  const db = connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, lockTimeoutMs: config.dbLockTimeoutMs, poolSize: config.dbPoolSize, ...options.connect, walCheckpointer });
  const metrics = new Metrics(config.metricsToken !== '');
  const signer = loadOrCreateSigner(config.dataDir);
  const append: AppendAudit = (trx, groups, lockedHead) => recordAuditGroups(trx, { config, db, metrics, signer }, groups, lockedHead);
  const appendIfCurrent: AppendIfCurrent = (groups, expected) => recordAuditGroupsIfCurrent(db.pgChain ?? db.kysely, { config, metrics }, groups, expected);
  const callers = new CallerCache();
  const units = unitRunnerFor(db, append, { observer: metrics, onEpoch: (epoch) => callers.observe(epoch), appendIfCurrent });
  return { config, db, clock: options.clock ?? systemClock, signer, logger, callers, policy: new PolicyStates(), units, metrics };
}

/**
 * Brings the database up to date and makes sure this process's audit signing key is registered (or may register
 * itself: src/audit/signers.ts); run before serving. `signing: false` is for commands that write no audit entries
 * of their own and must work from any DATA_DIR (`audit verify`, `audit register-key`). Returns applied migration names.
 */
export async function prepareDatabase(services: Services, options: { signing?: boolean } = {}): Promise<string[]> {
  const applied = await migrateToLatest(services.db);
  if (options.signing !== false) await ensureSignerRegistered(services.db.kysely, services.signer, services.clock.now().toISOString());
  return applied;
}
