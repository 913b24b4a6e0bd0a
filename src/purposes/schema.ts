import { z } from 'zod';
import { CLASSIFICATIONS } from '../policy/types';
import { pageQuery } from '../records/paging';

/** UK GDPR Article 6(1) lawful bases. */
export const LAWFUL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
/** UK GDPR Article 9(2) conditions for special-category data (with the DPA 2018 Schedule 1 conditions behind (b), (g), (h), (i), (j)). */
export const ART9_CONDITIONS = [
  'explicit_consent', 'employment_social_security', 'vital_interests', 'not_for_profit_body', 'made_public', 'legal_claims',
  'substantial_public_interest', 'health_social_care', 'public_health', 'archiving_research',
] as const;
/** Classifications that are special-category data (or as sensitive), so a purpose using them needs an Art 9 condition. */
export const SPECIAL_CATEGORIES = ['special', 'safeguarding'] as const;
/** The recipient category meaning the information stays with the organisation's own service. */
export const INTERNAL_ONLY = 'internal service only';
/** The recipient category that lets a consent name partner organisations from the organisations register. */
export const NAMED_PARTNER = 'named partner organisation';
/** A purpose's status as shown: `review_due` is an active purpose past its review date (computed from the clock). */
export const PURPOSE_STATUSES = ['draft', 'active', 'review_due', 'retired'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const day = z.iso.date().describe('a date, YYYY-MM-DD');
const categories = z.array(z.enum(CLASSIFICATIONS)).min(1).max(CLASSIFICATIONS.length)
  .refine((a) => new Set(a).size === a.length, 'list each category once');
const recipientCategories = z.array(text(100)).min(1).max(20)
  .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'list each category once')
  .describe(`e.g. "${INTERNAL_ONLY}", "GP practice", "local authority", "${NAMED_PARTNER}"`);

const fields = {
  name: text(200),
  description: text(5000).describe('what the information is used for, and why that is necessary'),
  lawfulBasis: z.enum(LAWFUL_BASES).describe('UK GDPR Article 6'),
  art9Condition: z.enum(ART9_CONDITIONS).nullable().describe('UK GDPR Article 9: required when special-category data is used'),
  dataCategories: categories.describe('the classifications of the fields used'),
  recipientCategories,
  needsIdentity: z.boolean().describe('3.3: false means only aggregate or pseudonymised output'),
  retentionPeriod: z.string().regex(/^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'an ISO 8601 period such as P6Y or P18M'),
  guardianId: z.uuid().describe('the guardian responsible for reviewing it'),
  nextReviewOn: day,
};

/** True when the categories include special-category data. */
export const usesSpecial = (cs: readonly string[]) => cs.some((c) => (SPECIAL_CATEGORIES as readonly string[]).includes(c));

/** POST /api/purposes: a draft purpose. */
export const createPurposeBody = z.strictObject({ ...fields, art9Condition: fields.art9Condition.optional() }).superRefine((v, ctx) => {
  if (usesSpecial(v.dataCategories) && !v.art9Condition) {
    ctx.addIssue({ code: 'custom', path: ['art9Condition'], message: 'required: the purpose uses special-category or safeguarding information' });
  }
});
export type CreatePurposeInput = z.infer<typeof createPurposeBody>;

/** PATCH /api/purposes/:id: changes to a draft (If-Match). */
export const updatePurposeBody = z.strictObject(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'change at least one field');
export type UpdatePurposeInput = z.infer<typeof updatePurposeBody>;

/** POST /api/purposes/:id/approve (a draft) and /reapprove (an active purpose, at its review). */
export const approveBody = z.strictObject({ nextReviewOn: day.optional() });
export const reapproveBody = z.strictObject({ nextReviewOn: day });
/** POST /api/purposes/:id/retire. */
export const retireBody = z.strictObject({ reason: text(2000) });

/** GET /api/purposes. */
export const listPurposesQuery = z.strictObject({ ...pageQuery, status: z.enum(PURPOSE_STATUSES).optional() });
export type ListPurposesQuery = z.infer<typeof listPurposesQuery>;

/** Path parameter of a purpose. */
export const purposeParams = z.strictObject({ id: z.uuid() });
