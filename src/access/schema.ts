import { z } from 'zod';
import { pageQuery } from '../records/paging';

/** Classifications a grant can add (general is always implied). */
export const GRANTABLE = ['personal', 'special', 'safeguarding', 'session', 'commercial'] as const;

/** POST /api/access/requests. */
export const requestAccessBody = z.strictObject({
  resourceType: z.enum(['person', 'case', 'organisation']),
  resourceId: z.uuid(),
  classifications: z.array(z.enum(GRANTABLE)).max(GRANTABLE.length).default([]).refine((a) => new Set(a).size === a.length, 'list each classification once'),
  reason: z.string().trim().min(10, 'say why you need to know (at least 10 characters)').max(2000),
  hours: z.number().int().min(1).max(24 * 365).optional(),
});

/** POST /api/access/requests/:id/approve. */
export const approveBody = z.strictObject({ note: z.string().trim().max(2000).optional(), hours: z.number().int().min(1).max(24 * 365).optional() });
/** POST /api/access/requests/:id/refuse. */
export const refuseBody = z.strictObject({ note: z.string().trim().min(1, 'say why').max(2000) });
/** POST /api/access/grants/:id/revoke. */
export const revokeBody = z.strictObject({ note: z.string().trim().max(2000).optional() }).optional();

/** GET /api/access/requests and /api/access/grants. */
export const listGrantsQuery = z.strictObject({
  /** approved: in force now; expired: approved, but its end has passed. */
  status: z.enum(['requested', 'approved', 'expired', 'refused', 'revoked', 'withdrawn']).optional(),
  mine: z.enum(['true', 'false']).default('false'),
  ...pageQuery,
});

/** POST /api/access/break-glass. */
export const breakGlassBody = z.strictObject({
  resourceType: z.enum(['person', 'case']),
  resourceId: z.uuid(),
  reason: z.string().trim().min(20, 'explain the emergency (at least 20 characters)').max(2000),
});

/** POST /api/access/break-glass/:id/review. */
export const reviewBody = z.strictObject({ outcome: z.enum(['justified', 'breach']), note: z.string().trim().min(1, 'record the reasons').max(2000) });

/** GET /api/access/break-glass. */
export const breakGlassQuery = z.strictObject({ review: z.enum(['pending', 'justified', 'breach']).default('pending'), ...pageQuery });

/** GET /api/access/explain. */
export const explainQuery = z.strictObject({
  /** A user id, or a username as `confide access explain --user` takes it. */
  user: z.union([z.uuid(), z.string().trim().toLowerCase().min(1).max(100)]).describe('a user id (UUID) or a username'),
  record: z.string().regex(/^(person|case|note|attachment|organisation):[0-9a-f-]{36}$/, 'type:id, e.g. person:0190…'),
  field: z.string().max(60).optional(),
  action: z.string().max(60).optional(),
});

/** Path parameter: a grant id. */
export const grantParams = z.strictObject({ id: z.uuid() });
