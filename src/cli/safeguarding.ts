import type { Command } from 'commander';
import { OutboxSender, smtpDeliver } from '../notify/sender';
import { runEscalations } from '../safeguarding/escalation';
import { fail, withServices } from './shared';

/** `confide safeguarding escalate` and `confide outbox send`: the server's scheduled jobs, run once from the console. */
export function registerSafeguardingCommands(program: Command) {
  program
    .command('safeguarding')
    .description('safeguarding concerns (practice 4.1)')
    .command('escalate')
    .description('escalate every unacknowledged concern whose time is up, once (the server does this every SAFEGUARDING_CHECK_SECONDS)')
    .action(async () => {
      await withServices(async (services) => {
        const escalated = await runEscalations(services);
        process.stdout.write(escalated.length ? `escalated ${escalated.length} concern(s):\n${escalated.map((id) => `  ${id}`).join('\n')}\n` : 'no concern is due for escalation\n');
      });
    });

  program
    .command('outbox')
    .description('e-mail waiting to leave')
    .command('send')
    .description('deliver every e-mail that is due through SMTP_URL, once (the server does this every OUTBOX_POLL_SECONDS)')
    .action(async () => {
      await withServices(async (services) => {
        if (!services.config.smtpUrl) {
          const { n } = await services.db.kysely.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
          return fail(`SMTP_URL is not set: ${Number(n)} e-mail(s) wait in the outbox`);
        }
        const run = await new OutboxSender(services, smtpDeliver(services.config.smtpUrl)).deliverDue();
        process.stdout.write(`sent ${run.sent}, to retry ${run.retrying}, failed ${run.failed}\n`);
        if (run.failed) process.exitCode = 1;
      });
    });
}
