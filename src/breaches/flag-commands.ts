import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { AccessGrantRow, BreachFlagRow } from '../db/schema';
import { conflict } from '../lib/errors';
import { decide } from '../policy/decide';
import { decodeCursor, encodeCursor } from '../records/paging';
import { changeEntry, createBreach } from './commands';
import { flagConductOf, flagNotAbout } from './conduct';
import { getBreach } from './queries';
import type { ListFlagsQuery } from './schema';
import { notFoundAudited } from '../audit/not-found';

/** Flags are for those who handle breaches (management): they name a colleague and what their activity was. */
function requireHandler(ctx: Ctx, action: string, flagId: string | null) {
  return enforce(ctx, action, decide(ctx.actor, 'breach.flags', { type: 'breach', classification: 'general' }), { resourceType: 'breach-flag', resourceId: flagId });
}

/** A flag as the API sends it. */
export function presentFlag(f: BreachFlagRow) {
  return {
    id: f.id, kind: f.kind, userId: f.user_id, windowStart: f.window_start, windowEnd: f.window_end, count: Number(f.count), grantId: f.grant_id,
    raisedAt: f.raised_at, status: f.status, decidedBy: f.decided_by, decidedAt: f.decided_at, dismissReason: f.dismiss_reason, breachId: f.breach_id,
  };
}

/**
 * Review flags by status (default open), newest first (management), but those about the caller's own activity: a
 * disciplinary matter is not followed by the person it concerns (rule breaches/not-own-conduct, clause 5). The
 * listing is audited once.
 */
