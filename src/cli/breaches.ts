import type { Command } from 'commander';
import type { ZodType } from 'zod';
import { reportBreach } from '../breaches/commands';
import { dismissFlag, listFlags, openFlagAsBreach } from '../breaches/flag-commands';
import { closeBreach, handleBreach } from '../breaches/handling';
import { runBreachChecks } from '../breaches/jobs';
import { getBreach, listBreaches } from '../breaches/queries';
import { closeBreachBody, dismissFlagBody, handleBreachBody, listBreachesQuery, listFlagsQuery, reportBreachBody } from '../breaches/schema';
import type { Ctx, Services } from '../context';
import { DomainError, invalidInput } from '../lib/errors';
import { asUser } from '../transfer/as-user';
import { TransferError } from '../transfer/csv';
import { failWith } from './errors';
import { parseInput } from './input';
import { fail, withServices } from './shared';

const parse = <T>(schema: ZodType<T>, value: unknown) => parseInput(schema, value, 'option');

/** A version given on the console (`--version 3`), as If-Match is over HTTP. */
function versionOf(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw invalidInput('--version must be the version you read, e.g. 3.', [{ path: 'option.version', message: 'not a version' }]);
  return Number(raw);
}

/** Runs one breach command as the named user (their need to know, in one unit of work), printing the result. */
async function asUserPrinting(username: string, requestId: string, work: (ctx: Ctx) => Promise<unknown>, print: (out: never) => string) {
  await withServices(async (services) => {
    try {
      const out = await asUser(services, username, requestId, work);
      process.stdout.write(print(out as never));
    } catch (error) {
      if (error instanceof DomainError) return failWith(error);
      if (error instanceof TransferError) return fail(error.message);
      throw error;
    }
  });
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** One line per breach: id, status, and — for those who review — the ICO clock. */
function breachLines(out: { items: Record<string, unknown>[] }): string {
  return out.items.map((b) => {
    const clock = b.clock as { state: string; deadlineAt: string; minutesLeft: number | null } | undefined;
    const left = clock?.minutesLeft == null ? '' : ` (${Math.floor(clock.minutesLeft / 60)}h ${Math.abs(clock.minutesLeft % 60)}m left)`;
    return [b.id, b.status, b.reportedAt, clock ? `ICO ${clock.state} — deadline ${clock.deadlineAt}${left}` : ''].join('\t');
  }).join('\n') + (out.items.length ? '\n' : 'no breaches\n');
}

/** `confide breaches check`: the ICO clock's warnings and the review flags, once (the server runs them every BREACH_CHECK_SECONDS). */
export async function cliBreachChecks(services: Services): Promise<string> {
  const { warned, flags } = await runBreachChecks(services);
  const lines = [
    warned.length ? `warned management of ${warned.length} breach deadline(s):` : 'no breach deadline needs a warning',
    ...warned.map((w) => `  ${w.breachId}\t${w.stage}`),
    flags.length ? `raised ${flags.length} review flag(s):` : 'no new review flag',
    ...flags.map((id) => `  ${id}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `confide breaches …`: the breach register from the console (clause 5; UK GDPR Art 33–34). Every command but
 * `check` runs as the user named by --as, with exactly their rights, and is audited under them.
 */
export function registerBreachCommands(program: Command) {
  const breaches = program.command('breaches').description('the breach register (clause 5): report, handle against the 72-hour ICO clock, review flags');
  breaches
    .command('report')
    .description('report a suspected breach (anyone working here)')
    .requiredOption('--as <username>', 'who reports it')
    .requiredOption('--text <report>', 'what happened, as far as you know')
    .option('--occurred-at <iso>', 'when it happened, if known (ISO 8601)')
    .action((o: { as: string; text: string; occurredAt?: string }) =>
      asUserPrinting(o.as, 'cli-breach-report', (ctx) => reportBreach(ctx, parse(reportBreachBody, { report: o.text, ...(o.occurredAt ? { occurredAt: o.occurredAt } : {}) })),
        (b: { data: { id: string; status: string } }) => `reported breach ${b.data.id} (${b.data.status}); management have been told\n`));
  breaches
    .command('list')
    .description('breaches you may see, overdue first')
    .requiredOption('--as <username>', 'whose view')
    .option('--status <status>', 'reported, assessing, contained or closed')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((o: { as: string; status?: string; limit: string; json?: boolean }) =>
      asUserPrinting(o.as, 'cli-breach-list', (ctx) => listBreaches(ctx, parse(listBreachesQuery, { limit: o.limit, ...(o.status ? { status: o.status } : {}) })),
        (out: { items: Record<string, unknown>[] }) => (o.json ? json(out) : breachLines(out))));
  breaches
    .command('show <id>')
    .description('one breach: the report, and for management and the guardian its handling and ICO clock')
    .requiredOption('--as <username>', 'whose view')
    .action((id: string, o: { as: string }) => asUserPrinting(o.as, 'cli-breach-show', (ctx) => getBreach(ctx, id), json));
  breaches
    .command('handle <id>')
    .description('record the handling (management): the fields of PATCH /api/breaches/:id as JSON')
    .requiredOption('--as <username>', 'the manager')
    .requiredOption('--version <n>', 'the version you read (as If-Match)')
    .requiredOption('--data <json>', 'e.g. \'{"containment":"…","icoDecision":"report"}\'')
    .action((id: string, o: { as: string; version: string; data: string }) =>
      asUserPrinting(o.as, 'cli-breach-handle', (ctx) => {
        let data: unknown;
        try {
          data = JSON.parse(o.data);
        } catch {
          throw invalidInput('--data must be JSON.', [{ path: 'option.data', message: 'not JSON' }]);
        }
        return handleBreach(ctx, id, versionOf(o.version), parse(handleBreachBody, data));
      }, json));
  breaches
    .command('close <id>')
    .description('close a contained breach once the ICO and people-told decisions are recorded (management)')
    .requiredOption('--as <username>', 'the manager')
    .requiredOption('--version <n>', 'the version you read (as If-Match)')
    .requiredOption('--note <text>', 'what was concluded, what changes')
    .action((id: string, o: { as: string; version: string; note: string }) =>
      asUserPrinting(o.as, 'cli-breach-close', (ctx) => closeBreach(ctx, id, versionOf(o.version), parse(closeBreachBody, { note: o.note })),
        (b: { data: { id: string } }) => `closed breach ${b.data.id}\n`));
  breaches
    .command('check')
    .description('warn of ICO deadlines and raise review flags, once (the server does this every BREACH_CHECK_SECONDS)')
    .action(() => withServices(async (services) => void process.stdout.write(await cliBreachChecks(services))));

  const flags = breaches.command('flags').description('review flags raised from the audit chain (management; the guardian those no manager is free to decide)');
  flags
    .command('list')
    .requiredOption('--as <username>', 'the manager (or the guardian)')
    .option('--status <status>', 'open, dismissed or breach', 'open')
    .option('--json', 'print JSON')
    .action((o: { as: string; status: string; json?: boolean }) =>
      asUserPrinting(o.as, 'cli-breach-flags', (ctx) => listFlags(ctx, parse(listFlagsQuery, { status: o.status })),
        (out: { items: { id: string; kind: string; userId: string | null; count: number; windowStart: string | null }[] }) =>
          o.json ? json(out) : out.items.map((f) => [f.id, f.kind, f.userId ?? '', f.count, f.windowStart ?? ''].join('\t')).join('\n') + (out.items.length ? '\n' : 'no flags\n')));
  flags
    .command('dismiss <id>')
    .requiredOption('--as <username>', 'the manager (or the guardian)')
    .requiredOption('--reason <text>', 'why it is not a breach')
    .action((id: string, o: { as: string; reason: string }) =>
      asUserPrinting(o.as, 'cli-breach-flag-dismiss', (ctx) => dismissFlag(ctx, id, parse(dismissFlagBody, { reason: o.reason }).reason), () => `dismissed flag ${id}\n`));
  flags
    .command('open <id>')
    .description('open a flag as a breach record: the ICO clock starts')
    .requiredOption('--as <username>', 'the manager (or the guardian)')
    .action((id: string, o: { as: string }) =>
      asUserPrinting(o.as, 'cli-breach-flag-open', (ctx) => openFlagAsBreach(ctx, id), (b: { data: { id: string } }) => `opened breach ${b.data.id}\n`));
}
