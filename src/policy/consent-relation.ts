import { sql, type Expression, type SqlBool } from 'kysely';
import { ukDate } from '../information-use/plain';

/*
 * The consent relation, consentCovers(person, purpose, recipient, categories, at) (1.3, 4.1, 4.2): one definition
 * in two forms. {@link coveringConsent} decides from facts loaded before deciding (rules stay pure); {@link
 * consentCoversSql} keeps the same rows in a query. src/policy/relations.ts registers both as the relation
 * `consent`; the consent property test checks them against an independent oracle.
 */

/** A recipient as the relation compares it: 'internal', 'org:<organisation id>' or 'category:<name>'. */
export type RecipientKey = string;

/** A purpose's state, as a decision needs it (3.1). */
export interface PurposeFact {
  id: string;
  status: string;
  /** YYYY-MM-DD: after this day the purpose is due for review and covers nothing until re-approved. */
  nextReviewOn: string;
}

/** One current (not superseded) consent version of the person for the purpose. */
export interface ConsentFact {
  id: string;
  decision: string;
  expiresAt: string | null;
  recipients: readonly RecipientKey[];
  /** Classification mask of the data categories it covers. */
  mask: number;
  /** A withdrawal (decision 'withdrawn'): when the person withdrew it. */
  withdrawnAt?: string | null;
}

/** What is asked, and the facts loaded to answer it. */
export interface ConsentFacts {
  purpose: PurposeFact | null;
  recipient: RecipientKey;
  /** Classification mask of the categories to go to the recipient. */
  mask: number;
  /** ISO instant the question is about. */
  at: string;
  /** The person's current consent versions for this purpose (at most one; every version if unsure). */
  current: readonly ConsentFact[];
}

/** 3.1: a purpose covers processing only while active and not past its review date. */
export function purposeInForce(p: PurposeFact | null, at: string): boolean {
  return p !== null && p.status === 'active' && at.slice(0, 10) <= p.nextReviewOn;
}

/**
 * The consent version that covers the question, or null: current, decision given, not expired at `at`, listing the
 * recipient and every asked category — for a purpose in force.
 */
export function coveringConsent(f: ConsentFacts): ConsentFact | null {
  if (!purposeInForce(f.purpose, f.at)) return null;
  for (const c of f.current) {
    if (c.decision !== 'given') continue;
    if (c.expiresAt !== null && c.expiresAt <= f.at) continue;
    if ((c.mask & f.mask) !== f.mask) continue;
    if (!c.recipients.includes(f.recipient)) continue;
    return c;
  }
  return null;
}

/**
 * Why no consent covers the question, in the words a worker can act on (the purpose being in force is checked
 * first, by the caller): the person withdrew it (and when), no consent given, the one given has expired, it names recipients by category where the
 * question names an organisation (or does not list this recipient), or it leaves out some of the information.
 */
export function whyNotCovered(f: ConsentFacts): string {
  const given = f.current.filter((c) => c.decision === 'given');
  const withdrawn = f.current.find((c) => c.decision === 'withdrawn');
  if (given.length === 0 && withdrawn) {
    return `The person withdrew their consent for this purpose${withdrawn.withdrawnAt ? ` on ${ukDate(withdrawn.withdrawnAt)}` : ''}: nothing more goes under it. Ask for their consent again if they agree, or share without it only if the law, an emergency or a crime requires it.`;
  }
  if (given.length === 0) return "The person has not given consent for this purpose: ask for their informed consent first.";
  const live = given.filter((c) => c.expiresAt === null || c.expiresAt > f.at);
  if (live.length === 0) return 'Their consent for this purpose has expired: ask for their informed consent again.';
  const listing = live.filter((c) => c.recipients.includes(f.recipient));
  if (listing.length === 0) {
    return f.recipient.startsWith('org:') && !live.some((c) => c.recipients.some((r) => r.startsWith('org:')))
      ? 'Their consent for this purpose names recipients by category, not this organisation: sharing with a named organisation needs their consent naming it, under a purpose that reaches it (“named partner organisation”, or its own kind; a funder or a business only by its own kind, “funder” or “business”).'
      : 'Their consent for this purpose does not list this recipient: ask for their consent to share with them.';
  }
  return 'Their consent does not cover all of the information chosen: share less, or ask for their consent to the rest.';
}

/** The question in SQL terms (the purpose's state is read from its row). */
export interface ConsentAsk {
  purposeId: string;
  recipient: RecipientKey;
  mask: number;
  at: string;
}

/**
 * `consentCovers` as an SQL condition on the rows whose subject person is `person` (an SQL expression): the same
 * meaning as {@link coveringConsent}, one seek on consents_current and one on consent_recipients per row.
 */
export function consentCoversSql(person: Expression<unknown>, ask: ConsentAsk): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from consents cc join purposes cp on cp.id = cc.purpose_id
    where cc.person_id = ${person} and cc.purpose_id = ${ask.purposeId} and cc.superseded_by is null and cc.decision = 'given'
      and (cc.expires_at is null or cc.expires_at > ${ask.at})
      and (cc.categories_mask & ${sql`cast(${ask.mask} as integer)`}) = ${sql`cast(${ask.mask} as integer)`}
      and cp.status = 'active' and cp.next_review_on >= ${ask.at.slice(0, 10)}
      and exists (select 1 from consent_recipients cr where cr.consent_id = cc.id and cr.recipient = ${ask.recipient}))`;
}
