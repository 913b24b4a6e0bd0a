import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { PolicyReviewRow } from '../db/schema';
import { invalidInput } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import type { Decision } from '../policy/types';
import { currentPolicy } from '../policy-document/store';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { ListPolicyReviewsQuery, RecordPolicyReviewInput } from './schema';

const DAY = 86_400_000;

/** The senior management team's decision on `action` (review.read / review.record); refused ones are audited and thrown. */
export function requireManagement(ctx: Ctx, action: 'review.read' | 'review.record'): Decision {
  return enforce(ctx, action, decide(ctx.actor, action, { type: 'system' }), { resourceType: 'system', resourceId: null });
}

/** A recorded review as the senior management team see it. */
export const presentPolicyReview = (r: PolicyReviewRow & { reviewer_name?: string | null }) => ({
  id: r.id, policyDocumentId: r.policy_document_id, policyVersion: r.policy_version === null ? null : Number(r.policy_version),
  reviewedBy: { id: r.reviewed_by, name: r.reviewer_name ?? null }, reviewedAt: r.reviewed_at, outcome: r.outcome, notes: r.notes,
  nextReviewOn: r.next_review_on,
});

/**
 * When the policy is next due for review: the latest review's next date, or — before the first review — one year
 * after the current version was loaded. `overdue` once that date has passed on the injected clock.
 */
export async function policyReviewStatus(ctx: Pick<Ctx, 'db' | 'nowIso'>) {
  const latest = await ctx.db.selectFrom('policy_reviews').leftJoin('users', 'users.id', 'policy_reviews.reviewed_by')
    .selectAll('policy_reviews').select('users.display_name as reviewer_name')
    .orderBy('policy_reviews.reviewed_at', 'desc').orderBy('policy_reviews.id', 'desc').limit(1).executeTakeFirst();
  const policy = await currentPolicy(ctx.db);
  const loaded = policy ? new Date(policy.loadedAt) : null;
  const dueOn = latest?.next_review_on
    ?? (loaded ? new Date(Date.UTC(loaded.getUTCFullYear() + 1, loaded.getUTCMonth(), loaded.getUTCDate())).toISOString().slice(0, 10) : null);
  const today = ctx.nowIso.slice(0, 10);
  const daysOverdue = dueOn && dueOn < today ? Math.floor((Date.parse(today) - Date.parse(dueOn)) / DAY) : 0;
  return {
    policy: policy ? { id: policy.id, version: policy.version, title: policy.title, loadedAt: policy.loadedAt } : null,
    lastReview: latest ? presentPolicyReview(latest) : null,
    nextReviewOn: dueOn,
    state: !dueOn ? 'no-policy' as const : daysOverdue > 0 ? 'overdue' as const : 'scheduled' as const,
    daysOverdue,
  };
}

/**
 * Records a review of the policy by the senior management team ("Monitoring and Review", 3.6): who (the actor),
 * when (now), the version reviewed, the outcome, notes and the next review date, which must be after today and
 * within three years. Append-only: history is never rewritten. Audited with the outcome, never the notes.
 */
export async function recordPolicyReview(ctx: Ctx, input: RecordPolicyReviewInput) {
  const d = requireManagement(ctx, 'review.record');
  const today = ctx.nowIso.slice(0, 10);
  const limit = new Date(Date.UTC(ctx.now.getUTCFullYear() + 3, ctx.now.getUTCMonth(), ctx.now.getUTCDate())).toISOString().slice(0, 10);
  if (input.nextReviewOn <= today) throw invalidInput('The next review must be after today.', [{ path: 'body.nextReviewOn', message: 'must be after today' }]);
  if (input.nextReviewOn > limit) throw invalidInput('Review the policy at least every three years.', [{ path: 'body.nextReviewOn', message: `must be on or before ${limit}` }]);
  const policy = await currentPolicy(ctx.db);
  const row: PolicyReviewRow = {
    id: newId(ctx.now.getTime()), policy_document_id: policy?.id ?? null, policy_version: policy?.version ?? null,
    reviewed_by: ctx.actor.id, reviewed_at: ctx.nowIso, outcome: input.outcome, notes: input.notes, next_review_on: input.nextReviewOn,
  };
  await ctx.db.insertInto('policy_reviews').values(row).execute();
  ctx.audit.add({ ...fromDecision('review.record', d, { resourceType: 'policy_review', resourceId: row.id, detail: { outcome: row.outcome, policyVersion: row.policy_version, nextReviewOn: row.next_review_on } }), decision: 'change' });
  const reviewer = await ctx.db.selectFrom('users').select('display_name').where('id', '=', ctx.actor.id).executeTakeFirst();
  return presentPolicyReview({ ...row, reviewer_name: reviewer?.display_name ?? null });
}

/** The history of policy reviews, newest first (managers). Audited as a review read. */
export async function listPolicyReviews(ctx: Ctx, query: ListPolicyReviewsQuery) {
  const d = requireManagement(ctx, 'review.read');
  let q = ctx.db.selectFrom('policy_reviews').leftJoin('users', 'users.id', 'policy_reviews.reviewed_by')
    .selectAll('policy_reviews').select('users.display_name as reviewer_name');
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('policy_reviews.reviewed_at', '<', at), eb.and([eb('policy_reviews.reviewed_at', '=', at), eb('policy_reviews.id', '<', id)])]));
  }
  const rows = await q.orderBy('policy_reviews.reviewed_at', 'desc').orderBy('policy_reviews.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  ctx.audit.add(fromDecision('review.read', d, { resourceType: 'policy_review', resourceId: null, detail: { list: true, results: page.length } }));
  const last = page.at(-1);
  return {
    status: await policyReviewStatus(ctx),
    items: page.map(presentPolicyReview),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.reviewed_at, last.id]) : null,
  };
}
