import { sql } from 'kysely';
import type { Ctx } from '../context';
import { leftAt } from '../disclosure/record';
import type { DisclosureLine } from '../documents/information-use-pdf';
import { decide } from '../policy/decide';
import { filter, visibleWhere } from '../policy/filter';
import { factsFor } from '../policy/relations';
import { listOf } from '../lib/list-words';
import { askedYouWords, consentSoughtOf, consentSoughtOfReferral } from '../lib/consent-sought';
import { CATEGORY_WORDS, ukDate } from './plain';

/** The basis of a disclosure they agreed to, or made under an agreement with the recipient, in the person's words. */
const BASIS_WORDS: Readonly<Record<string, string>> = {
  consent: 'because you agreed to it',
  agreement: 'under our signed information-sharing agreement with them',
};

/**
 * Why a disclosure on an exception (1.3) was made, in the person's words: a safeguarding referral's legal duty
 * (practice 4.1), or any other exception's ground. What follows says whether we asked them first, as recorded
 * (src/lib/consent-sought.ts askedYouWords): a referral's `consentPossibleAndSafe` — "asked", never "agreed", since
 * what they said is free text —, an exception's structured answer — asked and said no, or not asked and why —, and
 * nothing about asking when nothing was recorded.
 */
const REFERRAL_BECAUSE = 'the law required us to share it to keep someone safe';
const EXCEPTION_BECAUSE = 'the law or a risk of harm required it';

/**
 * What the section leaves out, whoever prepares it and whatever is recorded (1.3; UK GDPR and the Data Protection
 * Act 2018, Schedule 2 and 3), in the access section's words: always said, so it never tells whether anything is.
 */
export const DISCLOSURES_LEFT_OUT = 'This does not include information we had to share because the law required it, or to keep you or someone else safe, '
  + 'until we have told you about it ourselves, nor at all where telling you could put someone at risk or harm an investigation. The law allows us to leave this out.';

/**
 * Said to and by one who may not see a safeguarding referral's disclosure (practice 4.1, 3.4: the person's case team,
 * the guardian), whatever is recorded: the section is theirs to start and a manager's to complete.
 */
export const MANAGER_TO_COMPLETE = 'This part can only be completed by a manager: some disclosures, such as a referral to keep someone safe, are seen only by our '
  + 'safeguarding leads and managers. Ask us, and a manager will complete it for you.';

/** At most this many disclosures are listed; a person with more is told how many there were. */
const MOST = 200;

/**
 * The disclosures made of a person's information — to whom, when, for which purpose, on what basis (their consent,
 * a named sharing agreement, a legal duty or emergency) and which kinds of information — for the "Disclosures made"
 * section of "How your information is used" (1.3, 4.3; Caldicott 8). Read from the disclosure register
 * (src/disclosure): released disclosures only, oldest first, under the same need to know as every list of
 * disclosures (the filter of `disclosure.read`), so the summary never shows a disclosure its preparer may not see.
 *
 * A disclosure made without asking them — under an exception (1.3) or as a safeguarding referral (practice 4.1) — is
 * listed only once they have been told of it (when, recorded on the disclosure): a manager may decide that telling
 * them would prejudice the investigation or put a child or adult at risk, which the law allows to be withheld (UK
 * GDPR and the Data Protection Act 2018, Schedule 2 and 3), and the summary must not tell them first. Concerns are
 * left out of the access summary for the same reason. A disclosure they agreed to, or made under an agreement with
 * the recipient, is always listed. A referral, and any other exception, says whether the person was asked first, as
 * recorded — and nothing about asking where nothing was recorded (an exception asked for before it was).
 *
 * Only what the preparer may see is listed: a referral's disclosure is for the safeguarding leads and management
 * (practice 4.1), so the person's case team and the guardian never see it here — {@link disclosuresComplete} says
 * whether the preparer's list can hold every disclosure, and the summary says so when it cannot.
 */
