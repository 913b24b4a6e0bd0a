import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { matrixPdf } from '../documents/matrix-pdf';
import { DomainError, invalidInput } from '../lib/errors';
import type { ClauseMapDocument } from '../policy/clauses';
import { buildMatrix, matrixMarkdown } from '../policy-document/matrix';
import { coverageOf } from '../policy-document/commands';
import { clauseMapSchema, loadPolicyBody } from '../policy-document/schema';
import { currentPolicy, installDefaultPolicy, storePolicy } from '../policy-document/store';
import { loadPolicyState } from '../policy-document/sync';
import { runUnit } from '../unit';
import { failWith } from './errors';
import { fail, withServices } from './shared';

/** `confide policy load FILE` and `confide policy matrix`. */
export function registerPolicyCommands(program: Command) {
  const policy = program.command('policy').description("the organisation's confidentiality policy");
  policy
    .command('load <file>')
    .description('load a new version of the policy (text or Markdown); staff must accept it again')
    .option('--title <title>', 'title of this version (default: the file name)')
    .option('--map <file>', 'clause map JSON {keys: {clauseKey: [clause ids]}, procedural: {clauseId: note}, planned: {clauseId: note}} (default: carry over the previous map)')
    .action(async (file: string, options: { title?: string; map?: string }) => {
      const text = readFileSync(file, 'utf8');
      let clauseMap: ClauseMapDocument | undefined;
      if (options.map) {
        const parsed = clauseMapSchema.safeParse(JSON.parse(readFileSync(options.map, 'utf8')));
        if (!parsed.success) return fail(`clause map: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        clauseMap = parsed.data;
      }
      // The same checks as the API (title, size, empty text), with the same field names.
      const input = loadPolicyBody.safeParse({ title: options.title ?? basename(file), text, clauseMap });
      if (!input.success) return failWith(invalidInput(input.error.issues.map((i) => `${i.path.join('.') === 'title' ? '--title' : i.path.join('.')}: ${i.message}`).join('; ')));
      await withServices(async (services) => {
        try {
          const doc = await runUnit(services, {
            actor: 'system', requestId: 'cli-policy-load',
            work: async (ctx) => {
              const { document, entry } = await storePolicy(ctx.db, input.data, null, ctx.nowIso, ctx.actor.policy);
              ctx.audit.add(entry);
              return document;
            },
          });
          process.stdout.write(`loaded "${doc.title}" as version ${doc.version}: ${doc.clauses.length} clauses. Staff must accept it before seeing confidential records. A running server cites the new clause numbers from its next request; no restart is needed.\n`);
          const { planned, uncovered, unmappedKeys } = coverageOf(doc);
          if (planned.length) process.stdout.write(`planned, not yet enforced: ${planned.join(', ')}\n`);
          if (uncovered.length) process.stderr.write(`warning: clauses with neither rules and tests nor a procedural or planned note (add them to the clause map): ${uncovered.join(', ')}\n`);
          if (unmappedKeys.length) process.stderr.write(`warning: rule clause keys no clause of this policy maps (decisions cite the key itself): ${unmappedKeys.join(', ')}\n`);
        } catch (error) {
          if (error instanceof DomainError) return failWith(error);
          throw error;
        }
      });
    });
  policy
    .command('matrix')
    .description('for every clause: the rules that enforce it, the tests that cover them, or its procedural note')
    .option('-f, --format <format>', 'md, json or pdf', 'md')
    .option('-o, --out <file>', 'write to a file (required for pdf)')
    .action(async (options: { format: string; out?: string }) => {
      if (!['md', 'json', 'pdf'].includes(options.format)) return fail('--format must be md, json or pdf');
      if (options.format === 'pdf' && !options.out) return fail('--out is required for pdf');
      await withServices(async (services) => {
        await installDefaultPolicy(services); // as at every start: the bundled sample until the organisation loads its own
        const doc = await currentPolicy(services.db.kysely);
        if (!doc) return fail('no policy loaded');
        const state = await loadPolicyState(services.db.kysely);
        const matrix = buildMatrix(doc, (ruleId) => state.modeOf(ruleId));
        const output =
          options.format === 'pdf' ? await matrixPdf(matrix, services.clock.now().toISOString())
          : options.format === 'json' ? `${JSON.stringify(matrix, null, 2)}\n`
          : `${matrixMarkdown(matrix)}\n`;
        if (options.out) writeFileSync(options.out, output);
        else process.stdout.write(output);
        if (matrix.summary.uncovered.length) process.stderr.write(`warning: clauses with neither rules and tests nor a procedural or planned note: ${matrix.summary.uncovered.join(', ')}\n`);
      });
    });
}
