import { fromDecision } from '../audit/append';
import { loadAgreementFacts } from '../agreements/covers';
import { loadConsentFacts } from '../consent/check';
import type { Ctx } from '../context';
import type { DisclosureRow } from '../db/schema';
import { coveringAgreement } from '../policy/agreement-relation';
import { coveringConsent, type ConsentFact } from '../policy/consent-relation';
import { ukDate } from '../information-use/plain';
import { decide } from '../policy/decide';
import type { Visible } from '../records/guard';

/** What a basis is asked: the disclosure as stored (or about to be) and the person's record as the actor sees it. */
export interface BasisAsk {
  row: Pick<DisclosureRow, 'person_id' | 'purpose_id' | 'recipient_org_id' | 'data_categories' | 'requested_by' | 'approved_by' | 'exception_ground' | 'exception_reference' | 'status' | 'mode' | 'occurred_at'>;
  person: Visible;
}

/**
 * When the basis must have held: an oral disclosure, recorded after the fact, when it was said; a written one now,
 * as its pack leaves (undefined). A consent given, withdrawn or expired since the call does not decide it (1.3, 4.1).
 */
export const basisTime = (row: BasisAsk['row']): string | undefined => (row.mode === 'oral' && row.occurred_at ? row.occurred_at : undefined);

/** A basis's answer: whether it holds, the rule and clause that decided, and what to record (the consent id …). */
export interface BasisOutcome {
  holds: boolean;
  ruleId: string;
  clause: string;
  reason: string;
  detail: Record<string, unknown>;
}

/**
 * A lawful basis for a disclosure (1.3, 4.3). `automatic` bases are tried in order when a request names no
 * exception: the first that holds is the disclosure's basis. Every basis is checked again at release.
 */
export interface Basis {
  kind: string;
  automatic: boolean;
  check(ctx: Ctx, ask: BasisAsk): Promise<BasisOutcome>;
}

/**
 * (a) Consent (1.3, 4.1, 4.3): the person's current consent covers this purpose, this recipient organisation and
 * the data categories of every chosen item — decided by the policy through the consent relation (action
 * consent.check, relation `consent`, src/policy/consent-relation.ts), the one definition the consent check uses.
 */
export const CONSENT_BASIS: Basis = {
  kind: 'consent',
  automatic: true,
  async check(ctx, { row, person }) {
    const facts = await loadConsentFacts(ctx, row.person_id, {
      purposeId: row.purpose_id, recipient: { kind: 'organisation', organisationId: row.recipient_org_id }, dataCategories: JSON.parse(row.data_categories) as string[],
      at: basisTime(row),
    }, 'body');
    const d = decide(ctx.actor, 'consent.check', { ...person.facts, classification: 'general', consent: facts });
    const covering = d.allowed ? coveringConsent(facts) : null;
    return { holds: covering !== null, ruleId: d.ruleId, clause: d.clause, reason: d.reason, detail: { basis: 'consent', consentId: covering?.id ?? null, recipient: facts.recipient, ...(basisTime(row) ? { asOf: facts.at } : {}) } };
  },
};

/** The rule an agreement-based disclosure is refused by when the person said no to the purpose (4.3, 1.3). */
export const NOT_OVER_A_REFUSAL = 'disclosure/not-over-a-refusal';

/**
 * The person's own answer for the purpose, when it is no: their current consent version for it is a refusal or a
 * withdrawal (at the time the basis is asked about: an oral disclosure's moment, else now). Null otherwise.
 */
async function personSaidNo(ctx: Ctx, row: BasisAsk['row']): Promise<ConsentFact | null> {
  const facts = await loadConsentFacts(ctx, row.person_id, {
    purposeId: row.purpose_id, recipient: { kind: 'organisation', organisationId: row.recipient_org_id }, dataCategories: JSON.parse(row.data_categories) as string[],
    at: basisTime(row),
  }, 'body');
  return facts.current.find((c) => c.decision === 'refused' || c.decision === 'withdrawn') ?? null;
}

/**
 * (c) A sharing agreement in force (practice 5.1): a signed joint working protocol between us and the recipient
 * organisation covers this purpose and the data categories of every chosen item — decided by the policy through the
 * agreement relation (action agreement.check, relation `agreement`, src/policy/agreement-relation.ts). Where the
 * agreement says each disclosure also needs the person's consent, the consent basis must hold as well.
 *
 * An agreement is made between organisations; it never overrides the person's own answer (4.3: disclosure "only
 * takes place on the terms agreed with the person it concerns"). When they refused or withdrew consent for the
 * purpose, the agreement does not hold for them (rule disclosure/not-over-a-refusal): only an exception decided by a
 * manager who did not ask for it can share then (1.3).
 */
