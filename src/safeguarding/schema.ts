import { z } from 'zod';
import { pageQuery } from '../records/paging';

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
    occurredAt: z.iso.datetime({ offset: true }).describe('when it was seen or heard'),
    peopleInvolved: text(5000).optional(),
    immediateRisk: z.boolean(),
    actionsTaken: text(5000).optional().describe('what has been done already'),
  })
  .superRefine((v, ctx) => {
    if (!v.personId && !v.personDescription) {
      for (const path of ['personId', 'personDescription']) ctx.addIssue({ code: 'custom', path: [path], message: 'name the person by personId or describe them in personDescription' });
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

/** POST /api/concerns/:id/entries: a fact, an action, a decision (with its reason and who agreed) or an outcome. */
export const entryBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fact'), text: text(20_000) }),
  z.strictObject({ kind: z.literal('action'), text: text(20_000) }),
  z.strictObject({ kind: z.literal('decision'), text: text(20_000), reason: text(20_000), agreedWith }),
  z.strictObject({ kind: z.literal('outcome'), text: text(20_000), reason: text(20_000).optional() }),
]);
export type EntryInput = z.infer<typeof entryBody>;

/**
 * POST /api/concerns/:id/referrals: a referral to the local authority or the police, with the decision aid's
 * answers, which become the recorded reasons (practice 4.3; HM Government's information-sharing advice; Caldicott
 * principle 7). Never blocked by consent: when seeking consent is not possible or not safe, say why.
 */
export const referralBody = z
  .strictObject({
    to: z.enum(REFERRAL_RECIPIENTS),
    riskOfHarm: z.boolean().describe('is there a risk of harm to the person or to others?'),
    riskOfHarmReason: text(5000),
    consentPossibleAndSafe: z.boolean().describe('is seeking consent possible and safe?'),
    consentNote: text(5000).describe('what the person said when asked, or why they were not asked'),
    informationShared: text(10_000).describe('what is necessary and proportionate to share'),
    sharedWith: text(500).describe('with whom: the team or officer'),
    sharedHow: text(1000).describe('how securely it is shared'),
    personTold: z.boolean().describe('will the person be told of the referral?'),
    notToldReason: text(5000).optional(),
    agreedWith: agreedWith.optional(),
    reference: text(200).optional().describe("the receiving agency's reference"),
  })
  .superRefine((v, ctx) => {
    if (!v.personTold && !v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'say why the person will not be told' });
    if (v.personTold && v.notToldReason) ctx.addIssue({ code: 'custom', path: ['notToldReason'], message: 'only when the person will not be told' });
  });
export type ReferralInput = z.infer<typeof referralBody>;

/** POST /api/concerns/:id/close: the outcome the concern was closed with, and why. */
export const closeBody = z.strictObject({ outcome: text(20_000), reason: text(20_000) });
export type CloseInput = z.infer<typeof closeBody>;

/** Path parameter of a concern. */
export const concernParams = z.strictObject({ id: z.uuid() });
