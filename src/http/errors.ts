import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { Decision } from '../policy/types';

/** One field at fault. `path` is a JSON-pointer-like dotted path ("body.givenName", "row 3.email"). */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem. Throw it from anywhere below a route; the error handler renders it. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? title);
  }
  /** Stable type URI for the status. */
  get type(): string {
    return `https://confide.example/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }
}

/** 400 with the fields at fault. */
export const badRequest = (detail: string, errors?: FieldError[]) => new Problem(400, 'Bad request', detail, errors);
/** 404: missing and forbidden records answer the same, so IDs cannot be probed. */
export const notFound = (what = 'record') => new Problem(404, 'Not found', `No ${what} with that id, or you do not have access to it.`);
/** 403 with the policy's explanation. */
export const forbidden = (decision: Pick<Decision, 'reason' | 'ruleId' | 'clause'>) =>
  new Problem(403, 'Forbidden', decision.reason, undefined, { rule: decision.ruleId, clause: decision.clause });
/** 409: the request conflicts with the record's state. */
export const conflict = (detail: string, errors?: FieldError[]) => new Problem(409, 'Conflict', detail, errors);
/** 412: the If-Match version is stale. */
export const staleVersion = (current: number) =>
  new Problem(412, 'Precondition failed', `The record has changed since you loaded it (now version ${current}). Reload and try again.`, [
    { path: 'header.if-match', message: `stale version; current is ${current}` },
  ]);
/** 428: an update must say which version it changes. */
export const versionRequired = () =>
  new Problem(428, 'Precondition required', 'Send the If-Match header with the ETag you loaded, so no update is lost.', [
    { path: 'header.if-match', message: 'required' },
  ]);
/** 401. */
export const unauthenticated = (detail = 'Sign in to continue.') => new Problem(401, 'Unauthenticated', detail);

/** Turns zod issues into field errors under a prefix ("body", "query", "params"). */
export function zodFieldErrors(prefix: string, error: ZodError): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].join('.'),
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
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
  return reply.code(p.status).type('application/problem+json').send(body);
}

const FRAMEWORK_ERRORS: Record<string, (e: FastifyError) => Problem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new Problem(413, 'Content too large', 'The request body is larger than allowed.', [{ path: 'body', message: 'too large' }]),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new Problem(415, 'Unsupported media type', 'Send JSON (application/json).', [{ path: 'header.content-type', message: 'unsupported' }]),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => badRequest('The JSON body is empty.', [{ path: 'body', message: 'empty' }]),
  FST_ERR_CTP_INVALID_JSON_BODY: () => badRequest('The body is not valid JSON.', [{ path: 'body', message: 'invalid JSON' }]),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => badRequest('Content-Length does not match the body.', [{ path: 'header.content-length', message: 'mismatch' }]),
  FST_ERR_CTP_INVALID_TYPE: () => badRequest('Invalid Content-Type.', [{ path: 'header.content-type', message: 'invalid' }]),
  FST_ERR_MAX_PARAM_LENGTH: () => new Problem(414, 'URI too long', 'A path parameter is too long.', [{ path: 'url', message: 'parameter too long' }]),
  FST_ERR_BAD_URL: () => badRequest('The URL is malformed.', [{ path: 'url', message: 'malformed' }]),
  FST_ERR_ASYNC_CONSTRAINT: () => badRequest('The request could not be routed.'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => new Problem(415, 'Unsupported media type', 'Send multipart/form-data.', [{ path: 'header.content-type', message: 'expected multipart/form-data' }]),
  FST_REQ_FILE_TOO_LARGE: () => new Problem(413, 'Content too large', 'The file is larger than allowed.', [{ path: 'body.file', message: 'too large' }]),
  FST_FILES_LIMIT: () => badRequest('Send one file per request.', [{ path: 'body.file', message: 'one file only' }]),
  FST_PARTS_LIMIT: () => badRequest('Too many form parts.', [{ path: 'body', message: 'too many parts' }]),
  FST_FIELDS_LIMIT: () => badRequest('Too many form fields.', [{ path: 'body', message: 'too many fields' }]),
};

/** Maps any thrown error to a problem; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): { problem: Problem; unexpected: boolean } {
  if (error instanceof Problem) return { problem: error, unexpected: false };
  if (error instanceof ZodError) return { problem: badRequest('The request is invalid.', zodFieldErrors('body', error)), unexpected: false };
  const fe = error as FastifyError;
  if (fe && typeof fe.code === 'string' && FRAMEWORK_ERRORS[fe.code]) return { problem: FRAMEWORK_ERRORS[fe.code](fe), unexpected: false };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Framework client errors carry no confidential values; keep the message generic all the same.
    return { problem: new Problem(fe.statusCode, 'Bad request', 'The request could not be processed.'), unexpected: false };
  }
  return { problem: new Problem(500, 'Internal server error', 'Something went wrong. The error was logged with this request id.'), unexpected: true };
}

/** Fastify error handler: problem+json always; logs server faults with the request id only. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { problem, unexpected } = toProblem(error);
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
