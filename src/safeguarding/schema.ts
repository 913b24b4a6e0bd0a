import { z } from 'zod';
import { itemsSchema } from '../disclosure/schema';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';

/** Who a concern is for: the two groups safeguarding policies protect (practice 4.1). */
export const CONCERN_FOR = ['child', 'vulnerable_adult'] as const;
/** A concern's status: raised (waiting for a lead), acknowledged (being worked), closed. */
export const CONCERN_STATUSES = ['raised', 'acknowledged', 'closed'] as const;
/** Where a referral goes: the local authority's safeguarding team, or the police (1.3: when by law we must share). */
export const REFERRAL_RECIPIENTS = ['local_authority', 'police'] as const;
/** Chronology entries a lead writes; the rest (raised, alerted, acknowledged, escalated, referral, closed) are written by the commands. */
export const ENTRY_KINDS = ['fact', 'action', 'decision', 'outcome'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * POST /api/concerns: everything in one request, a couple of minutes to fill in. The person is named by `personId`
 * (a person record the raiser may see) or described in `personDescription` (anyone else: a name, an age, where they
 * were met), or both.
 */
export const raiseConcernBody = z
  .strictObject({
    concernFor: z.enum(CONCERN_FOR),
    personId: z.uuid().optional(),
    personDescription: text(2000).optional(),
    whatHappened: text(20_000).describe('what was seen or heard'),
    occurredAt: instant().describe('when it was seen or heard: not in the future (a few minutes of clock skew allowed)'),
    peopleInvolved: text(5000).optional(),
    immediateRisk: z.boolean(),
    actionsTaken: text(5000).optional().describe('what has been done already'),
  })
  .superRefine((v, ctx) => {
    if (!v.personId && !v.personDescription) {
      for (const path of ['personId', 'personDescription']) ctx.addIssue({ code: 'custom', path: [path], message: 'choose the person\'s record or describe them' });
    }
  });
export type RaiseConcernInput = z.infer<typeof raiseConcernBody>;

/**
 * GET /api/concerns. `view`: `all` (newest first), `mine` (only those the actor raised, newest first), `inbox` (the
 * open ones — raised or acknowledged — immediate risk first, then oldest first: what the leads work through).
 */
export const listConcernsQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(CONCERN_STATUSES).optional(),
  view: z.enum(['all', 'mine', 'inbox']).default('all'),
});
export type ListConcernsQuery = Omit<z.infer<typeof listConcernsQuery>, 'view'> & { view?: z.infer<typeof listConcernsQuery>['view'] };

const agreedWith = z.array(text(200)).min(1).max(20).describe('who agreed (names or roles; colleagues or other agencies)');

/**
 * POST /api/concerns/:id/entries: a fact, an action, a decision (with its reason and who agreed) or an outcome. A
 * decision is agreed with management (practice 4.2), so `agreedWith` names the manager by user id — an active
 * manager, checked on the server (400 on body.agreedWith otherwise) — never a name typed in; anyone else consulted
 * goes in the free-text `agreedWithNote`.
 */
export const entryBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fact'), text: text(20_000) }),
  z.strictObject({ kind: z.literal('action'), text: text(20_000) }),
  z.strictObject({
    kind: z.literal('decision'), text: text(20_000), reason: text(20_000),
    agreedWith: z.uuid().describe('the manager who agreed the course of action (practice 4.2): the user id of an active manager, checked on the server'),
    agreedWithNote: text(2000).optional().describe('anyone else consulted — colleagues or other agencies — in your own words (not checked)'),
  }),
  z.strictObject({ kind: z.literal('outcome'), text: text(20_000), reason: text(20_000).optional() }),
]);
export type EntryInput = z.infer<typeof entryBody>;

/**
 * What a referral shares through the disclosure workflow's legal-duty exception (1.3, 4.3): the recipient at the
 * agency (an organisation in the register), the purpose in the register it serves, and the exact items, chosen one by
 * one (Caldicott 3): the person's fields, notes and documents of their cases, and `concern` — the concern's own
 * account (what happened, when, who was involved, what was done). Session details — a note's account, a session
 * document — are refused by rule disclosure/session-only-at-client-request (practice 2: "without exception unless the
 * client … requests") unless `clientRequest` records how and when the person asked for them to go, as a disclosure's
 * does: the legal duty is no such request. What a child said in a session that gave rise to the concern reaches the
 * referral through the concern's account.
 */
export const referralShare = z.strictObject({
  recipient: z.strictObject({ organisationId: z.uuid(), name: text(200), role: text(200), email: z.email().max(320).optional() }),
  purposeId: z.uuid(),
  items: itemsSchema.extend({ concern: z.boolean().default(false).describe("the concern's own account") }),
  clientRequest: z.strictObject({ detail: text(2000).describe('how and when the client asked for their session details to go') }).optional()
    .describe('practice 2: the person asked for their session details to be shared'),
});

