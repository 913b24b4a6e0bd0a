import { sql, type Expression, type SqlBool } from 'kysely';
import { purposeInForce, type PurposeFact } from './consent-relation';

/*
 * The sharing-agreement relation, agreementCovers({ organisationId, purposeId, categories, at }) (practice 5.1): one
 * definition in two forms. {@link coveringAgreement} decides from facts loaded before deciding (rules stay pure);
 * {@link agreementCoversSql} is the same condition as an SQL EXISTS. src/policy/relations.ts registers both as the
 * relation `agreement`; test/integration/agreements.test.ts asks both forms every question, on both engines, and requires the same answer.
 */

/** What is asked: may information in these categories go to this partner organisation for this purpose at `at`? */
export interface AgreementAsk {
  organisationId: string;
  purposeId: string;
  /** Classification mask of the categories to go to the partner. */
  mask: number;
  /** ISO instant the question is about. */
  at: string;
}

/** One agreement the organisation is party to, as the relation needs it. */
export interface AgreementFact {
  id: string;
  status: string;
  startsOn: string;
  endsOn: string;
  supersededBy: string | null;
  hasDocument: boolean;
  /** Every party: 'ours' and each partner organisation's id. */
  parties: readonly string[];
  /** The parties whose signatory is recorded. */
  signed: readonly string[];
  /** The day the last of them signed (YYYY-MM-DD), null before anyone has: nothing is in force before it. */
  signedFrom: string | null;
  /** When it was ended early (ISO instant), null if it was not: it was in force until then. */
  terminatedAt: string | null;
  purposeIds: readonly string[];
  mask: number;
  requiresConsent: boolean;
}

/** The question with the facts loaded to answer it: the purpose's state and the agreements the partner is party to. */
export interface AgreementFacts extends AgreementAsk {
  purpose: PurposeFact | null;
  agreements: readonly AgreementFact[];
}

/**
 * 5.1: an agreement is usable at `at` only when fully signed — every party's signatory recorded and the signed copy
 * attached — not superseded by a signed variation, and in force then: from its start day or the day the last party
 * signed, whichever is later, to its end day (inclusive), or until it was ended early. So a call made while it was
 * in force stays covered after it ends, and nothing is covered before everyone had signed.
 */
export function agreementUsable(a: AgreementFact, at: string): boolean {
  const day = at.slice(0, 10);
  const standing = a.status === 'signed' || (a.status === 'terminated' && a.terminatedAt !== null && at < a.terminatedAt);
  return standing && a.supersededBy === null && a.hasDocument && a.parties.every((p) => a.signed.includes(p))
    && a.signedFrom !== null && a.signedFrom <= day && a.startsOn <= day && day <= a.endsOn;
}

/**
 * The agreement that covers the question, or null: usable at `at`, the organisation a party, the purpose one of
 * its purposes (and in force in the register, 3.1), and every asked category among its categories.
 */
export function coveringAgreement(f: AgreementFacts): AgreementFact | null {
  if (!purposeInForce(f.purpose, f.at)) return null;
  for (const a of f.agreements) {
    if (!agreementUsable(a, f.at)) continue;
    if (!a.parties.includes(f.organisationId)) continue;
    if (!a.purposeIds.includes(f.purposeId)) continue;
    if ((a.mask & f.mask) !== f.mask) continue;
    return a;
  }
  return null;
}

/** `agreementCovers` as a pure function of the loaded facts. */
export const agreementCovers = (f: AgreementFacts): boolean => coveringAgreement(f) !== null;

/**
 * `agreementCovers` as an SQL condition (EXISTS): the same meaning as {@link coveringAgreement}. Starts from the
 * partner's parties index; a party without a signatory is found with one seek on the signatories' unique index.
 */
export function agreementCoversSql(ask: AgreementAsk): Expression<SqlBool> {
  const day = ask.at.slice(0, 10);
  const mask = sql`cast(${ask.mask} as integer)`;
  return sql<SqlBool>`exists (select 1 from agreement_parties ap
    join agreements ag on ag.id = ap.agreement_id
    join agreement_purposes apu on apu.agreement_id = ag.id and apu.purpose_id = ${ask.purposeId}
    join purposes pp on pp.id = apu.purpose_id
    where ap.organisation_id = ${ask.organisationId}
      and (ag.status = 'signed' or (ag.status = 'terminated' and ag.terminated_at > ${ask.at}))
      and ag.superseded_by is null and ag.document_sha256 is not null
      and ag.starts_on <= ${day} and ag.ends_on >= ${day}
      and not exists (select 1 from agreement_signatories s3 where s3.agreement_id = ag.id and s3.signed_on > ${day})
      and (ag.categories_mask & ${mask}) = ${mask}
      and pp.status = 'active' and pp.next_review_on >= ${day}
      and exists (select 1 from agreement_signatories s0 where s0.agreement_id = ag.id and s0.party = 'ours')
      and not exists (select 1 from agreement_parties p2 where p2.agreement_id = ag.id
        and not exists (select 1 from agreement_signatories s2 where s2.agreement_id = ag.id and s2.party = p2.organisation_id)))`;
}
