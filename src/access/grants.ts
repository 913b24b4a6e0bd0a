import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { Decision } from '../policy/types';
import type { AccessGrantRow } from '../db/schema';
import { conflict, forbidden, invalidInput, notFound } from '../lib/errors';
import { addMinutes } from '../lib/clock';
import { newId } from '../lib/ids';
import { listOf } from '../lib/list-words';
import { notify, activeManagers } from '../notify/notify';
import { settleAlerts } from '../notify/settle';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { z } from 'zod';
import type { approveBody, listGrantsQuery, refuseBody, requestAccessBody } from './schema';
import { GRANTABLE_BY_RECORD } from './grantable';
import { resolveTarget } from './target';
import { notFoundAudited } from '../audit/not-found';

/**
 * A grant's status as of `nowIso`: an approved grant whose end has come is `expired` (it opens nothing any more,
 * src/accounts/actor.ts), whatever the stored status says; the stored row is not rewritten when time passes.
 */
export function grantStatus(g: Pick<AccessGrantRow, 'status' | 'expires_at'>, nowIso: string): string {
  return g.status === 'approved' && g.expires_at !== null && g.expires_at <= nowIso ? 'expired' : g.status;
}

/**
 * A grant as the API shows it at `nowIso` (the reason is the requester's own words about their work, not client
 * data). `recordFound` is shown only to those who decide requests (`oversight`): shown to a requester it would tell
 * an unknown id from one they may not see, which the request endpoint takes care never to reveal (3.4).
 */
export function presentGrant(g: AccessGrantRow, nowIso: string, oversight = false) {
  return {
    id: g.id, userId: g.user_id, kind: g.kind, resourceType: g.resource_type, resourceId: g.resource_id,
    ...(oversight ? { recordFound: g.person_id !== null || g.case_id !== null || g.organisation_id !== null } : {}),
    classifications: ['general', ...(JSON.parse(g.classifications) as string[])], reason: g.reason, status: grantStatus(g, nowIso),
    requestedAt: g.requested_at, requestedHours: g.requested_hours, decidedBy: g.decided_by, decidedAt: g.decided_at,
    decisionNote: g.decision_note, expiresAt: g.expires_at, revokedAt: g.revoked_at, reviewStatus: g.review_status,
    reviewedBy: g.reviewed_by, reviewedAt: g.reviewed_at, reviewNote: g.review_note,
  };
}

/** Loads a grant and checks `action` on it (ownerId = the grantee), answering 404 for missing and hidden alike. */
export async function grantFor(ctx: Ctx, id: string, action: Action) {
  const grant = await ctx.db.selectFrom('access_grants').selectAll().where('id', '=', id).executeTakeFirst();
  const d = decide(ctx.actor, action, { type: 'grant', id, ownerId: grant?.user_id ?? null });
  if (!grant) {
    throw notFoundAudited(ctx, 'access grant', { action, resourceType: 'grant', resourceId: id, detail: { found: false } });
  }
  if (!d.allowed) {
    ctx.audit.add(fromDecision(action, d, { resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id, detail: { found: true } }));
    // The grantee may see their own grant: a forbid on it (e.g. deciding your own request) is a 403, not a 404.
    if (grant && (grant.user_id === ctx.actor.id || decide(ctx.actor, 'grant.list', { ownerId: grant.user_id }).allowed)) throw forbidden(d);
    throw notFound('access grant');
  }
  return { grant, decision: d };
}

/** Whether the actor sees every grant (managers) rather than only their own. */
export const hasOversight = (ctx: Ctx) => decide(ctx.actor, 'grant.list', { ownerId: null }).allowed;

/**
 * Changes a grant only if it is still in the state the caller checked (`where` column = `expected`), so two managers
 * deciding at once cannot both win: the second gets 409 and nothing is written, notified or audited for it.
 */
export async function transition(ctx: Ctx, id: string, where: 'status' | 'review_status', expected: string, changes: Partial<AccessGrantRow>) {
  const r = await ctx.db.updateTable('access_grants').set(changes).where('id', '=', id).where(where, '=', expected).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw conflict('This access grant was changed by someone else meanwhile; reload it.');
}

/**
 * Asks for time-limited access to a record outside one's need to know (3.4). Unknown and invisible records are
 * answered alike (202, queued) so the request cannot be used to probe which ids exist; the manager's queue shows
 * "record not found" for the former.
 */
