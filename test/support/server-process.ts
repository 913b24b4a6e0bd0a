import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { PASSWORD } from '../factories';

/** A real `confide serve` process on a loopback port, and everything it printed. */
export interface ServerProcess { child: ChildProcess; base: string; output: () => string }

/**
 * Starts `confide serve` on a free loopback port with its own environment: DATA_DIR `dataDir`, and on PostgreSQL
 * (`pgSchema` given) the test server's database with that schema as search path. Resolves once it serves.
 */
export function startServer(options: { dataDir: string; pgSchema?: string; env?: Record<string, string> }): Promise<ServerProcess> {
  let databaseUrl = '';
  if (options.pgSchema) {
    const url = new URL(inject('pgUrl')!);
    url.searchParams.set('options', `-c search_path=${options.pgSchema}`);
    databaseUrl = url.toString();
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: options.dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', SMTP_URL: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); };
    child.on('exit', onExit);
    // The start-up guide names the address; it goes to stderr when stdout carries JSON log lines (not a terminal).
    const serving = () => {
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, base: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', serving);
    child.stderr!.on('data', serving);
  });
}

/** Stops a server: SIGTERM (a clean shutdown) unless `signal` says otherwise; resolves once it has exited. */
export async function stopServer(s: ServerProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill(signal);
  await exited;
}

/** An answer read in full. */
export interface Answer { status: number; headers: Headers; text: string; json: () => Record<string, unknown> }

/** A fetch client acting as one signed-in user against one server (cookie and CSRF header on every request). */
export function httpClient(server: ServerProcess, user: { cookie: string; csrf: string }) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(server.base + path, {
      method,
      headers: {
        cookie: `${SESSION_COOKIE}=${user.cookie}`, 'x-csrf-token': user.csrf,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
}

/** Signs in over HTTP (a session one process makes, every process honours). */
export async function signInOver(server: ServerProcess, username: string, password = PASSWORD) {
  const res = await fetch(server.base + '/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = await res.json() as Record<string, unknown>;
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '').split(';')[0].slice(SESSION_COOKIE.length + 1);
  return { status: res.status, cookie, csrf: body.csrfToken as string, body };
}
