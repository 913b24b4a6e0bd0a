import type { z } from 'zod';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { AccessGrantRow } from '../db/schema';
import { conflict, notFound } from '../lib/errors';
import { addMinutes } from '../lib/clock';
import { newId } from '../lib/ids';
import { firstHolders, notify } from '../notify/notify';
import { settleAlerts } from '../notify/settle';
import { openBreachFromBreakGlass } from '../breaches/flag-commands';
import { decide } from '../policy/decide';
import { decodeCursor } from '../records/paging';
import { grantFor, pageOf, presentGrant, transition } from './grants';
import type { breakGlassBody, breakGlassQuery, reviewBody } from './schema';
import { resolveTarget } from './target';

/** Everything but commercial information: an emergency is about a person, not a business. */
const BREAK_GLASS_CLASSES = ['personal', 'special', 'safeguarding', 'session'];

/**
 * Opens a record outside one's need to know in an emergency (practice 4.2): access at once for BREAK_GLASS_MINUTES,
 * every manager notified immediately, and the use waits in a review queue until a manager marks it justified or a
 * breach (practice 4.3: every necessary breach of confidentiality and its reasons are recorded). The answer is the
 * same whether or not the record exists (like every other route, ids cannot be probed); the reviewers see which.
 * A break-glass on a person opens the whole of their record, each case with its notes and attachments (see
 * src/accounts/actor.ts); on a case, the case, its notes and attachments and its person. Reads under it are decided
 * by rule break-glass/emergency-access.
 */
export async function breakGlass(ctx: Ctx, input: z.infer<typeof breakGlassBody>) {
  // A record that does not exist is answered exactly as one that does (same status, same shape, the same work done:
  // a grant row, the audit entry, the managers told), so break-glass cannot be used to probe ids. The grant covers
  // nothing, the reviewers see it as a use on a record that does not exist, and the audit says so.
  const target = await resolveTarget(ctx, input.resourceType, input.resourceId);
  const d = decide(ctx.actor, 'breakglass.open', { type: input.resourceType, id: input.resourceId });
  const expiresAt = addMinutes(ctx.now, ctx.services.config.breakGlassMinutes).toISOString();
  const row: AccessGrantRow = {
    id: newId(ctx.now.getTime()), user_id: ctx.actor.id, kind: 'break_glass', resource_type: input.resourceType, resource_id: input.resourceId,
    person_id: target.personId, case_id: target.caseId, organisation_id: null, classifications: JSON.stringify(BREAK_GLASS_CLASSES),
    reason: input.reason, status: 'approved', requested_at: ctx.nowIso, requested_hours: 0, decided_by: null, decided_at: ctx.nowIso,
    decision_note: 'break-glass', expires_at: expiresAt, revoked_at: null, revoked_by: null, review_status: 'pending',
    reviewed_by: null, reviewed_at: null, review_note: null,
  };
  await ctx.db.insertInto('access_grants').values(row).execute();
  ctx.audit.add(fromDecision('breakglass.open', d, {
    resourceType: input.resourceType, resourceId: input.resourceId, subjectPersonId: target.personId,
    detail: { grant: row.id, minutes: ctx.services.config.breakGlassMinutes, ...(target.exists ? {} : { found: false }) },
  }));
  // When the actor is the only manager — or no other can act yet, never having signed in to set a password
  // (src/accounts/can-act.ts) — nobody else could review the use: the guardian is told too, so an emergency access
  // is never silent (the review itself still needs another manager).
  const { ids: recipients } = await firstHolders(ctx, ['manager', 'guardian'], ctx.actor.id);
  await notify(ctx, recipients, {
    kind: 'break-glass', subject: 'Emergency access to a client record needs review',
    body: 'A colleague used break-glass access to open a record outside their need to know. Review the use and mark it justified or a breach.',
    resourceType: 'grant', resourceId: row.id, decision: d,
  });
  // Never `recordFound` here, whoever asks: the answer must not tell whether the record exists.
  return presentGrant(row, ctx.nowIso, false);
}

