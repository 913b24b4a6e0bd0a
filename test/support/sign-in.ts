import type { LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import type { TestUser } from '../factories';
import type { World } from './world';

let address = 0;
/** A fresh client address, so per-address throttling in one test does not spill into another. */
export const freshAddress = () => `198.51.100.${(++address % 250) + 1}`;

/** POST /api/auth/sign-in as a browser at `ip` would send it. */
export function signInRequest(world: World, body: Record<string, unknown>, options: { ip?: string; headers?: Record<string, string> } = {}) {
  return world.app.inject({
    method: 'POST', url: '/api/auth/sign-in', payload: body, remoteAddress: options.ip ?? freshAddress(),
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

/** The session cookie a response set, with its flags. */
export function sessionCookie(res: LightMyRequestResponse) {
  return (res.cookies as Array<{ name: string; value: string; httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string; maxAge?: number; expires?: Date }>).find((c) => c.name === SESSION_COOKIE);
}

/** Signs in and returns the user as the factories' `as()` client expects it. */
export async function signedIn(world: World, username: string, password: string, code?: string): Promise<TestUser & { body: Record<string, unknown> }> {
  const res = await signInRequest(world, { username, password, ...(code ? { code } : {}) });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { id: body.user.id, username, cookie: sessionCookie(res)!.value, csrf: body.csrfToken, body };
}

/** A bearer-token client. */
export function withToken(world: World, token: string) {
  const request = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    world.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return {
    get: (url: string) => request('GET', url),
    post: (url: string, body: unknown = {}) => request('POST', url, body),
    delete: (url: string) => request('DELETE', url),
  };
}
