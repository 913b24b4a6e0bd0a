import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { Kysely } from 'kysely';
import { AuditBuffer, fromDecision } from '../audit/append';
import { recordAuditNow } from '../audit/record';
import type { Database } from '../db/schema';
import type { Ctx, Services } from '../context';
import { decideAction, warnedRules } from '../policy/decide';
import type { Actor, Decision } from '../policy/types';
import { refusalTarget, routeTarget } from './route-target';
import { runUnit } from '../unit';
import { identifyCaller, recentCallerOf } from './authenticate';
import { readAccessEpoch, type Caller } from '../accounts/caller-cache';
import { safeEqual } from '../accounts/secrets';
import { forbidden, invalidInput, refused, unauthenticated, zodFieldErrors, type FieldError } from '../lib/errors';
import type { AnyRoute, PolicyRoute, PublicRoute, RouteInput } from './route';
import { textFaults } from '../lib/text';
import { SESSION_COOKIE } from './auth/cookies';

/** Headers whose values reach the database or a comparison as input. */
const INPUT_HEADERS = ['authorization', 'if-match', 'x-csrf-token'] as const;

/**
 * Refuses, before anything else, text no engine stores alike: a NUL or an unpaired surrogate in a path parameter,
 * query string, JSON body (values and keys), an input header or the session cookie (src/lib/text.ts). One check for
 * every route, public or not, so no field can be forgotten; multipart fields and file names are checked where the
 * form is read (src/attachments/store.ts).
 */
function rejectUnsafeText(def: AnyRoute, request: FastifyRequest) {
  const errors = textFaults('params', request.params);
  textFaults('query', request.query, errors);
  if (!def.multipart) textFaults('body', request.body, errors);
  for (const name of INPUT_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') textFaults(`header.${name}`, value, errors);
  }
  const session = request.cookies?.[SESSION_COOKIE];
  if (typeof session === 'string') textFaults(`cookie.${SESSION_COOKIE}`, session, errors);
  if (errors.length) throw invalidInput('Text must be valid Unicode without NUL characters.', errors);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the caller is authenticated, for the access log. */
    actorId?: string;
  }
  interface FastifyContextConfig {
    /** The policy action a route is registered under, or 'public'. Checked by the route-table test. */
    policy?: string;
  }
}

/** Validates params, query and body against the route's zod schemas, collecting every field at fault. */
function parseInput(def: AnyRoute, request: FastifyRequest, reply: FastifyReply): RouteInput<unknown, unknown, unknown> {
  const errors: FieldError[] = [];
  // A JSON body is an object: `null`, a list or a bare value was let through where a schema took an absent body.
  const raw = request.body;
  if (!def.multipart && raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    errors.push({ path: 'body', message: 'must be a JSON object' });
  }
  const params = parsePart(errors, 'params', def.params, request.params);
  const query = parsePart(errors, 'query', def.query, request.query);
  const body = def.multipart || errors.some((e) => e.path === 'body') ? undefined : parsePart(errors, 'body', def.body, request.body);
  if (errors.length) throw invalidInput('The request is invalid.', errors);
  return { params, query, body, request, reply };
}

/** One part of the input parsed by its schema (absent: nothing to parse), its faults added to `errors`. */
function parsePart(errors: FieldError[], prefix: 'params' | 'query' | 'body', schema: ZodType | undefined, value: unknown) {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? (prefix === 'body' ? undefined : {}));
  if (!r.success) errors.push(...zodFieldErrors(prefix, r.error));
  return r.success ? r.data : undefined;
}

/** Sends a handler's result: undefined → 204, otherwise JSON with the route's status. */
function send(def: AnyRoute, reply: FastifyReply, result: unknown) {
  if (reply.sent) return reply;
  if (result === undefined) return reply.code(204).send();
  return reply.code(def.status ?? 200).send(result);
}

function checkCaller(def: PolicyRoute, request: FastifyRequest, caller: Caller | null): Caller {
  if (!caller) throw unauthenticated();
  const { auth } = caller;
  request.actorId = auth.userId;
  if (UNSAFE.has(def.method)) {
    if (auth.kind === 'session') {
      const presented = request.headers['x-csrf-token'];
      if (typeof presented !== 'string' || !auth.csrfToken || !safeEqual(presented, auth.csrfToken)) {
        throw refused('Missing or invalid CSRF token.', { errors: [{ path: 'header.x-csrf-token', message: 'missing or invalid' }] });
      }
    } else if (!auth.scopes.includes('write')) {
      throw refused('This API token is read-only.');
    }
  }
  if (auth.mustChangePassword && def.action !== 'account.self') {
    throw refused('Change your one-time password before continuing.', { code: 'password-change-required' });
  }
  return caller;
}

/**
 * The one pipeline every authenticated route runs through, as ONE unit of work (src/unit.ts) together with its
 * audit entries: identify the caller inside the unit's transaction (after reading the access epoch) → CSRF/scope →
 * coarse policy check for the declared action → validate input → the handler → send once committed. A failed unit
 * is rolled back and its denials are recorded in the same transaction, so a refusal is never lost with the work it
 * refused.
 */
