import { enforce } from '../audit/enforce';
import type { Ctx } from '../context';
import type { AccessGrantRow, BreachFlagRow } from '../db/schema';
import { conflict } from '../lib/errors';
import { decide, decideAction } from '../policy/decide';
import { filter, visibleWhere } from '../policy/filter';
import type { Actor } from '../policy/types';
import { listRules } from '../records/list-audit';
import { decodeCursor, encodeCursor } from '../records/paging';
import { changeEntry, createBreach } from './commands';
import { readyManagerIds, conductFacts, FLAG_CONDUCT, flagConductOf } from './conduct';
import { getBreach } from './queries';
import type { ListFlagsQuery } from './schema';
import { notFoundAudited } from '../audit/not-found';

/**
 * Whether the actor works the flag queue at all (clause 5): some rule gives `breach.flags` to their roles — management,
 * and the guardian for the flags no manager is free to decide — the pipeline's coarse check, asked again for the
 * console. Which flags they may list and decide is decided per flag ({@link flagDecision}). A refusal is audited as
 * `attempted`, naming the rule and clause, and answers 403.
 */
function requireQueue(ctx: Ctx, attempted: string, flagId: string | null) {
  const refusal = decideAction(ctx.actor, 'breach.flags');
  if (refusal) enforce(ctx, attempted, refusal, { resourceType: 'breach-flag', resourceId: flagId });
}

/**
 * The decision on a flag (`breach.flags`, clause 5): decided as the breach it may become, about the user it names —
 * management, never the manager it is about (breaches/not-own-conduct); the guardian when no active manager is free
 * to (every one is that user, or there is none: breaches/guardian-when-no-manager-free). `managers`: the ids of the
 * active managers ({@link readyManagerIds}), loaded once for a list.
 */
const flagDecision = (actor: Actor, f: Pick<BreachFlagRow, 'user_id'>, managers: readonly string[]) =>
  decide(actor, 'breach.flags', { type: 'breach', classification: 'general', ...conductFacts(flagConductOf(f), managers) });

/** A flag as the API sends it. */
export function presentFlag(f: BreachFlagRow) {
  return {
    id: f.id, kind: f.kind, userId: f.user_id, windowStart: f.window_start, windowEnd: f.window_end, count: Number(f.count), grantId: f.grant_id,
    raisedAt: f.raised_at, status: f.status, decidedBy: f.decided_by, decidedAt: f.decided_at, dismissReason: f.dismiss_reason, breachId: f.breach_id,
  };
}

/**
 * Review flags by status (default open), newest first: those the caller may decide ({@link flagDecision}), filtered
 * in SQL by the same rules (src/policy/filter.ts, each flag as the breach it may become: `FLAG_CONDUCT`). Management
 * see every flag but those about their own activity — a disciplinary matter is not followed by the person it
 * concerns (rule breaches/not-own-conduct); the guardian only those no active manager is free to decide (rule
 * breaches/guardian-when-no-manager-free). Clause 5. Each item carries the display name of the user it is about
 * (`userName`) and whether the caller may decide it. The listing is audited once, under the rule that filtered it.
 */
export async function listFlags(ctx: Ctx, query: ListFlagsQuery) {
  requireQueue(ctx, 'breach.flags', null);
  const scope = filter(ctx.actor, 'breach.flags');
  // With the name of the user each flag is about: who decides it must know whose activity it was (the guardian may
  // not list the accounts).
  let q = ctx.db.selectFrom('breach_flags').leftJoin('users', 'users.id', 'breach_flags.user_id').selectAll('breach_flags').select('users.display_name as user_name')
    .where('breach_flags.status', '=', query.status)
    .where((eb) => visibleWhere(eb as never, 'breach', scope, ctx.actor, 'set', undefined, FLAG_CONDUCT));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('breach_flags.raised_at', '<', at), eb.and([eb('breach_flags.raised_at', '=', at), eb('breach_flags.id', '<', id)])]));
  }
  const rows = await q.orderBy('breach_flags.raised_at', 'desc').orderBy('breach_flags.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const [rule] = listRules(ctx, 'breach.flags');
  ctx.audit.add({
    action: 'breach.flags', decision: 'allow', ruleId: rule?.id ?? null, clause: rule ? ctx.actor.policy.clauseFor(rule.clauseKey) : null,
    resourceType: 'breach-flag', detail: { status: query.status, results: page.length },
  });
  const last = page[page.length - 1];
  // What the web app may offer on each flag, decided as the decision itself is.
  const managers = page.length ? await readyManagerIds(ctx) : [];
  return {
    items: page.map(({ user_name: userName, ...f }) => ({ ...presentFlag(f), userName, can: { decide: flagDecision(ctx.actor, f, managers).allowed } })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.raised_at, last.id]) : null,
  };
}

/**
 * An open flag, for a decision on it (dismissing it, opening it as a breach), with the decision that allows it
 * ({@link flagDecision}): never by the user whose activity it names (rule breaches/not-own-conduct), nor by the
 * guardian while a manager is free to decide it — 403, audited as the decision attempted, naming the rule and clause 5.
 */
async function openFlag(ctx: Ctx, id: string, action: string) {
  requireQueue(ctx, action, id);
  const flag = await ctx.db.selectFrom('breach_flags').selectAll().where('id', '=', id).executeTakeFirst();
  if (!flag) {
    throw notFoundAudited(ctx, 'flag', { action, resourceType: 'breach-flag', resourceId: id, detail: { found: false } });
  }
  const d = enforce(ctx, action, flagDecision(ctx.actor, flag, await readyManagerIds(ctx)), { resourceType: 'breach-flag', resourceId: id, detail: { kind: flag.kind } });
  if (flag.status !== 'open') throw conflict(`This flag was already ${flag.status === 'breach' ? 'opened as a breach' : 'dismissed'}.`, [{ path: 'params.id', message: flag.status }]);
  return { flag, d };
}

/** Moves a flag out of `open`, only if it is still open (two people deciding it at once: one wins, the other gets 409). */
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
