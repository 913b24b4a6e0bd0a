import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startupGuide } from '../../src/cli/startup-guide';
import { chooseLogFormat, formatLogLine, prettyStream } from '../../src/lib/log-lines';

describe('the terminal (issue 13): readable log lines, what to do next, no stack trace on a closed pipe', () => {
  it('writes JSON lines when not at a terminal or when asked, readable lines at a terminal', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('auto', undefined)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('formats an access-log line as method, route pattern, status and time, and other lines as message and fields', () => {
    const t = new Date(2026, 2, 2, 9, 5, 7).getTime();
    expect(formatLogLine(JSON.stringify({ level: 30, time: t, pid: 1, hostname: 'h', reqId: 'r', actor: 'u', method: 'GET', route: '/api/people/:id', status: 200, ms: 3.1, msg: 'request' })))
      .toBe('09:05:07 INFO  GET /api/people/:id 200 3.1 ms\n');
    expect(formatLogLine(JSON.stringify({ level: 40, time: t, outbox: 'o1', attempts: 2, msg: 'e-mail delivery failed' })))
      .toBe('09:05:07 WARN  e-mail delivery failed  outbox=o1 attempts=2\n');
    const error = formatLogLine(JSON.stringify({ level: 50, time: t, err: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at f (a.ts:1:1)' }, msg: 'unhandled error' }));
    expect(error).toBe('09:05:07 ERROR unhandled error  error=TypeError: x is undefined\n    at f (a.ts:1:1)\n');
    expect(formatLogLine('not json')).toBe('not json\n');
  });

  it('the readable stream reassembles lines split across writes', async () => {
    let out = '';
    const stream = prettyStream({ write: (s: string) => { out += s; return true; } } as unknown as NodeJS.WritableStream);
    const line = JSON.stringify({ level: 30, time: 0, msg: 'serving', url: 'http://localhost:3000' });
    stream.write(line.slice(0, 10));
    stream.write(`${line.slice(10)}\n`);
    await new Promise<void>((r) => stream.end(r));
    expect(out).toMatch(/INFO {2}serving {2}url=http:\/\/localhost:3000\n$/);
  });

  it('tells a new administrator to sign in with the one-time password, create staff accounts, and try the demo', () => {
    const first = startupGuide({ url: 'http://localhost:3000', admin: { username: 'admin', password: 'Secret-One-Time' }, users: 1, people: 0, database: 'sqlite: ./data/confide.db', webBuilt: true });
    expect(first).toMatch(/Confide is serving http:\/\/localhost:3000/);
    expect(first).toMatch(/username: +admin[\s\S]*one-time password: Secret-One-Time/);
    expect(first).toMatch(/1\. Open http:\/\/localhost:3000 and sign in as the administrator with the one-time password above/);
    expect(first).toMatch(/2\. Create an account for each member of staff/);
    expect(first).toMatch(/3\. .*`npm run demo`/);
    const later = startupGuide({ url: 'http://localhost:3000', admin: null, users: 2, people: 2, database: 'postgres', webBuilt: true });
    expect(later).not.toMatch(/one-time password|npm run demo|Create an account|build:web/);
    expect(later).toMatch(/1\. Open http:\/\/localhost:3000 and sign in\./);
    // `confide serve` on a checkout whose web app was never built: say so before sending anyone to the address.
    const unbuilt = startupGuide({ url: 'http://localhost:3000', admin: null, users: 2, people: 2, database: 'postgres', webBuilt: false });
    expect(unbuilt).toMatch(/1\. Build the web app: run `npm run build:web`[\s\S]*2\. Open http:\/\/localhost:3000 and sign in\./);
  });

  it('`confide policy matrix | head -1` ends quietly: no EPIPE stack trace, exit 0', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-pipe-'));
    const run = spawnSync('bash', ['-c', 'set -o pipefail; npx tsx src/cli.ts policy matrix | head -1'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.status).toBe(0);
  }, 90_000);
});
