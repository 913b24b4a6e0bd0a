import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type { write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { writeAccessLine } from '../../src/http/access-log';
import { LineBuffer } from '../../src/lib/log-destination';
import { LazyRequestLogger } from '../../src/http/request-logger';

type Callback = (error: NodeJS.ErrnoException | null, written: number) => void;

/** A writer that records each write and lets the test decide how it ends. */
function recordingWriter() {
  const calls: { text: string; done: Callback }[] = [];
  const writer = ((_fd: number, bytes: Buffer, offset: number, length: number, _position: null, done: Callback) => {
    calls.push({ text: bytes.subarray(offset, offset + length).toString(), done });
  }) as unknown as typeof write;
  return { calls, writer };
}

const open: LineBuffer[] = [];
const buffer = (fd: number, options: ConstructorParameters<typeof LineBuffer>[1]) => {
  const b = new LineBuffer(fd, options);
  open.push(b);
  return b;
};
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

describe('the process log destination (issue 9): lines gathered and written in the background, none lost', () => {
  it('gathers lines until the threshold, then writes them in one write, in order', () => {
    const { calls, writer } = recordingWriter();
    const b = buffer(-1, { minLength: 20, writer });
    b.write('first line\n');
    expect(calls).toHaveLength(0);
    b.write('second line\n');
    expect(calls.map((c) => c.text)).toEqual(['first line\nsecond line\n']);
    b.write('third line, waiting while the write is on its way\n');
    expect(calls).toHaveLength(1); // one write at a time
    calls[0].done(null, 'first line\nsecond line\n'.length);
    expect(calls.map((c) => c.text)).toEqual(['first line\nsecond line\n', 'third line, waiting while the write is on its way\n']);
    calls[1].done(null, calls[1].text.length);
  });

  it('continues a partial write where it stopped, and retries a full pipe (EAGAIN) with nothing lost', async () => {
    const { calls, writer } = recordingWriter();
    const b = buffer(-1, { minLength: 1, writer });
    b.write('abcdef\n');
    calls[0].done(null, 3);
    expect(calls[1].text).toBe('def\n');
    calls[1].done(Object.assign(new Error('full'), { code: 'EAGAIN' }), 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls[2].text).toBe('def\n');
    calls[2].done(null, 4);
    b.write('next\n');
    expect(calls[3].text).toBe('next\n');
    calls[3].done(null, 5);
  });

  it('writes what is waiting and what was on its way synchronously when the process exits', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'confide-log-')), 'out.log');
    const fd = openSync(file, 'w');
    const { calls, writer } = recordingWriter(); // its writes never finish: the process exits first
    const b = buffer(fd, { minLength: 10, writer });
    b.write('on its way\n');
    b.write('waiting\n');
    expect(calls).toHaveLength(1);
    b.flushSync();
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('on its way\nwaiting\n');
  });

  it('loses no line when the server process exits straight after logging', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confide-log-'));
    const script = join(dir, 'log-then-exit.ts');
    writeFileSync(script, `import { LineBuffer } from ${JSON.stringify(join(import.meta.dirname, '../../src/lib/log-destination.ts'))};
      const b = new LineBuffer(1, { minLength: 1000 });
      for (let i = 0; i < 5000; i++) b.write(\`line \${i}\\n\`);
      process.exit(0);`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean);
    // A write still on its way at exit is written again rather than lost: every line, in order of first appearance.
    const seen = [...new Set(lines)];
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i}`));
  });

  it('writes the access line exactly as the logger would, and nothing when info lines are off', () => {
    const lines: string[] = [];
    const destination = { write: (line: string) => lines.push(line) };
    const fields = { reqId: 'r-1', actor: null, method: 'GET', route: '/api/people/:id', status: 404, ms: 1.5 };
    writeAccessLine(pino({ level: 'info' }, destination), fields);
    pino({ level: 'info' }, destination).child({ reqId: 'r-1' }).info({ actor: null, method: 'GET', route: '/api/people/:id', status: 404, ms: 1.5 }, 'request');
    const [ours, theirs] = lines.map((l) => ({ ...JSON.parse(l), time: 0 }));
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(ours).toEqual(theirs);
    writeAccessLine(pino({ level: 'warn' }, destination), fields);
    expect(lines).toHaveLength(2);
  });

  it("a request's own log lines carry its request id, the child made only when one is written", () => {
    const lines: string[] = [];
    const root = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    let children = 0;
    const counting = Object.assign(Object.create(root), { child: (...a: Parameters<typeof root.child>) => (children++, root.child(...a)) });
    const log = new LazyRequestLogger(counting, { reqId: 'r-2' }, {});
    expect(children).toBe(0);
    expect(log.level).toBe('info');
    log.warn({ code: 'SQLITE_BUSY' }, 'database busy: answered 503');
    log.error('unhandled error');
    expect(children).toBe(1);
    expect(lines.map((l) => [JSON.parse(l).reqId, JSON.parse(l).msg])).toEqual([['r-2', 'database busy: answered 503'], ['r-2', 'unhandled error']]);
  });
});