function policyHandler(services: Services, def: PolicyRoute) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    rejectUnsafeText(def, request);
    const now = services.clock.now();
    const identify = identifier(services, def, request, now);
    if (!def.receive) {
      const result = await runUnit(services, {
        actor: identify, requestId: request.id, now,
        work: handling(def, request, reply),
      });
      return send(def, reply, result);
    }
    // An upload is taken in before the unit of work (a slow client must not hold the transaction), so its caller
    // is admitted first, on their own; their refusals are recorded in a transaction of their own.
    const actor = await identify(services.db.kysely, () => {}, false); // read now: nothing checks it after
    const audit = new AuditBuffer();
    let input: RouteInput<unknown, unknown, unknown>;
    try {
      await gate(def, request, actor, audit, services.db.kysely);
      input = admit(def, request, reply, actor, audit);
      input.received = await def.receive(input, services);
    } catch (error) {
      await recordAuditNow(services, audit.denials(), { actorId: actor.id, requestId: request.id, at: now.toISOString() });
      throw error;
    }
    try {
      const result = await runUnit(services, { actor, requestId: request.id, now, audit, work: (ctx) => def.handler(ctx, input) });
      return send(def, reply, result);
    } finally {
      await def.release?.(input.received);
    }
  };
}

// The per-request functions below are made by factories at module level rather than declared inside the handler:
// the same code, without naming a new function on every request.

/**
 * Who is calling, with the access epoch that answer holds for given to `assume`: from the caller cache when the
 * unit runner checks that epoch after the work (PostgreSQL), else identified through `db` after reading it.
 */
function identifier(services: Services, def: PolicyRoute, request: FastifyRequest, now: Date) {
  return async (db: Kysely<Database>, assume: (epoch: number) => void, checkedAfter = services.units.checksEpochAfter): Promise<Actor> => {
    const recent = checkedAfter ? recentCallerOf(services, request, now) : undefined;
    const epoch = recent?.epoch ?? (await readAccessEpoch(db, services.db.sqlite));
    assume(epoch); // before any refusal from these facts (a password to change), so the runner checks it too
    return checkCaller(def, request, recent ? recent.caller : await identifyCaller(services, db, request, now, epoch)).actor;
  };
}

/** The unit's work for a route without an upload: the policy gate, then admit the input, then the handler. */
function handling(def: PolicyRoute, request: FastifyRequest, reply: FastifyReply) {
  return (ctx: Ctx) => gate(def, request, ctx.actor, ctx.audit, ctx.db) ?? def.handler(ctx, admit(def, request, reply, ctx.actor, ctx.audit));
}

/**
 * The coarse policy check: may they use this route at all. Null when they may — nothing more is done, no query: this
 * is every request's path. Otherwise a promise rejected with the 403, once the refusal is in `audit`.
 */
function gate(def: PolicyRoute, request: FastifyRequest, actor: Actor, audit: AuditBuffer, db: Kysely<Database>): Promise<never> | null {
  const refusal = decideAction(actor, def.action);
  return refusal ? refuse(def, request, refusal, audit, db) : null;
}

/**
 * Audits a refusal at the gate against the record the route names, with the person that record is about looked up
 * through `db` (src/http/route-target.ts), then throws the 403 — the same answer whether or not the record exists.
 */
async function refuse(def: PolicyRoute, request: FastifyRequest, refusal: Decision, audit: AuditBuffer, db: Kysely<Database>): Promise<never> {
  const target = await refusalTarget(db, def, request.params, request.body);
  audit.add(fromDecision(def.action, refusal, { ...target, detail: { route: def.url } }));
  throw forbidden(refusal);
}

/** Is the input valid, for a caller the gate let through. An allowed breach of a warn-only rule goes to `audit`. */
function admit(def: PolicyRoute, request: FastifyRequest, reply: FastifyReply, actor: Actor, audit: AuditBuffer) {
  const input = parseInput(def, request, reply);
  for (const rule of warnedRules(actor, def.action)) {
    // A forbid rule the organisation switched to warn-only: allowed, but recorded as the breach of policy it is.
    audit.add({ action: def.action, decision: 'allow', ...routeTarget(def.url, request.params), ruleId: rule.id, clause: actor.policy.clauseFor(rule.clauseKey), detail: { warnOnly: true, route: def.url } });
  }
  return input;
}

function publicHandler(services: Services, def: PublicRoute) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    rejectUnsafeText(def, request);
    const input = parseInput(def, request, reply);
    const result = await def.handler({ requestId: request.id, now: services.clock.now(), services }, input);
    return send(def, reply, result);
  };
}

/** Registers routes through the pipeline. Every route carries `config.policy` for the route-table test. */
export function registerRoutes(app: FastifyInstance, services: Services, routes: readonly AnyRoute[]) {
  for (const def of routes) {
    const declared = def as { public?: boolean; action?: string; method: string; url: string };
    if (!declared.public && !declared.action) throw new Error(`Route ${declared.method} ${declared.url} declares no policy action`);
    app.route({
      method: def.method,
      url: def.url,
      config: { policy: def.public ? 'public' : def.action },
      handler: def.public ? publicHandler(services, def as PublicRoute) : policyHandler(services, def as PolicyRoute),
    });
  }
}
