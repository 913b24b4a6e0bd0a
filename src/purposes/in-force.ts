import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { invalidInput, refused } from '../lib/errors';
import { purposeInForce } from '../policy/consent-relation';
import type { Visible } from '../records/guard';

/**
 * The purpose a use of information names (2.1, 3.1): a consent, a consent check, a disclosure, a people export. 400
 * naming `path` when there is none; refused (403, rule purposes/not-in-force) when it is a draft, retired or past its
 * review date — processing that names no active purpose is refused. The refusal is audited as `action`, against the
 * person when the use is about one.
 */
export async function purposeInForceFor(ctx: Ctx, purposeId: string, path: string, action: string, person: Visible | null): Promise<PurposeRow> {
  const purpose = await ctx.db.selectFrom('purposes').selectAll().where('id', '=', purposeId).executeTakeFirst();
  if (!purpose) throw invalidInput('No purpose with that id in the register.', [{ path, message: 'no such purpose' }]);
  if (!purposeInForce({ id: purpose.id, status: purpose.status, nextReviewOn: purpose.next_review_on }, ctx.nowIso)) {
    const clause = ctx.actor.policy.clauseFor('purpose-register');
    const about = person ? { resourceType: 'person', resourceId: person.row.id, subjectPersonId: person.subjectPersonId } : {};
    ctx.audit.add({ action, decision: 'deny', ruleId: 'purposes/not-in-force', clause, ...about, detail: { purposeId } });
    throw refused('This purpose is not active: a draft, retired, or due for review. A guardian must approve it before it covers anything (3.1).', {
      rule: 'purposes/not-in-force', clause, errors: [{ path, message: 'the purpose is not active' }],
    });
  }
  return purpose;
}