/** The answers an urgent referral may leave to complete later (null), within REFERRAL_COMPLETE_HOURS. */
export const DEFERRABLE_ANSWERS = ['consentPossibleAndSafe', 'consentNote', 'personTold'] as const;

/**
 * POST /api/concerns/:id/referrals: a referral to the local authority or the police, with the decision aid's
 * answers, which become the recorded reasons (practice 4.3; HM Government's information-sharing advice; Caldicott
 * principle 7). Never blocked by consent: when seeking consent is not possible or not safe, say why.
 *
 * The decision aid: is there a risk of harm (and why)? is seeking consent possible and safe (and what was said, or
 * why not asked)? what is necessary and proportionate to share, with whom, and how securely? will the person be told
 * (and if not, why)? An `urgent` referral may answer the consent and telling questions with null — to complete within
 * REFERRAL_COMPLETE_HOURS; every other answer is required at once. With `share`, the information goes through the
 * disclosure workflow under the legal-duty exception, which needs a risk of harm.
 */
export const referralBody = z
  .strictObject({
    to: z.enum(REFERRAL_RECIPIENTS),
    urgent: z.boolean().default(false).describe('release first and complete the record within REFERRAL_COMPLETE_HOURS'),
    riskOfHarm: z.boolean().describe('is there a risk of harm to the person or to others?'),
    riskOfHarmReason: text(5000),
    consentPossibleAndSafe: z.boolean().nullable().describe('is seeking consent possible and safe? (null: to complete, urgent only)'),
    consentNote: text(5000).nullable().describe('what the person said when asked, or why they were not asked (null: to complete, urgent only)'),
    informationShared: text(10_000).describe('what is necessary and proportionate to share'),
    sharedWith: text(500).describe('with whom: the team or officer'),
    sharedHow: text(1000).describe('how securely it is shared'),
    personTold: z.boolean().nullable().describe('will the person be told of the referral? (null: to complete, urgent only)'),
    notToldReason: text(5000).optional(),
    agreedWith: agreedWith.optional(),
    reference: text(200).optional().describe("the receiving agency's reference"),
    share: referralShare.optional().describe('what the referral shares, through the disclosure workflow under the legal duty'),
  })
  .superRefine((v, ctx) => {
    if (!v.urgent) {
      for (const k of DEFERRABLE_ANSWERS) if (v[k] === null) ctx.addIssue({ code: 'custom', path: [k], message: 'answer it now: only an urgent referral completes it later' });
    }
    if (v.personTold === false && !v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'say why the person will not be told' });
    if (v.personTold !== false && v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'only when the person will not be told' });
    if (v.share && !v.riskOfHarm) ctx.addIssue({ code: 'custom', path: ['riskOfHarm'], message: 'sharing without consent under the legal duty needs a risk of harm' });
  });
export type ReferralInput = z.infer<typeof referralBody>;

/** POST /api/referrals/:id/completion: the answers an urgent referral left, and the agency's reference. */
export const completionBody = z
  .strictObject({
    consentPossibleAndSafe: z.boolean().optional(),
    consentNote: text(5000).optional(),
    personTold: z.boolean().optional(),
    notToldReason: text(5000).optional(),
    agreedWith: agreedWith.optional(),
    reference: text(200).optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'give at least one answer' });
    if (v.personTold === false && !v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'say why the person will not be told' });
    if (v.personTold === true && v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'only when the person will not be told' });
  });
export type CompletionInput = z.infer<typeof completionBody>;

/** POST /api/referrals/:id/approval: a manager who did not make the referral approves (and so releases) or refuses it. */
export const referralApprovalBody = z.strictObject({ decision: z.enum(['approve', 'refuse']), justification: text(5000) });
export type ReferralApprovalInput = z.infer<typeof referralApprovalBody>;

/** POST /api/referrals/:id/review: a second manager reviews a referral released at once (practice 4.1). */
export const reviewBody = z.strictObject({
  outcome: z.enum(['upheld', 'concerns']).describe('upheld: the release was right; concerns: recorded for management to act on'),
  note: text(5000),
});
export type ReviewInput = z.infer<typeof reviewBody>;

/** GET /api/referrals: `incomplete` (record still to complete, soonest deadline first), `overdue` (past it), `all`. */
export const listReferralsQuery = z.strictObject({ ...pageQuery, view: z.enum(['incomplete', 'overdue', 'all']).default('incomplete') });
export type ListReferralsQuery = z.infer<typeof listReferralsQuery>;

/** Path parameter of a referral. */
export const referralParams = z.strictObject({ id: z.uuid() });

/** POST /api/concerns/:id/close: the outcome the concern was closed with, and why. */
export const closeBody = z.strictObject({ outcome: text(20_000), reason: text(20_000) });
export type CloseInput = z.infer<typeof closeBody>;

/** Path parameter of a concern. */
export const concernParams = z.strictObject({ id: z.uuid() });