export async function listFlags(ctx: Ctx, query: ListFlagsQuery) {
  const d = requireHandler(ctx, 'breach.flags', null);
  let q = ctx.db.selectFrom('breach_flags').selectAll().where('status', '=', query.status).where((eb) => flagNotAbout(eb, ctx.actor.id));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('raised_at', '<', at), eb.and([eb('raised_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  ctx.audit.add(fromDecision('breach.flags', d, { resourceType: 'breach-flag', detail: { status: query.status, results: page.length } }));
  const last = page[page.length - 1];
  // What the web app may offer on each flag, decided as the decision itself is (flagDecision).
  return { items: page.map((f) => ({ ...presentFlag(f), can: { decide: flagDecision(ctx, f).allowed } })), nextCursor: rows.length > query.limit && last ? encodeCursor([last.raised_at, last.id]) : null };
}

/** Whether the actor may decide a flag: management, never on a flag about their own activity (breaches/not-own-conduct). */
const flagDecision = (ctx: Ctx, f: Pick<BreachFlagRow, 'user_id'>) => decide(ctx.actor, 'breach.flags', { type: 'breach', classification: 'general', conductOf: flagConductOf(f) });

/**
 * An open flag, for a decision on it (dismissing it, opening it as a breach), with the decision that allows it: never
 * by the user whose activity it names (rule breaches/not-own-conduct: 403, audited as the decision attempted).
 */
async function openFlag(ctx: Ctx, id: string, action: string) {
  requireHandler(ctx, action, id);
  const flag = await ctx.db.selectFrom('breach_flags').selectAll().where('id', '=', id).executeTakeFirst();
  if (!flag) {
    throw notFoundAudited(ctx, 'flag', { action, resourceType: 'breach-flag', resourceId: id, detail: { found: false } });
  }
  const d = enforce(ctx, action, flagDecision(ctx, flag), { resourceType: 'breach-flag', resourceId: id, detail: { kind: flag.kind } });
  if (flag.status !== 'open') throw conflict(`This flag was already ${flag.status === 'breach' ? 'opened as a breach' : 'dismissed'}.`, [{ path: 'params.id', message: flag.status }]);
  return { flag, d };
}

/** Moves a flag out of `open`, only if it is still open (two managers deciding at once: one wins, the other gets 409). */
async function decideFlag(ctx: Ctx, flag: BreachFlagRow, changes: Partial<BreachFlagRow>) {
  const done = await ctx.db
    .updateTable('breach_flags')
    .set({ ...changes, decided_by: ctx.actor.id, decided_at: ctx.nowIso, version: Number(flag.version) + 1 })
    .where('id', '=', flag.id).where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This flag was decided meanwhile.', [{ path: 'params.id', message: 'already decided' }]);
}

/** Dismisses a flag with the reason it is not a breach (the reason is kept with the flag, never in the audit detail). */
export async function dismissFlag(ctx: Ctx, id: string, reason: string) {
  const { flag, d } = await openFlag(ctx, id, 'breach.flag.dismiss');
  await decideFlag(ctx, flag, { status: 'dismissed', dismiss_reason: reason });
  ctx.audit.add(changeEntry('breach.flag.dismiss', d, { resourceType: 'breach-flag', resourceId: id, detail: { kind: flag.kind, user: flag.user_id } }));
  return presentFlag({ ...flag, status: 'dismissed', dismiss_reason: reason, decided_by: ctx.actor.id, decided_at: ctx.nowIso });
}

/** "1 Dec 2026, 12:45 UTC": a flag's window as a person reads it in the breach report (kept in UTC, the audit's time). */
const when = (iso: string | null) => (iso ? `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC` : 'an unknown time');

const FLAG_WORDS: Readonly<Record<string, (f: BreachFlagRow) => string>> = {
  'break-glass-unreviewed': (f) => `A break-glass use (${f.grant_id}) waited longer than expected for its review.`,
  'read-volume': (f) => `Unusual volume of record reads by one user: ${f.count} between ${when(f.window_start)} and ${when(f.window_end)}.`,
  'repeated-denials': (f) => `Repeated refusals for one user: ${f.count} between ${when(f.window_start)} and ${when(f.window_end)}.`,
  'people-export': (f) => `An export of ${f.count} people's confidential details at ${when(f.window_start)}.`,
};

/**
 * Opens a flag as a breach record (clause 5): the manager records it, the ICO clock starts, management are told,
 * and the flag points to the breach. The new breach says what the flag saw (counts and times, no record contents)
 * and links the user's flag by id.
 */
export async function openFlagAsBreach(ctx: Ctx, id: string) {
  const { flag, d } = await openFlag(ctx, id, 'breach.flag.open');
  const { id: breachId } = await createBreach(ctx, { source: 'flag', report: FLAG_WORDS[flag.kind]?.(flag) ?? `Review flag ${flag.kind}.`, status: 'assessing', flagId: id, grantId: flag.grant_id }, d, 'breach.open', { flag: id });
  await decideFlag(ctx, flag, { status: 'breach', breach_id: breachId });
  ctx.audit.add(changeEntry('breach.flag.open', d, { resourceType: 'breach-flag', resourceId: id, detail: { kind: flag.kind, user: flag.user_id, breach: breachId } }));
  return getBreach(ctx, breachId);
}

/**
 * The break-glass hook: a use a manager reviews as a breach opens a breach record linked to it (and to the person
 * whose record was opened), in the review's transaction, so the register and the review cannot disagree. Returns
 * the new breach's id. Called by src/access/break-glass.ts.
 */
export async function openBreachFromBreakGlass(ctx: Ctx, grant: AccessGrantRow): Promise<string> {
  const d = enforce(ctx, 'breach.open', decide(ctx.actor, 'breach.handle', { type: 'breach', classification: 'general' }), { resourceType: 'grant', resourceId: grant.id });
  const { id: breachId } = await createBreach(ctx, {
    source: 'break-glass', status: 'assessing', grantId: grant.id,
    report: `A break-glass use (${grant.id}) of a ${grant.resource_type} record was reviewed as a breach of the confidentiality policy.`,
  }, d, 'breach.open', { grant: grant.id });
  if (grant.person_id) {
    await ctx.db.insertInto('breach_people').values({ breach_id: breachId, person_id: grant.person_id, linked_by: ctx.actor.id, linked_at: ctx.nowIso }).execute();
    ctx.audit.add(changeEntry('breach.people', d, { resourceType: 'breach', resourceId: breachId, subjectPersonId: grant.person_id, detail: { linked: true, version: 1 } }));
  }
  return breachId;
}
