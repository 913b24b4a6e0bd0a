import { z } from 'zod';
import { route } from '../http/route';
import { ifMatchVersion, setEtag } from '../http/versions';
import { reportBreach } from './commands';
import { dismissFlag, listFlags, openFlagAsBreach } from './flag-commands';
import { changeAffectedPeople, closeBreach, handleBreach } from './handling';
import { getBreach, listBreaches } from './queries';
import { affectedPeopleBody, breachParams, closeBreachBody, dismissFlagBody, handleBreachBody, listBreachesQuery, listFlagsQuery, reportBreachBody } from './schema';

const tags = ['breaches'];
const empty = z.strictObject({}).optional();

/** Answers with a breach and its ETag. */
const tagged = async (reply: { header(name: string, value: string): unknown }, breach: Promise<{ version: number }>) => {
  const b = await breach;
  setEtag(reply as never, b.version);
  return b;
};

/**
 * The breach register (clause 5; UK GDPR Art 33–34): anyone working here reports a suspected breach; management
 * handle it against the 72-hour ICO clock; the guardian reviews; the reporter reads back their report and its
 * status. Review flags raised from the audit chain are worked by management — by the guardian when no active manager
 * is free to (each is about the only one, or there is none).
 */
export const breachRoutes = [
  route({
    method: 'POST', url: '/api/breaches', action: 'breach.report', tags, body: reportBreachBody, status: 201,
    summary: 'Report a suspected breach of the confidentiality policy (anyone working here); management are told at once',
    handler: async (ctx, { body, reply }) => {
      const breach = await reportBreach(ctx, body);
      reply.header('location', `/api/breaches/${breach.data.id as string}`);
      return tagged(reply, Promise.resolve(breach));
    },
  }),
  route({
    method: 'GET', url: '/api/breaches', action: 'breach.read', tags, query: listBreachesQuery,
    summary: 'Breaches you may see, overdue first, then by ICO deadline: all of them for management and the guardian, your own reports otherwise',
    handler: (ctx, { query }) => listBreaches(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/breaches/flags', action: 'breach.flags', tags, query: listFlagsQuery,
    summary: 'Review flags raised from the audit chain (management; the guardian those no manager is free to decide): break-glass uses unreviewed, unusual reads, exports, repeated refusals',
    handler: (ctx, { query }) => listFlags(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/breaches/flags/:id/dismiss', action: 'breach.flags', tags, params: breachParams, body: dismissFlagBody,
    summary: 'Dismiss a review flag with the reason it is not a breach',
    handler: (ctx, { params, body }) => dismissFlag(ctx, params.id, body.reason),
  }),
  route({
    method: 'POST', url: '/api/breaches/flags/:id/open', action: 'breach.flags', tags, params: breachParams, body: empty, status: 201,
    summary: 'Open a review flag as a breach record: the ICO clock starts',
    handler: async (ctx, { params, reply }) => {
      const breach = await openFlagAsBreach(ctx, params.id);
      reply.header('location', `/api/breaches/${breach.data.id as string}`);
      return tagged(reply, Promise.resolve(breach));
    },
  }),
  route({
    method: 'GET', url: '/api/breaches/:id', action: 'breach.read', tags, params: breachParams,
    summary: 'Read a breach: management and the guardian see its handling and the ICO clock; the reporter sees their report and its status',
    handler: (ctx, { params, reply }) => tagged(reply, getBreach(ctx, params.id)),
  }),
  route({
    method: 'PATCH', url: '/api/breaches/:id', action: 'breach.handle', tags, params: breachParams, body: handleBreachBody,
    summary: 'Record the handling of a breach: what happened, awareness, data and people affected, risk, containment, the ICO and people-told decisions (If-Match)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, handleBreach(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/breaches/:id/people', action: 'breach.handle', tags, params: breachParams, body: affectedPeopleBody,
    summary: 'Link or unlink the person records a breach affected (If-Match)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, changeAffectedPeople(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/breaches/:id/close', action: 'breach.handle', tags, params: breachParams, body: closeBreachBody,
    summary: 'Close a contained breach once the ICO and people-told decisions are recorded (If-Match)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, closeBreach(ctx, params.id, ifMatchVersion(request), body)),
  }),
];
