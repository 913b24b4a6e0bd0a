import type { ZodError } from 'zod';
import './plain-messages'; // the validator's default messages in plain words, before anything is validated

/**
 * What can go wrong in a command or query, in the domain's own words. Use cases throw {@link DomainError}s of
 * these kinds and know nothing of the way they are shown: the HTTP layer (src/http/errors.ts) renders each kind as an
 * RFC 9457 problem with its status, the CLI (src/cli/errors.ts) as a message with an exit code of its own.
 */
export const ERROR_KINDS = [
  /** The input is wrong; `errors` names the fields at fault. */
  'invalid-input',
  /** No one is signed in, or the credentials are wrong. */
  'unauthenticated',
  /** The actor may not do this; `rule` and `clause` name what decided when the policy did. */
  'forbidden',
  /** No such record, or the actor may not know it exists (the two are never told apart). */
  'not-found',
  /** The request conflicts with the record's state (a duplicate, an ended grant, a closed case). */
  'conflict',
  /** The record changed since the caller loaded it; `currentVersion` says what it is now. */
  'stale-version',
  /** An update did not say which version it changes. */
  'version-required',
  /** The content (a file, a body) is larger than allowed. */
  'too-large',
  /** The content is of a kind that is not accepted (a file type, a body format). */
  'unsupported-media-type',
  /** Too many attempts; try again later. */
  'rate-limited',
  /** Something the system depends on (the database) cannot be reached. */
  'unavailable',
] as const;

/** One of {@link ERROR_KINDS}. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** One field at fault. `path` is a dotted path naming the input ("body.givenName", "row 3.email"). */
export interface FieldError {
  path: string;
  message: string;
}

/** What a domain error may carry besides its kind and its sentence. */
export interface ErrorFacts {
  /** The fields at fault. */
  errors?: FieldError[];
  /** forbidden: the id of the rule that decided. */
  rule?: string;
  /** forbidden: the policy clause that rule cites. */
  clause?: string;
  /** A stable code a client can act on (e.g. `password-change-required`), beyond the kind. */
  code?: string;
  /** stale-version: the record's version now. */
  currentVersion?: number;
  /** rate-limited: seconds until the caller may try again (sent as Retry-After). */
  retryAfter?: number;
}

/**
 * A failure a use case expects and explains. `detail` is a sentence for the person asking; it never holds a
 * confidential value (field names, never their contents).
 */
export class DomainError extends Error {
  readonly errors?: FieldError[];
  readonly rule?: string;
  readonly clause?: string;
  readonly code?: string;
  readonly currentVersion?: number;
  readonly retryAfter?: number;

  constructor(
    readonly kind: ErrorKind,
    readonly detail: string,
    facts: ErrorFacts = {},
  ) {
    super(detail);
    this.name = 'DomainError';
    this.errors = facts.errors;
    this.rule = facts.rule;
    this.clause = facts.clause;
    this.code = facts.code;
    this.currentVersion = facts.currentVersion;
    this.retryAfter = facts.retryAfter;
  }
}

/** The input is wrong: `detail` says how, `errors` which fields. */
export const invalidInput = (detail: string, errors?: FieldError[]) => new DomainError('invalid-input', detail, { errors });

/** An address the app does not serve (or a feature switched off, answered alike): one wording everywhere. */
export const nothingHere = () => new DomainError('not-found', 'There is nothing at this address.');

/** Missing and forbidden records are reported alike, so ids cannot be probed. */
export const notFound = (what = 'record') => new DomainError('not-found', `No ${what} with that id, or you do not have access to it.`);

/** The policy refused: its reason, and the rule and clause that decided. */
export const forbidden = (decision: { reason: string; ruleId: string; clause?: string }) =>
  new DomainError('forbidden', decision.reason, { rule: decision.ruleId, clause: decision.clause });

/** Refused for a reason that is not a policy rule (a read-only token, a cross-site request, a locked account). */
export const refused = (detail: string, facts: Pick<ErrorFacts, 'errors' | 'code' | 'rule' | 'clause'> = {}) => new DomainError('forbidden', detail, facts);

/** The request conflicts with the record's state. */
export const conflict = (detail: string, errors?: FieldError[]) => new DomainError('conflict', detail, { errors });

/** The record changed since the caller loaded it (optimistic concurrency). */
export const staleVersion = (current: number) =>
  new DomainError('stale-version', `The record has changed since you loaded it (now version ${current}). Reload and try again.`, { currentVersion: current });

/** An update must say which version it changes, so no update is lost. */
export const versionRequired = (detail: string, errors?: FieldError[]) => new DomainError('version-required', detail, { errors });

/** Not signed in, or the credentials do not hold. */
export const unauthenticated = (detail = 'Sign in to continue.', facts: Pick<ErrorFacts, 'errors' | 'code'> = {}) =>
  new DomainError('unauthenticated', detail, facts);

/** The content is larger than allowed. */
export const tooLarge = (detail: string, errors?: FieldError[]) => new DomainError('too-large', detail, { errors });

/** The content is of a kind that is not accepted. */
export const unsupportedMediaType = (detail: string, errors?: FieldError[]) => new DomainError('unsupported-media-type', detail, { errors });

/** Too many attempts; with `retryAfter`, the seconds until the caller may try again (Retry-After). */
export const rateLimited = (detail: string, facts: Pick<ErrorFacts, 'errors' | 'retryAfter'> = {}) => new DomainError('rate-limited', detail, facts);

/** A dependency cannot be reached. */
export const unavailable = (detail: string) => new DomainError('unavailable', detail);

/** Turns zod issues into field errors under a prefix ("body", "query", "params"). */
export function zodFieldErrors(prefix: string, error: ZodError): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].join('.'),
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
}
