import type { Command } from 'commander';
import { equalityReport } from '../equality/report';
import { equalityReportQuery } from '../equality/schema';
import { runReviewChecks } from '../review/jobs';
import { reviewView } from '../review/overview';
import { listPolicyReviews, recordPolicyReview } from '../review/policy-reviews';
import { listPolicyReviewsQuery, recordPolicyReviewBody, reviewViewQuery } from '../review/schema';
import { asUser } from '../transfer/as-user';
import { runCommand } from './errors';
import { parseInput as parse } from './input';

/** The console options of the review view's query, so an error names what was typed (`--days`, not `withinDays`). */
const VIEW_OPTIONS = { withinDays: '--days', months: '--months', items: '--items' } as const;

const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

/**
 * `confide review …`: the management review from the console ("Monitoring and Review", 3.6; equality monitoring),
 * each command acting as a named user (--as) with exactly their rights, audited under them; `check` runs the
 * overdue-review flag once as the system.
 */
export function registerReviewCommands(program: Command) {
  const review = program.command('review').description('the management review (Monitoring and Review, 3.6): the review view, policy reviews, equality monitoring');
  review.command('show').description('the review view: counts, chart series and item ids of every section (managers)')
    .requiredOption('--as <username>', 'the manager acting').option('--days <n>', 'look ahead this many days').option('--months <n>', 'months of disclosures').option('--items <n>', 'items per section')
    .action((o: { as: string; days?: string; months?: string; items?: string }) => runCommand(async (s) => {
      const q = parse(reviewViewQuery, { withinDays: o.days, months: o.months, items: o.items }, 'query', VIEW_OPTIONS);
      print(await asUser(s, o.as, 'cli-review', (ctx) => reviewView(ctx, q)));
    }));
  review.command('record').description('record a review of the policy: outcome, notes and the next review date (managers)')
    .requiredOption('--as <username>', 'the manager acting').requiredOption('--outcome <outcome>', 'no_change | changes_needed | revised')
    .requiredOption('--notes <text>', 'what was reviewed and concluded').requiredOption('--next-review <date>', 'YYYY-MM-DD')
    .action((o: { as: string; outcome: string; notes: string; nextReview: string }) => runCommand(async (s) => {
      const body = parse(recordPolicyReviewBody, { outcome: o.outcome, notes: o.notes, nextReviewOn: o.nextReview }, 'body', { outcome: '--outcome', notes: '--notes', nextReviewOn: '--next-review' });
      print(await asUser(s, o.as, 'cli-review', (ctx) => recordPolicyReview(ctx, body)));
    }));
  review.command('history').description('the policy reviews, newest first, and when the next is due (managers)')
    .requiredOption('--as <username>', 'the manager acting')
    .action((o: { as: string }) => runCommand(async (s) => {
      const q = parse(listPolicyReviewsQuery, { limit: '200' }, 'query');
      print(await asUser(s, o.as, 'cli-review', (ctx) => listPolicyReviews(ctx, q)));
    }));
  review.command('equality').description('equality monitoring counts for a closed year or quarter, small numbers suppressed (managers)')
    .requiredOption('--as <username>', 'the manager acting').requiredOption('--characteristic <c>', 'ageBand | gender | ethnicity | disability | religion | sexualOrientation')
    .requiredOption('--period <p>', 'a closed year (2026) or quarter (2026-Q1)').option('--by <d>', 'none | service | quarter')
    .action((o: { as: string; characteristic: string; period: string; by?: string }) => runCommand(async (s) => {
      const q = parse(equalityReportQuery, { characteristic: o.characteristic, period: o.period, by: o.by }, 'query', { characteristic: '--characteristic', period: '--period', by: '--by' });
      print(await asUser(s, o.as, 'cli-review', (ctx) => equalityReport(ctx, q)));
    }));
  review.command('check').description('flag an overdue policy review to managers, once (the server runs it every BREACH_CHECK_SECONDS)')
    .action(() => runCommand(async (s) => {
      const flagged = await runReviewChecks(s);
      process.stdout.write(flagged ? `told ${flagged.recipients} manager(s): the policy review was due on ${flagged.dueOn}\n` : 'no overdue policy review to flag\n');
    }));
}