/** The review queue of break-glass uses (managers), oldest first so none waits longest unseen. */
export async function listBreakGlass(ctx: Ctx, query: z.infer<typeof breakGlassQuery>) {
  let q = ctx.db.selectFrom('access_grants').selectAll().where('kind', '=', 'break_glass').where('review_status', '=', query.review);
  if (query.cursor) {
    const [at, last] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('requested_at', '>', at), eb.and([eb('requested_at', '=', at), eb('id', '>', last)])]));
  }
  const rows = await q.orderBy('requested_at', 'asc').orderBy('id', 'asc').limit(query.limit + 1).execute();
  return pageOf(rows, query.limit, (g) => presentGrant(g, ctx.nowIso, true));
}

/**
 * Records a manager's review of a break-glass use — never the user who used it (forbid rule grant/no-self-approval).
 * A breach ends the access at once, is recorded under the breaches clause (5), and opens a breach record on the
 * register linked to this use (`breachId` in the answer); the user is told the outcome either way. Every alert asking
 * for this review is settled by the reviewer (practice 4.2).
 */
export async function reviewBreakGlass(ctx: Ctx, id: string, input: z.infer<typeof reviewBody>) {
  const { grant, decision } = await grantFor(ctx, id, 'breakglass.review');
  if (grant.kind !== 'break_glass') throw notFound('break-glass access');
  if (grant.review_status !== 'pending') throw conflict(`This use was already reviewed as ${grant.review_status}.`);
  const changes: Partial<AccessGrantRow> = { review_status: input.outcome, reviewed_by: ctx.actor.id, reviewed_at: ctx.nowIso, review_note: input.note };
  if (input.outcome === 'breach' && grant.status === 'approved') Object.assign(changes, { status: 'revoked', revoked_at: ctx.nowIso, revoked_by: ctx.actor.id });
  await transition(ctx, id, 'review_status', 'pending', changes);
  const breach = input.outcome === 'breach';
  // The entry names what the review decided, under its clause: a breach (5), or a justified use (practice 4.2–4.3).
  const reviewed = breach
    ? { ruleId: 'break-glass/breach', clause: ctx.actor.policy.clauseFor('breach-handling') }
    : { ruleId: 'break-glass/justified', clause: ctx.actor.policy.clauseFor('break-glass-review') };
  ctx.audit.add({
    ...fromDecision('breakglass.review', decision, {
      resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id,
      detail: { outcome: input.outcome, user: grant.user_id, clauseKey: breach ? 'breach-handling' : 'break-glass-review', reviewRule: decision.ruleId },
    }),
    ruleId: reviewed.ruleId, clause: reviewed.clause,
  });
  // Reviewed once, for everyone: each manager's (or, with no other manager, the guardian's) alert to review this use
  // is settled by the reviewer, so nobody else still sees it as waiting on them (src/notify/settle.ts).
  await settleAlerts(ctx, { resourceType: 'grant', resourceId: id, kinds: ['break-glass'], decision: reviewed });
  // Clause 5: the breach goes on the register at once, linked to this use (src/breaches/flag-commands.ts).
  const breachId = breach ? await openBreachFromBreakGlass(ctx, grant) : null;
  await notify(ctx, [grant.user_id], {
    kind: breach ? 'break-glass-breach' : 'break-glass-justified',
    subject: breach ? 'Your emergency access was found to be a breach' : 'Your emergency access was reviewed as justified',
    body: breach
      ? 'A manager reviewed your break-glass access and recorded it as a breach of the confidentiality policy. Your access has ended.'
      : 'A manager reviewed your break-glass access and recorded it as justified.',
    resourceType: 'grant', resourceId: id, decision: reviewed,
  });
  return { ...presentGrant({ ...grant, ...changes } as AccessGrantRow, ctx.nowIso, true), ...(breachId ? { breachId } : {}) };
}