export async function requestAccess(ctx: Ctx, input: z.infer<typeof requestAccessBody>) {
  const max = ctx.services.config.grantMaxHours;
  // Said, not cut short silently: the requester learns the limit before anything is queued.
  if (input.hours !== undefined && input.hours > max) throw invalidInput(`Access is granted for at most ${max} hours at a time.`, [{ path: 'body.hours', message: `at most ${max}` }]);
  // Said, not queued: a grant opens only what that kind of record holds (a person's record has nothing commercial).
  // Decided on the kind, never on the record, so the answer says nothing of whether the id exists.
  const holds = GRANTABLE_BY_RECORD[input.resourceType];
  const lacking = input.classifications.filter((c) => !holds.includes(c));
  if (lacking.length) throw invalidInput(`Records of this kind hold no ${listOf(lacking)} information to grant.`, [{ path: 'body.classifications', message: `one of ${holds.join(', ')}` }]);
  const target = await resolveTarget(ctx, input.resourceType, input.resourceId);
  const hours = Math.min(input.hours ?? ctx.services.config.grantDefaultHours, max);
  const row: AccessGrantRow = {
    id: newId(ctx.now.getTime()), user_id: ctx.actor.id, kind: 'request', resource_type: input.resourceType, resource_id: input.resourceId,
    person_id: target.personId, case_id: target.caseId, organisation_id: target.organisationId,
    classifications: JSON.stringify([...input.classifications].sort()), reason: input.reason, status: 'requested',
    requested_at: ctx.nowIso, requested_hours: hours, decided_by: null, decided_at: null, decision_note: null, expires_at: null,
    revoked_at: null, revoked_by: null, review_status: null, reviewed_by: null, reviewed_at: null, review_note: null,
  };
  await ctx.db.insertInto('access_grants').values(row).execute();
  const d = decide(ctx.actor, 'grant.request', { type: 'grant', id: row.id, ownerId: ctx.actor.id });
  ctx.audit.add({ action: 'grant.request', decision: 'change', resourceType: 'grant', resourceId: row.id, subjectPersonId: target.personId, ruleId: d.ruleId, clause: d.clause, detail: { resourceType: input.resourceType, classifications: input.classifications, hours } });
  await notify(ctx, await activeManagers(ctx, ctx.actor.id), {
    kind: 'access-request', subject: 'An access request is waiting for a decision', body: 'A colleague asked for access to a record outside their need to know. Review it in the access requests queue.',
    resourceType: 'grant', resourceId: row.id, decision: d,
  });
  return { id: row.id, status: row.status };
}

/** Access requests and grants: managers see all, everyone else their own. */
export async function listGrants(ctx: Ctx, query: z.infer<typeof listGrantsQuery>, kind: 'request' | 'break_glass' | 'any' = 'any') {
  const all = hasOversight(ctx);
  let q = ctx.db.selectFrom('access_grants').selectAll();
  if (!all || query.mine === 'true') q = q.where('user_id', '=', ctx.actor.id);
  // 'approved' means in force now; 'expired' is an approved grant whose end has passed (see grantStatus).
  if (query.status === 'expired') q = q.where('status', '=', 'approved').where('expires_at', '<=', ctx.nowIso);
  else if (query.status === 'approved') q = q.where('status', '=', 'approved').where('expires_at', '>', ctx.nowIso);
  else if (query.status) q = q.where('status', '=', query.status);
  if (kind !== 'any') q = q.where('kind', '=', kind);
  if (query.cursor) {
    const [at, last] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('requested_at', '<', at), eb.and([eb('requested_at', '=', at), eb('id', '<', last)])]));
  }
  const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  return pageOf(rows, query.limit, (g) => presentGrant(g, ctx.nowIso, all));
}

/** One page of grants and the cursor of the next (by requested_at, id), as every grant list answers. */
export function pageOf<T>(rows: AccessGrantRow[], limit: number, present: (g: AccessGrantRow) => T) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(present), nextCursor: rows.length > limit && last ? encodeCursor([last.requested_at, last.id]) : null };
}

/**
 * Once a request is decided (approved or refused), every manager's alert to decide it is settled — taken by the actor,
 * their own included — so none still sees it as waiting on them (3.4; src/notify/settle.ts). The requester's news of
 * the decision is a different kind and stays theirs to read.
 */
const settleRequestAlerts = (ctx: Ctx, id: string, decision: Decision) => settleAlerts(ctx, { resourceType: 'grant', resourceId: id, kinds: ['access-request'], decision });

