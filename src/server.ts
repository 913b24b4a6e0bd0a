import { ensureAdministrator } from './accounts/bootstrap';
import { buildApp } from './app';
import { startBreachJobs } from './breaches/jobs';
import { loadConfig, type Config } from './config';
import { startOutboxSender } from './notify/sender';
import { installDefaultPolicy } from './policy-document/store';
import { startEscalationJob } from './safeguarding/escalation';
import { startReferralClock } from './safeguarding/referral-clock';
import { createServices, prepareDatabase } from './services';

/**
 * Starts Confide: migrate, make sure an administrator exists (printing the one-time password to the terminal on
 * first start), then serve until SIGINT/SIGTERM.
 */
export async function serve(overrides: Partial<Config> = {}) {
  const config = loadConfig(process.env, overrides);
  const services = createServices(config);
  await prepareDatabase(services);
  for (const step of startupSteps) await step(services);
  const admin = await ensureAdministrator(services);
  if (admin) {
    process.stdout.write(
      `\n  First start: created the administrator account.\n    username: ${admin.username}\n    one-time password: ${admin.password}\n  You must change it when you first sign in.\n\n`,
    );
  }
  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  // Scheduled work in this process, on the services' clock: concern escalation and overdue referrals, the breach
  // register's ICO clock and review flags, and e-mail delivery when SMTP_URL is set.
  const jobs = [startEscalationJob(services), startReferralClock(services), startBreachJobs(services), startOutboxSender(services)];
  // The port really bound (PORT=0 asks the system for a free one).
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  process.stdout.write(`  Confide is serving http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (${services.db.dialect}: ${services.db.location})\n`);
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
