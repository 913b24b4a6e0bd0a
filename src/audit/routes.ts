import { z } from 'zod';
import { route } from '../http/route';
import { getAuditStatus, startAuditCheck } from './status';

const tags = ['audit'];
const empty = z.strictObject({}).optional();

/** Whether the audit trail verifies (1.1 records properly managed; monitoring and review), for the people the policy allows. */
export const auditRoutes = [
  route({
    method: 'GET', url: '/api/audit/status', action: 'audit.verify', tags,
    summary: 'The last check of the audit hash chain (intact, or the first bad entry) and whether one is running',
    handler: async (ctx) => getAuditStatus(ctx),
  }),
  route({
    method: 'POST', url: '/api/audit/status', action: 'audit.verify', tags, body: empty, status: 202,
    summary: 'Start recomputing the audit hash chain in the background (one at a time, at most once a minute; `started` says whether this call started one)',
    handler: async (ctx) => startAuditCheck(ctx),
  }),
];
