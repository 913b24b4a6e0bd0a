import { z } from 'zod';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../accounts/system-actor';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { invalidInput } from '../lib/errors';
import { decide } from '../policy/decide';
import { filter } from '../policy/filter';
import { RULES } from '../policy/rules';
import type { Classification } from '../policy/types';
import { decimalInt, decodeCursor, encodeCursor } from '../records/paging';
import { FIELD_BY_API, isRecordType } from '../records/registry';
import { whyOf } from './why';
import { notFoundAudited } from '../audit/not-found';

/** Record types of safeguarding work (practice 4.1): a concern, and a referral made from one. */
export const SAFEGUARDING_TYPES = ['concern', 'referral'];

/**
 * The audit rows that are not safeguarding work (practice 4.1): not on a concern or a referral, nor on a disclosure a
 * referral made. Who has seen a person's records, and the person's own summary, leave that work out for everyone
 * who may not know the concern exists.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function outsideSafeguardingWork(eb: any) {
  return eb.and([
    eb.or([eb('a.resource_type', 'is', null), eb('a.resource_type', 'not in', SAFEGUARDING_TYPES)]),
    eb.or([
      eb('a.resource_type', 'is', null),
      eb('a.resource_type', '!=', 'disclosure'),
      eb.not(eb.exists(eb.selectFrom('disclosures as d').select('d.id').whereRef('d.id', '=', 'a.resource_id').where('d.concern_id', 'is not', null))),
    ]),
  ]);
}

/**
 * Part of an opened record that a rule other than the entry's own opened (1.1): a confidential classification shown
 * only because of an access grant or emergency (break-glass) access, say, while the case team opened the rest. Its
 * rule, the readable reason and the clause it rests on, and the fields of that classification that were seen.
 */
export interface AccessLogClassRule {
  classification: Classification;
  rule: string;
  why: string | null;
  clause: string | null;
  fields: string[];
}

const CLAUSE_KEY_OF = new Map(RULES.map((r) => [r.id, r.clauseKey]));

/**
 * The audit detail's `rulesByClass` (classification → rule id, written when a record is opened: src/records/guard.ts)
 * as {@link AccessLogClassRule}s, with each class's fields among those seen. A field classified by its row (an
 * attachment's name takes the attachment's classification) belongs to the one confidential class the entry shows.
 */
function classRules(ctx: Ctx, resourceType: string | null, detail: { rulesByClass?: unknown; fields?: unknown; classes?: unknown }): AccessLogClassRule[] {
  const byClass = detail.rulesByClass;
  if (!byClass || typeof byClass !== 'object') return [];
  const fields = Array.isArray(detail.fields) ? detail.fields.filter((f): f is string => typeof f === 'string') : [];
  const classes = Array.isArray(detail.classes) ? detail.classes : [];
  const specs = resourceType && isRecordType(resourceType) ? FIELD_BY_API[resourceType] : undefined;
  const classOf = (field: string) => {
    const c = specs?.get(field)?.classification;
    return typeof c === 'function' ? (classes.length === 1 ? classes[0] : undefined) : c;
  };
  return Object.entries(byClass as Record<string, unknown>)
    .filter((e): e is [Classification, string] => typeof e[1] === 'string')
    .map(([classification, rule]) => {
      const key = CLAUSE_KEY_OF.get(rule);
      return { classification, rule, why: whyOf(rule), clause: key ? ctx.actor.policy.clauseFor(key) : null, fields: fields.filter((f) => classOf(f) === classification) };
    });
}

/**
 * The names of the purposes the entries' details name (2.1: a read of a case names the purpose it is held for), in
 * one query. The register is not confidential; the entries keep only the ids.
 */
