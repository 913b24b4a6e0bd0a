import { sql } from 'kysely';
import { unavailable } from '../lib/errors';
import { publicRoute } from './route';

/** Liveness and readiness probes. */
export const systemRoutes = [
  publicRoute({
    method: 'GET', url: '/healthz', public: true, tags: ['system'], summary: 'The process is up',
    handler: async () => ({ status: 'ok' }),
  }),
  publicRoute({
    method: 'GET', url: '/readyz', public: true, tags: ['system'], summary: 'The database answers',
    handler: async (ctx) => {
      try {
        await sql`select 1`.execute(ctx.services.db.kysely);
        return { status: 'ready', database: ctx.services.db.dialect };
      } catch {
        throw unavailable('The database is not reachable.');
      }
    },
  }),
];
