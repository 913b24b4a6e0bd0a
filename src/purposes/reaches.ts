import type { PurposeRow } from '../db/schema';
import type { ORGANISATION_KINDS } from '../organisations/schema';
import { NAMED_PARTNER } from './schema';

/**
 * The recipient category that names each kind of organisation in the register (3.1: a purpose says who may receive
 * its information). "other" has none of its own: such an organisation is reached only by name.
 */
export const CATEGORY_OF_KIND: Readonly<Record<(typeof ORGANISATION_KINDS)[number], string | null>> = {
  partner_agency: 'partner agency',
  local_authority: 'local authority',
  police: 'police',
  funder: 'funder',
  business: 'business',
  other: null,
};

/**
 * Whether a purpose lets its information go to an organisation of `kind` (3.1): its recipient categories list
 * "named partner organisation" (any organisation named from the register) or the kind's own category. A purpose
 * whose information stays with the service ("internal service only") reaches no organisation. Compared without
 * regard to case, as consent recipients are (src/consent/recipients.ts).
 */
export function purposeReaches(purpose: Pick<PurposeRow, 'recipient_categories'>, kind: string): boolean {
  const listed = new Set((JSON.parse(purpose.recipient_categories) as string[]).map((c) => c.trim().toLowerCase()));
  return categoriesReaching(kind).some((c) => listed.has(c));
}

/** The categories that let a purpose reach an organisation of `kind`: the kind's own, and "named partner organisation". */
export function categoriesReaching(kind: string): string[] {
  const own = CATEGORY_OF_KIND[kind as keyof typeof CATEGORY_OF_KIND] ?? null;
  return own ? [own, NAMED_PARTNER] : [NAMED_PARTNER];
}
