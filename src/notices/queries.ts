import type { Kysely } from 'kysely';
import type { Ctx } from '../context';
import type { Database, NoticeRow } from '../db/schema';
import { forbidden, notFound } from '../lib/errors';
import { decide } from '../policy/decide';
import type { ListNoticesQuery } from './schema';

/** A notice row with the display name of who published it (null for a draft). */
type NoticeWithPublisher = NoticeRow & { published_by_name?: string | null };

/**
 * A notice version as the API shows it; `current` marks the highest published version of its language. Who published
 * it is named as well as identified, so everyone reading the versions sees who answers for each (4.1).
 */
export function presentNotice(row: NoticeWithPublisher, current: boolean, withBody = true) {
  return {
    id: row.id, version: Number(row.version), language: row.language, title: row.title, ...(withBody ? { body: row.body } : {}),
    status: row.status, current, publishedAt: row.published_at, publishedBy: row.published_by, publishedByName: row.published_by_name ?? null,
    createdAt: row.created_at,
  };
}

/** The notices with their publisher's display name. */
const noticesWithPublisher = (db: Kysely<Database>) =>
  db.selectFrom('notices').leftJoin('users', 'users.id', 'notices.published_by').selectAll('notices').select('users.display_name as published_by_name');

/** Reading the notice: everyone working here (3.5); 403 for an account no rule lets read it. */
function requireRead(ctx: Ctx) {
  const d = decide(ctx.actor, 'notice.read');
  if (!d.allowed) throw forbidden(d);
  return d;
}

/** Whether the actor sees drafts: those who publish the notice. */
const seesDrafts = (ctx: Ctx) => decide(ctx.actor, 'notice.publish').allowed;

/** The highest published version of each language (the current notice there). */
export async function currentVersions(db: Kysely<Database>, languages?: readonly string[]): Promise<Map<string, number>> {
  let q = db.selectFrom('notices').select((eb) => ['language', eb.fn.max('version').as('version')]).where('status', '=', 'published').groupBy('language');
  if (languages) q = q.where('language', 'in', languages.length ? [...languages] : ['']);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.language, Number(r.version)]));
}

/**
 * Every version of the notice in every language (or one), newest first, without their text; drafts only for those
 * who publish. The notice is what the organisation tells the public, not confidential information: reads are not
 * audited.
 */
export async function listNotices(ctx: Ctx, query: ListNoticesQuery) {
  requireRead(ctx);
  let q = noticesWithPublisher(ctx.db);
  if (query.language) q = q.where('notices.language', '=', query.language);
  if (!seesDrafts(ctx)) q = q.where('notices.status', '=', 'published');
  if (query.status) q = q.where('notices.status', '=', query.status);
  const rows = await q.orderBy('notices.version', 'desc').orderBy('notices.language').execute();
  const current = await currentVersions(ctx.db);
  return { items: rows.map((r) => presentNotice(r, r.status === 'published' && current.get(r.language) === Number(r.version), false)) };
}

/** One notice version with its text; a draft is "not found" to those who do not publish. */
export async function getNotice(ctx: Ctx, id: string) {
  requireRead(ctx);
  const row = await noticesWithPublisher(ctx.db).where('notices.id', '=', id).executeTakeFirst();
  if (!row || (row.status !== 'published' && !seesDrafts(ctx))) throw notFound('notice');
  const current = await currentVersions(ctx.db, [row.language]);
  return presentNotice(row, row.status === 'published' && current.get(row.language) === Number(row.version));
}
