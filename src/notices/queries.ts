import type { Kysely } from 'kysely';
import type { Ctx } from '../context';
import type { Database, NoticeRow } from '../db/schema';
import { forbidden, notFound } from '../lib/errors';
import { decide } from '../policy/decide';
import type { ListNoticesQuery } from './schema';

/** A notice version as the API shows it; `current` marks the highest published version of its language. */
export function presentNotice(row: NoticeRow, current: boolean, withBody = true) {
  return {
    id: row.id, version: Number(row.version), language: row.language, title: row.title, ...(withBody ? { body: row.body } : {}),
    status: row.status, current, publishedAt: row.published_at, publishedBy: row.published_by, createdAt: row.created_at,
  };
}

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
  let q = ctx.db.selectFrom('notices').selectAll();
  if (query.language) q = q.where('language', '=', query.language);
  if (!seesDrafts(ctx)) q = q.where('status', '=', 'published');
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('version', 'desc').orderBy('language').execute();
  const current = await currentVersions(ctx.db);
  return { items: rows.map((r) => presentNotice(r, r.status === 'published' && current.get(r.language) === Number(r.version), false)) };
}

/** One notice version with its text; a draft is "not found" to those who do not publish. */
export async function getNotice(ctx: Ctx, id: string) {
  requireRead(ctx);
  const row = await ctx.db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (row.status !== 'published' && !seesDrafts(ctx))) throw notFound('notice');
  const current = await currentVersions(ctx.db, [row.language]);
  return presentNotice(row, row.status === 'published' && current.get(row.language) === Number(row.version));
}
