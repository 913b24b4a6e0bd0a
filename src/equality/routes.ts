import { decide } from '../policy/decide';
import { forbidden } from '../lib/errors';
import { route } from '../http/route';
import { recordEquality, withdrawEquality } from './commands';
import { equalityReport } from './report';
import { equalityParams, equalityReportQuery, recordEqualityBody } from './schema';

const tags = ['equality'];

/**
 * Equality monitoring ("Equality and Diversity"; Equality Act 2010): a person's optional self-declared answers are
 * written on their own recording path and never read back one person at a time; management see counts only, with
 * small numbers suppressed.
 */
export const equalityRoutes = [
  route({
    method: 'PUT', url: '/api/people/:id/equality', action: 'equality.record', tags, params: equalityParams, body: recordEqualityBody, status: 204,
    summary: 'Record the equality monitoring answers the person chose to give, replacing earlier ones (their case team); write-only',
    handler: async (ctx, { params, body }) => { await recordEquality(ctx, params.id, body); },
  }),
  route({
    method: 'DELETE', url: '/api/people/:id/equality', action: 'equality.record', tags, params: equalityParams, status: 204,
    summary: 'Remove the person\'s equality monitoring answers at their request (their case team)',
    handler: async (ctx, { params }) => { await withdrawEquality(ctx, params.id); },
  }),
  route({
    method: 'GET', url: '/api/people/:id/equality', action: 'equality.read', tags, params: equalityParams,
    summary: 'Always refused, for everyone (equality/aggregate-only): equality answers are reported only as counts',
    responses: { 403: 'Refused for everyone: equality answers are never read one person at a time' },
    // The pipeline refuses before this runs (an actor-level forbid with no exception); this is the second lock.
    handler: (ctx) => { throw forbidden(decide(ctx.actor, 'equality.read', { type: 'system' })); },
  }),
  route({
    method: 'GET', url: '/api/equality/report', action: 'equality.report', tags, query: equalityReportQuery,
    summary: 'Equality monitoring counts for a closed year or quarter, optionally by service or quarter, with small numbers suppressed and figures rounded to 5 (managers)',
    handler: (ctx, { query }) => equalityReport(ctx, query),
  }),
];
