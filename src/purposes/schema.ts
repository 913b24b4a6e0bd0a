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
/**
 * The recipient category naming the agencies we work with jointly (practice 5.1): it lets a consent name a partner
 * agency, a local authority, the police or another organisation from the register — never a funder or a business,
 * which only their own category reaches (src/purposes/reaches.ts, NAMED_PARTNER_KINDS).
 */
export const NAMED_PARTNER = 'named partner organisation';
/** A purpose's status as shown: `review_due` is an active purpose past its review date (computed from the clock). */
export const PURPOSE_STATUSES = ['draft', 'active', 'review_due', 'retired'] as const;
/**
 * Classifications that are organisation-specific data (3.2; 1.4, 2.3): an organisation's business information — what
 * the disclosure rule disclosure/no-organisation-data refuses to let go to a third party, without exception.
 */
export const ORGANISATION_CATEGORIES = ['commercial'] as const;
/** The longest a purpose may keep information: 50 years (a period of 3.1's "continuing use" is still reviewed). */
export const MAX_RETENTION_YEARS = 50;
/** How far ahead a purpose's next review may be: three years from today (3.1: continuing uses regularly reviewed). */
export const MAX_REVIEW_YEARS = 3;

const PERIOD = /^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;

/** The length in years of an ISO 8601 period such as P6Y or P18M (a month a twelfth, a week 1/52, a day 1/365); null if it is not one. */
export function periodYears(period: string): number | null {
  const m = PERIOD.exec(period);
  if (!m) return null;
  const [y, mo, w, d] = m.slice(1).map((x) => (x ? Number.parseInt(x, 10) : 0)); // "6Y" → 6
  return y + mo / 12 + w / 52 + d / 365;
}

/** True when the categories include organisation-specific data. */
export const usesOrganisationData = (cs: readonly string[]) => cs.some((c) => (ORGANISATION_CATEGORIES as readonly string[]).includes(c));

/**
 * 3.2: organisation-specific data is never given to a third party, so a purpose using it names no recipient but the
 * organisation's own service. The recipient categories it names other than "internal service only" (none: allowed).
 */
export const thirdPartiesFor = (dataCategories: readonly string[], recipientCategories: readonly string[]) =>
  usesOrganisationData(dataCategories) ? recipientCategories.filter((r) => r.trim().toLowerCase() !== INTERNAL_ONLY) : [];

/** What a refusal of organisation data going to a third party says, in words. */
export const ORGANISATION_DATA_REFUSED = {
  message: 'Organisation-specific data, such as a partner\'s business information, is never given to a third party (3.2): a purpose using it may go to "internal service only".',
  field: 'organisation-specific data goes to "internal service only", never to a third party',
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const day = z.iso.date().describe('a date, YYYY-MM-DD');
const categories = z.array(z.enum(CLASSIFICATIONS)).min(1).max(CLASSIFICATIONS.length)
  .refine((a) => new Set(a).size === a.length, 'list each category once');
const recipientCategories = z.array(text(100)).min(1).max(20)
  .refine((a) => new Set(a.map((x) => x.toLowerCase())).size === a.length, 'list each category once')
  .describe(`e.g. "${INTERNAL_ONLY}", "${NAMED_PARTNER}", "local authority", "police": a disclosure goes only to an organisation the purpose names — by the organisation's kind, or "${NAMED_PARTNER}" for a partner agency, local authority, the police or another organisation (never a funder or a business); other words are recorded for consent only`);

const fields = {
  name: text(200),
  description: text(5000).describe('what the information is used for, and why that is necessary'),
  lawfulBasis: z.enum(LAWFUL_BASES).describe('UK GDPR Article 6'),
  art9Condition: z.enum(ART9_CONDITIONS).nullable().describe('UK GDPR Article 9: required when special-category data is used'),
  dataCategories: categories.describe('the classifications of the fields used'),
  recipientCategories,
  needsIdentity: z.boolean().describe('3.3: false means only aggregate or pseudonymised output'),
  retentionPeriod: z.string().regex(PERIOD, 'an ISO 8601 period such as P6Y or P18M')
    .refine((p) => (periodYears(p) ?? 0) <= MAX_RETENTION_YEARS + 1e-9, `at most ${MAX_RETENTION_YEARS} years (P${MAX_RETENTION_YEARS}Y)`),
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
  if (thirdPartiesFor(v.dataCategories, v.recipientCategories).length) {
    ctx.addIssue({ code: 'custom', path: ['dataCategories'], message: ORGANISATION_DATA_REFUSED.field });
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
