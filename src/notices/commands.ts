import { enforce } from '../audit/enforce';
import { fromDecision } from '../audit/append';
import { isUniqueViolation } from '../cases/access';
import type { Ctx } from '../context';
import type { NoticeRow } from '../db/schema';
import { conflict, invalidInput, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { decide } from '../policy/decide';
import { getNotice } from './queries';
import type { CreateNoticeInput } from './schema';

/** Publishing the notice: management and the guardian (4.1); the denial is audited. */
function requirePublish(ctx: Ctx, detail: Record<string, unknown>) {
  return enforce(ctx, 'notice.publish', decide(ctx.actor, 'notice.publish'), { resourceType: 'notice', resourceId: null, detail });
}

/** The version number a new notice row takes: the next version, or the version it translates (which must exist). */
async function versionFor(ctx: Ctx, input: CreateNoticeInput): Promise<number> {
  if (input.translationOf === undefined) {
    const row = await ctx.db.selectFrom('notices').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    return Number(row?.v ?? 0) + 1;
  }
  const existing = await ctx.db.selectFrom('notices').select(['language']).where('version', '=', input.translationOf).execute();
  if (existing.length === 0) {
    throw invalidInput(`There is no version ${input.translationOf} of the notice to translate.`, [{ path: 'body.translationOf', message: 'no such version' }]);
  }
  if (existing.some((r) => r.language === input.language)) {
    throw conflict(`Version ${input.translationOf} already exists in "${input.language}"; a published version is never changed: write a new version instead.`, [
      { path: 'body.language', message: `version ${input.translationOf} already exists in this language` },
    ]);
  }
  return input.translationOf;
}

/**
 * Writes a new version of the organisation's notice (4.1), or a translation of an existing version into another
 * language; published at once with `publish`, else kept as a draft. Versions are never edited: a change is a new
 * version, and the current notice of a language is its highest published version, so there is only ever one.
 */
export async function createNotice(ctx: Ctx, input: CreateNoticeInput) {
  const d = requirePublish(ctx, { language: input.language });
  const version = await versionFor(ctx, input);
  const id = newId(ctx.now.getTime());
  const row: NoticeRow = {
    id, version, language: input.language, title: input.title, body: input.body, status: input.publish ? 'published' : 'draft',
    published_at: input.publish ? ctx.nowIso : null, published_by: input.publish ? ctx.actor.id : null, created_by: ctx.actor.id, created_at: ctx.nowIso,
  };
  try {
    await ctx.db.insertInto('notices').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('Another version of the notice was written at the same moment; try again.', [{ path: 'body.language', message: 'version taken' }]);
    throw error;
  }
  const target = { resourceType: 'notice', resourceId: id, detail: { version, language: input.language, translationOf: input.translationOf ?? null } };
  ctx.audit.add(fromDecision('notice.draft', d, target));
  if (input.publish) ctx.audit.add(fromDecision('notice.publish', d, target));
  return getNotice(ctx, id);
}

/** Publishes a draft (4.1). A published version cannot be published again or changed: 409. */
export async function publishNotice(ctx: Ctx, id: string) {
  const d = requirePublish(ctx, { notice: id });
  const row = await ctx.db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('notice');
  const done = await ctx.db
    .updateTable('notices').set({ status: 'published', published_at: ctx.nowIso, published_by: ctx.actor.id })
    .where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw conflict('This version is already published; a published version is never changed: write a new version.', [{ path: 'params.id', message: 'already published' }]);
  ctx.audit.add(fromDecision('notice.publish', d, { resourceType: 'notice', resourceId: id, detail: { version: Number(row.version), language: row.language } }));
  return getNotice(ctx, id);
}
