import { z } from 'zod';
import { linkAcknowledgeBody, linkTokenParams, type LinkAcknowledgeInput } from '../acknowledgement/schema';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';
import { CONSENT_ANSWERS, NOT_SOUGHT_REASONS } from '../lib/consent-sought';

const text = (max: number) => z.string().trim().min(1).max(max);
const ids = z.array(z.uuid()).max(200).refine((a) => new Set(a).size === a.length, 'list each item once');

/**
 * The exact items to disclose (Caldicott 3, minimum necessary), chosen one by one from an empty selection: nothing is
 * pre-ticked and nothing is implied. Person fields by API name, notes and attachments of the person's cases by id.
 * `organisationFields` exists so a request for organisation-specific data is refused by its rule (3.2), not lost.
 */
export const itemsSchema = z.strictObject({
  personFields: z.array(z.string().max(60)).max(40).default([]).refine((a) => new Set(a).size === a.length, 'list each field once'),
  notes: ids.default([]),
  attachments: ids.default([]),
  organisationFields: z.array(z.strictObject({ organisationId: z.uuid(), field: z.string().max(60) })).max(20).default([]),
});
export type ItemsInput = z.infer<typeof itemsSchema>;

/** The grounds on which the law allows a disclosure without consent (1.3). */
export const EXCEPTION_GROUNDS = ['legal_duty', 'emergency', 'crime'] as const;

/** The message of a missing `consentSought`: the question itself, so the problem says what to answer (1.3, 4.1). */
const ASK_WHETHER_ASKED = 'say whether the person was asked for their consent first (1.3, 4.1)';

/**
 * An exception to consent (1.3): a legal duty (police, safeguarding team, court order — the reference is required),
 * an emergency or risk to public safety, or the prevention or detection of crime. It counts only once a manager
 * other than the requester approves it.
 *
 * Consent is sought where that is possible and safe (1.3, 4.1), so the requester records whether the person was asked
 * first, in the shape of a safeguarding referral's answer (src/lib/consent-sought.ts): `consentSought`, then what they
 * answered (`consentAnswer`: refused) or why they were not asked (`notSoughtBecause`). One who was asked and agreed
 * is shared with on their consent, not on an exception: refused here, naming the field. A missing or contradictory
 * answer is a 400 naming the field.
 */
export const exceptionSchema = z.strictObject({
  ground: z.enum(EXCEPTION_GROUNDS),
  reference: text(200).optional().describe('the legal duty: the police incident, safeguarding referral or court order reference'),
  consentSought: z.boolean({ error: (issue) => (issue.input === undefined ? ASK_WHETHER_ASKED : undefined) })
    .describe('was the person asked for their consent first? (1.3, 4.1: consent is sought where that is possible and safe)'),
  consentAnswer: z.enum(CONSENT_ANSWERS).optional()
    .describe('when they were asked: what they answered — refused (one who agreed is shared with on their consent, not on an exception)'),
  notSoughtBecause: z.enum(NOT_SOUGHT_REASONS).optional()
    .describe('when they were not asked: why — not possible, not safe or it would prejudice the purpose, or an emergency'),
}).superRefine((v, ctx) => {
  if (v.ground === 'legal_duty' && !v.reference) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'a legal duty names its reference (police, safeguarding team, court order)' });
  if (v.consentSought) {
    if (!v.consentAnswer) ctx.addIssue({ code: 'custom', path: ['consentAnswer'], message: 'say what they answered when they were asked' });
    if (v.consentAnswer === 'agreed') {
      ctx.addIssue({ code: 'custom', path: ['consentAnswer'], message: 'they agreed: record their consent and share on it, not on an exception (1.3, 4.1)' });
    }
    if (v.notSoughtBecause !== undefined) ctx.addIssue({ code: 'custom', path: ['notSoughtBecause'], message: 'only when they were not asked' });
  } else {
    if (!v.notSoughtBecause) ctx.addIssue({ code: 'custom', path: ['notSoughtBecause'], message: 'say why they were not asked: not possible, not safe, or an emergency' });
    if (v.consentAnswer !== undefined) ctx.addIssue({ code: 'custom', path: ['consentAnswer'], message: 'only when they were asked' });
  }
});

