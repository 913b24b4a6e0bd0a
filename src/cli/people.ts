import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Services } from '../context';
import { informationUsePdf } from '../documents/information-use-pdf';
import { informationUse } from '../information-use/summary';
import { invalidInput } from '../lib/errors';
import { asUser } from '../transfer/as-user';
import { TransferError } from '../transfer/csv';
import { runCommand } from './errors';

/** Runs one console command in one unit of work as a named user; expected failures become exit codes. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options of `confide people information-use`. */
export interface InformationUseOptions {
  as: string;
  output: string;
  format: string;
}

/**
 * Writes "How your information is used" for a person to a file, as the named user in one unit of work (the same use
 * case, rules and audit entry as the API): a PDF to print or hand over, or the JSON. Answers the format written.
 */
export async function cliInformationUse(services: Services, personId: string, o: InformationUseOptions): Promise<'json' | 'pdf'> {
  if (o.format !== 'json' && o.format !== 'pdf') throw new TransferError('--format must be json or pdf');
  if (!UUID.test(personId)) throw invalidInput('The person id is not valid.', [{ path: 'params.id', message: 'must be a UUID' }]);
  const format = o.format;
  const model = await asUser(services, o.as, 'cli-information-use', (ctx) => informationUse(ctx, personId.toLowerCase(), format));
  writeFileSync(o.output, format === 'json' ? `${JSON.stringify(model, null, 2)}\n` : await informationUsePdf(model), { mode: 0o600 });
  return format;
}

/** People from the console: "How your information is used" (Caldicott 8, 4.1) written to a file. */
export function registerPeopleCommands(program: Command) {
  const people = program.command('people').description('the people the organisation supports');
  people.command('information-use').argument('<personId>')
    .description('write "How your information is used" for a person (their case team or a manager; audited)')
    .requiredOption('--as <username>', "staff on the person's case team, or a manager").requiredOption('-o, --output <file>', 'where to write it')
    .option('--format <format>', 'pdf or json', 'pdf')
    .action((personId: string, o: InformationUseOptions) => runCommand(async (s) => {
      const format = await cliInformationUse(s, personId, o);
      process.stderr.write(`wrote "How your information is used" (${format}) for ${personId} to ${o.output}\n`);
    }));
}
