import { route } from '../http/route';
import { ifMatchVersion, setEtag } from '../http/versions';
import { approvePurpose, createPurpose, reapprovePurpose, retirePurpose, updatePurpose } from './commands';
import { getPurpose, listPurposes } from './queries';
import { approveBody, createPurposeBody, listPurposesQuery, purposeParams, reapproveBody, retireBody, updatePurposeBody } from './schema';

const tags = ['purposes'];
type Versioned = { version: number };
const tagged = async <T extends Versioned>(reply: { header(n: string, v: string): unknown }, p: Promise<T>) => {
  const r = await p;
  setEtag(reply as never, r.version);
  return r;
};

/** The purpose register (3.1 justify the purpose, 2.1): proposed, approved by another guardian, reviewed, retired. */
export const purposeRoutes = [
  route({
    method: 'GET', url: '/api/purposes', action: 'purpose.read', tags, query: listPurposesQuery,
    summary: 'The purpose register by name; status=review_due lists the purposes whose review is overdue',
    handler: (ctx, { query }) => listPurposes(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/purposes', action: 'purpose.create', tags, body: createPurposeBody, status: 201,
    summary: 'Propose a purpose (management or the guardian): a draft until another guardian approves it',
    handler: async (ctx, { body, reply }) => {
      const p = await tagged(reply, createPurpose(ctx, body));
      reply.header('location', `/api/purposes/${p.data.id}`);
      return p;
    },
  }),
  route({
    method: 'GET', url: '/api/purposes/:id', action: 'purpose.read', tags, params: purposeParams,
    summary: 'Read a purpose of the register',
    handler: (ctx, { params, reply }) => tagged(reply, getPurpose(ctx, params.id)),
  }),
  route({
    method: 'PATCH', url: '/api/purposes/:id', action: 'purpose.update', tags, params: purposeParams, body: updatePurposeBody,
    summary: 'Change a draft purpose you proposed (If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, updatePurpose(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/purposes/:id/approve', action: 'purpose.approve', tags, params: purposeParams, body: approveBody,
    summary: 'Approve a draft purpose (a guardian who is not its author; If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, approvePurpose(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/purposes/:id/reapprove', action: 'purpose.approve', tags, params: purposeParams, body: reapproveBody,
    summary: 'Re-approve an active purpose at its review, with the next review date (If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, reapprovePurpose(ctx, params.id, ifMatchVersion(request), body)),
  }),
  route({
    method: 'POST', url: '/api/purposes/:id/retire', action: 'purpose.retire', tags, params: purposeParams, body: retireBody,
    summary: 'Retire a purpose: it and every consent for it stop covering anything (If-Match required)',
    handler: (ctx, { params, body, request, reply }) => tagged(reply, retirePurpose(ctx, params.id, ifMatchVersion(request), body)),
  }),
];
