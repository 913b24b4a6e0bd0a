import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Services } from './context';
import { errorHandler, Problem, sendProblem, toProblem } from './http/errors';
import { registerRoutes } from './http/pipeline';
import { securityHeaders } from './http/security-headers';
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
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    genReqId: () => newId(),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 200 },
    // Router-level errors (bad URL encoding, over-long parameters) answer as problem+json too, without echoing the URL.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, toProblem(error).problem),
  });
  app.removeContentTypeParser('text/plain');

  // Every response: helmet's security headers (CSP, frame, referrer, …) and no caching of confidential answers.
  const headers = {
    ...securityHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: config.secureCookies === true,
      referrerPolicy: { policy: 'no-referrer' },
    }),
    'cache-control': 'no-store',
  };
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cookie);
  // preservePath: the name as sent reaches the upload checks, which refuse one with folders instead of cutting it short.
  await app.register(multipart, { preservePath: true, limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 12, fieldSize: 4096 } });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new Problem(404, 'Not found', 'There is nothing at this address.')));
  // The access log: route pattern (never the raw URL, which can carry a searched name), actor id, status, time.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { actor: request.actorId ?? null, method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });

  // Authorisation cannot be forgotten: a route added any other way than through the pipeline fails the build.
  app.addHook('onRoute', (r) => {
    if (!(r.config as { policy?: string } | undefined)?.policy) throw new Error(`Route ${String(r.method)} ${r.url} was registered without a policy action`);
  });
  registerRoutes(app, services, allRoutes());
  return app;
}
