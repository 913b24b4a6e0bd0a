import { Command } from 'commander';
import { registerAccessCommands } from './cli/access';
import { failWith } from './cli/errors';
import { registerAuditCommands } from './cli/audit';
import { registerConsentCommands } from './cli/consent';
import { registerDemoCommands } from './cli/demo';
import { registerMaintenanceCommands } from './cli/maintenance';
import { registerNoticeCommands } from './cli/notices';
import { registerPeopleCommands } from './cli/people';
import { registerPolicyCommands } from './cli/policy';
import { registerSafeguardingCommands } from './cli/safeguarding';
import { registerTransferCommands } from './cli/transfer';
import { registerUserCommands } from './cli/users';
import { DomainError } from './lib/errors';
import { serve } from './server';

/**
 * The `confide` command. Each area registers its subcommands from src/cli/<area>.ts; keep this file a list.
 */
export function buildCli(): Command {
  const program = new Command('confide').description('Confide: case records that enforce a confidentiality policy').showHelpAfterError();
  program
    .command('serve')
    .description('serve the web app and API (PORT, DATA_DIR, DATABASE_URL)')
    .action(async () => {
      await serve();
    });
  registerAccessCommands(program);
  registerAuditCommands(program);
  registerConsentCommands(program);
  registerDemoCommands(program);
  registerMaintenanceCommands(program);
  registerNoticeCommands(program);
  registerPeopleCommands(program);
  registerPolicyCommands(program);
  registerSafeguardingCommands(program);
  registerTransferCommands(program);
  registerUserCommands(program);
  return program;
}

if (process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1])) {
  buildCli()
    .parseAsync(process.argv)
    .catch((error: Error) => {
      if (error instanceof DomainError) return failWith(error);
      process.stderr.write(`confide: ${error.message}\n`);
      process.exit(1);
    });
}
