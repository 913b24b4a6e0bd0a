import type { Ctx } from '../context';
import { sha256 } from './pack';

/** What a check of a pack copy found. */
export interface PackVerification {
  sha256: string;
  intact: boolean;
  disclosureId: string | null;
  reference: string | null;
  releasedAt: string | null;
  format: 'pdf' | 'json' | null;
}

/**
 * Checks a copy of a release pack (PDF or JSON) against the register (4.3): intact when its SHA-256 is the hash of
 * a released pack — naming the disclosure and when it was released — and altered otherwise (a one-byte change gives
 * another hash). The check is audited; the file's content is not.
 */
export async function verifyPack(ctx: Ctx, bytes: Buffer): Promise<PackVerification> {
  const hash = sha256(bytes);
  const row = await ctx.db.selectFrom('disclosures').select(['id', 'reference', 'released_at', 'person_id', 'pack_sha256'])
    .where((eb) => eb.or([eb('pack_sha256', '=', hash), eb('pack_json_sha256', '=', hash)])).where('status', '=', 'released').executeTakeFirst();
  ctx.audit.add({
    action: 'disclosure.verify', decision: 'allow', ruleId: null, clause: ctx.actor.policy.clauseFor('third-party-disclosure'),
    resourceType: row ? 'disclosure' : null, resourceId: row?.id ?? null, subjectPersonId: row?.person_id ?? null, detail: { sha256: hash, intact: !!row },
  });
  return row
    ? { sha256: hash, intact: true, disclosureId: row.id, reference: row.reference, releasedAt: row.released_at, format: row.pack_sha256 === hash ? 'pdf' : 'json' }
    : { sha256: hash, intact: false, disclosureId: null, reference: null, releasedAt: null, format: null };
}
