import type { Command } from 'commander';
import { DemoRefused, demoSummary, loadDemo } from '../demo/load';
import { fail, withServices } from './shared';

/**
 * `confide demo` (also `npm run demo`): loads the fictional demo organisation into the configured database.
 * Passwords come from CONFIDE_DEMO_PASSWORD or are generated and printed once, to stdout only.
 */
export function registerDemoCommands(program: Command) {
  program
    .command('demo')
    .description('load a clearly labelled, FICTIONAL demo organisation (refuses when people exist, unless --force)')
    .option('--force', 'load even though the database already holds people')
    .action(async (options: { force?: boolean }) => {
      await withServices(async (services) => {
        try {
          const result = await loadDemo(services, { force: options.force, password: process.env.CONFIDE_DEMO_PASSWORD });
          process.stdout.write(demoSummary(result));
        } catch (error) {
          if (error instanceof DemoRefused) return fail(error.message);
          throw error;
        }
      });
    });
}
