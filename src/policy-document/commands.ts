import type { Ctx } from '../context';
import { conflict, notFound } from '../lib/errors';
import { SELF_RULE } from '../policy/rules/accounts';
import { buildMatrix, unmappedRuleKeys } from './matrix';
import { currentPolicy, storePolicy, toDocument, type LoadPolicyInput } from './store';

/**
 * Loads a new policy version from the API (administrators). Everyone must accept it again (3.5). The answer says
 * which clauses are planned, which have neither rules with tests nor a note, and which rule clause keys no clause maps
 * (decisions under those cite the key itself), so the administrator can complete the clause map.
 */
export async function loadPolicy(ctx: Ctx, input: LoadPolicyInput) {
  const { document, entry } = await storePolicy(ctx.db, input, ctx.actor.id, ctx.nowIso, ctx.actor.policy);
  ctx.audit.add(entry); // decisions cite the new clause numbers from the next request on (./sync.ts)
  return { ...summary(document), coverage: coverageOf(document) };
}

/**
 * Gaps in a document's clause map: every clause the software does not carry out yet (`gaps`), split into the
 * planned ones and those nothing covers (`uncovered`: complete the map), and rule keys mapped to no clause.
 */
export function coverageOf(document: ReturnType<typeof toDocument>) {
  const { gaps, planned, uncovered } = buildMatrix(document).summary;
  return { gaps, planned, uncovered, unmappedKeys: unmappedRuleKeys(document.clauseMap) };
}

/** Records that the actor read and accepted the current version (3.5: staff know their responsibilities). */
export async function acceptPolicy(ctx: Ctx, version: number) {
  const current = await currentPolicy(ctx.db);
  if (!current) throw notFound('policy');
  if (current.version !== version) {
    throw conflict(`Version ${version} is not the current policy; read and accept version ${current.version}.`, [{ path: 'body.version', message: `current version is ${current.version}` }]);
  }
  const existing = await ctx.db.selectFrom('policy_acceptances').select('accepted_at').where('user_id', '=', ctx.actor.id).where('policy_document_id', '=', current.id).executeTakeFirst();
  if (existing) return { version, acceptedAt: existing.accepted_at };
  await ctx.db.insertInto('policy_acceptances').values({ user_id: ctx.actor.id, policy_document_id: current.id, accepted_at: ctx.nowIso }).execute();
  ctx.audit.add({ action: 'policy.accept', decision: 'change', resourceType: 'policy', resourceId: current.id, ruleId: SELF_RULE.id, clause: ctx.actor.policy.clauseFor(SELF_RULE.clauseKey), detail: { version } });
  return { version, acceptedAt: ctx.nowIso };
}

/** The current policy with whether the actor has accepted it. */
export async function getCurrentPolicy(ctx: Ctx) {
  const doc = await currentPolicy(ctx.db);
  if (!doc) throw notFound('policy');
  const accepted = await ctx.db.selectFrom('policy_acceptances').select('accepted_at').where('user_id', '=', ctx.actor.id).where('policy_document_id', '=', doc.id).executeTakeFirst();
  return { ...summary(doc), body: doc.body, clauses: doc.clauses, acceptedAt: accepted?.accepted_at ?? null };
}

/** Every version, newest first (without bodies). */
export async function listPolicies(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('policy_documents').selectAll().orderBy('version', 'desc').execute();
  return { items: rows.map((r) => summary(toDocument(r))) };
}

/** One version in full. */
export async function getPolicyVersion(ctx: Ctx, version: number) {
  const row = await ctx.db.selectFrom('policy_documents').selectAll().where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound('policy version');
  const doc = toDocument(row);
  return { ...summary(doc), body: doc.body, clauses: doc.clauses, clauseMap: doc.clauseMap };
}

function summary(doc: ReturnType<typeof toDocument>) {
  return { id: doc.id, version: doc.version, title: doc.title, loadedAt: doc.loadedAt, clauseCount: doc.clauses.length };
}
