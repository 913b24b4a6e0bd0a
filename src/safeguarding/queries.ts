import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { filter, visibleWhere } from '../policy/filter';
import { offered } from '../records/can';
import { findVisible, presentSummary, readRecord, requireAllowed } from '../records/guard';
import { decodeCursor, encodeCursor } from '../records/paging';
import { entriesOf } from './chronology';
import { activeManagers } from '../notify/notify';
import { referralsOfConcern } from './referral-queries';
import type { ListConcernsQuery } from './schema';

/** The flag is stored as 0/1 on both engines; the API says true or false. */
function withBooleans(data: Record<string, unknown>) {
  if ('immediateRisk' in data) data.immediateRisk = Number(data.immediateRisk) === 1;
  return data;
}

/**
 * One concern as the actor may see it: the safeguarding leads and management see it all; the person who raised it
 * sees what they wrote and its status, and nothing of how it is handled; nobody else may know it exists (404).
 * A read of what was written is audited (the fields, never their contents). `can` says whether the actor may work
 * the concern and record a referral (decided by the policy, so the web app offers only what the API accepts).
 */
export async function getConcern(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'concern', id);
  const subject = await subjectOf(ctx, row);
  return { data: withBooleans(presented.data), restricted: presented.restricted, version: Number(row.version), can: offered(ctx, 'concern', row), ...(subject ? { subject } : {}) };
}

/**
 * Whom a concern is about, by name, for those who work concerns (rule safeguarding/subject-name-for-leads,
 * practice 4.1: they act at once, on or off the person's case team): the person's general fields — given, family
 * and preferred name — and nothing else of the record. Anyone else (the raiser reads back what they wrote) gets
 * nothing more. Each name shown is audited against the person, with the rule and clause.
 */
async function subjectOf(ctx: Ctx, row: Record<string, unknown>) {
  const personId = row.person_id as string | null;
  if (!personId) return null;
  const d = decide(ctx.actor, 'concern.subject', { ...factsFor(ctx.actor, 'concern', row), classification: 'general' });
  if (!d.allowed) return null;
  const p = await ctx.db.selectFrom('people').select(['id', 'given_name', 'family_name', 'preferred_name']).where('id', '=', personId).executeTakeFirst();
  if (!p) return null;
  ctx.audit.add(fromDecision('concern.subject', d, { resourceType: 'concern', resourceId: row.id as string, subjectPersonId: personId, detail: { fields: ['givenName', 'familyName', 'preferredName'] } }));
  return { personId, givenName: p.given_name, familyName: p.family_name, preferredName: p.preferred_name ?? null };
}

/**
 * Concerns the actor may see, filtered in SQL by the same rules as a single read: every concern for the leads and
 * management, one's own for everyone else. `view`: `all` and `mine` (only one's own) newest first; `inbox`, the open
 * ones, immediate risk first and then the oldest first (practice 4.1: for their immediate action). Items carry
 * general fields only (status, when, who for, immediate risk), never what was written; `names` gives the display
 * names of the colleagues who raised them.
 */
export async function listConcerns(ctx: Ctx, query: ListConcernsQuery) {
  const scope = filter(ctx.actor, 'concern.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  const view = query.view ?? 'all';
  let q = ctx.db.selectFrom('concerns').selectAll('concerns').where((eb) => visibleWhere(eb, 'concern', scope, ctx.actor));
  if (query.status) q = q.where('concerns.status', '=', query.status);
  else if (view === 'inbox') q = q.where('concerns.status', 'in', ['raised', 'acknowledged']);
  if (view === 'mine') q = q.where('concerns.raised_by', '=', ctx.actor.id);
  if (view === 'inbox') {
    if (query.cursor) {
      const [risk, at, id] = decodeCursor(query.cursor, 3);
      const r = Number(risk);
      q = q.where((eb) => eb.or([
        eb('concerns.immediate_risk', '<', r),
        eb.and([eb('concerns.immediate_risk', '=', r), eb.or([eb('concerns.raised_at', '>', at), eb.and([eb('concerns.raised_at', '=', at), eb('concerns.id', '>', id)])])]),
      ]));
    }
    q = q.orderBy('concerns.immediate_risk', 'desc').orderBy('concerns.raised_at', 'asc').orderBy('concerns.id', 'asc');
  } else {
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      q = q.where((eb) => eb.or([eb('concerns.raised_at', '<', at), eb.and([eb('concerns.raised_at', '=', at), eb('concerns.id', '<', id)])]));
    }
    q = q.orderBy('concerns.raised_at', 'desc').orderBy('concerns.id', 'desc');
  }
  const rows = await q.limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const cursor = !last ? null : view === 'inbox' ? [String(Number(last.immediate_risk)), last.raised_at, last.id] : [last.raised_at, last.id];
  return {
    items: page.map((r) => withBooleans(presentSummary(ctx, 'concern', r as unknown as Record<string, unknown>))),
    names: await displayNames(ctx, page.map((r) => r.raised_by)),
    nextCursor: rows.length > query.limit && cursor ? encodeCursor(cursor) : null,
  };
}

/** Display names of colleagues by account id (who raised, acknowledged or recorded something), never client data. */
async function displayNames(ctx: Ctx, ids: ReadonlyArray<string | null | undefined>): Promise<Record<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  if (!unique.length) return {};
  const rows = await ctx.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', unique).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.display_name]));
}

/**
 * How a concern is being handled, for those who work it (practice 4.2–4.3): its handling state and the whole
 * chronology — alerts, acknowledgement, escalations, facts, actions, decisions, outcomes and referrals. The person
 * who raised it is refused (403): they see their report and its status only. Audited as a read of safeguarding
 * information. `names` gives the display names of the colleagues it names; `managers`, the active managers a
 * decision can be agreed with (practice 4.2).
 */
export async function getChronology(ctx: Ctx, id: string) {
  const v = await findVisible(ctx, 'concern', id);
  const d = requireAllowed(ctx, 'concern.work', v);
  const entries = await entriesOf(ctx, id);
  ctx.audit.add(fromDecision('concern.chronology', d, { resourceType: 'concern', resourceId: id, subjectPersonId: v.subjectPersonId, detail: { entries: entries.length } }));
  const r = v.row;
  return {
    concernId: id,
    handling: {
      status: r.status, escalationLevel: Number(r.escalation_level), nextEscalationAt: r.next_escalation_at ?? null,
      acknowledgedAt: r.acknowledged_at ?? null, acknowledgedBy: r.acknowledged_by ?? null, closedAt: r.closed_at ?? null, closedBy: r.closed_by ?? null,
    },
    entries,
    referrals: await referralsOfConcern(ctx, id),
    names: await displayNames(ctx, [r.raised_by as string, r.acknowledged_by as string | null, r.closed_by as string | null, ...entries.map((e) => e.recordedBy), ...entries.map((e) => e.agreedBy), ...entries.flatMap((e) => (Array.isArray(e.detail.recipients) ? (e.detail.recipients as string[]) : []))]),
    // Practice 4.2: the active managers a decision can be agreed with (body.agreedWith), by id and display name.
    managers: Object.entries(await displayNames(ctx, await activeManagers(ctx))).map(([userId, displayName]) => ({ id: userId, displayName })),
  };
}