async function purposeNames(ctx: Ctx, details: readonly string[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const text of details) {
    const id = (JSON.parse(text) as { purposeId?: unknown }).purposeId;
    if (typeof id === 'string') ids.add(id);
  }
  if (!ids.size) return new Map();
  const rows = await ctx.db.selectFrom('purposes').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** GET /api/people/:id/access-log. */
export const accessLogQuery = z.strictObject({
  limit: decimalInt(1, 200).default(50),
  cursor: z.string().max(200).optional(),
});

/** The audit sequence number a cursor points below; 400 naming `query.cursor` for anything else. */
function seqOf(cursor: string): number {
  const seq = Number(decodeCursor(cursor, 1)[0]);
  if (!Number.isSafeInteger(seq) || seq < 1) throw invalidInput('The cursor is not valid; start again from the first page.', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  return seq;
}

/**
 * "Who has seen this person's records": every audited access to the person, their cases, notes and attachments,
 * newest first (managers and the guardian, for review — 3.1, monitoring), with each actor's name and current roles,
 * a readable reason for the rule that allowed or refused it, what it listed when it was a list rather than one
 * record, and — for a record opened partly under another rule (an access grant, emergency access) — which classes of
 * fields that rule opened, and why; and for a read of a case or of what is filed under it, the purpose the case is held
 * for (2.1). Reading the log is itself audited. Safeguarding work is listed only to those who
 * see every concern (the leads and management): to anyone else, the guardian included, nothing says a concern exists
 * (practice 4.1).
 */
export async function accessLog(ctx: Ctx, personId: string, query: z.infer<typeof accessLogQuery>) {
  const person = await ctx.db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst();
  if (!person) {
    throw notFoundAudited(ctx, 'person', { action: 'audit.read', resourceType: 'person', resourceId: personId, detail: { found: false } });
  }
  let q = ctx.db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.seq', 'a.at', 'a.actor_id', 'u.username', 'u.display_name', 'a.action', 'a.resource_type', 'a.resource_id', 'a.decision', 'a.rule_id', 'a.clause', 'a.detail'])
    .where('a.subject_person_id', '=', personId);
  if (filter(ctx.actor, 'concern.read').kind !== 'all') q = q.where((eb) => outsideSafeguardingWork(eb));
  if (query.cursor) q = q.where('a.seq', '<', seqOf(query.cursor));
  const rows = await q.orderBy('a.seq', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const actorIds = [...new Set(page.map((r) => r.actor_id).filter((id): id is string => !!id))];
  const roleRows = actorIds.length ? await ctx.db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', actorIds).execute() : [];
  const rolesOf = (id: string) => roleRows.filter((r) => r.user_id === id).map((r) => r.role).sort();
  const purposeName = await purposeNames(ctx, page.map((r) => r.detail));
  const d = decide(ctx.actor, 'audit.read', { type: 'person', id: personId });
  ctx.audit.add(fromDecision('audit.read', d, { resourceType: 'person', resourceId: personId, subjectPersonId: personId, detail: { entries: page.length } }));
  return {
    items: page.map((r) => {
      const detail = JSON.parse(r.detail) as { fields?: unknown; classes?: unknown; rulesByClass?: unknown; list?: unknown; purposeId?: unknown };
      return {
        seq: Number(r.seq), at: r.at, actor: r.actor_id ? { id: r.actor_id, username: r.actor_id === SYSTEM_ACTOR.id ? SYSTEM_ACTOR.username : r.username, displayName: r.display_name, roles: rolesOf(r.actor_id) } : null,
        action: r.action, resourceType: r.resource_type, resourceId: r.resource_id, decision: r.decision, rule: r.rule_id, clause: r.clause,
        why: whyOf(r.rule_id), fields: Array.isArray(detail.fields) ? detail.fields : [],
        // What a list or search listed (a person's cases, a case's notes), or null for one record opened.
        list: typeof detail.list === 'string' ? detail.list : detail.list === true ? r.action.split('.')[0] : null,
        rulesByClass: classRules(ctx, r.resource_type, detail),
        // 2.1: the purpose a case, or what is filed under it, was read for; null where none was named (a person's record).
        purpose: typeof detail.purposeId === 'string' ? { id: detail.purposeId, name: purposeName.get(detail.purposeId) ?? null } : null,
      };
    }),
    nextCursor: rows.length > query.limit ? encodeCursor([String(page[page.length - 1].seq)]) : null,
  };
}

/** One line of {@link accessTally}: how often one user's accesses under one rule were allowed or refused in a month. */
export interface AccessTallyRow {
  month: string;
  actorId: string;
  ruleId: string | null;
  decision: 'allow' | 'deny';
  count: number;
}

/**
 * The access log of a person counted instead of listed: for each month ("2026-03"), user, rule and decision, how many
 * audited accesses of `actions` touched the person's records (the same subject index as {@link accessLog}), leaving
 * out safeguarding work when `leaveOutSafeguarding` (practice 4.1). Grouped in SQL, so its size follows the people and
 * months involved, not the number of entries. Audits nothing: the caller's own use case does.
 */
export async function accessTally(ctx: Ctx, personId: string, actions: readonly string[], leaveOutSafeguarding = false): Promise<AccessTallyRow[]> {
  const month = sql<string>`substr(${sql.ref('a.at')}, 1, 7)`;
  let q = ctx.db.selectFrom('audit_events as a')
    .select([month.as('month'), 'a.actor_id', 'a.rule_id', 'a.decision', (eb) => eb.fn.countAll().as('n')])
    .where('a.subject_person_id', '=', personId).where('a.actor_id', 'is not', null)
    .where('a.action', 'in', [...actions]).where('a.decision', 'in', ['allow', 'deny']);
  if (leaveOutSafeguarding) q = q.where((eb) => outsideSafeguardingWork(eb));
  const rows = await q.groupBy([month, 'a.actor_id', 'a.rule_id', 'a.decision']).execute();
  return rows.map((r) => ({ month: r.month, actorId: r.actor_id!, ruleId: r.rule_id, decision: r.decision as 'allow' | 'deny', count: Number(r.n) }));
}
