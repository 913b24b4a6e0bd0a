import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { isBusy } from '../db/busy';
import { DomainError, invalidInput, tooLarge, unavailable, unsupportedMediaType, zodFieldErrors, type ErrorKind, type FieldError } from '../lib/errors';

/**
 * An RFC 9457 problem: the wire form of an error. Use cases throw {@link DomainError}s; {@link toProblem} maps them
 * (and framework errors) to this, and {@link sendProblem} writes it as application/problem+json.
 */
export class Problem {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
    /** Seconds until the caller may try again: sent as Retry-After (a 503 always has one). */
    readonly retryAfter?: number,
  ) {}
  /** Stable type URI for the status. */
  get type(): string {
    return `https://confide.example/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

/** The HTTP status and problem title of each kind of domain error (the title also makes the problem's type URI). */
export const HTTP_STATUS: Record<ErrorKind, { status: number; title: string }> = {
  'invalid-input': { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Unauthenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'stale-version': { status: 412, title: 'Precondition failed' },
  'too-large': { status: 413, title: 'Content too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'version-required': { status: 428, title: 'Precondition required' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
};

/**
 * The field errors of a domain error as the client sees them: a stale version names the If-Match header, the way
 * the version reached the server.
 */
function wireFieldErrors(e: DomainError): FieldError[] | undefined {
  if (e.kind === 'stale-version' && e.currentVersion !== undefined) return [{ path: 'header.if-match', message: `stale version; current is ${e.currentVersion}` }];
  return e.errors;
}

/** The problem a domain error is rendered as: status and title from its kind; rule and clause, or a code, as extras. */
export function problemOf(e: DomainError): Problem {
  const { status, title } = HTTP_STATUS[e.kind];
  const extra = {
    ...(e.rule !== undefined || e.clause !== undefined ? { rule: e.rule, clause: e.clause } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
  };
  return new Problem(status, title, e.detail, wireFieldErrors(e), Object.keys(extra).length ? extra : undefined, e.retryAfter);
}

/** Renders a problem as application/problem+json. */
export function sendProblem(reply: FastifyReply, p: Problem) {
  const body: Record<string, unknown> = {
    type: p.type,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...(p.extra ?? {}),
    instance: reply.request.id,
  };
  if (p.retryAfter !== undefined && p.retryAfter > 0) reply.header('retry-after', String(Math.ceil(p.retryAfter)));
  else if (p.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(p.status).type('application/problem+json').send(body);
}

const FRAMEWORK_ERRORS: Record<string, (e: FastifyError) => Problem | DomainError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => tooLarge('The request body is larger than allowed.', [{ path: 'body', message: 'too large' }]),
  // Any type no parser reads where the route is, a form included where JSON is expected (src/app.ts, uploads).
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => unsupportedMediaType('Send JSON (application/json).', [{ path: 'header.content-type', message: 'expected application/json' }]),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => invalidInput('The JSON body is empty.', [{ path: 'body', message: 'empty' }]),
  // Fastify gives the same code for a key that could poison a prototype (`__proto__`, `constructor.prototype`).
  FST_ERR_CTP_INVALID_JSON_BODY: () => invalidInput('The body is not valid JSON, or uses a key that is not accepted (__proto__, constructor.prototype).', [{ path: 'body', message: 'invalid JSON or a refused key' }]),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => invalidInput('Content-Length does not match the body.', [{ path: 'header.content-length', message: 'mismatch' }]),
  FST_ERR_CTP_INVALID_TYPE: () => invalidInput('Invalid Content-Type.', [{ path: 'header.content-type', message: 'invalid' }]),
  FST_ERR_MAX_PARAM_LENGTH: () => new Problem(414, 'URI too long', 'A path parameter is too long.', [{ path: 'url', message: 'parameter too long' }]),
  FST_ERR_BAD_URL: () => invalidInput('The URL is malformed.', [{ path: 'url', message: 'malformed' }]),
  FST_ERR_ASYNC_CONSTRAINT: () => invalidInput('The request could not be routed.'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => unsupportedMediaType('Send multipart/form-data.', [{ path: 'header.content-type', message: 'expected multipart/form-data' }]),
  FST_REQ_FILE_TOO_LARGE: () => tooLarge('The file is larger than allowed.', [{ path: 'body.file', message: 'too large' }]),
  FST_FILES_LIMIT: () => invalidInput('Send one file per request.', [{ path: 'body.file', message: 'one file only' }]),
  FST_PARTS_LIMIT: () => invalidInput('Too many form parts.', [{ path: 'body', message: 'too many parts' }]),
  FST_FIELDS_LIMIT: () => invalidInput('Too many form fields.', [{ path: 'body', message: 'too many fields' }]),
};

/** Seconds a client is asked to wait after a 503 (Retry-After). */
export const RETRY_AFTER_SECONDS = 1;

/** Maps any thrown error to a problem; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): { problem: Problem; unexpected: boolean } {
  if (error instanceof DomainError) return { problem: problemOf(error), unexpected: false };
  if (isBusy(error)) {
    return { problem: problemOf(unavailable('The database is busy with other work; nothing was changed. Try again shortly.')), unexpected: false };
  }
  if (error instanceof ZodError) return { problem: problemOf(invalidInput('The request is invalid.', zodFieldErrors('body', error))), unexpected: false };
  const fe = error as FastifyError;
  if (fe && typeof fe.code === 'string' && Object.hasOwn(FRAMEWORK_ERRORS, fe.code)) {
    const known = FRAMEWORK_ERRORS[fe.code](fe);
    return { problem: known instanceof DomainError ? problemOf(known) : known, unexpected: false };
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Framework client errors carry no confidential values; keep the message generic all the same.
    return { problem: new Problem(fe.statusCode, 'Bad request', 'The request could not be processed.'), unexpected: false };
  }
  return { problem: new Problem(500, 'Internal server error', 'Something went wrong. The error was logged with this request id.'), unexpected: true };
}

/** Fastify error handler: problem+json always; logs server faults with the request id only. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { problem, unexpected } = toProblem(error);
  if (problem.status === 503) request.log.warn({ err: { type: (error as Error)?.name, code: (error as { code?: unknown })?.code } }, 'database busy: answered 503');
  if (unexpected) {
    // Log the error class and stack, never request bodies or record values.
    const e = error as Error;
    request.log.error({ err: { type: e?.name, message: redactMessage(e?.message), stack: e?.stack } }, 'unhandled error');
  }
  return sendProblem(reply, problem);
}

/** Database drivers can echo values in messages ("Key (email)=(x@y) already exists"); strip anything quoted. */
export function redactMessage(message: string | undefined): string {
  if (!message) return '';
  return message.replace(/\(([^)]*)\)=\([^)]*\)/g, '($1)=(…)').replace(/'[^']*'/g, "'…'").replace(/"[^"]*"/g, '"…"');
}
