import { z } from 'zod';
import { decimalInt } from '../records/paging';

const clauseId = z.string().trim().min(1).max(60);

const note = z.string().trim().min(1).max(2000);

/**
 * The organisation's mapping of its clauses to the engine's clause keys, plus notes: `procedural` for what a
 * documented practice does instead of software — all of a clause no rule carries out, or the rest of a clause whose
 * rules carry out only part of it (shown as enforced in part, never as enforced) — and `planned` for clauses whose
 * software is not built yet (shown as planned and counted as gaps in the traceability matrix).
 */
export const clauseMapSchema = z.strictObject({
  keys: z.record(z.string().max(60), z.array(clauseId).max(50)),
  procedural: z.record(clauseId, note).default({}),
  planned: z.record(clauseId, note).default({}),
});

/** POST /api/policy/documents. */
export const loadPolicyBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1, 'the policy text is empty').max(200_000),
  clauseMap: clauseMapSchema.optional(),
});

/** POST /api/policy/accept. */
export const acceptPolicyBody = z.strictObject({ version: z.number().int().min(1) });

/** GET /api/policy/matrix. */
export const matrixQuery = z.strictObject({ format: z.enum(['json', 'md', 'pdf']).default('json') });

/** Path parameter: a policy version number. */
export const versionParams = z.strictObject({ version: decimalInt(1, 1_000_000) });

/** Path parameter: a rule id (URL-encode the slash: session%2Fstaff-team-only). */
export const ruleParams = z.strictObject({ ruleId: z.string().trim().min(1).max(100) });

/** PUT /api/policy/rules/:ruleId/mode. */
export const ruleModeBody = z.strictObject({ mode: z.enum(['enforce', 'warn']) });
