import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { invalidInput, refused } from '../lib/errors';
import { purposeInForce } from '../policy/consent-relation';
import { refusalTarget, type Visible } from '../records/guard';

/** The record a refused use is audited against, when it is not the person (a disclosure being released). */
export interface UseTarget {
  resourceType: string;
  resourceId: string;
  subjectPersonId: string | null;
}

/**
 * The purpose a use of information names (2.1, 3.1): a consent, a consent check, a disclosure, a people export. 400
 * naming `path` when there is none; refused (403, rule purposes/not-in-force) when it is a draft, retired or past its
 * review date — processing that names no active purpose is refused. The refusal is audited as `action`, against
 * `about`: the person when the use is about one, or the record being acted on.
 */
export async function purposeInForceFor(ctx: Ctx, purposeId: string, path: string, action: string, about: Visible | UseTarget | null): Promise<PurposeRow> {
  const purpose = await ctx.db.selectFrom('purposes').selectAll().where('id', '=', purposeId).executeTakeFirst();
  if (!purpose) throw invalidInput('No purpose with that id in the register.', [{ path, message: 'no such purpose' }]);
  if (!purposeInForce({ id: purpose.id, status: purpose.status, nextReviewOn: purpose.next_review_on }, ctx.nowIso)) {
    const clause = ctx.actor.policy.clauseFor('purpose-register');
    const detail = { purposeId };
    const target = about === null ? { detail } : 'row' in about ? refusalTarget(about, detail) : { ...about, detail };
    ctx.audit.add({ action, decision: 'deny', ruleId: 'purposes/not-in-force', clause, ...target });
    throw refused('This purpose is not active: a draft, retired, or due for review. A guardian must approve it before it covers anything (3.1).', {
      rule: 'purposes/not-in-force', clause, errors: [{ path, message: 'the purpose is not active' }],
    });
  }
  return purpose;
}
