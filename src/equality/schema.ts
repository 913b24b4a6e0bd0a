import { z } from 'zod';
import { CHARACTERISTICS, CHARACTERISTIC_KEYS, PREFER_NOT_TO_SAY, type Characteristic } from './characteristics';

const answer = (c: Characteristic) => z.enum([...CHARACTERISTICS[c].options, PREFER_NOT_TO_SAY] as [string, ...string[]]).optional()
  .describe(`${CHARACTERISTICS[c].label}: the person's own answer, or "${PREFER_NOT_TO_SAY}"; leave out if not answered`);

/**
 * PUT /api/people/:id/equality: the answers the person chose to give. Replaces any earlier answers; nothing is
 * required. Write-only: the answer is 204 and nothing reads them back one person at a time.
 */
export const recordEqualityBody = z.strictObject(Object.fromEntries(CHARACTERISTIC_KEYS.map((c) => [c, answer(c)])) as Record<Characteristic, ReturnType<typeof answer>>)
  .describe('Optional, self-declared equality monitoring answers');
export type RecordEqualityInput = z.infer<typeof recordEqualityBody>;

/** A closed calendar year ("2026") or quarter ("2026-Q1"). */
export const PERIOD_PATTERN = /^(\d{4})(?:-Q([1-4]))?$/;

/** GET /api/equality/report. */
export const equalityReportQuery = z.strictObject({
  characteristic: z.enum(CHARACTERISTIC_KEYS as [Characteristic, ...Characteristic[]]),
  period: z.string().regex(PERIOD_PATTERN, 'a closed year (2026) or quarter (2026-Q1)').describe('a closed calendar year or quarter; declarations count in the quarter they were first recorded'),
  by: z.enum(['none', 'service', 'quarter']).default('none').describe('cross a quarter with the services of the person\'s cases when they declared, or a year with its quarters'),
});
export type EqualityReportQuery = z.infer<typeof equalityReportQuery>;

/** Path parameter of a person. */
export const equalityParams = z.strictObject({ id: z.uuid() });
