import type { Command } from 'commander';
import { explainAccess } from '../access/explain';
import { DomainError } from '../lib/errors';
import type { RecordType } from '../policy/types';
import { runUnit } from '../unit';
import { failWith } from './errors';
import { fail, withServices } from './shared';

/** `confide access explain`: the same explanation as GET /api/access/explain, for an operator at the console. */
export function registerAccessCommands(program: Command) {
  const access = program.command('access').description('need to know: who can see what, and why');
  access
    .command('explain')
    .description('explain whether a user can see a record (or one field, or do an action), citing rule and clause')
    .requiredOption('--user <username>', 'the user to explain for')
    .requiredOption('--record <type:id>', 'e.g. person:0190…, case:…, note:…, organisation:…')
    .option('--field <field>', 'one field, by API name (e.g. healthNotes)')
    .option('--action <action>', 'an action other than read (e.g. person.update)')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; record: string; field?: string; action?: string; json?: boolean }) => {
      const m = /^(person|case|note|attachment|organisation):([0-9a-f-]{36})$/.exec(options.record);
      if (!m) return fail('--record must be type:id, e.g. person:0190…');
      await withServices(async (services) => {
        const db = services.db.kysely;
        const user = await db.selectFrom('users').select('id').where('username', '=', options.user.toLowerCase()).executeTakeFirst();
        if (!user) return fail(`no user "${options.user}"`);
        try {
          // The operator at the console acts as the system, which has the guardian's oversight.
          const result = await runUnit(services, {
            actor: 'system', requestId: 'cli-access-explain',
            work: (ctx) => explainAccess(ctx, { userId: user.id, type: m[1] as RecordType, id: m[2], field: options.field, action: options.action }),
          });
          if (options.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          const lines = [
            `${result.allowed ? 'ALLOWED' : 'DENIED'}: ${result.user.username} → ${result.action} on ${result.record.type} ${result.record.id}${result.field ? ` (field ${result.field})` : ''}`,
            `  rule ${result.ruleId}, clause ${result.clause} (${result.clauseKey})`,
            `  ${result.reason}`,
            `  basis: ${result.basis.team ? `case team (${result.basis.team.teamRole})` : 'not on the team'}; ${result.basis.grants.length ? result.basis.grants.map((g) => `${g.kind} grant ${g.id} until ${g.expiresAt} [${g.classifications.join(', ')}]`).join('; ') : 'no active grants'}`,
            '  fields:',
            ...result.fields.map((f) => `    ${f.allowed ? '✓' : '✗'} ${f.field.padEnd(18)} ${f.classification.padEnd(12)} ${f.allowed ? '' : f.reason}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        } catch (error) {
          if (error instanceof DomainError) return failWith(error);
          throw error;
        }
      });
    });
}
