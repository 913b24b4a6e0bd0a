import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Services } from '../context';
import { invalidInput } from '../lib/errors';
import { createNotice } from '../notices/commands';
import { getNotice, listNotices } from '../notices/queries';
import { createNoticeBody } from '../notices/schema';
import { asUser } from '../transfer/as-user';
import { TransferError } from '../transfer/csv';
import { runCommand } from './errors';

/** What `confide notices publish` takes: the file, who publishes it, its language, and optional title and version. */
export interface PublishNoticeOptions {
  as: string;
  language: string;
  title?: string;
  translationOf?: string;
  draft?: boolean;
}

/** The title of a notice file: --title, else its first Markdown heading. */
function titleOf(text: string, given?: string): string | undefined {
  return given ?? /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
}

/**
 * `confide notices publish FILE`: a new version of the notice (or a translation of one) from a text or Markdown file,
 * published as the named user (management or the guardian; the same checks and audit as the API).
 */
export async function cliPublishNotice(services: Services, file: string, options: PublishNoticeOptions) {
  let text: string;
  try {
    if (statSync(file).size > 1024 * 1024) throw new TransferError(`${file} is larger than 1 MB.`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof TransferError) throw error;
    throw new TransferError(`Cannot read ${file}.`);
  }
  const translationOf = options.translationOf === undefined ? undefined : Number(options.translationOf);
  const input = createNoticeBody.safeParse({ title: titleOf(text, options.title), body: text, language: options.language, translationOf, publish: !options.draft });
  if (!input.success) {
    const flag: Record<string, string> = { title: '--title (or a "# heading" in the file)', body: 'the file', language: '--language', translationOf: '--translation-of' };
    throw invalidInput(input.error.issues.map((i) => `${flag[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '));
  }
  return asUser(services, options.as, 'cli-notices-publish', (ctx) => createNotice(ctx, input.data));
}

/** Runs a notices command, turning expected problems into a message and an exit code. */
/** Registers `confide notices publish|list|show`. */
export function registerNoticeCommands(program: Command) {
  const notices = program.command('notices').description("the organisation's privacy / confidentiality notice, given at first contact (4.1)");
  notices
    .command('publish <file>')
    .description('publish a new version of the notice (or a translation of a version) from a text or Markdown file')
    .requiredOption('--as <username>', 'who publishes it: a manager or the guardian (audited under them)')
    .requiredOption('--language <tag>', 'its language, e.g. en, cy, pl')
    .option('--title <title>', 'its title (default: the first "# heading" of the file)')
    .option('--translation-of <version>', 'the version this file translates (default: a new version)')
    .option('--draft', 'keep it as a draft to publish later')
    .action(async (file: string, options: PublishNoticeOptions) => {
      await runCommand(async (services) => {
        const n = await cliPublishNotice(services, file, options);
        process.stdout.write(`${n.status === 'published' ? 'published' : 'saved as a draft'}: version ${n.version} in "${n.language}", "${n.title}" (${n.id})${n.current ? ', now the current notice in that language' : ''}\n`);
      });
    });
  notices
    .command('list')
    .description('every version in every language, newest first')
    .requiredOption('--as <username>', 'who reads them')
    .option('--language <tag>', 'only this language')
    .action(async (options: { as: string; language?: string }) => {
      await runCommand(async (services) => {
        const { items } = await asUser(services, options.as, 'cli-notices-list', (ctx) => listNotices(ctx, { language: options.language }));
        if (!items.length) return void process.stdout.write('no notice has been published yet\n');
        for (const n of items) process.stdout.write(`v${n.version}\t${n.language}\t${n.status}${n.current ? ' (current)' : ''}\t${n.publishedAt ?? '-'}\t${n.title}\t${n.id}\n`);
      });
    });
  notices
    .command('show <id>')
    .description('one version with its text')
    .requiredOption('--as <username>', 'who reads it')
    .action(async (id: string, options: { as: string }) => {
      await runCommand(async (services) => {
        const n = await asUser(services, options.as, 'cli-notices-show', (ctx) => getNotice(ctx, id));
        process.stdout.write(`${n.title}\nversion ${n.version}, ${n.language}, ${n.status}${n.current ? ' (current)' : ''}${n.publishedAt ? `, published ${n.publishedAt}` : ''}\n\n${n.body}\n`);
      });
    });
}
