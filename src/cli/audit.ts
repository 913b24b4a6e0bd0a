import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportCheckpoint, type ExportedCheckpoint } from '../audit/checkpoint';
import { registerSigner } from '../audit/signers';
import { verifyAudit } from '../audit/verify';
import { fail, withServices } from './shared';

/** `confide audit verify`, `confide audit register-key` and `confide audit checkpoint export`. */
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
          const keys = result.signers?.length ? ` signed by key(s) ${result.signers.join(', ')}` : '';
          process.stdout.write(`audit chain intact: ${result.checked} entries, head ${result.head.seq} ${result.head.hash.slice(0, 16)}…, ${result.checkpointsChecked} checkpoint(s)${keys}, ${Date.now() - started} ms\n`);
        } else {
          fail(`audit chain BROKEN at entry ${result.problem!.seq}: ${result.problem!.message}`);
        }
        // Verify only reads: it works from any DATA_DIR, each checkpoint checked against its registered key.
      }, { signing: false });
    });
  audit
    .command('register-key')
    .description("register this process's signing key (DATA_DIR/audit-signing-key.pem) so it may sign checkpoints beside other processes' keys")
    .action(async () => {
      await withServices(async (services) => {
        const outcome = await registerSigner(services.db.kysely, services.signer, services.clock.now().toISOString());
        process.stdout.write(outcome === 'registered'
          ? `registered audit signing key ${services.signer.keyId}; processes using ${services.config.dataDir} may now sign checkpoints\n`
          : `audit signing key ${services.signer.keyId} was already registered\n`);
      }, { signing: false });
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
