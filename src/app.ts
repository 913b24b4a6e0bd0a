import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from './context';
import { errorHandler, problemOf, sendProblem, toProblem } from './http/errors';
import { cookieIsSecure } from './http/auth/cookies';
import { registerRoutes } from './http/pipeline';
import { writeAccessLine } from './http/access-log';
import { LazyRequestLogger } from './http/request-logger';
import { DATA_HEADERS, securityHeaders } from './http/security-headers';
import { nothingHere, unsupportedMediaType } from './lib/errors';
import { newId } from './lib/ids';
import { allRoutes } from './routes';

/**
 * Builds the Fastify app: security headers, cookies, uploads, problem+json errors, the access log and every route
 * through the pipeline. No business logic lives here.
 */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) => new LazyRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger,
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    genReqId: () => newId(),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 },
    // Router-level errors (bad URL encoding, over-long parameters) answer as problem+json too, without echoing the URL.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, toProblem(error).problem),
  });
  app.removeContentTypeParser('text/plain');
  // JSON is UTF-8 (RFC 8259 §8.1). A body labelled with another charset was parsed as UTF-8 all the same, reading
  // UTF-16 as garbage (issue 9): refuse it instead of guessing. Hooks here take a callback rather than return a
  // promise: they run on every request, and a promise each is a measurable share of a simple request's CPU.
  app.addHook('preParsing', (request, _reply, payload, done) => done(charsetFault(request.headers['content-type']), payload));

  // Every answer carries the data headers (src/http/security-headers.ts); a page replaces them with its own.
  // Strict-Transport-Security on every answer over https, as the cookie's Secure flag decides it: always with
  // SECURE_COOKIES=1, and in the default `auto` mode whenever the request came over https — directly, or behind a
  // proxy that says so (X-Forwarded-Proto, with TRUST_PROXY=1). It was sent only with SECURE_COOKIES=1 (issue 9).
  const hsts = securityHeaders({ strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true } })['strict-transport-security'];
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(DATA_HEADERS);
    if (cookieIsSecure(request, config)) reply.header('strict-transport-security', hsts);
    done();
  });
  await app.register(cookie);

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf(nothingHere())));
  // The access log: route pattern (never the raw URL, which can carry a searched name), actor id, status, time.
  app.addHook('onResponse', (request, reply, done) => {
    if (services.metrics.enabled) services.metrics.request(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    writeAccessLine(services.logger, {
      reqId: request.id, actor: request.actorId ?? null, method: request.method, route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10,
    });
    done();
  });

  // Authorisation cannot be forgotten: a route added any other way than through the pipeline fails the build.
  app.addHook('onRoute', (r) => {
    if (!(r.config as { policy?: string } | undefined)?.policy) throw new Error(`Route ${String(r.method)} ${r.url} was registered without a policy action`);
  });
  const routes = allRoutes();
  registerRoutes(app, services, routes.filter((r) => !r.multipart));
  // Uploads read multipart forms in a scope of their own: the plugin runs three hooks on every request it sees (and
  // adds a listener), which every other route paid for nothing. Elsewhere a form is a type no parser reads: 415.
  await app.register(async (uploads) => {
    // preservePath: the name as sent reaches the upload checks, which refuse one with folders instead of cutting it short.
    await uploads.register(multipart, { preservePath: true, limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 12, fieldSize: 4096 } });
    registerRoutes(uploads, services, routes.filter((r) => r.multipart));
  });
  return app;
}

/** The refusal of a JSON body labelled with a charset other than UTF-8, or null (any other body is not JSON's). */
function charsetFault(type: string | string[] | undefined): Error | null {
  if (typeof type !== 'string' || !/^application\/(?:[\w.+-]*\+)?json\b/i.test(type.trim())) return null;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase();
  if (!charset || charset === 'utf-8' || charset === 'utf8') return null;
  return unsupportedMediaType('Send JSON as UTF-8.', [{ path: 'header.content-type', message: `charset ${charset.slice(0, 40)} is not accepted; use utf-8` }]);
}
