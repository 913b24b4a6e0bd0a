import type { Ctx } from '../context';
import { listOf } from '../lib/list-words';
import { DomainError, type FieldError } from '../lib/errors';
import { categoriesReaching, listsNamedPartner, notANamedPartner, purposeReaches } from '../purposes/reaches';
import { NAMED_PARTNER } from '../purposes/schema';

/** The rule an agreement naming a purpose that cannot reach one of its partners is refused under (3.1; practice 5.1). */
export const PURPOSE_REACHES_PARTNERS = 'agreements/purpose-reaches-partners';

/**
 * What is being checked, and so where the refusal points: the purpose entry sent, else the partner entry sent, else
 * the agreement itself — a variation (which copies the terms), or a step towards signing a draft whose purposes or
 * partners changed since it was drafted.
 */
export type ReachFields = { purposes: boolean; partners: boolean } | 'variation' | 'signing';

const quoted = (s: string) => `“${s}”`;
const KIND_WORDS: Readonly<Record<string, string>> = {
  partner_agency: 'a partner agency', local_authority: 'a local authority', police: 'police', funder: 'a funder', business: 'a business',
  other: 'another kind of organisation',
};
const kindWords = (kind: string) => KIND_WORDS[kind] ?? kind.replace(/_/g, ' ');
const either = (xs: readonly string[]) => listOf(xs, 'or');

/**
 * Refuses (400, nothing written; 409 at a step towards signing) an agreement covering a purpose that cannot reach one of its partners: a disclosure
 * goes only to a recipient its purpose names (3.1; src/purposes/reaches.ts), so such a purpose could never be
 * shared under it. One error per purpose at fault, naming the partners it cannot reach and the recipient categories
 * that would — at the purpose's entry in the body (body.purposeIds.0) when the purposes were sent, else at the
 * partner's entry when only the partners were, else (a variation, which copies the agreement's terms, or a signing
 * step) at the
 * agreement. Partners and purposes are ids already checked to exist (requireParties).
 */
export async function requirePurposesReachPartners(ctx: Ctx, partnerIds: readonly string[], purposeIds: readonly string[], fields: ReachFields): Promise<void> {
  if (partnerIds.length === 0 || purposeIds.length === 0) return;
  const [orgs, purposes] = await Promise.all([
    ctx.db.selectFrom('organisations').select(['id', 'name', 'kind']).where('id', 'in', [...partnerIds]).execute(),
    ctx.db.selectFrom('purposes').select(['id', 'name', 'recipient_categories']).where('id', 'in', [...purposeIds]).execute(),
  ]);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const partners = partnerIds.map((id) => orgById.get(id)).filter((o) => o !== undefined);
  const errors: FieldError[] = [];
  const sentences: string[] = [];
  purposeIds.forEach((purposeId, i) => {
    const purpose = purposes.find((p) => p.id === purposeId);
    if (!purpose) return;
    const unreached = partners.filter((o) => !purposeReaches(purpose, o.kind));
    if (unreached.length === 0) return;
    const listed = (JSON.parse(purpose.recipient_categories) as string[]).join('; ');
    // The categories that would reach them (src/purposes/reaches.ts), "named partner organisation" last and only where
    // it reaches one of them: never for a funder or a business, which only their own category reaches.
    const reaching = unreached.flatMap((o) => categoriesReaching(o.kind));
    const needed = [...new Set([...reaching.filter((c) => c !== NAMED_PARTNER), ...reaching.filter((c) => c === NAMED_PARTNER)])].map(quoted);
    const whom = either(unreached.map((o) => `${o.name} (${kindWords(o.kind)})`));
    const notNamed = listsNamedPartner(purpose) ? [...new Set(unreached.map((o) => notANamedPartner(o.kind)).filter((w) => w !== null))] : [];
    const why = `its recipients (${listed}) do not include ${either(needed)}${notNamed.length ? ` (${notNamed.join('; ')})` : ''}`;
    sentences.push(`The purpose ${quoted(purpose.name)} cannot reach ${whom}: ${why}.`);
    const path = typeof fields === 'string' ? 'params.id'
      : fields.purposes || !fields.partners ? `body.purposeIds${fields.purposes ? `.${i}` : ''}`
        : `body.partnerIds.${partnerIds.indexOf(unreached[0].id)}`;
    errors.push({ path, message: `the purpose ${quoted(purpose.name)} cannot reach ${whom}: ${why}` });
  });
  if (errors.length === 0) return;
  const then = fields === 'variation' ? 'Draft a new agreement without it instead.'
    : fields === 'signing' ? 'A purpose\'s recipients or a partner\'s kind changed since it was drafted: change the draft\'s purposes before anyone signs, or draft a new agreement without it.'
      : 'Remove it, or choose a purpose whose recipients include the partner.';
  // At signing the request is sound: what changed is the draft's standing (409), not the body sent.
  throw new DomainError(fields === 'signing' ? 'conflict' : 'invalid-input',
    `An agreement covers only purposes whose information may go to every partner: a disclosure goes only to a recipient its purpose names (3.1). ${sentences.join(' ')} ${then}`,
    { errors, rule: PURPOSE_REACHES_PARTNERS, clause: ctx.actor.policy.clauseFor('justify-purpose') });
}