export const AGREEMENT_BASIS: Basis = {
  kind: 'agreement',
  automatic: true,
  async check(ctx, ask) {
    const { row } = ask;
    const facts = await loadAgreementFacts(ctx, { organisationId: row.recipient_org_id, purposeId: row.purpose_id, categories: JSON.parse(row.data_categories), at: basisTime(row) });
    const d = decide(ctx.actor, 'agreement.check', { type: 'agreement', agreement: facts });
    const covering = d.allowed ? coveringAgreement(facts) : null;
    if (!covering) return { holds: false, ruleId: d.ruleId, clause: d.clause, reason: d.reason, detail: { basis: 'agreement', agreementId: null } };
    const base = { basis: 'agreement', agreementId: covering.id, consentRequired: covering.requiresConsent };
    const no = await personSaidNo(ctx, row);
    if (no) {
      const when = no.decision === 'withdrawn' && no.withdrawnAt ? ` on ${ukDate(no.withdrawnAt)}` : '';
      return {
        holds: false, ruleId: NOT_OVER_A_REFUSAL, clause: ctx.actor.policy.clauseFor('third-party-disclosure'),
        reason: `The person ${no.decision === 'withdrawn' ? `withdrew their consent for this purpose${when}` : 'refused consent for this purpose'}: a sharing agreement does not override their answer. Share without it only if the law, an emergency or a crime requires it, decided by a manager (1.3).`,
        detail: { ...base, consentId: no.id, personSaid: no.decision },
      };
    }
    if (!covering.requiresConsent) return { holds: true, ruleId: d.ruleId, clause: d.clause, reason: d.reason, detail: base };
    const consent = await CONSENT_BASIS.check(ctx, ask);
    return { ...consent, detail: { ...base, consentId: consent.detail.consentId ?? null } };
  },
};

/**
 * 1.3: "when information is required by the police to prevent or detect crime" — the crime exception is for a police
 * recipient only (a legal duty or an emergency may call for others: a court, a safeguarding team, an ambulance).
 */
export const CRIME_NEEDS_POLICE = {
  ruleId: 'disclosure/crime-exception-police-only',
  reason: 'The crime exception (1.3) covers information the police need to prevent or detect crime: the recipient must be a police organisation in the register.',
};

/** Whether an exception's ground allows a recipient organisation of this kind ({@link CRIME_NEEDS_POLICE}). */
export const groundFitsRecipient = (ground: string | null, recipientKind: string | undefined) => ground !== 'crime' || recipientKind === 'police';

/**
 * (b) An exception (1.3): a legal duty (with its reference), an emergency or risk to public safety, or the
 * prevention or detection of crime (for the police) — holding only once a manager other than the requester approved it.
 */
export const EXCEPTION_BASIS: Basis = {
  kind: 'exception',
  automatic: false,
  async check(ctx, { row }) {
    const policy = ctx.actor.policy;
    const recipient = await ctx.db.selectFrom('organisations').select('kind').where('id', '=', row.recipient_org_id).executeTakeFirst();
    if (!groundFitsRecipient(row.exception_ground, recipient?.kind)) {
      return { holds: false, ...CRIME_NEEDS_POLICE, clause: policy.clauseFor('disclosure-exception'), detail: { basis: 'exception', ground: row.exception_ground, recipientKind: recipient?.kind ?? null } };
    }
    const approved = row.approved_by !== null && row.approved_by !== row.requested_by && row.exception_ground !== null
      && (row.exception_ground !== 'legal_duty' || !!row.exception_reference) && row.status !== 'awaiting_approval' && row.status !== 'refused';
    return approved
      ? { holds: true, ruleId: 'disclosure/manager-decides-exception', clause: policy.clauseFor('disclosure-exception'), reason: 'A manager other than the requester approved this exception.', detail: { basis: 'exception', ground: row.exception_ground, approvedBy: row.approved_by } }
      : { holds: false, ruleId: 'disclosure/exception-not-approved', clause: policy.clauseFor('disclosure-exception'), reason: 'A disclosure without consent needs the approval of a manager other than the requester.', detail: { basis: 'exception', ground: row.exception_ground } };
  },
};

/**
 * Every basis, in the order they are tried: the person's consent, then a sharing agreement in force, then (only when
 * the request names one) an exception. A request that no basis covers is refused citing consent (1.3).
 */
export const BASES: readonly Basis[] = [CONSENT_BASIS, AGREEMENT_BASIS, EXCEPTION_BASIS];

/** The basis of a kind. */
export const basisOf = (kind: string): Basis => {
  const b = BASES.find((x) => x.kind === kind);
  if (!b) throw new Error(`Unknown disclosure basis ${kind}`);
  return b;
};

/**
 * The first automatic basis that holds, or the refusal of the first one tried (so a request with no basis is
 * refused citing consent, 1.3), naming the others tried in `alsoTried`. Audits nothing: the caller records the
 * outcome with the disclosure.
 */
export async function findBasis(ctx: Ctx, ask: BasisAsk): Promise<{ basis: Basis; outcome: BasisOutcome }> {
  const refused: { basis: Basis; outcome: BasisOutcome }[] = [];
  for (const basis of BASES) {
    if (!basis.automatic) continue;
    const outcome = await basis.check(ctx, ask);
    if (outcome.holds) return { basis, outcome };
    refused.push({ basis, outcome });
  }
  // The refusal cites consent (1.3); its detail names every other basis that was tried and the rule that refused it.
  const [first, ...others] = refused;
  const alsoTried = others.map((o) => ({ basis: o.basis.kind, rule: o.outcome.ruleId, clause: o.outcome.clause }));
  return { basis: first.basis, outcome: { ...first.outcome, detail: { ...first.outcome.detail, alsoTried } } };
}

/** The audit entry of a basis decision (allow or deny) on a disclosure or, when refused before one exists, its person. */
export const basisEntry = (action: string, o: BasisOutcome, target: { resourceType: string; resourceId: string; subjectPersonId: string | null }) =>
  fromDecision(action, { allowed: o.holds, ruleId: o.ruleId, clauseKey: '', clause: o.clause, reason: o.reason, via: null, obligations: [], actorLevel: false }, { ...target, detail: o.detail });
