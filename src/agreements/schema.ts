import { z } from 'zod';
import { CLASSIFICATIONS } from '../policy/types';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';

/** A sharing agreement's status as shown; in force, ended and superseded are read from its dates and variations. */
export const AGREEMENT_STATUSES = ['draft', 'signed', 'in_force', 'ended', 'terminated', 'superseded'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const day = z.iso.date().describe('a date, YYYY-MM-DD');
const uniqueIds = (what: string) => z.array(z.uuid()).min(1).max(50).refine((a) => new Set(a).size === a.length, `list each ${what} once`);
const categories = z.array(z.enum(CLASSIFICATIONS)).min(1).max(CLASSIFICATIONS.length)
  .refine((a) => new Set(a).size === a.length, 'list each category once');

/** The conditions every joint working protocol states (practice 5.1). */
const conditions = z.strictObject({
  security: text(5000).describe('how the partner keeps the information secure'),
  onwardSharing: text(5000).describe('whether and how the partner may pass it on'),
  retention: text(5000).describe('how long the partner keeps it and how it is destroyed'),
  breachNotification: text(5000).describe('how and how fast each side tells the other of a breach'),
});

const fields = {
  title: text(200),
  partnerIds: uniqueIds('partner').describe('the partner organisations (our organisation is always a party)'),
  purposeIds: uniqueIds('purpose').describe('purposes of the register this agreement covers'),
  dataCategories: categories.describe('the classifications of information it covers'),
  conditions,
  requiresConsent: z.boolean().describe("true: each disclosure under it also needs the person's consent"),
  startsOn: day,
  endsOn: day.describe('last day in force'),
  reviewOn: day,
};

/**
 * An agreement's dates out of order, each with the field at fault: the last day not before the first, and the review
 * date within them — on or after the start date and on or before the end date. Dates not given are not compared.
 */
export function datesOutOfOrder(v: { startsOn?: string; endsOn?: string; reviewOn?: string }): { field: 'endsOn' | 'reviewOn'; message: string; detail: string }[] {
  const out: { field: 'endsOn' | 'reviewOn'; message: string; detail: string }[] = [];
  if (v.startsOn && v.endsOn && v.endsOn < v.startsOn) out.push({ field: 'endsOn', message: 'must not be before the start date', detail: 'The end date must not be before the start date.' });
  if (v.reviewOn && v.startsOn && v.reviewOn < v.startsOn) out.push({ field: 'reviewOn', message: 'must not be before the start date', detail: 'The review date must not be before the start date.' });
  else if (v.reviewOn && v.endsOn && v.reviewOn > v.endsOn) out.push({ field: 'reviewOn', message: 'must not be after the end date', detail: 'The review date must not be after the end date.' });
  return out;
}

const datesInOrder = (v: { startsOn?: string; endsOn?: string; reviewOn?: string }, ctx: z.RefinementCtx) => {
  for (const e of datesOutOfOrder(v)) ctx.addIssue({ code: 'custom', path: [e.field], message: e.message });
};

/** POST /api/agreements: a draft agreement. */
export const createAgreementBody = z.strictObject(fields).superRefine(datesInOrder);
export type CreateAgreementInput = z.infer<typeof createAgreementBody>;

/** PATCH /api/agreements/:id: changes to a draft no one has signed yet (If-Match). */
export const updateAgreementBody = z.strictObject(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s.optional()])) as { [K in keyof typeof fields]: z.ZodOptional<(typeof fields)[K]> })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'change at least one field')
  .superRefine(datesInOrder);
export type UpdateAgreementInput = z.infer<typeof updateAgreementBody>;

/**
 * POST /api/agreements/:id/signatories: one party's signatory. Ours is a manager or the guardian, a user here;
 * a partner's is recorded by staff from the signed copy.
 */
export const signatoryBody = z.discriminatedUnion('party', [
  z.strictObject({ party: z.literal('ours'), userId: z.uuid().describe('the manager or guardian who signed'), role: text(200), signedOn: day }),
  z.strictObject({ party: z.literal('partner'), organisationId: z.uuid(), name: text(200), role: text(200), signedOn: day }),
]);
export type SignatoryInput = z.infer<typeof signatoryBody>;

/** POST /api/agreements/:id/terminate: ended early, with the reason. */
export const terminateBody = z.strictObject({ reason: text(2000) });

/**
 * What a review of an agreement decided (3.1; practice 5.1): it continues unchanged, it needs a variation (drafted
 * with POST /api/agreements/:id/vary), or it should end (ended with POST /api/agreements/:id/terminate).
 */
export const AGREEMENT_REVIEW_OUTCOMES = ['continue', 'vary', 'end'] as const;

/** POST /api/agreements/:id/reviews: a review recorded by a manager or the guardian (If-Match). */
export const recordReviewBody = z.strictObject({
  outcome: z.enum(AGREEMENT_REVIEW_OUTCOMES).describe('continue (unchanged), vary (needs a variation) or end (it should end)'),
  note: text(2000).describe('a short note of what was reviewed and why: about the agreement, not about any person'),
  nextReviewOn: day.describe('the next review date, YYYY-MM-DD: after today and not after the agreement ends'),
});
export type RecordReviewInput = z.infer<typeof recordReviewBody>;

/** GET /api/agreements. */
export const listAgreementsQuery = z.strictObject({ ...pageQuery, status: z.enum(AGREEMENT_STATUSES).optional(), organisationId: z.uuid().optional() });
export type ListAgreementsQuery = z.infer<typeof listAgreementsQuery>;

/** GET /api/agreements/review-due. */
export const reviewDueQuery = z.strictObject({ withinDays: z.coerce.number().int().min(1).max(365).optional() });

/** GET /api/agreements/check: does a signed agreement in force cover this partner, purpose and information? */
export const checkAgreementQuery = z.strictObject({
  organisationId: z.uuid(),
  purposeId: z.uuid(),
  categories: z.string().transform((s) => s.split(',').map((x) => x.trim())).pipe(categories),
  at: instant({ offset: false }).optional(),
});
export type CheckAgreementQuery = z.infer<typeof checkAgreementQuery>;

/** Path parameter of an agreement. */
export const agreementParams = z.strictObject({ id: z.uuid() });
