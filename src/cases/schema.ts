import { z } from 'zod';
import { pageQuery } from '../records/paging';

/** Statuses a case moves through. */
export const CASE_STATUSES = ['open', 'closed'] as const;
/** A member's role in a case team. */
export const TEAM_ROLES = ['lead', 'worker', 'volunteer', 'student'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).nullable().optional();

/** The purpose of the register a case is held for (2.1): one in force when the case is opened or moved to it. */
export const casePurposeId = z.uuid().describe('the purpose of the register the case is held for (2.1): active, not past its review date');

/** POST /api/cases. */
export const openCaseBody = z.strictObject({
  personId: z.uuid(),
  service: text(200),
  purposeId: casePurposeId,
  summary: optionalText(10_000),
  supportNeeds: optionalText(10_000),
  riskNotes: optionalText(10_000),
});
export type OpenCaseInput = z.infer<typeof openCaseBody>;

/**
 * PATCH /api/cases/:id: any subset, at least one. Closing (status closed) sets closedOn, today unless given;
 * reopening clears it. `purposeId` moves the case to another purpose in force (managers, 2.1).
 */
export const updateCaseBody = z
  .strictObject({
    service: text(200).optional(),
    purposeId: casePurposeId.optional(),
    status: z.enum(CASE_STATUSES).optional(),
    closedOn: z.iso.date().optional(),
    summary: optionalText(10_000),
    supportNeeds: optionalText(10_000),
    riskNotes: optionalText(10_000),
  })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateCaseInput = z.infer<typeof updateCaseBody>;

/** Path parameter of a record id. */
export const idParams = z.strictObject({ id: z.uuid() });
/** Path parameters of one team member. */
export const teamMemberParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });

/** POST /api/cases/:id/team: assign need to know (3.4). */
export const addCaseTeamBody = z.strictObject({
  userId: z.uuid(),
  teamRole: z.enum(TEAM_ROLES),
});
export type AddCaseTeamInput = z.infer<typeof addCaseTeamBody>;

/** GET /api/people/:id/cases. */
export const listCasesQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(CASE_STATUSES).optional(),
  includeArchived: z.enum(['true', 'false']).default('false'),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;
