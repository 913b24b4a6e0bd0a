import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSigner } from '../../src/audit/checkpoint';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connect';
import { createServices, prepareDatabase } from '../../src/services';

// SQLite only: the files under DATA_DIR are the embedded database's; PostgreSQL keeps its data elsewhere.
const modeOf = (path: string) => statSync(path).mode & 0o777;
const doctor = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor'], { env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', DATA_DIR: dataDir }, encoding: 'utf8' });

describe('DATA_DIR and SQLite file modes (sqlite)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'confide-modes-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('3.7 secure-conditions: a fresh DATA_DIR is created owner-only (0700), with the database and its -wal and -shm files 0600', async () => {
    const dataDir = join(root, 'var', 'data');
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' });
    const services = createServices(config, { logger: pino({ level: 'silent' }) });
    try {
      await prepareDatabase(services);
      const db = join(dataDir, 'confide.db');
      // While the database is open in WAL mode, all three files exist.
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file).toString(8), file).toBe('600');
      }
      expect(modeOf(join(dataDir, 'audit-signing-key.pem')).toString(8)).toBe('600');
      // Every directory Confide made on the way is owner-only.
      expect(modeOf(dataDir).toString(8)).toBe('700');
      expect(modeOf(join(root, 'var')).toString(8)).toBe('700');
    } finally {
      await services.db.close();
    }
  });

  it('3.7 secure-conditions: the audit signing key, when it comes first, also creates DATA_DIR owner-only', () => {
    const dataDir = join(root, 'key-first');
    loadOrCreateSigner(dataDir);
    expect(modeOf(dataDir).toString(8)).toBe('700');
  });

  it('3.7 secure-conditions: a DATA_DIR the operator made is left as they made it; the database Confide creates in it is 0600', async () => {
    const dataDir = join(root, 'operator');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o750);
    const db = connect({ databaseUrl: '', dataDir });
    try {
      expect(modeOf(dataDir).toString(8)).toBe('750');
      expect(modeOf(db.location).toString(8)).toBe('600');
    } finally {
      await db.close();
    }
  });

  it('3.7 secure-conditions: doctor warns when the database file or DATA_DIR can be read by group or others, and not when they cannot', async () => {
    const dataDir = join(root, 'doctor');
    const db = connect({ databaseUrl: '', dataDir });
    await db.close();
    chmodSync(dataDir, 0o755);
    chmodSync(db.location, 0o644);
    const loose = doctor(dataDir);
    expect(loose.stdout).toMatch(/! DATA_DIR .* mode 755 lets others read it \(chmod 700\)/);
    expect(loose.stdout).toMatch(/! database file .* mode 644 lets others read it \(chmod 600\)/);
    chmodSync(dataDir, 0o700);
    chmodSync(db.location, 0o600);
    const tight = doctor(dataDir);
    expect(tight.stdout).not.toMatch(/lets others read it/);
    expect(tight.stdout).toMatch(/✓ DATA_DIR .* readable by its owner only/);
    expect(tight.stdout).toMatch(/✓ database file .* readable by its owner only/);
  }, 120_000);
});
