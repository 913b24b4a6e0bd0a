import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { invalidInput, type FieldError } from '../lib/errors';
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
 * Checks recipients against the purpose (3.1: a purpose names who may receive its information): the organisation's
 * own service only when the purpose allows "internal service only"; a named organisation only when it allows "named
 * partner organisation" and the organisation is in the register; a category only when it is one of the purpose's.
 * Answers the stored recipients, or a 400 naming each recipient at fault (at `path`).
 */
export async function checkRecipients(ctx: Ctx, purpose: PurposeRow, recipients: readonly RecipientInput[], path: string): Promise<StoredRecipient[]> {
  const allowed = (JSON.parse(purpose.recipient_categories) as string[]).map((c) => c.toLowerCase());
  const errors: FieldError[] = [];
  const out: StoredRecipient[] = [];
  const seen = new Set<string>();
  const orgIds = recipients.flatMap((r) => (r.kind === 'organisation' ? [r.organisationId] : []));
  const orgs = orgIds.length
    ? new Set((await ctx.db.selectFrom('organisations').select('id').where('id', 'in', orgIds).where('archived_at', 'is', null).execute()).map((o) => o.id))
    : new Set<string>();
  recipients.forEach((r, i) => {
    const at = `${path}.${i}`;
    const key = recipientKey(r);
    if (seen.has(key)) errors.push({ path: at, message: 'listed twice' });
    seen.add(key);
    if (key === 'internal') {
      if (!allowed.includes(INTERNAL_ONLY)) errors.push({ path: at, message: `the purpose does not allow "${INTERNAL_ONLY}"` });
      out.push({ kind: 'internal', key });
    } else if (r.kind === 'organisation') {
      if (!allowed.includes(NAMED_PARTNER)) errors.push({ path: `${at}.organisationId`, message: `the purpose does not allow a "${NAMED_PARTNER}"` });
      else if (!orgs.has(r.organisationId)) errors.push({ path: `${at}.organisationId`, message: 'no organisation with that id in the register' });
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
