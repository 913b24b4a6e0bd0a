import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../config';
import { connect } from '../db/connect';
import { migrateToLatest, pendingMigrations } from '../db/migrate';
import { openToOthers } from '../lib/private-files';

/** `confide migrate` and `confide doctor`. */
export function registerMaintenanceCommands(program: Command) {
  program
    .command('migrate')
    .description('bring the database schema up to date (serve does this too)')
    .action(async () => {
      const config = loadConfig(process.env);
      const db = connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(db);
        process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}\n` : 'the database is up to date\n');
      } finally {
        await db.close();
      }
    });

  program
    .command('doctor')
    .description('check settings, data directory, database, migrations and the audit signing key')
    .action(async () => {
      let failures = 0;
      const line = (ok: boolean, text: string) => {
        if (!ok) failures++;
        process.stdout.write(`${ok ? '✓' : '✗'} ${text}\n`);
      };
      // A warning: worth fixing, but Confide runs (the exit status stays 0).
      const warn = (text: string) => process.stdout.write(`! ${text}\n`);
      // 3.7 secure conditions: what holds confidential information is readable by the account running Confide only.
      const ownerOnly = (what: string, path: string, fix: string) => {
        const mode = openToOthers(path);
        if (mode === null) line(true, `${what} readable by its owner only`);
        else warn(`${what} mode ${mode.toString(8)} lets others read it (chmod ${fix})`);
      };
      const [major, minor] = process.versions.node.split('.').map(Number);
      line(major > 20 || (major === 20 && minor >= 19), `Node.js ${process.versions.node} (needs ≥ 20.19)`);
      let config;
      try {
        config = loadConfig(process.env);
        line(true, 'settings parse');
      } catch (error) {
        line(false, (error as Error).message);
        process.exitCode = 1;
        return;
      }
      try {
        if (existsSync(config.dataDir)) accessSync(config.dataDir, constants.W_OK);
        line(true, `DATA_DIR ${config.dataDir} is writable${existsSync(config.dataDir) ? '' : ' (will be created)'}`);
      } catch {
        line(false, `DATA_DIR ${config.dataDir} is not writable`);
      }
      if (existsSync(config.dataDir)) ownerOnly(`DATA_DIR ${config.dataDir}`, config.dataDir, '700');
      const keyFile = join(config.dataDir, 'audit-signing-key.pem');
      if (existsSync(keyFile)) {
        const mode = statSync(keyFile).mode & 0o777;
        line((mode & 0o077) === 0, `audit signing key present${(mode & 0o077) === 0 ? ', readable by its owner only' : ` but mode ${mode.toString(8)} lets others read it (chmod 600)`}`);
      } else {
        line(true, 'audit signing key will be created on first start');
      }
      const db = connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await sql`select 1`.execute(db.kysely);
        line(true, `database reachable: ${db.dialect} ${db.location}`);
        if (db.dialect === 'sqlite') ownerOnly(`database file ${db.location}`, db.location, '600');
        const pending = await pendingMigrations(db);
        line(pending.length === 0, pending.length ? `${pending.length} migration(s) pending: run \`confide migrate\`` : 'migrations up to date');
      } catch (error) {
        line(false, `database not reachable (${db.location}): ${(error as Error).message.split('\n')[0]}`);
      } finally {
        await db.close().catch(() => undefined);
      }
      if (failures) process.exitCode = 1;
    });
}