export async function disclosuresFor(ctx: Ctx, personId: string): Promise<DisclosureLine[]> {
  const scope = filter(ctx.actor, 'disclosure.read');
  if (scope.kind === 'none') return [];
  const rows = await ctx.db
    .selectFrom('disclosures')
    .innerJoin('organisations', 'organisations.id', 'disclosures.recipient_org_id')
    .innerJoin('purposes', 'purposes.id', 'disclosures.purpose_id')
    .leftJoin('agreements', 'agreements.id', 'disclosures.agreement_id')
    .leftJoin('referrals', 'referrals.disclosure_id', 'disclosures.id')
    .select(['disclosures.released_at', 'disclosures.mode', 'disclosures.occurred_at', 'disclosures.basis', 'disclosures.data_categories', 'disclosures.concern_id', 'organisations.name as recipient', 'purposes.name as purpose', 'agreements.title as agreement', 'referrals.answers as referralAnswers'])
    .select(['disclosures.consent_sought', 'disclosures.consent_answer', 'disclosures.not_sought_because'])
    .where('disclosures.person_id', '=', personId)
    .where('disclosures.released_at', 'is not', null)
    .where((eb) => eb.or([
      eb.and([eb('disclosures.concern_id', 'is', null), eb('disclosures.basis', '!=', 'exception')]),
      eb('disclosures.person_told_at', 'is not', null),
    ]))
    .where((eb) => visibleWhere(eb as never, 'disclosure', scope, ctx.actor, 'probe'))
    // In the order the information left: an oral disclosure when it was said (recorded, and released, afterwards).
    .orderBy(sql`coalesce(disclosures.occurred_at, disclosures.released_at)`)
    .orderBy('disclosures.id')
    .limit(MOST)
    .execute();
  return rows.map((r) => {
    const information = (JSON.parse(r.data_categories) as string[]).map((c) => CATEGORY_WORDS[c] ?? c);
    // Practice 5.1: the agreement is named, so the person can ask to see the terms their information went under.
    const agreement = r.basis === 'agreement' ? r.agreement : null;
    const referral = r.concern_id !== null && r.basis === 'exception';
    const words = referral
      ? askedYouWords(REFERRAL_BECAUSE, consentSoughtOfReferral(r.referralAnswers ? (JSON.parse(r.referralAnswers) as { consentPossibleAndSafe?: boolean | null }).consentPossibleAndSafe : null))
      : r.basis === 'exception' ? askedYouWords(EXCEPTION_BECAUSE, consentSoughtOf(r)) : (BASIS_WORDS[r.basis] ?? r.basis);
    const basis = `${words}${agreement ? `, "${agreement}"` : ''}`;
    const on = ukDate(leftAt(r)!);
    return {
      on, recipient: r.recipient, purpose: r.purpose, basis, agreement, information,
      sentence: `On ${on} we shared ${listOf(information)} with ${r.recipient}, for ${r.purpose.toLowerCase()}, ${basis}.`,
    };
  });
}

/**
 * Whether the actor's list of the person's disclosures can hold every one the person may be told of: whether they may
 * read a safeguarding referral's disclosure about this person (practice 4.1) — decided from who they are and the
 * person's team, never from whether there is one, so the answer tells nothing of what is recorded (1.3).
 */
export function disclosuresComplete(ctx: Ctx, personId: string, team: unknown): boolean {
  const referral = factsFor(ctx.actor, 'disclosure', { person_id: personId, _team: team, concern_id: 'any', basis: 'exception', exception_ground: 'legal_duty' });
  return decide(ctx.actor, 'disclosure.read', { ...referral, classification: 'general' }).allowed;
}

/**
 * What the summary says about disclosures, from what {@link disclosuresFor} found (1.3, 4.3). Never a flat "none":
 * a disclosure the person has not been told of is left out and the words must be as true with it as without it, so
 * they say "that we can tell you about", beside {@link DISCLOSURES_LEFT_OUT}. One whose list cannot be complete says
 * so ({@link MANAGER_TO_COMPLETE}) rather than "none".
 */
export function disclosureStatement(lines: readonly DisclosureLine[], complete: boolean): string {
  const many = lines.length === 1 ? 'one disclosure' : `${lines.length} disclosures`;
  if (!complete) return lines.length ? `So far this part lists ${many} of your information to people outside our organisation.` : 'So far this part lists no disclosures of your information to anyone outside our organisation.';
  if (!lines.length) return 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation that we can tell you about.';
  return `Confide has recorded ${many} of your information to people outside our organisation that we can tell you about.`;
}
