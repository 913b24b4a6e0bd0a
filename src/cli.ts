import { Command } from 'commander';
import { registerAccessCommands } from './cli/access';
import { registerAgreementCommands } from './cli/agreements';
import { failWith } from './cli/errors';
import { registerAuditCommands } from './cli/audit';
import { registerConsentCommands } from './cli/consent';
import { registerBreachCommands } from './cli/breaches';
import { registerReviewCommands } from './cli/review';
import { registerDemoCommands } from './cli/demo';
import { registerDisclosureCommands } from './cli/disclosure';
import { registerMaintenanceCommands } from './cli/maintenance';
import { registerNoticeCommands } from './cli/notices';
import { registerPeopleCommands } from './cli/people';
import { registerPolicyCommands } from './cli/policy';
import { registerSafeguardingCommands } from './cli/safeguarding';
import { registerTransferCommands } from './cli/transfer';
import { registerUserCommands } from './cli/users';
import { isBusy } from './db/busy';
import { DomainError, invalidInput, unavailable } from './lib/errors';
import { textFaults } from './lib/text';
import { serve } from './server';
import { exitQuietlyOnClosedPipe } from './cli/startup-guide';

/**
 * The `confide` command. Each area registers its subcommands from src/cli/<area>.ts; keep this file a list.
 */
export function buildCli(): Command {
  const program = new Command('confide').description('Confide: case records that enforce a confidentiality policy').showHelpAfterError();
  // The rule every input over HTTP follows (src/lib/text.ts), for arguments that reach the database too.
  program.hook('preAction', (_program, action) => {
    const values: [string, unknown][] = [...action.args.map((a, i): [string, unknown] => [`argument ${i + 1}`, a]), ...Object.entries(action.opts())];
    const errors = values.flatMap(([name, v]) => textFaults(name.startsWith('argument') ? name : `--${name}`, v));
    if (errors.length) throw invalidInput(`Arguments must be valid Unicode text without NUL characters (${errors.map((e) => e.path).join(', ')}).`, errors);
  });
  program
    .command('serve')
    .description('serve the web app and API (PORT, DATA_DIR, DATABASE_URL)')
    .action(async () => {
      await serve();
    });
  registerAccessCommands(program);
  registerAgreementCommands(program);
  registerAuditCommands(program);
  registerConsentCommands(program);
  registerBreachCommands(program);
  registerDisclosureCommands(program);
  registerDemoCommands(program);
  registerMaintenanceCommands(program);
  registerNoticeCommands(program);
  registerPeopleCommands(program);
  registerPolicyCommands(program);
  registerReviewCommands(program);
  registerSafeguardingCommands(program);
  registerTransferCommands(program);
  registerUserCommands(program);
  return program;
}

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) {
  exitQuietlyOnClosedPipe();
  buildCli()
    .parseAsync(process.argv)
    .catch((error: Error) => {
      if (error instanceof DomainError) return failWith(error);
      if (isBusy(error)) return failWith(unavailable('The database is busy with other work (a lock was held too long); nothing was changed. Try again shortly.'));
      process.stderr.write(`confide: ${error.message}\n`);
      process.exit(1);
    });
}
