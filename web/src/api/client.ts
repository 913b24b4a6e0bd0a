import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** One field at fault in a problem+json answer ("body.givenName"). */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem as the API sends it, with Confide's extras (the rule and clause of a refusal). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  rule?: string;
  clause?: string;
  code?: string;
}

/** A refused or failed request: the API's own words, never replaced by the app's. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `The request failed (${problem.status}).`);
  }
  get status() {
    return this.problem.status;
  }
  /** Field errors under `prefix` ("body"), by field name, one message per field. */
  fieldErrors(prefix = 'body'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (!e.path.startsWith(`${prefix}.`)) continue;
      const field = e.path.slice(prefix.length + 1).split('.')[0];
      out[field] ??= e.message;
    }
    return out;
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent as X-CSRF-Token on every write (from sign-in or GET /api/auth/me). */
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

const expiredListeners = new Set<() => void>();
/** Called when a signed-in request answers 401: the session ended (idle, expired or revoked). */
export function onSessionExpired(listener: () => void) {
  expiredListeners.add(listener);
  return () => void expiredListeners.delete(listener);
}

/** The typed client of the API (paths and inputs generated from GET /api/openapi.json). */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', headers: { accept: 'application/json' } });
api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !request.url.endsWith('/api/auth/sign-in') && !request.url.endsWith('/api/auth/me')) {
      for (const listener of expiredListeners) listener();
    }
    return response;
  },
});

/**
 * Awaits an API call and returns its data as `T` (the OpenAPI document describes inputs, not yet responses), or
 * throws an {@link ApiError} carrying the problem the API answered with.
 */
export async function call<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const problem = (error && typeof error === 'object' ? error : {}) as Partial<Problem>;
    throw new ApiError({ ...problem, status: response.status });
  }
  return data as T;
}

/** The ETag to send back in If-Match for a record version. */
export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
