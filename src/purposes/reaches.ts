import type { PurposeRow } from '../db/schema';
import type { ORGANISATION_KINDS } from '../organisations/schema';
import { NAMED_PARTNER } from './schema';

type Kind = (typeof ORGANISATION_KINDS)[number];

/**
 * The recipient category that names each kind of organisation in the register (3.1: a purpose says who may receive
 * its information). "other" has none of its own: such an organisation is reached only by name.
 */
export const CATEGORY_OF_KIND: Readonly<Record<Kind, string | null>> = {
  partner_agency: 'partner agency',
  local_authority: 'local authority',
  police: 'police',
  funder: 'funder',
  business: 'business',
  other: null,
};

/**
 * The kinds of organisation "named partner organisation" reaches: the agencies we work with jointly for our clients
 * (practice 5.1, partnership working; practice 3: "other agencies with whom Music24 shares clients") — partner
 * agencies, local authorities, the police (a partner in joint working protocols, such as a multi-agency safeguarding
 * hub) and organisations of no other kind. Never a funder or a business: a person agreeing to "a named partner
 * organisation", or a purpose listing it, does not mean them (4.3: disclosure only with express consent and for a
 * clear reason; 3.1: every transfer clearly defined), so they are reached only by their own category ("funder",
 * "business").
 *
 * The police stay reached: the rule disclosure/recipient-within-purpose holds whatever the basis, so leaving them
 * out would refuse a legal-duty or emergency disclosure to them (1.3) under every purpose that names its recipients
 * as partners — that is a change of its own to decide, not part of keeping funders and businesses out.
 *
 * The one definition: the disclosure rule, agreements (agreements/purpose-reaches-partners), the organisations a
 * consent may name (src/consent/recipients.ts) and the purpose's `reaches` the web app reads all come from here.
 */
export const NAMED_PARTNER_KINDS: readonly Kind[] = ['partner_agency', 'local_authority', 'police', 'other'];

/** Whether "named partner organisation" reaches an organisation of `kind` ({@link NAMED_PARTNER_KINDS}). */
export const namedPartnerReaches = (kind: string) => (NAMED_PARTNER_KINDS as readonly string[]).includes(kind);

/**
 * Whether a purpose lets its information go to an organisation of `kind` (3.1): its recipient categories list the
 * kind's own category, or "named partner organisation" for a kind it reaches ({@link NAMED_PARTNER_KINDS}). A purpose
 * whose information stays with the service ("internal service only") reaches no organisation. Compared without
 * regard to case, as consent recipients are (src/consent/recipients.ts).
 */
export function purposeReaches(purpose: Pick<PurposeRow, 'recipient_categories'>, kind: string): boolean {
  const listed = listedCategories(purpose);
  return categoriesReaching(kind).some((c) => listed.has(c));
}

/** A purpose's recipient categories as compared: trimmed, without regard to case. */
const listedCategories = (purpose: Pick<PurposeRow, 'recipient_categories'>) =>
  new Set((JSON.parse(purpose.recipient_categories) as string[]).map((c) => c.trim().toLowerCase()));

/** Whether a purpose's recipient categories list "named partner organisation" (a refusal then says what it does not reach). */
export const listsNamedPartner = (purpose: Pick<PurposeRow, 'recipient_categories'>) => listedCategories(purpose).has(NAMED_PARTNER);

/**
 * The categories that let a purpose reach an organisation of `kind`: the kind's own, and "named partner organisation"
 * when it reaches that kind. None for a kind the register does not know.
 */
export function categoriesReaching(kind: string): string[] {
  const own = CATEGORY_OF_KIND[kind as Kind] ?? null;
  return [...(own ? [own] : []), ...(namedPartnerReaches(kind) ? [NAMED_PARTNER] : [])];
}

/**
 * What a refusal says to do when "named partner organisation" does not reach an organisation of `kind` — a funder or
 * a business — or null when it does (or the kind is unknown): the purpose, and a consent naming the organisation,
 * need the kind's own category.
 */
export function notANamedPartner(kind: string): string | null {
  const own = CATEGORY_OF_KIND[kind as Kind] ?? null;
  if (!own || namedPartnerReaches(kind)) return null;
  return `“${NAMED_PARTNER}” means the agencies we work with jointly (partner agencies, local authorities, the police, other organisations), never a ${own}: only a purpose whose recipients include “${own}” may go to a ${own}`;
}
