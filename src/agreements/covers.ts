import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden, invalidInput } from '../lib/errors';
import { coveringAgreement, type AgreementFacts } from '../policy/agreement-relation';
import { decide } from '../policy/decide';
import { classMask, type Classification } from '../policy/types';
import { agreementFact, loadParts } from './record';

/** The question agreementCovers answers, in the caller's terms. */
export interface CoverQuestion {
  organisationId: string;
  purposeId: string;
  categories: readonly Classification[];
  /** ISO instant; default now. */
  at?: string;
}

/**
 * The facts the sharing-agreement relation decides from, loaded in one go before deciding (rules do no I/O): the
 * purpose's state and every signed agreement the organisation is party to, not superseded — one ended early too, as
 * it covered what came before its end — with its parts.
 */
export async function loadAgreementFacts(ctx: Ctx, q: CoverQuestion): Promise<AgreementFacts> {
  const at = q.at ?? ctx.nowIso;
  const purpose = await ctx.db.selectFrom('purposes').select(['id', 'status', 'next_review_on']).where('id', '=', q.purposeId).executeTakeFirst();
  const rows = await ctx.db.selectFrom('agreements').innerJoin('agreement_parties', 'agreement_parties.agreement_id', 'agreements.id')
    .selectAll('agreements').where('agreement_parties.organisation_id', '=', q.organisationId)
    .where('agreements.status', 'in', ['signed', 'terminated']).where('agreements.superseded_by', 'is', null).orderBy('agreements.id').execute();
  const parts = await loadParts(ctx.db, rows.map((r) => r.id));
  return {
    organisationId: q.organisationId, purposeId: q.purposeId, mask: classMask(q.categories), at,
    purpose: purpose ? { id: purpose.id, status: purpose.status, nextReviewOn: purpose.next_review_on } : null,
    agreements: rows.map((r) => agreementFact(r, parts.get(r.id)!)),
  };
}

/**
 * The signed sharing agreement in force that covers this organisation, purpose and categories now (practice 5.1), or
 * null: its id and whether each disclosure under it also needs the person's consent. For the disclosure workflow,
 * which decides and audits on its own; this query neither decides nor audits.
 */
export async function agreementInForceFor(ctx: Ctx, organisationId: string, purposeId: string, categories: readonly Classification[], at?: string) {
  const a = coveringAgreement(await loadAgreementFacts(ctx, { organisationId, purposeId, categories, at }));
  return a ? { id: a.id, requiresConsent: a.requiresConsent } : null;
}

/**
 * "Does a signed sharing agreement in force cover this partner, purpose and information?" decided by the policy with
 * the relation `agreement` and audited. A "no" because none covers it is an answer (200); a role refusal is a 403.
 */
export async function checkAgreement(ctx: Ctx, q: CoverQuestion) {
  const org = await ctx.db.selectFrom('organisations').select('id').where('id', '=', q.organisationId).executeTakeFirst();
  if (!org) throw invalidInput('No organisation with that id in the register.', [{ path: 'query.organisationId', message: 'no such organisation' }]);
  const facts = await loadAgreementFacts(ctx, q);
  if (!facts.purpose) throw invalidInput('No purpose with that id in the register.', [{ path: 'query.purposeId', message: 'no such purpose' }]);
  const d = decide(ctx.actor, 'agreement.check', { type: 'agreement', agreement: facts });
  const covering = d.allowed ? coveringAgreement(facts) : null;
  ctx.audit.add(fromDecision('agreement.check', d, {
    resourceType: 'organisation', resourceId: q.organisationId,
    detail: { purposeId: q.purposeId, dataCategories: [...q.categories].sort(), at: facts.at, agreementId: covering?.id ?? null },
  }));
  if (!d.allowed && d.ruleId !== 'agreements/none-covers') throw forbidden(d);
  return {
    allowed: d.allowed, ruleId: d.ruleId, clause: d.clause, reason: d.reason, agreementId: covering?.id ?? null,
    requiresConsent: covering?.requiresConsent ?? null, organisationId: q.organisationId, purposeId: q.purposeId, dataCategories: q.categories, at: facts.at,
  };
}