/** Approves a request for a limited time (never by the requester: forbid rule grant/no-self-approval). */
export async function approveRequest(ctx: Ctx, id: string, input: z.infer<typeof approveBody>) {
  const { grant, decision } = await grantFor(ctx, id, 'grant.decide');
  if (grant.status !== 'requested') throw conflict(`This request is already ${grant.status}.`);
  if (!grant.person_id && !grant.case_id && !grant.organisation_id) throw conflict('The requested record does not exist; refuse the request instead.');
  // An account deactivated since it asked needs nothing: access goes only to someone working here (3.4).
  const grantee = await ctx.db.selectFrom('users').select('active').where('id', '=', grant.user_id).executeTakeFirst();
  if (!grantee || Number(grantee.active) !== 1) throw conflict('The person who asked no longer has an active account; refuse the request instead.', [{ path: 'params.id', message: 'the requester is deactivated' }]);
  // Need to know is as short as it can be: never longer than asked (they ask again for longer), nor than the limit.
  if (input.hours !== undefined && input.hours > grant.requested_hours) {
    throw invalidInput(`Approve at most the ${grant.requested_hours} hours asked for; they can ask again for longer.`, [{ path: 'body.hours', message: `at most ${grant.requested_hours}, as asked` }]);
  }
  const hours = Math.min(input.hours ?? grant.requested_hours, ctx.services.config.grantMaxHours);
  const expiresAt = addMinutes(ctx.now, hours * 60).toISOString();
  await transition(ctx, id, 'status', 'requested', { status: 'approved', decided_by: ctx.actor.id, decided_at: ctx.nowIso, decision_note: input.note ?? null, expires_at: expiresAt });
  ctx.audit.add(fromDecision('grant.decide', decision, { resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id, detail: { outcome: 'approved', grantee: grant.user_id, hours } }));
  await settleRequestAlerts(ctx, id, decision);
  await notify(ctx, [grant.user_id], { kind: 'access-approved', subject: 'Your access request was approved', body: `Access is granted until ${expiresAt}.`, resourceType: 'grant', resourceId: id, decision });
  return presentGrant({ ...grant, status: 'approved', decided_by: ctx.actor.id, decided_at: ctx.nowIso, decision_note: input.note ?? null, expires_at: expiresAt }, ctx.nowIso, true);
}

/** Refuses a request, with the reason. */
export async function refuseRequest(ctx: Ctx, id: string, input: z.infer<typeof refuseBody>) {
  const { grant, decision } = await grantFor(ctx, id, 'grant.decide');
  if (grant.status !== 'requested') throw conflict(`This request is already ${grant.status}.`);
  await transition(ctx, id, 'status', 'requested', { status: 'refused', decided_by: ctx.actor.id, decided_at: ctx.nowIso, decision_note: input.note });
  ctx.audit.add(fromDecision('grant.decide', decision, { resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id, detail: { outcome: 'refused', grantee: grant.user_id } }));
  await settleRequestAlerts(ctx, id, decision);
  await notify(ctx, [grant.user_id], { kind: 'access-refused', subject: 'Your access request was refused', body: 'A manager refused your access request; the note explains why.', resourceType: 'grant', resourceId: id, decision });
  return presentGrant({ ...grant, status: 'refused', decided_by: ctx.actor.id, decided_at: ctx.nowIso, decision_note: input.note }, ctx.nowIso, true);
}

/**
 * Withdraws one's own request before a decision (3.4: a colleague who no longer needs to know, or asked by mistake,
 * takes the request back instead of leaving it in the managers' queue). Only the requester (rule
 * grants/withdraw-own), only while it waits; the managers' alerts to decide it are settled. Audited.
 */
export async function withdrawRequest(ctx: Ctx, id: string) {
  const { grant, decision } = await grantFor(ctx, id, 'grant.withdraw');
  if (grant.kind !== 'request' || grant.status !== 'requested') throw conflict(`Only a request waiting for a decision can be withdrawn; this is ${grantStatus(grant, ctx.nowIso)}.`, [{ path: 'params.id', message: `the request is ${grantStatus(grant, ctx.nowIso)}` }]);
  const changes = { status: 'withdrawn', decided_by: ctx.actor.id, decided_at: ctx.nowIso };
  await transition(ctx, id, 'status', 'requested', changes);
  ctx.audit.add(fromDecision('grant.withdraw', decision, { resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id, detail: { outcome: 'withdrawn' } }));
  await settleRequestAlerts(ctx, id, decision);
  return presentGrant({ ...grant, ...changes }, ctx.nowIso, hasOversight(ctx));
}

/** Ends a grant early: a manager, or the grantee giving it up. A grantee whose access a manager ends is told. */
export async function revokeGrant(ctx: Ctx, id: string, note?: string) {
  const { grant, decision } = await grantFor(ctx, id, 'grant.revoke');
  const status = grantStatus(grant, ctx.nowIso);
  if (status !== 'approved') throw conflict(`Only approved access can be revoked; this is ${status}.`);
  const changes = { status: 'revoked', revoked_at: ctx.nowIso, revoked_by: ctx.actor.id, decision_note: note ?? grant.decision_note };
  await transition(ctx, id, 'status', 'approved', changes);
  ctx.audit.add(fromDecision('grant.revoke', decision, { resourceType: 'grant', resourceId: id, subjectPersonId: grant.person_id, detail: { grantee: grant.user_id, kind: grant.kind } }));
  if (grant.user_id !== ctx.actor.id) {
    await notify(ctx, [grant.user_id], { kind: 'access-revoked', subject: 'Your access was ended', body: 'A manager ended one of your access grants early; the note explains why.', resourceType: 'grant', resourceId: id, decision });
  }
  return presentGrant({ ...grant, ...changes }, ctx.nowIso, hasOversight(ctx));
}
