import type { Kysely } from 'kysely';

/**
 * Whether the person was asked for their consent before an exception disclosure (1.3: consent, with the exceptions;
 * 4.1: we "will always ask them to give their consent"), recorded with the request (src/disclosure/schema.ts):
 * - disclosures.consent_sought: 1 asked, 0 not asked;
 * - disclosures.consent_answer: when asked, what they answered ('refused': one who agreed is shared with on their
 *   consent, not on an exception);
 * - disclosures.not_sought_because: when not asked, why ('not_possible', 'not_safe' — not safe or would prejudice the
 *   purpose —, 'emergency').
 * All null for a disclosure on consent or an agreement, for a safeguarding referral (its referral's answers keep
 * `consentPossibleAndSafe`), and for every exception asked for before this migration, which read as "not recorded":
 * nothing can tell now whether those people were asked, so nothing is guessed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('disclosures').addColumn('consent_sought', 'integer').execute();
  await db.schema.alterTable('disclosures').addColumn('consent_answer', 'text').execute();
  await db.schema.alterTable('disclosures').addColumn('not_sought_because', 'text').execute();
}
