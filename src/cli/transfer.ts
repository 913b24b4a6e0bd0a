import { appendFileSync, statSync, readFileSync, writeFileSync } from 'node:fs';

import type { Command } from 'commander';
import type { Services } from '../context';
import { RollBack, asUser } from '../transfer/as-user';
import { MAX_IMPORT_BYTES, toCsvRows, TransferError } from '../transfer/csv';
import { EXPORT_HEADER, exportPeoplePage, type ExportCursor } from '../transfer/export-people';
import { importPeople, importSummary, type ImportReport, type ImportTeam } from '../transfer/import-people';
import { runCommand } from './errors';
import { fail } from './shared';

/** Writes to standard output, waiting when the pipe is full (a large export must not pile up in memory). */
const writeOut = (chunk: string) => new Promise<void>((resolve) => (process.stdout.write(chunk) ? resolve() : process.stdout.once('drain', resolve)));

/**
 * `confide export people`: the CSV as the named user may see it. Each page of {@link EXPORT_PAGE} people is a unit
 * of work of its own — read, audited and committed in one short transaction — so a long export never holds the
 * database: on SQLite a single transaction over 300k people held the write lock for ~12 s and the running server
 * answered "database is locked" (issue 9). A page's rows are handed to `write` only once its audit entries are
 * committed, so nothing leaves without its record. Keyset paging by (sort key, id): a person renamed during the
 * export may appear on a later page as well, or not at all, like a list paged by hand. Every page checks that
 * `purposeId`, the purpose from the register the export serves (2.1), is in force. Without `write`, returns the
 * whole CSV.
 */
export async function cliExportPeople(services: Services, username: string, purposeId: string, write?: (chunk: string) => void | Promise<void>, pageSize = EXPORT_PAGE): Promise<{ csv: string; rows: number }> {
  const chunks: string[] = [];
  const sink = write ?? ((chunk: string) => void chunks.push(chunk));
  let rows = 0;
  let after: ExportCursor = null;
  do {
    const page = await asUser(services, username, 'cli-export', (ctx) => exportPeoplePage(ctx, after, purposeId, pageSize));
    await sink(toCsvRows(rows === 0 ? [EXPORT_HEADER, ...page.rows] : page.rows));
    rows += page.rows.length;
    after = page.next;
  } while (after);
  return { csv: chunks.join(''), rows };
}

/** People per page (and per transaction) of a console export. */
export const EXPORT_PAGE = 500;

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
/** Registers `confide export people` and `confide import people`. */
export function registerTransferCommands(program: Command) {
  program
    .command('export')
    .description('export records as CSV, as one user may see them (need to know and field redaction apply)')
    .argument('<what>', 'what to export: people')
    .requiredOption('--as <username>', 'the user whose need to know applies (the export is audited under them)')
    .requiredOption('--purpose <id>', 'the active purpose from the register the export serves (2.1; see `purposes list`)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (what: string, options: { as: string; purpose: string; output?: string }) => {
      if (what !== 'people') return fail(`cannot export "${what}"; only "people" can be exported`);
      await runCommand(async (services) => {
        // Written page by page as each is committed (a long export holds no transaction between pages).
        const output = options.output;
        if (output) writeFileSync(output, '', { mode: 0o600 });
        const write = output ? (chunk: string) => appendFileSync(output, chunk) : (chunk: string) => writeOut(chunk);
        const { rows } = await cliExportPeople(services, options.as, options.purpose, write);
        if (output) process.stderr.write(`exported ${rows} people to ${output}\n`);
      });
    });
  program
    .command('import')
    .description('import records from CSV (all-or-nothing unless --partial), with a report by row; --service, --purpose and --team-of say whose case team the people join and what their case is for')
    .argument('<what>', 'what to import: people')
    .argument('<file>', 'a CSV file whose header names API fields (givenName, familyName, kind, …)')
    .requiredOption('--as <username>', 'the user who records these people (their write permissions apply)')
    .option('--service <service>', 'open a first case for this service for each person, so they join a case team (required unless you see everyone)')
    .option('--purpose <id>', 'with --service: the purpose of the register those cases are held for, active (2.1)')
    .option('--team-of <username>', 'who leads those cases (default: you; naming a colleague is for managers)')
    .option('--partial', 'import the good rows and report the rest')
    .action(async (what: string, file: string, options: { as: string; partial?: boolean; service?: string; purpose?: string; teamOf?: string }) => {
      if (what !== 'people') return fail(`cannot import "${what}"; only "people" can be imported`);
      await runCommand(async (services) => {
        const report = await cliImportPeople(services, file, options.as, !!options.partial, { service: options.service, purpose: options.purpose, lead: options.teamOf });
        process.stdout.write(importSummary(report, !!options.partial));
        if (report.rejected > 0) process.exitCode = 1;
      });
    });
}
