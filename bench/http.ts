/**
 * Authenticated, audited record read over HTTP (issues 3 and 4): GET /api/people/:id as a case-team staff member
 * with a session cookie, through the whole pipeline (session → actor → policy → read with decision facts →
 * field-level presentation → audit entry in the same transaction), against, in the SAME run and process:
 * - the fair peer: a bare Fastify route reading the same row from the same database handle, no pipeline, no audit;
 * - a bare hello-world Fastify route;
 * with 10 concurrent clients, and the audited and bare reads again with 40 (BENCH_HTTP_MANY_CONNECTIONS).
 * The server runs in a child process; autocannon runs here. Targets are interleaved over several rounds, so
 * background load on the shared machine hits all of them alike: the median req/s of each is reported, and each
 * ratio is the median of the rounds' own ratios (the two targets measured back to back in the same round).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { SERVER_NODE_FLAGS } from '../bin/node-flags.mjs';
import { type BenchOptions, type Row, log, machineCpuMicros, median, procCpu, round } from './lib';

interface ServerInfo {
  confidePort: number;
  barePort: number;
  personId: string;
  cookie: string;
  dialect: string;
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

function cannon(url: string, headers: Record<string, string>, seconds: number, connections: number): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, duration: seconds, connections, pipelining: 1 }, (err: Error | null, res: CannonResult) => (err ? reject(err) : resolve(res)));
  });
}

/**
 * CPU time of every PostgreSQL server process on this machine, in µs (Linux /proc; 0 elsewhere): what the
 * database spends per request is part of the cost on a machine that runs both.
 */
function postgresCpuMicros(): number {
  let micros = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const cpu = procCpu(`/proc/${pid}/stat`); // null: the process ended meanwhile
      if (cpu?.name === 'postgres') micros += cpu.micros;
    }
  } catch {
    return 0;
  }
  return micros;
}


/** Each round's ratio of one target's rate to another's, measured back to back in that round. */
const pairedRatios = (of: number[], to: number[]) => of.map((x, i) => x / to[i]);

