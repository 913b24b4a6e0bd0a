import type { Ctx } from '../context';
import type { DisclosureLine } from '../documents/information-use-pdf';

/**
 * The disclosures made of a person's information — to whom, when, for which purpose, on what basis (their consent,
 * a legal duty, an emergency) and which kinds of information — for the "Disclosures made" section of "How your
 * information is used" (1.3, 4.3; Caldicott 8). The disclosure register (src/disclosure) feeds it: each disclosure it
 * records for the person becomes one line here, oldest first, read under the same need to know as the summary.
 *
 * Confide has no disclosure register yet, so nothing has been disclosed through it and this answers an empty list;
 * the summary then says, truthfully, that Confide has recorded no disclosures of the person's information.
 */
export async function disclosuresFor(_ctx: Ctx, _personId: string): Promise<DisclosureLine[]> {
  // No table holds disclosures until the disclosure register exists: there is nothing to read.
  return [];
}

/** What the summary says about disclosures, from what {@link disclosuresFor} found. */
export function disclosureStatement(lines: readonly DisclosureLine[]): string {
  if (!lines.length) return 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation.';
  return `Confide has recorded ${lines.length === 1 ? 'one disclosure' : `${lines.length} disclosures`} of your information to people outside our organisation.`;
}
