import { statSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Services } from '../context';
import { DomainError } from '../lib/errors';
import { RollBack, asUser } from '../transfer/as-user';
import { MAX_IMPORT_BYTES, TransferError } from '../transfer/csv';
import { exportPeople } from '../transfer/export-people';
import { importPeople, importSummary, type ImportReport, type ImportTeam } from '../transfer/import-people';
import { failWith } from './errors';
import { fail, withServices } from './shared';

/** `confide export people`: the CSV as the named user may see it. Returns the CSV and a line for stderr. */
export async function cliExportPeople(services: Services, username: string): Promise<{ csv: string; rows: number }> {
  return asUser(services, username, 'cli-export', (ctx) => exportPeople(ctx));
}

/**
 * `confide import people`: reads FILE (at most 10 MB) and imports it as the named user, in one transaction that
 * is rolled back when any row fails (unless `partial`).
 */
export async function cliImportPeople(services: Services, file: string, username: string, partial: boolean, team: ImportTeam = {}): Promise<ImportReport> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new TransferError(`Cannot read ${file}.`);
  }
  if (size > MAX_IMPORT_BYTES) throw new TransferError(`The file is ${(size / 1048576).toFixed(1)} MB; at most 10 MB is imported at once.`);
  const text = readFileSync(file, 'utf8');
  return asUser(services, username, 'cli-import', async (ctx) => {
    const report = await importPeople(ctx, text, { partial, team });
    if (!report.committed) throw new RollBack(report);
    return report;
  });
}

/** Runs a transfer command, turning expected problems into a message and an exit code. */
async function run(fn: (services: Services) => Promise<void>) {
  try {
    await withServices(fn);
  } catch (error) {
    if (error instanceof TransferError) return fail(error.message);
    if (error instanceof DomainError) return failWith(error);
    throw error;
  }
}

/** Registers `confide export people` and `confide import people`. */
export function registerTransferCommands(program: Command) {
  program
    .command('export')
    .description('export records as CSV, as one user may see them (need to know and field redaction apply)')
    .argument('<what>', 'what to export: people')
    .requiredOption('--as <username>', 'the user whose need to know applies (the export is audited under them)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (what: string, options: { as: string; output?: string }) => {
      if (what !== 'people') return fail(`cannot export "${what}"; only "people" can be exported`);
      await run(async (services) => {
        const { csv, rows } = await cliExportPeople(services, options.as);
        if (options.output) {
          writeFileSync(options.output, csv, { mode: 0o600 });
          process.stderr.write(`exported ${rows} people to ${options.output}\n`);
        } else process.stdout.write(csv);
      });
    });
  program
    .command('import')
    .description('import records from CSV (all-or-nothing unless --partial), with a report by row; --service and --team-of say whose case team the people join')
    .argument('<what>', 'what to import: people')
    .argument('<file>', 'a CSV file whose header names API fields (givenName, familyName, kind, …)')
    .requiredOption('--as <username>', 'the user who records these people (their write permissions apply)')
    .option('--service <service>', 'open a first case for this service for each person, so they join a case team (required unless you see everyone)')
    .option('--team-of <username>', 'who leads those cases (default: you; naming a colleague is for managers)')
    .option('--partial', 'import the good rows and report the rest')
    .action(async (what: string, file: string, options: { as: string; partial?: boolean; service?: string; teamOf?: string }) => {
      if (what !== 'people') return fail(`cannot import "${what}"; only "people" can be imported`);
      await run(async (services) => {
        const report = await cliImportPeople(services, file, options.as, !!options.partial, { service: options.service, lead: options.teamOf });
        process.stdout.write(importSummary(report, !!options.partial));
        if (report.rejected > 0) process.exitCode = 1;
      });
    });
}
