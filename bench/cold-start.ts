/**
 * Cold start to first 200 (issue 3): spawn `node --import tsx src/cli.ts serve` on a fresh DATA_DIR and a free port,
 * poll /healthz until it answers 200. Then the same on the now-existing database (migrations already applied,
 * administrator already created). The first-start output (one-time password) is discarded, never printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchOptions, type Row, freePort, log, round, summarise } from './lib';

const ROOT = join(import.meta.dirname, '..');

/** Starts the server and resolves with milliseconds from spawn to the first 200 from /healthz. */
async function startOnce(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr.slice(0, 500)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return Number(process.hrtime.bigint() - t0) / 1e6;
      } catch {
        // not listening yet
      }
      if (Number(process.hrtime.bigint() - t0) > 60e9) throw new Error('server did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Cold start on a fresh DATA_DIR (SQLite), then restarts on the existing database. */
export async function benchColdStart(opts: BenchOptions) {
  const runs = opts.quick ? 1 : 3;
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-start-'));
    try {
      fresh.push(await startOnce(dataDir));
      existing.push(await startOnce(dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const f = summarise(fresh);
  const e = summarise(existing);
  log(`cold start: fresh ${round(f.p50, 0)} ms, existing database ${round(e.p50, 0)} ms`);
  const result = { runs, freshMs: fresh.map((x) => round(x, 0)), existingMs: existing.map((x) => round(x, 0)), freshMedianMs: round(f.p50, 0), existingMedianMs: round(e.p50, 0) };
  const rows: Row[] = [
    { section: 'start', name: 'cold start to first 200, fresh DATA_DIR', value: `${round(f.p50 / 1000, 2)} s`, goal: '< 5 s', ok: f.p50 < 5000 },
    { section: 'start', name: 'start on an existing database', value: `${round(e.p50 / 1000, 2)} s` },
  ];
  return { result, rows };
}
