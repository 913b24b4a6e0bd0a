import { existsSync } from 'node:fs';
import { ensureAdministrator } from './accounts/bootstrap';
import { buildApp } from './app';
import { startBreachJobs } from './breaches/jobs';
import { startupGuide } from './cli/startup-guide';
import { chooseLogFormat } from './lib/log-lines';
import { startReviewJobs } from './review/jobs';
import { loadConfig, type Config } from './config';
import { startOutboxSender } from './notify/sender';
import { installDefaultPolicy } from './policy-document/store';
import { startEscalationJob } from './safeguarding/escalation';
import { startReferralClock } from './safeguarding/referral-clock';
import { WEB_PAGE } from './web/routes';
import { createServices, prepareDatabase } from './services';

/**
 * Starts Confide: migrate, make sure an administrator exists (printing the one-time password to the terminal on
 * first start), then serve until SIGINT/SIGTERM.
 */
export async function serve(overrides: Partial<Config> = {}) {
  const config = loadConfig(process.env, overrides);
  // SQLite: the log is copied back on a thread of its own, not in the commits of the thread that answers requests.
  const services = createServices(config, { connect: { walCheckpointer: {} } });
  await prepareDatabase(services);
  for (const step of startupSteps) await step(services);
  const admin = await ensureAdministrator(services);
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  // Scheduled work in this process, on the services' clock: concern escalation and overdue referrals, the breach
  // register's ICO clock and review flags, the overdue policy review flag, and e-mail delivery when SMTP_URL is set.
  const jobs = [startEscalationJob(services), startReferralClock(services), startBreachJobs(services), startReviewJobs(services), startOutboxSender(services)];
  // The port really bound (PORT=0 asks the system for a free one).
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const [users, people] = await Promise.all([countRows(services, 'users'), countRows(services, 'people')]);
  // For the person at the terminal: where to go and what to do next. When stdout is JSON lines (not a terminal, or
  // LOG_FORMAT=json) these words go to stderr, so stdout stays machine-readable; the one-time password is never logged.
  const webBuilt = existsSync(WEB_PAGE);
  const guide = startupGuide({ url, admin, users, people, database: `${services.db.dialect}: ${services.db.location}`, webBuilt });
  if (chooseLogFormat(config.logFormat, process.stdout.isTTY) === 'pretty') process.stdout.write(guide);
  else process.stderr.write(guide);
  services.logger.info({ url, dialect: services.db.dialect, firstStart: !!admin }, 'serving');
  const stop = async () => {
    for (const stopJob of jobs) stopJob();
    await app.close();
    await services.db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return app;
}

/** Idempotent steps run at every start after migrations (e.g. installing the default policy document). */
export const startupSteps: Array<(services: ReturnType<typeof createServices>) => Promise<void>> = [installDefaultPolicy];

/** How many rows a table has, counting at most two (the start-up guide asks only: none, one, or more?). */
async function countRows(services: ReturnType<typeof createServices>, table: 'users' | 'people'): Promise<number> {
  return (await services.db.kysely.selectFrom(table).select('id').limit(2).execute()).length;
}