async function startServer(env: Record<string, string>): Promise<{ info: ServerInfo; child: ReturnType<typeof fork>; ask: (m: string) => Promise<unknown> }> {
  const child = fork(join(import.meta.dirname, 'http-server.ts'), [], {
    execArgv: [...SERVER_NODE_FLAGS, '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ServerInfo));
    child.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
  });
  const ask = (m: string) => new Promise((resolve) => { child.once('message', resolve); child.send(m); });
  return { info, child, ask };
}

async function benchOne(dialect: 'sqlite' | 'postgres', opts: BenchOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-bench-http-'));
  const schema = `bench_http_${process.pid}`;
  const env: Record<string, string> = { BENCH_DATA_DIR: dataDir };
  if (dialect === 'postgres') {
    const c = new pg.Client({ connectionString: opts.pgUrl! });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    await c.end();
    env.BENCH_DATABASE_URL = opts.pgUrl!;
    env.BENCH_PG_SCHEMA = schema;
  }
  const { info, child, ask } = await startServer(env);
  try {
    const confide = `http://127.0.0.1:${info.confidePort}/api/people/${info.personId}`;
    const bareRead = `http://127.0.0.1:${info.barePort}/bare/people/${info.personId}`;
    const hello = `http://127.0.0.1:${info.barePort}/hello`;
    const headers = { cookie: info.cookie };
    const seconds = opts.quick ? 3 : 5;
    // Five rounds in a full run: each round measures the audited and the bare read back to back, and the ratio
    // reported is the median of the rounds' own ratios, so a burst of load on the shared machine that hits one
    // target's turn moves one round, not the figure.
    const rounds = opts.quick ? 2 : 5;
    const connections = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10); // concurrent clients (group commit needs company)
    // The audited and the bare read again with many clients: at 10, each audited read waits for a durable commit
    // that the bare read does not make, and that wait, not the server's CPU, can bound the rate; with more clients
    // waiting at once, the rate shows what the server can carry.
    const many = Number(process.env.BENCH_HTTP_MANY_CONNECTIONS ?? 40);
    // appHealthz: Confide's own public /healthz (helmet, request id, access log, no pipeline, no database), to show
    // how much of the gap is the app's HTTP layer rather than the pipeline.
    const all = {
      audited: { url: confide, headers, connections }, bareRead: { url: bareRead, headers: {}, connections },
      hello: { url: hello, headers: {}, connections },
      appHealthz: { url: `http://127.0.0.1:${info.confidePort}/healthz`, headers: {}, connections },
      auditedMany: { url: confide, headers, connections: many }, bareReadMany: { url: bareRead, headers: {}, connections: many },
    };
    type Name = keyof typeof all;
    type Target = (typeof all)[Name];
    // BENCH_HTTP_ONLY=audited (with BENCH_CPU_PROF=dir) profiles one target alone.
    const only = process.env.BENCH_HTTP_ONLY as Name | undefined;
    const targets: Partial<typeof all> = only ? { [only]: all[only] } : all;
    const names = Object.keys(targets) as Name[];
    const perTarget = () => Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
    const rps = perTarget();
    const p99 = perTarget();
    for (const t of Object.values(targets) as Target[]) await cannon(t.url, t.headers, 1, t.connections); // warm up the JIT and caches
    if (process.env.BENCH_CPU_PROF) await ask('profile-start');
    type Stats = { auditEntries: number; cpuMicros: number; mainThreadMicros: number };
    const before = (await ask('stats')) as Stats;
    let auditedRequests = 0;
    // Server CPU time per request (user + system of the server process), less sensitive to other load than req/s.
    const cpuPerRequest = perTarget();
    // The main thread's share of it: the thread that answers every request, and so what bounds the rate.
    const mainThreadPerRequest = perTarget();
    const pgCpuPerRequest = perTarget();
    // What bounds the rate: the share of the run the server's main thread was on a CPU (one thread answers every
    // request), and the share of the machine's CPU left idle (waiting, e.g. for a durable commit).
    const mainThreadBusy = perTarget();
    const machineIdle = perTarget();
    for (let r = 0; r < rounds; r++) {
      for (const name of names) {
        const t = targets[name]!;
        const s0 = (await ask('stats')) as Stats;
        const pg0 = postgresCpuMicros();
        const machine0 = machineCpuMicros();
        const wall0 = performance.now();
        const res = await cannon(t.url, t.headers, seconds, t.connections);
        const wallMicros = (performance.now() - wall0) * 1000;
        const machine1 = machineCpuMicros();
        const pg1 = postgresCpuMicros();
        const s1 = (await ask('stats')) as Stats;
        if (res.non2xx || res.errors) throw new Error(`${name}: ${res.non2xx} non-2xx responses, ${res.errors} errors`);
        rps[name].push(res.requests.average);
        p99[name].push(res.latency.p99);
        cpuPerRequest[name].push((s1.cpuMicros - s0.cpuMicros) / res.requests.total);
        mainThreadPerRequest[name].push((s1.mainThreadMicros - s0.mainThreadMicros) / res.requests.total);
        pgCpuPerRequest[name].push((pg1 - pg0) / res.requests.total);
        mainThreadBusy[name].push((s1.mainThreadMicros - s0.mainThreadMicros) / wallMicros);
        const idle = machine1.idle - machine0.idle;
        machineIdle[name].push(idle / (idle + machine1.busy - machine0.busy || 1));
        if (name === 'audited' || name === 'auditedMany') auditedRequests += res.requests.total;
      }
    }
    const after = (await ask('stats')) as Stats;
    if (process.env.BENCH_CPU_PROF) log(`http ${dialect}: profile written to ${((await ask('profile-stop')) as { profile: string }).profile}`);
    const med = (xs: Record<Name, number[]>, digits: number) => Object.fromEntries(names.map((n) => [n, round(median(xs[n]), digits)])) as Record<Name, number>;
    if (only) {
      // One target alone (profiling): its own figures; the ratios need its peers. The profile divides by these.
      const requests = rps[only].reduce((a, b) => a + b, 0) * seconds;
      log(`http ${dialect}: ${only} ${med(rps, 0)[only]} req/s (~${Math.round(requests)} requests measured), server CPU ${med(cpuPerRequest, 1)[only]} µs/request, main thread ${med(mainThreadPerRequest, 1)[only]} µs/request`);
      return null;
    }
    const toBareByRound = pairedRatios(rps.audited, rps.bareRead);
    const toBareManyByRound = pairedRatios(rps.auditedMany, rps.bareReadMany);
    // Each read at the better of its two rates in the round: what the server can carry of each, whichever number of
    // clients it carries it at (on PostgreSQL the bare read has run slower with 40 than with 10).
    const bestByRound = rps.audited.map((_, i) => Math.max(rps.audited[i], rps.auditedMany[i]) / Math.max(rps.bareRead[i], rps.bareReadMany[i]));
    const result = {
      dialect, connections, manyConnections: many, secondsPerRun: seconds, rounds,
      reqPerSec: med(rps, 0),
      p99LatencyMs: med(p99, 1),
      ratioToBareRead: round(median(toBareByRound), 3),
      ratioToBareReadByRound: toBareByRound.map((r) => round(r, 3)),
      // The same, with `manyConnections` clients.
      ratioToBareReadMany: round(median(toBareManyByRound), 3),
      ratioToBareReadManyByRound: toBareManyByRound.map((r) => round(r, 3)),
      // Each at the better of its rates with 10 and with `manyConnections` clients.
      ratioOfBestRates: round(median(bestByRound), 3),
      ratioOfBestRatesByRound: bestByRound.map((r) => round(r, 3)),
      ratioToHello: round(median(pairedRatios(rps.audited, rps.hello)), 3),
      serverCpuMicrosPerRequest: med(cpuPerRequest, 1),
      // PostgreSQL's own processes (loopback: on the same machine), per request; on SQLite it is idle.
      postgresCpuMicrosPerRequest: dialect === 'postgres' ? med(pgCpuPerRequest, 1) : null,
      mainThreadBusy: med(mainThreadBusy, 3),
      machineIdle: med(machineIdle, 3),
      allRounds: rps,
      auditEntriesWritten: after.auditEntries - before.auditEntries,
      auditedRequests,
    };
    log(`http ${dialect}: audited ${result.reqPerSec.audited} req/s, bare read ${result.reqPerSec.bareRead}, hello ${result.reqPerSec.hello} → ${round(result.ratioToBareRead * 100, 1)} % of bare read; ${many} clients: ${result.reqPerSec.auditedMany} vs ${result.reqPerSec.bareReadMany} → ${round(result.ratioToBareReadMany * 100, 1)} %`);
    return result;
  } finally {
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    if (child.connected) child.send('stop');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const c = new pg.Client({ connectionString: opts.pgUrl! });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
}

/** The lowest and highest of the rounds' ratios, in per cent. */
const percentRange = (ratios: number[]) => `${round(Math.min(...ratios) * 100, 1)}–${round(Math.max(...ratios) * 100, 1)} %`;

/** The HTTP benchmark on SQLite (the default deployment) and, unless --quick, PostgreSQL (the scale-out path). */
export async function benchHttp(opts: BenchOptions) {
  // BENCH_HTTP_DIALECTS=postgres (or sqlite) measures one engine alone, in a quick run too (profiling).
  const chosen = process.env.BENCH_HTTP_DIALECTS?.split(',');
  const wanted = (d: 'sqlite' | 'postgres') => (chosen ? chosen.includes(d) : d === 'sqlite' || !opts.quick);
  const results = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (!wanted(dialect) || (dialect === 'postgres' && !opts.pgUrl)) continue;
    const r = await benchOne(dialect, opts);
    if (r) results.push(r); // null: one target measured alone (BENCH_HTTP_ONLY), its figures logged
  }
  const rows: Row[] = [];
  for (const r of results) {
    rows.push(
      { section: `http ${r.dialect}`, name: 'audited read GET /api/people/:id', value: `${r.reqPerSec.audited} req/s` },
      { section: `http ${r.dialect}`, name: 'bare Fastify, same row, same db', value: `${r.reqPerSec.bareRead} req/s` },
      { section: `http ${r.dialect}`, name: 'bare Fastify hello world', value: `${r.reqPerSec.hello} req/s` },
      { section: `http ${r.dialect}`, name: 'Confide GET /healthz (app HTTP layer only)', value: `${r.reqPerSec.appHealthz} req/s` },
      {
        section: `http ${r.dialect}`, name: `audited ÷ bare read (fair peer), ${r.connections} clients, median of rounds (range)`,
        value: `${round(r.ratioToBareRead * 100, 1)} % (${percentRange(r.ratioToBareReadByRound)})`,
        goal: '≥ 50 %', ok: r.ratioToBareRead >= 0.5,
      },
      { section: `http ${r.dialect}`, name: `audited / bare read, ${r.manyConnections} clients`, value: `${r.reqPerSec.auditedMany} / ${r.reqPerSec.bareReadMany} req/s` },
      {
        section: `http ${r.dialect}`, name: `audited ÷ bare read, ${r.manyConnections} clients, median of rounds (range)`,
        value: `${round(r.ratioToBareReadMany * 100, 1)} % (${percentRange(r.ratioToBareReadManyByRound)})`,
      },
      {
        section: `http ${r.dialect}`, name: `audited ÷ bare read, each at its better rate (${r.connections} or ${r.manyConnections} clients)`,
        value: `${round(r.ratioOfBestRates * 100, 1)} % (${percentRange(r.ratioOfBestRatesByRound)})`,
      },
      { section: `http ${r.dialect}`, name: 'audited ÷ hello world', value: `${round(r.ratioToHello * 100, 1)} %` },
      {
        section: `http ${r.dialect}`, name: 'server CPU µs/request: audited / bare read / hello / healthz',
        value: `${r.serverCpuMicrosPerRequest.audited} / ${r.serverCpuMicrosPerRequest.bareRead} / ${r.serverCpuMicrosPerRequest.hello} / ${r.serverCpuMicrosPerRequest.appHealthz}`,
      },
    );
    const busyIdle = (audited: 'audited' | 'auditedMany', bare: 'bareRead' | 'bareReadMany') =>
      `${round(r.mainThreadBusy[audited] * 100, 0)} % / ${round(r.machineIdle[audited] * 100, 0)} % vs ${round(r.mainThreadBusy[bare] * 100, 0)} % / ${round(r.machineIdle[bare] * 100, 0)} %`;
    rows.push(
      { section: `http ${r.dialect}`, name: `server main thread busy / machine CPU idle: audited vs bare read, ${r.connections} clients`, value: busyIdle('audited', 'bareRead') },
      { section: `http ${r.dialect}`, name: `server main thread busy / machine CPU idle: audited vs bare read, ${r.manyConnections} clients`, value: busyIdle('auditedMany', 'bareReadMany') },
    );
    if (r.postgresCpuMicrosPerRequest) {
      rows.push({
        section: `http ${r.dialect}`, name: 'PostgreSQL server CPU µs/request: audited / bare read',
        value: `${r.postgresCpuMicrosPerRequest.audited} / ${r.postgresCpuMicrosPerRequest.bareRead}`,
      });
    }
  }
  return { result: results, rows };
}
