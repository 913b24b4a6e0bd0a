import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OutboxSender, smtpDeliver } from '../notify/sender';
import { runEscalations } from '../safeguarding/escalation';
import { runReferralClock } from '../safeguarding/referral-clock';
import { listReferrals } from '../safeguarding/referral-queries';
import { makeReferral } from '../safeguarding/referrals';
import { listReferralsQuery, referralBody } from '../safeguarding/schema';
import { asUser } from '../transfer/as-user';
import { invalidInput } from '../lib/errors';
import { runCommand } from './errors';
import { parseInput as parse } from './input';
import { fail, withServices } from './shared';

/** Reads a JSON file given on the console; an unreadable or malformed one is a 400 naming the option. */
function readJson(path: string, option: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw invalidInput(`--${option} must name a readable JSON file.`, [{ path: `option.${option}`, message: 'not a readable JSON file' }]);
  }
}

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

/** `confide safeguarding escalate` and `confide outbox send`: the server's scheduled jobs, run once from the console. */
export function registerSafeguardingCommands(program: Command) {
  const safeguarding = program.command('safeguarding').description('safeguarding concerns and referrals (practice 4.1–4.3)');
  safeguarding
    .command('escalate')
    .description('escalate every unacknowledged concern whose time is up, once (the server does this every SAFEGUARDING_CHECK_SECONDS)')
    .action(async () => {
      await withServices(async (services) => {
        const escalated = await runEscalations(services);
        process.stdout.write(escalated.length ? `escalated ${escalated.length} concern(s):\n${escalated.map((id) => `  ${id}`).join('\n')}\n` : 'no concern is due for escalation\n');
      });
    });

  safeguarding
    .command('referrals-check')
    .description('flag every referral whose record is incomplete past its deadline, once (the server does this every SAFEGUARDING_CHECK_SECONDS)')
    .action(async () => {
      await withServices(async (services) => {
        const flagged = await runReferralClock(services);
        process.stdout.write(flagged.length ? `flagged ${flagged.length} overdue referral(s):\n${flagged.map((id) => `  ${id}`).join('\n')}\n` : 'no referral is overdue\n');
      });
    });
  safeguarding
    .command('referrals')
    .description('referrals whose record is incomplete (default), overdue, or all — for the safeguarding leads and management')
    .requiredOption('--as <username>', 'the user acting').option('--view <view>', 'incomplete | overdue | all')
    .action((o: { as: string; view?: string }) => runCommand(async (s) => {
      const query = parse(listReferralsQuery, { view: o.view, limit: 200 }, 'option', { view: '--view' });
      print(await asUser(s, o.as, 'cli-referrals', (ctx) => listReferrals(ctx, query)));
    }));
  safeguarding
    .command('refer')
    .argument('<concernId>')
    .description("refer a concern to the local authority or the police: --answers names a JSON file with the API's body (the decision aid's answers, and `share`)")
    .requiredOption('--as <username>', 'the user acting').requiredOption('--answers <file>', 'JSON file: the referral')
    .action((concernId: string, o: { as: string; answers: string }) => runCommand(async (s) => {
      const body = parse(referralBody, readJson(o.answers, 'answers'), 'answers');
      print(await asUser(s, o.as, 'cli-referrals', (ctx) => makeReferral(ctx, concernId, body)));
    }));

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
