import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ZodType } from 'zod';
import { recordConsent, withdrawConsent } from '../consent/commands';
import { consentHistory } from '../consent/queries';
import { kantaraReceipt, receiptModel } from '../consent/receipt';
import { historyQuery, recordConsentBody, withdrawBody } from '../consent/schema';
import { consentReceiptPdf } from '../documents/consent-receipt-pdf';
import { approvePurpose, createPurpose, loadPurpose, reapprovePurpose, retirePurpose } from '../purposes/commands';
import { listPurposes } from '../purposes/queries';
import { approveBody, createPurposeBody, listPurposesQuery, reapproveBody, retireBody } from '../purposes/schema';
import { asUser } from '../transfer/as-user';
import { TransferError } from '../transfer/csv';
import { runCommand } from './errors';
import { parseInput } from './input';
import { fail } from './shared';

const parse = <T>(schema: ZodType<T>, value: unknown, prefix = 'body') => parseInput(schema, value, prefix);

/** Reads a JSON file given on the console. */
function json(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new TransferError(`Cannot read JSON from ${file}.`);
  }
}

/** Prints a result as JSON. */
const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

/** Runs one console command as a named user, in one unit of work, and turns expected failures into exit codes. */
/** The purpose register and consent from the console (3.1, 1.3, 4.1), each command acting as a named user (--as). */
export function registerConsentCommands(program: Command) {
  const purposes = program.command('purposes').description('the purpose register (3.1 justify the purpose)');
  purposes.command('list').description('the register; --status review_due lists overdue reviews')
    .requiredOption('--as <username>', 'the user acting').option('--status <status>', 'draft, active, review_due or retired')
    .action((o: { as: string; status?: string }) => runCommand(async (s) => {
      const query = parse(listPurposesQuery, { status: o.status, limit: 200 }, 'query');
      print(await asUser(s, o.as, 'cli-purposes', (ctx) => listPurposes(ctx, query)));
    }));
  purposes.command('create').description('propose a purpose from a JSON file (the body of POST /api/purposes)')
    .requiredOption('--as <username>', 'a manager or the guardian').requiredOption('--file <file>', 'the purpose as JSON')
    .action((o: { as: string; file: string }) => runCommand(async (s) => {
      const body = parse(createPurposeBody, json(o.file));
      print(await asUser(s, o.as, 'cli-purposes', (ctx) => createPurpose(ctx, body)));
    }));
  purposes.command('approve').argument('<id>').description('approve a draft (a guardian who is not its author)')
    .requiredOption('--as <username>', 'a guardian').option('--review <date>', 'next review date, YYYY-MM-DD')
    .action((id: string, o: { as: string; review?: string }) => runCommand(async (s) => {
      const body = parse(approveBody, { nextReviewOn: o.review });
      print(await asUser(s, o.as, 'cli-purposes', async (ctx) => approvePurpose(ctx, id, Number((await loadPurpose(ctx, id)).version), body)));
    }));
  purposes.command('reapprove').argument('<id>').description('re-approve an active purpose at its review')
    .requiredOption('--as <username>', 'a guardian').requiredOption('--review <date>', 'next review date, YYYY-MM-DD')
    .action((id: string, o: { as: string; review: string }) => runCommand(async (s) => {
      const body = parse(reapproveBody, { nextReviewOn: o.review });
      print(await asUser(s, o.as, 'cli-purposes', async (ctx) => reapprovePurpose(ctx, id, Number((await loadPurpose(ctx, id)).version), body)));
    }));
  purposes.command('retire').argument('<id>').description('retire a purpose: it and its consents cover nothing from now')
    .requiredOption('--as <username>', 'a guardian').requiredOption('--reason <text>', 'why')
    .action((id: string, o: { as: string; reason: string }) => runCommand(async (s) => {
      const body = parse(retireBody, { reason: o.reason });
      print(await asUser(s, o.as, 'cli-purposes', async (ctx) => retirePurpose(ctx, id, Number((await loadPurpose(ctx, id)).version), body)));
    }));

  const consent = program.command('consent').description('informed consent per purpose and recipient (1.3, 4.1)');
  consent.command('record').argument('<personId>').description('record an answer from a JSON file (the body of POST /api/people/:id/consents)')
    .requiredOption('--as <username>', 'staff on the case team').requiredOption('--file <file>', 'the consent as JSON')
    .action((personId: string, o: { as: string; file: string }) => runCommand(async (s) => {
      const body = parse(recordConsentBody, json(o.file));
      print(await asUser(s, o.as, 'cli-consent', (ctx) => recordConsent(ctx, personId, body)));
    }));
  consent.command('withdraw').argument('<consentId>').description('record a withdrawal: it takes effect at once')
    .requiredOption('--as <username>', 'anyone on the case team').requiredOption('--method <method>', 'in_writing, orally or other').option('--note <text>')
    .action((id: string, o: { as: string; method: string; note?: string }) => runCommand(async (s) => {
      const body = parse(withdrawBody, { method: o.method, note: o.note });
      print(await asUser(s, o.as, 'cli-consent', (ctx) => withdrawConsent(ctx, id, body)));
    }));
  consent.command('history').argument('<personId>').description("a person's consent history, newest first")
    .requiredOption('--as <username>', 'the user acting')
    .action((personId: string, o: { as: string }) => runCommand(async (s) => {
      const query = parse(historyQuery, { limit: 200 }, 'query');
      print(await asUser(s, o.as, 'cli-consent', (ctx) => consentHistory(ctx, personId, query)));
    }));
  consent.command('receipt').argument('<consentId>').description('write the receipt (Kantara JSON or a one-page PDF) to a file')
    .requiredOption('--as <username>', 'the case team or management').requiredOption('-o, --output <file>', 'where to write it')
    .option('--format <format>', 'json or pdf', 'pdf')
    .action((id: string, o: { as: string; output: string; format: string }) => runCommand(async (s) => {
      if (o.format !== 'json' && o.format !== 'pdf') return fail('--format must be json or pdf');
      const format = o.format;
      const model = await asUser(s, o.as, 'cli-consent-receipt', (ctx) => receiptModel(ctx, id, format));
      writeFileSync(o.output, format === 'json' ? `${JSON.stringify(kantaraReceipt(model), null, 2)}\n` : await consentReceiptPdf(model, s.clock.now().toISOString()));
      process.stderr.write(`wrote the ${format} receipt of ${id} to ${o.output}\n`);
    }));
}
