import { cpus, freemem, totalmem, loadavg, platform, release, arch } from 'node:os';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Kysely } from 'kysely';
import { loadActor } from '../src/accounts/actor';
import { AuditBuffer } from '../src/audit/append';
import type { Ctx, Services } from '../src/context';
import type { Database } from '../src/db/schema';

/** Percentile of an ascending-sorted numeric array (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** p50 / p95 / p99 / mean of samples (sorted copy). */
export function summarise(samples: readonly number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean, max: s[s.length - 1] };
}

/** Rounds to `d` decimals for the report. */
export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Linux reports CPU time in clock ticks of USER_HZ, which is 100 a second. */
const ticksToMicros = (ticks: number) => (ticks * 1e6) / 100;

/**
 * CPU time (user + system) in µs of the process or thread whose Linux `/proc/…/stat` file is named, and its command
 * name; null when it cannot be read (another system, or the process ended meanwhile).
 */
export function procCpu(statFile: string): { name: string; micros: number } | null {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    return { name, micros: ticksToMicros(Number(fields[11]) + Number(fields[12])) }; // utime, stime
  } catch {
    return null;
  }
}

/** The whole machine's CPU time in µs since boot, busy and idle (Linux `/proc/stat`; zeros elsewhere). */
export function machineCpuMicros(): { busy: number; idle: number } {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: ticksToMicros(user + nice + system + irq + softirq + steal), idle: ticksToMicros(idle + iowait) };
  } catch {
    return { busy: 0, idle: 0 };
  }
}

/** What the figures were measured on. */
export function machineInfo() {
  const c = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  };
}

/** One line of the printed table. */
export interface Row {
  section: string;
  name: string;
  value: string;
  goal?: string;
  ok?: boolean | null;
}

/** Prints rows as an aligned table. */
export function printTable(rows: readonly Row[]) {
  const head = ['section', 'measurement', 'value', 'goal', ''];
  const body = rows.map((r) => [r.section, r.name, r.value, r.goal ?? '', r.ok == null ? '' : r.ok ? 'ok' : 'MISSED']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  process.stdout.write(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n\n`);
}

/** Logs progress to stderr so stdout stays the table. */
export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Time a function in milliseconds. */
export async function timeMs<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e6];
}

/** The options every section receives. */
export interface BenchOptions {
  quick: boolean;
  pgUrl: string | null;
}

/** A unit's context for a benchmark user, read through `db` with the policy in force (no transaction, no audit append). */
export async function benchCtx(db: Kysely<Database>, services: Services, userId: string): Promise<Ctx> {
  const now = new Date();
  const facts = await loadActor(db, userId, now.toISOString());
  if (!facts) throw new Error(`benchmark actor ${userId} missing`);
  const actor = { ...facts, policy: await services.policy.current(db) };
  return { db, actor, now, nowIso: now.toISOString(), requestId: 'bench', audit: new AuditBuffer(), services };
}
