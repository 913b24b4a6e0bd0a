import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { invalidInput, type FieldError } from '../lib/errors';
import { ORGANISATION_KINDS } from '../organisations/schema';
import { categoriesReaching, notANamedPartner, purposeReaches } from '../purposes/reaches';
import { INTERNAL_ONLY, NAMED_PARTNER } from '../purposes/schema';
import type { RecipientInput } from './schema';

/** A recipient as stored on a consent: what was named, and the key the consent relation compares. */
export interface StoredRecipient {
  kind: 'internal' | 'organisation' | 'category';
  organisationId?: string;
  category?: string;
  key: string;
}

/** The key of a recipient: 'internal', 'org:<id>' or 'category:<name, lower case>'. */
export function recipientKey(r: RecipientInput): string {
  if (r.kind === 'internal') return 'internal';
  if (r.kind === 'organisation') return `org:${r.organisationId}`;
  const c = r.category.trim().toLowerCase();
  return c === INTERNAL_ONLY ? 'internal' : `category:${c}`;
}

/**
 * Why a consent may not name an organisation of `kind` under a purpose listing `allowed` (src/purposes/reaches.ts):
 * "named partner organisation" reaches partner agencies, local authorities, the police and other organisations only
 * — a funder or a business only by its own category (4.3, 3.1) — and what the purpose would have to list.
 */
function unreachedMessage(kind: string, allowed: readonly string[]): string {
  const reaching = categoriesReaching(kind);
  const notNamed = allowed.includes(NAMED_PARTNER) ? notANamedPartner(kind) : null;
  if (notNamed) return `${notNamed}, and a consent names one only under such a purpose`;
  return reaching.length
    ? `the purpose does not allow a ${kind.replace(/_/g, ' ')}: its recipients must include ${reaching.map((c) => `"${c}"`).join(' or ')}`
    : 'no recipient category reaches an organisation of this kind';
}

/**
 * Checks recipients against the purpose (3.1: a purpose names who may receive its information): the organisation's
 * own service only when the purpose allows "internal service only"; a named organisation only when it is in the
 * register and the purpose reaches its kind — by "named partner organisation" (a partner agency, local authority,
 * the police or another organisation) or the kind's own category (a funder or a business only so: src/purposes/reaches.ts),
 * so a consent never names a recipient no disclosure under its purpose could go to; a category only when it is one
 * of the purpose's.
 * Answers the stored recipients, or a 400 naming each recipient at fault (at `path`).
 */
export async function checkRecipients(ctx: Ctx, purpose: PurposeRow, recipients: readonly RecipientInput[], path: string): Promise<StoredRecipient[]> {
  const allowed = (JSON.parse(purpose.recipient_categories) as string[]).map((c) => c.toLowerCase());
  const errors: FieldError[] = [];
  const out: StoredRecipient[] = [];
  const seen = new Set<string>();
  const orgIds = recipients.flatMap((r) => (r.kind === 'organisation' ? [r.organisationId] : []));
  const orgs = orgIds.length
    ? new Map((await ctx.db.selectFrom('organisations').select(['id', 'kind']).where('id', 'in', orgIds).where('archived_at', 'is', null).execute()).map((o) => [o.id, o.kind]))
    : new Map<string, string>();
  const reachesAny = ORGANISATION_KINDS.some((k) => purposeReaches(purpose, k));
  recipients.forEach((r, i) => {
    const at = `${path}.${i}`;
    const key = recipientKey(r);
    if (seen.has(key)) errors.push({ path: at, message: 'listed twice' });
    seen.add(key);
    if (key === 'internal') {
      if (!allowed.includes(INTERNAL_ONLY)) errors.push({ path: at, message: `the purpose does not allow "${INTERNAL_ONLY}"` });
      out.push({ kind: 'internal', key });
    } else if (r.kind === 'organisation') {
      const kind = orgs.get(r.organisationId);
      if (!reachesAny) errors.push({ path: `${at}.organisationId`, message: `the purpose does not allow a "${NAMED_PARTNER}"` });
      else if (kind === undefined) errors.push({ path: `${at}.organisationId`, message: 'no organisation with that id in the register' });
      else if (!purposeReaches(purpose, kind)) errors.push({ path: `${at}.organisationId`, message: unreachedMessage(kind, allowed) });
      out.push({ kind: 'organisation', organisationId: r.organisationId, key });
    } else if (r.kind === 'category') {
      const c = r.category.trim().toLowerCase();
      if (c === NAMED_PARTNER) errors.push({ path: `${at}.category`, message: 'name the organisation (kind "organisation")' });
      else if (!allowed.includes(c)) errors.push({ path: `${at}.category`, message: `not one of the purpose's recipient categories: ${allowed.join('; ')}` });
      out.push({ kind: 'category', category: r.category.trim(), key });
    }
  });
  if (errors.length) throw invalidInput("A recipient is outside the purpose's recipient categories.", errors);
  return out;
}
