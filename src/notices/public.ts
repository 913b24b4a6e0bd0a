import type { PublicCtx } from '../context';
import { currentVersions } from './queries';

/**
 * The organisation's notice as anyone reads it, signed in or not (1.3, 4.1: people are told how their information
 * is kept confidential): the current published version in the language asked for — or English, or the first
 * language there is — with the languages it exists in and how to contact the organisation. It is what a consent
 * receipt and the summary of how information is used link to (PRIVACY_POLICY_URL, by default PUBLIC_BASE_URL/privacy).
 * Drafts never show. The notice is public information: reading it is not audited.
 */
export async function publicNotice(ctx: PublicCtx, lang: string | undefined) {
  const db = ctx.services.db.kysely;
  const current = await currentVersions(db);
  const languages = [...current.keys()].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  const language = lang && current.has(lang) ? lang : languages[0];
  const row = language
    ? await db.selectFrom('notices').select(['version', 'language', 'title', 'body', 'published_at']).where('status', '=', 'published')
      .where('language', '=', language).where('version', '=', current.get(language)!).executeTakeFirst()
    : undefined;
  return {
    organisation: { ...ctx.services.config.organisation },
    languages,
    notice: row ? { version: Number(row.version), language: row.language, title: row.title, body: row.body, publishedAt: row.published_at } : null,
  };
}
