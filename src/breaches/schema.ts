import { z } from 'zod';
import { pageQuery } from '../records/paging';
import { instant } from '../lib/clock';

/** A breach's status: reported (waiting for management), assessing, contained, closed. Only ever moves forward. */
export const BREACH_STATUSES = ['reported', 'assessing', 'contained', 'closed'] as const;
export type BreachStatus = (typeof BREACH_STATUSES)[number];
/** Where a breach record came from: a report, a break-glass use reviewed as a breach, or an automatic review flag. */
export const BREACH_SOURCES = ['report', 'break-glass', 'flag'] as const;
/** Categories of data a breach can involve (the ICO's breach report asks for them). */
export const DATA_CATEGORIES = [
  'contact', 'identity', 'health', 'ethnicity', 'safeguarding', 'session', 'case', 'financial', 'commercial', 'credentials', 'other',
] as const;
/** How likely harm to the people affected is, and how severe it would be: together they give the risk level. */
export const LIKELIHOODS = ['remote', 'possible', 'likely'] as const;
export const SEVERITIES = ['minimal', 'significant', 'severe'] as const;
/** The risk to people's rights and freedoms: none (no ICO report needed), a risk (Art 33), a high risk (Art 34 too). */
export const RISK_LEVELS = ['none', 'risk', 'high'] as const;
/** Whether the ICO must be told (Art 33). */
export const ICO_DECISIONS = ['report', 'not_required'] as const;
/** Whether the people affected must be told (Art 34). */
export const PEOPLE_TOLD_DECISIONS = ['tell', 'not_required'] as const;
/**
 * Why the people affected are not told: the breach is not likely to result in a high risk, or one of Art 34(3)'s
 * exceptions — the data were unintelligible to others (e.g. encrypted), later measures mean the high risk will no
 * longer materialise, or telling each would take disproportionate effort (a public communication instead).
 */
export const NOT_TOLD_GROUNDS = ['not_high_risk', 'unintelligible', 'risk_removed', 'public_communication'] as const;
/** Review flag kinds and statuses. */
export const FLAG_KINDS = ['break-glass-unreviewed', 'read-volume', 'people-export', 'repeated-denials'] as const;
export const FLAG_STATUSES = ['open', 'dismissed', 'breach'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const at = instant();

/** POST /api/breaches: anyone working here reports a suspected breach in a minute or two. */
export const reportBreachBody = z.strictObject({
  report: text(20_000).describe('what happened, as far as you know: what information, how, who may have seen it'),
  occurredAt: at.optional().describe('when it happened, if you know: not in the future (a few minutes of clock skew allowed)'),
});
export type ReportBreachInput = z.infer<typeof reportBreachBody>;

/**
 * PATCH /api/breaches/:id (If-Match): management record the handling. Every field is optional; null clears one.
 * Whether the fields make sense together (a reason when the ICO is not told, no "not required" for a breach with a
 * risk, …) is checked against the record as it will be (src/breaches/rules-of-handling.ts).
 */
export const handleBreachBody = z.strictObject({
  status: z.enum(['assessing', 'contained']).optional().describe('moves forward only; close with POST …/close'),
  whatHappened: text(20_000).nullable().optional(),
  occurredAt: at.nullable().optional(),
  awareAt: at.optional().describe('when the organisation became aware: the 72 hours count from here (Art 33(1)); no later than when the breach was reported, no earlier than when it occurred'),
  dataCategories: z.array(z.enum(DATA_CATEGORIES)).max(DATA_CATEGORIES.length).refine((a) => new Set(a).size === a.length, 'list each category once').optional(),
  peopleAffected: z.number().int().min(0).max(100_000_000).nullable().optional().describe('approximate number of people affected'),
  likelihood: z.enum(LIKELIHOODS).nullable().optional(),
  severity: z.enum(SEVERITIES).nullable().optional(),
  riskNotes: text(10_000).nullable().optional(),
  containment: text(20_000).nullable().optional().describe('what was done to contain it and recover the data'),
  icoDecision: z.enum(ICO_DECISIONS).nullable().optional(),
  icoReason: text(10_000).nullable().optional().describe('why the ICO is not told, or why a report was late (Art 33(1))'),
  icoReportedAt: at.nullable().optional(),
  icoReference: text(100).nullable().optional(),
  peopleToldDecision: z.enum(PEOPLE_TOLD_DECISIONS).nullable().optional(),
  peopleNotToldGround: z.enum(NOT_TOLD_GROUNDS).nullable().optional(),
  peopleToldReason: text(10_000).nullable().optional(),
  peopleToldAt: at.nullable().optional(),
  disciplinaryReference: z.string().trim().min(1).max(100).regex(/^[^\n\r]*$/, 'one line: the reference only, no detail').nullable().optional()
    .describe("the reference of the referral under the organisation's disciplinary procedure (clause 5) — never its detail"),
});
export type HandleBreachInput = z.infer<typeof handleBreachBody>;

/** POST /api/breaches/:id/close (If-Match): what was concluded, lessons learnt. */
export const closeBreachBody = z.strictObject({ note: text(20_000).describe('what was concluded and what changes to prevent it happening again') });
export type CloseBreachInput = z.infer<typeof closeBreachBody>;

/** POST /api/breaches/:id/people (If-Match): link or unlink the person records affected, where known. */
export const affectedPeopleBody = z
  .strictObject({
    add: z.array(z.uuid()).max(500).optional(),
    remove: z.array(z.uuid()).max(500).optional(),
  })
  .refine((v) => (v.add?.length ?? 0) + (v.remove?.length ?? 0) > 0, { message: 'add or remove at least one person', path: ['add'] });
export type AffectedPeopleInput = z.infer<typeof affectedPeopleBody>;

/** GET /api/breaches. */
export const listBreachesQuery = z.strictObject({ ...pageQuery, status: z.enum(BREACH_STATUSES).optional() });
export type ListBreachesQuery = z.infer<typeof listBreachesQuery>;

/** GET /api/breaches/flags. */
export const listFlagsQuery = z.strictObject({ ...pageQuery, status: z.enum(FLAG_STATUSES).default('open') });
export type ListFlagsQuery = z.infer<typeof listFlagsQuery>;

/** POST /api/breaches/flags/:id/dismiss. */
export const dismissFlagBody = z.strictObject({ reason: text(5000).describe('why this is not a breach') });

/** Path parameter of a breach or a flag. */
export const breachParams = z.strictObject({ id: z.uuid() });
