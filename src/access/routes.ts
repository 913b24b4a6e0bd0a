import { route } from '../http/route';
import { idParams } from '../people/schema';
import { accessLog, accessLogQuery } from './access-log';
import { breakGlass, listBreakGlass, reviewBreakGlass } from './break-glass';
import { explainAccess } from './explain';
import { approveRequest, listGrants, refuseRequest, requestAccess, revokeGrant, withdrawRequest } from './grants';
import {
  approveBody, breakGlassBody, breakGlassQuery, explainQuery, grantParams, listGrantsQuery, refuseBody, requestAccessBody, reviewBody, revokeBody,
} from './schema';
import type { RecordType } from '../policy/types';

const tags = ['access'];

/** Access requests, grants, break-glass, explanations and the access log (3.4 need to know, practice 4). */
export const accessRoutes = [
  route({
    method: 'POST', url: '/api/access/requests', action: 'grant.request', tags, body: requestAccessBody, status: 202,
    bodyTarget: [{ id: 'resourceId', typeFrom: 'resourceType', types: requestAccessBody.shape.resourceType.options }],
    summary: 'Ask for time-limited access to a record, with a reason (queued for a manager)',
    handler: (ctx, { body }) => requestAccess(ctx, body),
  }),
  route({
    method: 'GET', url: '/api/access/requests', action: 'grant.list', tags, query: listGrantsQuery,
    summary: 'Access requests: managers see the queue, others their own',
    handler: (ctx, { query }) => listGrants(ctx, query, 'request'),
  }),
  route({
    method: 'POST', url: '/api/access/requests/:id/approve', action: 'grant.decide', tags, params: grantParams, body: approveBody,
    summary: 'Approve a request for a limited time (not your own)', handler: (ctx, { params, body }) => approveRequest(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/access/requests/:id/refuse', action: 'grant.decide', tags, params: grantParams, body: refuseBody,
    summary: 'Refuse a request, saying why', handler: (ctx, { params, body }) => refuseRequest(ctx, params.id, body),
  }),
  route({
    method: 'POST', url: '/api/access/requests/:id/withdraw', action: 'grant.withdraw', tags, params: grantParams,
    summary: 'Withdraw your own request while it waits for a decision', responses: { 404: 'No such request, or not yours', 409: 'The request was already decided or withdrawn' },
    handler: (ctx, { params }) => withdrawRequest(ctx, params.id),
  }),
  route({
    method: 'GET', url: '/api/access/grants', action: 'grant.list', tags, query: listGrantsQuery,
    summary: 'Access grants and break-glass uses: managers see all, others their own', handler: (ctx, { query }) => listGrants(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/access/grants/:id/revoke', action: 'grant.revoke', tags, params: grantParams, body: revokeBody,
    summary: 'End access early (managers, or the grantee giving it up)', handler: (ctx, { params, body }) => revokeGrant(ctx, params.id, body?.note),
  }),
  route({
    method: 'POST', url: '/api/access/break-glass', action: 'breakglass.open', tags, body: breakGlassBody, status: 201,
    bodyTarget: [{ id: 'resourceId', typeFrom: 'resourceType', types: breakGlassBody.shape.resourceType.options }],
    summary: 'Emergency access to a record outside your need to know: managers are notified and review every use',
    handler: (ctx, { body }) => breakGlass(ctx, body),
  }),
  route({
    method: 'GET', url: '/api/access/break-glass', action: 'breakglass.review', tags, query: breakGlassQuery,
    summary: 'The break-glass review queue', handler: (ctx, { query }) => listBreakGlass(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/access/break-glass/:id/review', action: 'breakglass.review', tags, params: grantParams, body: reviewBody,
    summary: 'Mark a break-glass use justified, or a breach (not your own)', handler: (ctx, { params, body }) => reviewBreakGlass(ctx, params.id, body),
  }),
  route({
    method: 'GET', url: '/api/access/explain', action: 'access.explain', tags, query: explainQuery,
    summary: 'Why a user can or cannot see a record or field: rule, clause, reason, team or grant',
    handler: (ctx, { query }) => {
      const [type, id] = query.record.split(':') as [RecordType, string];
      return explainAccess(ctx, { userId: query.user, type, id, field: query.field, action: query.action });
    },
  }),
  route({
    method: 'GET', url: '/api/people/:id/access-log', action: 'audit.read', tags, params: idParams, query: accessLogQuery,
    summary: "Who has seen this person's records (managers and the guardian)",
    handler: (ctx, { params, query }) => accessLog(ctx, params.id, query),
  }),
];
