/**
 * The access log's cost per answer (issue 9), against its peer in the same run: what a request logged before —
 * a pino child logger made for the request, then `info()` through pino's default asynchronous destination — and
 * what it logs now: `request.log` made lazily (src/http/request-logger.ts) and the line written as text
 * (src/http/access-log.ts) into the buffered destination (src/lib/log-destination.ts). Both write to /dev/null, with
 * a new request id per line and a turn of the event loop every 50 lines, as a server's answers come.
 */
import { closeSync, openSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { writeAccessLine } from '../src/http/access-log';
import { LazyRequestLogger } from '../src/http/request-logger';
import { LineBuffer } from '../src/lib/log-destination';
import { newId } from '../src/lib/ids';
import { LOG_REDACT } from '../src/services';
import { type BenchOptions, type Row, log, median, round } from './lib';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** µs per line of `line()` over `n` lines. */
async function perLine(n: number, line: () => void): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    line();
    if (i % 50 === 49) await tick();
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

export async function benchLog(opts: BenchOptions) {
  const fd = openSync('/dev/null', 'w');
  const before: Logger = pino({ level: 'info', redact: LOG_REDACT }, pino.destination({ dest: fd, sync: false, minLength: 4096 }));
  const buffer = new LineBuffer(fd);
  const now: Logger = pino({ level: 'info', redact: LOG_REDACT }, buffer);
  const actor = newId();
  const fields = { actor, method: 'GET', route: '/api/people/:id', status: 200, ms: 1.2 };
  const targets = {
    before: () => before.child({ reqId: newId() }).info(fields, 'request'),
    now: () => {
      void new LazyRequestLogger(now as never, { reqId: 'unused' }, {});
      writeAccessLine(now, { reqId: newId(), ...fields });
    },
  };
  const n = opts.quick ? 50_000 : 200_000;
  for (const t of Object.values(targets)) await perLine(n / 4, t); // warm up
  // Rounds alternate the two, so load on the shared machine hits both alike; the ratio is the median of the rounds'.
  const rounds = opts.quick ? 3 : 7;
  const results = { before: [] as number[], now: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    results.before.push(await perLine(n, targets.before));
    results.now.push(await perLine(n, targets.now));
  }
  buffer.close();
  closeSync(fd);
  const ratios = results.now.map((x, i) => x / results.before[i]);
  const result = { linesPerRound: n, rounds, beforeMicros: round(median(results.before), 2), nowMicros: round(median(results.now), 2), ratio: round(median(ratios), 3) };
  log(`log: ${result.nowMicros} µs a line against ${result.beforeMicros} (${round(result.ratio * 100, 1)} %)`);
  const rows: Row[] = [
    { section: 'log', name: 'access line: lazy request logger + text line into the line buffer', value: `${result.nowMicros} µs` },
    { section: 'log', name: 'access line before: child logger + pino info into its default destination', value: `${result.beforeMicros} µs` },
    { section: 'log', name: 'access line now ÷ before, median of rounds', value: `${round(result.ratio * 100, 1)} %` },
  ];
  return { result, rows };
}
