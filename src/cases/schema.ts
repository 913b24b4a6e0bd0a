import { z } from 'zod';

/** Statuses a case moves through. */
export const CASE_STATUSES = ['open', 'closed'] as const;
/** A member's role in a case team. */
export const TEAM_ROLES = ['lead', 'worker', 'volunteer', 'student'] as const;

/** POST /api/cases. */
export const openCaseBody = z.strictObject({
  personId: z.uuid(),
  service: z.string().trim().min(1).max(200),
  summary: z.string().trim().min(1).max(10_000).nullable().optional(),
  supportNeeds: z.string().trim().min(1).max(10_000).nullable().optional(),
  riskNotes: z.string().trim().min(1).max(10_000).nullable().optional(),
});
export type OpenCaseInput = z.infer<typeof openCaseBody>;
