import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { Ctx, PublicCtx, Services } from '../context';
import type { Action } from '../policy/actions';
import type { BodyTarget } from './route-target';

/** What a handler receives besides the context: validated input and the raw request/reply for headers. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
  /** What the route's `receive` step took in before the transaction (an upload spooled to disk). */
  received?: unknown;
}

interface RouteBase<P, Q, B> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  params?: ZodType<P>;
  query?: ZodType<Q>;
  /** JSON body schema. Use `multipart: true` instead for file uploads. */
  body?: ZodType<B>;
  multipart?: boolean;
  /** Status for a successful response (default 200, or 204 when the handler returns undefined). */
  status?: number;
  /** Extra responses to document besides the common ones. */
  responses?: Record<number, string>;
}

/** A route that runs as a signed-in actor, under a declared policy action, in one transaction. */
export interface PolicyRoute<P = unknown, Q = unknown, B = unknown> extends RouteBase<P, Q, B> {
  action: Action;
  public?: never;
  /**
   * For a route whose path names no record but whose body does (POST /api/disclosures: the person in `personIds`):
   * where in the body the record is named, in order. A refusal by the pipeline's coarse policy check is then audited
   * against that record and its subject person, as a route naming it in its path is (src/http/route-target.ts).
   */
  bodyTarget?: readonly BodyTarget[];
  /**
   * Takes in a request body that must not be read inside the database transaction (a file upload: a slow client
   * would hold the transaction, and on SQLite the one connection, for as long as it takes). Runs after
   * authentication and the policy check, before the transaction; its result arrives as `input.received`.
   */
  receive?: (input: RouteInput<P, Q, B>, services: Services) => Promise<unknown>;
  /** Lets go of what `receive` took in (a temporary file), once the unit has finished and before the answer is sent. */
  release?: (received: unknown) => Promise<void>;
  handler: (ctx: Ctx, input: RouteInput<P, Q, B>) => Promise<unknown>;
}

/** A route anyone may call (sign-in, health). Declared explicitly so the route-table test can see it. */
export interface PublicRoute<P = unknown, Q = unknown, B = unknown> extends RouteBase<P, Q, B> {
  public: true;
  action?: never;
  handler: (ctx: PublicCtx, input: RouteInput<P, Q, B>) => Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = PolicyRoute<any, any, any> | PublicRoute<any, any, any>;

/** Declares a route that requires a policy action. The only way to add an authenticated route. */
export const route = <P = unknown, Q = unknown, B = unknown>(def: PolicyRoute<P, Q, B>) => def as AnyRoute;

/** Declares a public route. */
export const publicRoute = <P = unknown, Q = unknown, B = unknown>(def: PublicRoute<P, Q, B>) => def as AnyRoute;
