import { fromDecision } from '../audit/append';
import { loadActor } from '../accounts/actor';
import type { Ctx } from '../context';
import { invalidInput, forbidden, notFound } from '../lib/errors';
import { isAction, type Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { classesOf, type Actor, type Resource } from '../policy/types';
import { COMPARTMENTS } from '../records/descriptor';
import { loadWithFacts } from '../records/guard';
import { FIELD_BY_API, FIELDS, classificationOf, compartmentKey, grantKeyOf, readActionOf, recordOf, type RecordType } from '../records/registry';

/** What an explanation is asked about. */
export interface ExplainInput {
  /** The user asked about: an id, or a username. */
  userId: string;
  type: RecordType;
  id: string;
  field?: string;
  action?: string;
}

/** The user's role on the record's team (its compartment's team, as the need-to-know probe reads it). */
async function teamRole(ctx: Ctx, type: RecordType, row: Record<string, unknown>, userId: string): Promise<string | null> {
  const key = compartmentKey(type, row);
  const compartment = recordOf(type).access?.compartment;
  if (!compartment || key === null) return null;
  if (compartment === 'organisation') {
    const r = await ctx.db.selectFrom('organisation_team').select('user_id').where('organisation_id', '=', key).where('user_id', '=', userId).executeTakeFirst();
    return r ? 'member' : null;
  }
  const column = COMPARTMENTS[compartment].team.column;
  const r = await ctx.db.selectFrom('case_team').select('team_role').where('user_id', '=', userId).where(column, '=', key).orderBy('team_role').executeTakeFirst();
  return r?.team_role ?? null;
}

function grantsFor(actor: Actor, type: RecordType, key: string | null) {
  const prop = grantKeyOf(type);
  if (!key || !prop) return [];
  return actor.grants.filter((g) => g[prop] === key).map((g) => ({ id: g.id, kind: g.kind, expiresAt: g.expiresAt, classifications: classesOf(g.mask) }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Explains a decision for a user on a record (and optionally one field or action): the rule, the clause, the
 * reason, and which team membership or grant made it. Managers and guardians may ask about anyone; everyone else
 * only about themselves, and then a record they cannot see is explained exactly as a missing one would be, so the
 * explanation cannot be used to probe which ids exist.
 */
export async function explainAccess(ctx: Ctx, given: ExplainInput) {
  // A username is looked up, as the console command does (issue 9: the API took only ids). An unknown one stays as
  // given: it matches no account and is answered as an unknown id is (403 asking about another, 404 for managers).
  const byName = UUID.test(given.userId) ? undefined : await ctx.db.selectFrom('users').select('id').where('username', '=', given.userId.trim().toLowerCase()).executeTakeFirst();
  const input = { ...given, userId: byName?.id ?? given.userId };
  const asked = decide(ctx.actor, 'access.explain', { type: 'user', id: input.userId, ownerId: input.userId });
  if (!asked.allowed) {
    ctx.audit.add(fromDecision('access.explain', asked, { resourceType: 'user', resourceId: input.userId }));
    throw forbidden({ ...asked, reason: 'You may only ask why you yourself can or cannot see something.' });
  }
  const oversight = asked.via === 'any';
  const action = (input.action ?? `${input.type}.read`) as Action;
  if (!isAction(action) || !action.startsWith(`${input.type}.`)) {
    throw invalidInput(`Not an action on a ${input.type}.`, [{ path: 'query.action', message: `use an action starting with "${input.type}."` }]);
  }
  const spec = input.field ? FIELD_BY_API[input.type].get(input.field) : undefined;
  if (input.field && !spec) throw invalidInput(`No field "${input.field}" on a ${input.type}.`, [{ path: 'query.field', message: 'unknown field' }]);
  const loaded = await loadActor(ctx.db, input.userId, ctx.nowIso);
  if (!loaded) throw notFound('user');
  const target = { ...loaded, policy: ctx.actor.policy }; // decided under the policy in force now

  let row = await loadWithFacts(ctx, input.type, input.id, target.id);
  if (!oversight && row && !decide(target, readActionOf(input.type), factsFor(target, input.type, row)).allowed) row = undefined;
  if (!row && oversight) throw notFound(input.type);
  const facts: Resource = row ? factsFor(target, input.type, row) : { type: input.type, team: false, granted: 0 };
  const sample = row ?? { classification: 'session' };
  const decision = decide(target, action, { ...facts, classification: spec ? classificationOf(spec, sample) : 'general' });
  const fields = FIELDS[input.type].map((s) => {
    const d = decide(target, action, { ...facts, classification: classificationOf(s, sample) });
    return { field: s.api, classification: classificationOf(s, sample), allowed: d.allowed, ruleId: d.ruleId, reason: d.reason };
  });
  const key = row ? compartmentKey(input.type, row) : null;
  ctx.audit.add(fromDecision('access.explain', asked, { resourceType: input.type, resourceId: input.id, detail: { user: input.userId, action, field: input.field ?? null } }));
  return {
    user: { id: target.id, username: target.username, roles: target.roles, policyAccepted: target.policyAccepted },
    record: { type: input.type, id: input.id },
    action,
    field: input.field ?? null,
    allowed: decision.allowed, ruleId: decision.ruleId, clauseKey: decision.clauseKey, clause: decision.clause, reason: decision.reason, via: decision.via,
    basis: {
      team: row && facts.team ? { teamRole: await teamRole(ctx, input.type, row, target.id) } : null,
      grants: grantsFor(target, input.type, key),
    },
    fields,
  };
}
