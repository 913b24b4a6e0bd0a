import { sha256, safeEqual } from '../accounts/secrets';
import { nothingHere, unauthenticated } from '../lib/errors';
import { publicRoute } from '../http/route';

/** The bearer token a scrape sends, or null. */
const bearer = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? null;

/**
 * GET /metrics for Prometheus (issue 9). Off unless METRICS_TOKEN is set (then it answers 404 like any unknown
 * address); on, a scrape must send `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time over hashes so
 * neither the token nor its length can be probed. The figures carry no record values (src/metrics/metrics.ts).
 */
export const metricsRoutes = [
  publicRoute({
    method: 'GET', url: '/metrics', public: true, tags: ['system'],
    summary: 'Operational figures in Prometheus text format: requests by route and status, audit entries, refusals by rule, group-commit batch sizes, outbox depth (only when METRICS_TOKEN is set; send it as a bearer token)',
    responses: { 200: 'Prometheus text exposition format 0.0.4', 401: 'No or wrong bearer token', 404: 'Metrics are off (METRICS_TOKEN is not set)' },
    handler: async (ctx, { request, reply }) => {
      const { config, metrics, db } = ctx.services;
      // Off: the same answer as any address the app does not serve.
      if (!metrics.enabled || !config.metricsToken) throw nothingHere();
      const given = bearer(request.headers.authorization);
      if (!given || !safeEqual(sha256(given), sha256(config.metricsToken))) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw unauthenticated('Send the metrics token as a bearer token.');
      }
      const rows = await db.kysely.selectFrom('email_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute(); // sent rows are history: not counted on every scrape
      const out = await metrics.render(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])));
      reply.type(out.contentType);
      return out.body;
    },
  }),
];
