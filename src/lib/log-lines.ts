import { Writable } from 'node:stream';

/** How the process log is written: JSON lines (for log collectors) or readable lines (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Keys every pino line has, or that the readable line already shows. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'method', 'route', 'status', 'ms', 'actor', 'v']);

/** "json" when asked, or when stdout is not a terminal (piped into a collector, a file, systemd); "pretty" otherwise. */
export function chooseLogFormat(asked: 'auto' | LogFormat, isTTY: boolean | undefined): LogFormat {
  return asked === 'auto' ? (isTTY ? 'pretty' : 'json') : asked;
}

const two = (n: number) => String(n).padStart(2, '0');
const clock = (t: number) => {
  const d = new Date(t);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};

/** The remaining fields of a line as `key=value`, nested objects as compact JSON (never a multi-line dump). */
function extras(o: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (SHOWN.has(k) || v === undefined) continue;
    if (k === 'err' && v && typeof v === 'object') {
      const e = v as { type?: string; message?: string; code?: string; stack?: string };
      out.push(`error=${[e.type, e.code, e.message].filter(Boolean).join(': ')}`);
      continue;
    }
    out.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return out.length ? `  ${out.join(' ')}` : '';
}

/**
 * One JSON log line as a person reads it: "14:02:07 INFO  GET /api/people/:id 200 3.1 ms", or the message with its
 * fields. The access log's fields are already free of confidential values (route pattern, never the raw URL); this
 * only rearranges them. A line that is not JSON is passed through as it is. An error's stack is printed under it.
 */
export function formatLogLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[Number(o.level)] ?? String(o.level);
  const at = typeof o.time === 'number' ? clock(o.time) : '--:--:--';
  const body = o.msg === 'request' && o.method
    ? `${String(o.method)} ${String(o.route)} ${String(o.status)} ${String(o.ms)} ms`
    : String(o.msg ?? '');
  const stack = (o.err as { stack?: string } | undefined)?.stack;
  return `${at} ${level} ${body}${extras(o)}\n${stack && Number(o.level) >= 50 ? `${stack.split('\n').slice(1).join('\n')}\n` : ''}`;
}

/** A stream that takes pino's JSON lines and writes them readable to `out` (a terminal). */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const text = lines.filter(Boolean).map(formatLogLine).join('');
      if (text) out.write(text);
      done();
    },
    final(done) {
      if (pending) out.write(formatLogLine(pending));
      done();
    },
  });
}
