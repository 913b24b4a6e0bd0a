import { fromDecision } from '../audit/append';
import type { RefusalTarget } from '../audit/enforce';
import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { DomainError } from '../lib/errors';
import type { Action } from '../policy/actions';
import { purposeInForce } from '../policy/consent-relation';
import { decide } from '../policy/decide';
import type { Decision, HeldForFacts } from '../policy/types';
import { purposeStatus } from './record';

/** The rule that keeps new information out of a case not held for a purpose in force (2.1). */
export const HELD_FOR_RULE = 'purposes/case-purpose-in-force';

/**
 * What a loaded row — a case, or a note or file under one — is held for (2.1), from the columns src/records/guard.ts
 * loads it with (`_purpose`, `_purpose_status`, `_purpose_review`); undefined for a row of a type held for no purpose.
 */
export function heldForOf(row: Record<string, unknown>, nowIso: string): HeldForFacts | undefined {
  if (!('_purpose' in row)) return undefined;
  const purposeId = typeof row._purpose === 'string' ? row._purpose : null;
  const inForce = purposeId !== null
    && purposeInForce({ id: purposeId, status: String(row._purpose_status), nextReviewOn: String(row._purpose_review) }, nowIso);
  return { purposeId, inForce };
}

/** The purpose a case is held for, by the case's id (2.1): for a read's audit entry where the case row is not loaded. */
export async function purposeOfCase(ctx: Pick<Ctx, 'db'>, caseId: string): Promise<string | null> {
  return (await ctx.db.selectFrom('cases').select('purpose_id').where('id', '=', caseId).executeTakeFirst())?.purpose_id ?? null;
}

/** The `_purpose*` columns for a row once it is held for `purpose` (a case just moved to it), to present it as written. */
export const heldForColumns = (purpose: Pick<PurposeRow, 'id' | 'status' | 'next_review_on'>) =>
  ({ _purpose: purpose.id, _purpose_status: purpose.status, _purpose_review: purpose.next_review_on });

/**
 * The policy's refusal of adding to a case held for `heldFor` by `action`, or null when the rule does not refuse it
 * (nothing audited): what {@link requireHeldForPurpose} enforces, and what the web app is offered from.
 */
export function heldForRefusal(ctx: Pick<Ctx, 'actor'>, action: Action, heldFor: HeldForFacts | undefined, id?: string): Decision | null {
  if (heldFor === undefined) return null;
  const d = decide(ctx.actor, action, { type: 'case', id, heldFor });
  return !d.allowed && d.ruleId === HELD_FOR_RULE ? d : null; // need to know is decided by the caller
}

/** What a refusal says, in words a worker can act on: the sentence, and the message at the field at fault. */
function refusalWords(purpose: Pick<PurposeRow, 'name' | 'status' | 'next_review_on'> | undefined, nowIso: string, clause: string) {
  const stillOpen = 'Until then the case can still be read and closed.';
  const rule = `new information goes into a case only under a purpose of the register that is in force (${clause})`;
  if (!purpose) {
    return {
      detail: `This case names no purpose from the register: ${rule}. A manager names the purpose this case is held for. ${stillOpen}`,
      field: 'name the purpose this case is held for: it names none',
    };
  }
  const name = `“${purpose.name}”`;
  const status = purposeStatus(purpose, nowIso);
  if (status === 'review_due') {
    return {
      detail: `The purpose ${name} this case is held for is past its review date: ${rule}. The guardian re-approves it, or a manager moves the case to a purpose in force. ${stillOpen}`,
      field: `the purpose ${name} is past its review date: the guardian re-approves it, or a manager moves the case to a purpose in force`,
    };
  }
  const was = status === 'retired' ? 'was retired' : 'is not active';
  return {
    detail: `The purpose ${name} this case is held for ${was}: ${rule}. A manager moves the case to a purpose in force. ${stillOpen}`,
    field: `the purpose ${name} ${was}: a manager moves the case to a purpose in force`,
  };
}

/**
 * The one guard for adding information to a case (2.1): a note, a file, a meeting about it, a note's edit, a change
 * to the case other than closing it. Decided by the policy with the case's `heldFor` fact (rule
 * purposes/case-purpose-in-force); when it refuses — the purpose retired, past its review, or none named — the
 * refusal is audited as `action` against `target`, naming the purpose by id only, and answers 409 with the rule, the
 * clause and `path` saying what to do. Callers decide need to know first, so only those who may write learn why, and
 * write nothing before it. No `heldFor` (nothing is added: closing a case) decides nothing.
 */
export async function requireHeldForPurpose(ctx: Ctx, action: Action, heldFor: HeldForFacts | undefined, target: RefusalTarget, path: string): Promise<void> {
  const d = heldForRefusal(ctx, action, heldFor, target.resourceId ?? undefined);
  if (!d || !heldFor) return;
  const purpose = heldFor.purposeId
    ? await ctx.db.selectFrom('purposes').select(['name', 'status', 'next_review_on']).where('id', '=', heldFor.purposeId).executeTakeFirst()
    : undefined;
  const words = refusalWords(purpose, ctx.nowIso, d.clause);
  ctx.audit.add(fromDecision(action, d, { ...target, detail: { ...target.detail, purposeId: heldFor.purposeId } }));
  throw new DomainError('conflict', words.detail, { rule: d.ruleId, clause: d.clause, errors: [{ path, message: words.field }] });
}
