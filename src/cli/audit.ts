import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportCheckpoint, type ExportedCheckpoint } from '../audit/checkpoint';
import { verifyAudit } from '../audit/verify';
import { fail, withServices } from './shared';

/** `confide audit verify` and `confide audit checkpoint export`. */
export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('the tamper-evident audit trail');
  audit
    .command('verify')
    .description('recompute the hash chain; exit 0 when intact, 1 naming the first bad entry')
    .option('--checkpoint <file...>', 'exported checkpoint file(s) to check the chain against (detects a removed tail)')
    .action(async (options: { checkpoint?: string[] }) => {
      const external = (options.checkpoint ?? []).map((f) => JSON.parse(readFileSync(f, 'utf8')) as ExportedCheckpoint);
      await withServices(async (services) => {
        const started = Date.now();
        const result = await verifyAudit(services.db.kysely, services.signer, external);
        if (result.ok) {
          process.stdout.write(`audit chain intact: ${result.checked} entries, head ${result.head.seq} ${result.head.hash.slice(0, 16)}…, ${result.checkpointsChecked} checkpoint(s), ${Date.now() - started} ms\n`);
        } else {
          fail(`audit chain BROKEN at entry ${result.problem!.seq}: ${result.problem!.message}`);
        }
      });
    });
  audit
    .command('checkpoint')
    .description('signed checkpoints of the audit chain')
    .command('export')
    .description('sign the current head and write it as JSON, to keep outside the database')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(async (options: { out?: string }) => {
      await withServices(async (services) => {
        const cp = await exportCheckpoint(services.db.kysely, services.signer, services.clock.now().toISOString());
        const text = `${JSON.stringify(cp, null, 2)}\n`;
        if (options.out) writeFileSync(options.out, text);
        else process.stdout.write(text);
      });
    });
}
