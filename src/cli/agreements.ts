import type { Command } from 'commander';
import type { ZodType } from 'zod';
import { checkAgreement } from '../agreements/covers';
import { agreementsDueForReview, getAgreement, listAgreements } from '../agreements/queries';
import { checkAgreementQuery, listAgreementsQuery, reviewDueQuery } from '../agreements/schema';
import type { Classification } from '../policy/types';
import { asUser } from '../transfer/as-user';
import { runCommand } from './errors';
import { parseInput } from './input';

/** The console option each query field is typed as, so an error names what the user wrote (`--days`, not `withinDays`). */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  withinDays: '--days', status: '--status', organisationId: '--organisation', purposeId: '--purpose', categories: '--categories',
};

const parse = <T>(schema: ZodType<T>, value: unknown) => parseInput(schema, value, 'query', OPTION_OF_FIELD);

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

/** Sharing agreements from the console (practice 5.1), each command acting as a named user (--as). */
export function registerAgreementCommands(program: Command) {
  const agreements = program.command('agreements').description('sharing agreements — joint working protocols (practice 5.1)');
  agreements.command('list').description('agreements by title; --status draft|signed|in_force|ended|terminated|superseded')
    .requiredOption('--as <username>', 'the user acting').option('--status <status>', 'shown status').option('--organisation <id>', 'a partner organisation')
    .action((o: { as: string; status?: string; organisation?: string }) => runCommand(async (s) => {
      const query = parse(listAgreementsQuery, { status: o.status, organisationId: o.organisation, limit: 200 });
      print(await asUser(s, o.as, 'cli-agreements', (ctx) => listAgreements(ctx, query)));
    }));
  agreements.command('show').argument('<id>').description('one agreement: parties, purposes, categories, conditions, signatories, dates')
    .requiredOption('--as <username>', 'the user acting')
    .action((id: string, o: { as: string }) => runCommand(async (s) => {
      print(await asUser(s, o.as, 'cli-agreements', (ctx) => getAgreement(ctx, id)));
    }));
  agreements.command('review-due').description('signed agreements whose end or review date falls within --days (default AGREEMENT_REVIEW_DAYS)')
    .requiredOption('--as <username>', 'the user acting').option('--days <n>', 'days ahead')
    .action((o: { as: string; days?: string }) => runCommand(async (s) => {
      const q = parse(reviewDueQuery, { withinDays: o.days });
      print(await asUser(s, o.as, 'cli-agreements', (ctx) => agreementsDueForReview(ctx, q.withinDays)));
    }));
  agreements.command('check').description('does a signed agreement in force cover this partner, purpose and information? (audited)')
    .requiredOption('--as <username>', 'the user acting').requiredOption('--organisation <id>', 'the partner').requiredOption('--purpose <id>', 'the purpose')
    .requiredOption('--categories <list>', 'comma-separated classifications')
    .action((o: { as: string; organisation: string; purpose: string; categories: string }) => runCommand(async (s) => {
      const q = parse(checkAgreementQuery, { organisationId: o.organisation, purposeId: o.purpose, categories: o.categories });
      print(await asUser(s, o.as, 'cli-agreements', (ctx) => checkAgreement(ctx, { organisationId: q.organisationId, purposeId: q.purposeId, categories: q.categories as Classification[] })));
    }));
}
