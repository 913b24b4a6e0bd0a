import { sql } from 'kysely';
import type { Ctx } from '../context';
import { leftAt } from '../disclosure/record';
import type { DisclosureLine } from '../documents/information-use-pdf';
import { filter, visibleWhere } from '../policy/filter';
import { listOf } from '../lib/list-words';
import { CATEGORY_WORDS, ukDate } from './plain';

/** The basis of a disclosure in the person's words. */
const BASIS_WORDS: Readonly<Record<string, string>> = {
  consent: 'because you agreed to it',
  agreement: 'under our signed information-sharing agreement with them',
  exception: 'without asking you first, because the law or a risk of harm required it',
};

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
 * the recipient, is always listed.
 */
export async function disclosuresFor(ctx: Ctx, personId: string): Promise<DisclosureLine[]> {
  const scope = filter(ctx.actor, 'disclosure.read');
  if (scope.kind === 'none') return [];
  const rows = await ctx.db
    .selectFrom('disclosures')
    .innerJoin('organisations', 'organisations.id', 'disclosures.recipient_org_id')
    .innerJoin('purposes', 'purposes.id', 'disclosures.purpose_id')
    .leftJoin('agreements', 'agreements.id', 'disclosures.agreement_id')
    .select(['disclosures.released_at', 'disclosures.mode', 'disclosures.occurred_at', 'disclosures.basis', 'disclosures.data_categories', 'organisations.name as recipient', 'purposes.name as purpose', 'agreements.title as agreement'])
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
    const basis = `${BASIS_WORDS[r.basis] ?? r.basis}${agreement ? `, "${agreement}"` : ''}`;
    const on = ukDate(leftAt(r)!);
    return {
      on, recipient: r.recipient, purpose: r.purpose, basis, agreement, information,
      sentence: `On ${on} we shared ${listOf(information)} with ${r.recipient}, for ${r.purpose.toLowerCase()}, ${basis}.`,
    };
  });
}

/** What the summary says about disclosures, from what {@link disclosuresFor} found. */
export function disclosureStatement(lines: readonly DisclosureLine[]): string {
  if (!lines.length) return 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation.';
  return `Confide has recorded ${lines.length === 1 ? 'one disclosure' : `${lines.length} disclosures`} of your information to people outside our organisation.`;
}
