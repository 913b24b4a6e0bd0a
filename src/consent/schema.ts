import { z } from 'zod';
import { CLASSIFICATIONS } from '../policy/types';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';

const text = (max: number) => z.string().trim().min(1).max(max);

/** A recipient: the organisation's own service, a named organisation from the register, or a category of recipient. */
export const recipientSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('internal') }).describe('internal service only'),
  z.strictObject({ kind: z.literal('organisation'), organisationId: z.uuid() }),
  z.strictObject({ kind: z.literal('category'), category: text(100).describe("one of the purpose's recipient categories") }),
]);
export type RecipientInput = z.infer<typeof recipientSchema>;

const categories = z.array(z.enum(CLASSIFICATIONS)).min(1).max(CLASSIFICATIONS.length)
  .refine((a) => new Set(a).size === a.length, 'list each category once');

/** What the person was told (4.1): each part is required, or the consent is not informed. */
export const toldSchema = z.strictObject({
  why: text(5000).describe('why the information needs to be shared'),
  withWhom: text(5000).describe('with whom it will be shared'),
  consequences: text(5000).describe('the likely consequences of agreeing or not agreeing'),
  serviceImpact: text(5000).describe('that not agreeing may mean not getting a service or support they might otherwise have'),
});

/** How consent was given: written (a signed form uploaded to the person's case, or a typed e-signature) or oral. */
export const methodSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('signed_form'), attachmentId: z.uuid().describe("an uploaded attachment on one of the person's cases") }),
  z.strictObject({ kind: z.literal('e_signature'), typedName: text(200) }),
  z.strictObject({ kind: z.literal('oral'), attestation: text(2000).describe('the member of staff attests what was said and agreed'), witnessName: text(200).optional() }),
]);

/**
 * Who gave it: the person; a child competent to decide; someone with parental responsibility; an authorised
 * representative. Which of them may give consent depends on the person's age (src/consent/who-may-answer.ts).
 */
export const givenBySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('person') }),
  z.strictObject({ kind: z.literal('competent_child'), competenceAssessment: text(5000).describe('how the child was judged competent to decide (Gillick)') }),
  z.strictObject({ kind: z.literal('parental_responsibility'), name: text(200), relationship: text(200) }),
  z.strictObject({ kind: z.literal('representative'), name: text(200), relationship: text(200), authority: text(1000).describe('e.g. lasting power of attorney for health and welfare, court-appointed deputy') }),
]).describe('consent given for someone under 16 comes from a competent_child or parental_responsibility; from 16 not competent_child; from 18 not parental_responsibility (a refusal is recorded from anyone)');

/** POST /api/people/:id/consents: a person's answer about one purpose (given or refused), or a new version of it. */
export const recordConsentBody = z.strictObject({
  purposeId: z.uuid(),
  decision: z.enum(['given', 'refused']),
  recipients: z.array(recipientSchema).min(1).max(20),
  dataCategories: categories,
  told: toldSchema,
  method: methodSchema,
  givenBy: givenBySchema,
  expiresAt: instant().optional(),
  supersedes: z.uuid().optional().describe('the current version this replaces (required when there is one)'),
});
export type RecordConsentInput = z.infer<typeof recordConsentBody>;

/** How the person withdrew. */
export const WITHDRAWAL_METHODS = ['in_writing', 'orally', 'other'] as const;

/** POST /api/consents/:id/withdraw: takes effect at once. */
export const withdrawBody = z.strictObject({
  method: z.enum(WITHDRAWAL_METHODS),
  withdrawnAt: instant().optional().describe('when the person withdrew (default: now)'),
  note: text(2000).optional(),
});
export type WithdrawInput = z.infer<typeof withdrawBody>;

/** GET /api/people/:id/consents: the history, newest first. */
export const historyQuery = z.strictObject({ ...pageQuery });
export type HistoryQuery = z.infer<typeof historyQuery>;

/**
 * A recipient in a query string: internal, organisation:<id> or category:<name> — or org:<id>, the form the check
 * answers with (src/consent/recipients.ts), so an answer's recipient can be asked about again as it is.
 */
const recipientText = z.string().max(200).transform((s, ctx): RecipientInput => {
  if (s === 'internal') return { kind: 'internal' };
  const org = /^(?:organisation|org):([0-9a-f-]{36})$/i.exec(s);
  if (org) return { kind: 'organisation', organisationId: org[1].toLowerCase() };
  const cat = /^category:(.{1,100})$/.exec(s);
  if (cat && cat[1].trim()) return { kind: 'category', category: cat[1].trim() };
  ctx.addIssue({ code: 'custom', message: 'internal, organisation:<id> or category:<name>' });
  return z.NEVER;
});

/** GET /api/people/:id/consent-check. */
export const checkQuery = z.strictObject({
  purposeId: z.uuid(),
  recipient: recipientText,
  categories: z.string().max(200).transform((s) => s.split(',').map((x) => x.trim())).pipe(categories),
  at: instant().optional(),
});
/** POST /api/people/:id/consent-check. */
export const checkBody = z.strictObject({
  purposeId: z.uuid(),
  recipient: recipientSchema,
  dataCategories: categories,
  at: instant().optional(),
});
/** The question either way. */
export interface CheckInput {
  purposeId: string;
  recipient: RecipientInput;
  dataCategories: readonly string[];
  at?: string;
}

/** Path parameters. */
export const personParams = z.strictObject({ id: z.uuid() });
export const consentParams = z.strictObject({ id: z.uuid() });
