import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Services } from '../context';
import { verifyPack, type PackVerification } from '../disclosure/verify';
import { runUnit } from '../unit';
import { fail, withServices } from './shared';

/** Exit code of `disclosure verify` when the file is not a released pack as it went out. */
export const ALTERED_EXIT = 3;

/**
 * Checks a copy of a release pack against the register (4.3), as the system: intact (exit 0), naming the
 * disclosure and when it was released, or altered / not a released pack (exit 3). The check is audited.
 */
export async function verifyFile(services: Services, file: string): Promise<{ code: number; message: string; result: PackVerification }> {
  const bytes = readFileSync(file);
  const result = await runUnit(services, { actor: 'system', requestId: 'cli-disclosure-verify', work: (ctx) => verifyPack(ctx, bytes) });
  return result.intact
    ? { code: 0, message: `intact: disclosure ${result.reference} (${result.disclosureId}), released ${result.releasedAt}, ${result.format} pack, sha256 ${result.sha256}`, result }
    : { code: ALTERED_EXIT, message: `altered: sha256 ${result.sha256} is not the hash of any released pack in the register`, result };
}

/** `confide disclosure …`: checking release packs. */
export function registerDisclosureCommands(program: Command) {
  const disclosure = program.command('disclosure').description('third-party disclosure (4.3)');
  disclosure.command('verify').argument('<file>', 'a release pack (PDF or JSON)')
    .description('check a copy of a release pack against the register: intact or altered')
    .action((file: string) => withServices(async (s) => {
      let out: Awaited<ReturnType<typeof verifyFile>>;
      try {
        out = await verifyFile(s, file);
      } catch {
        return fail(`cannot read ${file}`);
      }
      if (out.code === 0) process.stdout.write(`${out.message}\n`);
      else fail(out.message, out.code);
    }));
}