/** POST /api/disclosures: a request to disclose one person's chosen items (or an oral disclosure made already). */
export const requestBody = z.strictObject({
  personIds: z.array(z.uuid()).min(1).max(50).refine((a) => new Set(a).size === a.length, 'list each person once').describe('the person it concerns (exactly one: bulk disclosure is refused, 2.2)'),
  recipient: z.strictObject({
    organisationId: z.uuid(),
    name: text(200),
    role: text(200),
    email: z.email().max(320).optional(),
  }),
  purposeId: z.uuid(),
  reason: text(5000).describe('the clear reason this should happen (4.3)'),
  items: itemsSchema,
  pseudonymise: z.boolean().default(false).describe('replace name, date of birth, contact details and ids with a stable pseudonym'),
  clientRequest: z.strictObject({ detail: text(2000).describe('how and when the client asked for their session details to go') }).optional(),
  exception: exceptionSchema.optional(),
  oral: z.strictObject({ channel: z.enum(['phone', 'meeting']), occurredAt: instant() }).optional()
    .describe('an oral disclosure recorded after the fact'),
});
export type RequestInput = z.infer<typeof requestBody>;

/** POST /api/disclosures/:id/approval: a manager other than the requester decides an exception (1.3). */
export const approvalBody = z.strictObject({
  decision: z.enum(['approve', 'refuse']),
  justification: text(5000),
  tellPerson: z.boolean(),
  notToldReason: text(2000).optional().describe('why telling the person would prejudice the purpose'),
}).superRefine((v, ctx) => {
  if (v.decision === 'approve' && !v.tellPerson && !v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'say why the person is not told' });
  // A reason for not telling them beside a decision to tell them contradicts it: refused rather than dropped.
  if (v.tellPerson && v.notToldReason !== undefined) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'only when the person is not told' });
});
export type ApprovalInput = z.infer<typeof approvalBody>;

/** POST /api/disclosure-acknowledgements/:token: the recipient types their name and the date (the one link body). */
export const acknowledgeBody = linkAcknowledgeBody;
export type AcknowledgeInput = LinkAcknowledgeInput;

/** POST /api/disclosures/:id/attestation: staff attest the recipient of an oral disclosure accepted the terms. */
export const attestationBody = z.strictObject({
  recipientName: text(200),
  date: z.iso.date(),
  statement: text(2000).describe('what the recipient was told and accepted'),
});
export type AttestationInput = z.infer<typeof attestationBody>;

/**
 * POST /api/disclosures/:id/release: when the terms were accepted under a name other than the named recipient's,
 * the releasing worker confirms they checked who accepted them (src/acknowledgement/typed-name.ts).
 */
export const releaseBody = z.strictObject({
  recipientChecked: z.boolean().optional().describe('I checked that the person who accepted the terms may receive this'),
}).optional();
export type ReleaseInput = z.infer<typeof releaseBody>;

/** POST /api/disclosures/:id/person-told. */
export const toldBody = z.strictObject({ toldAt: instant() });

/** Register filters. */
const registerFilters = {
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  basis: z.enum(['consent', 'agreement', 'exception']).optional(),
  status: z.enum(['awaiting_approval', 'awaiting_acknowledgement', 'acknowledged', 'released', 'refused']).optional(),
};
export const registerQuery = z.strictObject({ ...pageQuery, ...registerFilters, format: z.enum(['json', 'csv']).default('json') });
export type RegisterQuery = z.infer<typeof registerQuery>;
export const personRegisterQuery = z.strictObject({ ...pageQuery });
export type PageInput = z.infer<typeof personRegisterQuery>;

export const idParams = z.strictObject({ id: z.uuid() });
export const tokenParams = linkTokenParams;
