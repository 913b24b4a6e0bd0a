import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { findVisible, presentSummary, readRecord } from '../records/guard';
import { auditList } from '../records/list-audit';
import { decodeCursor, encodeCursor } from '../records/paging';
import type { HistoryQuery } from './schema';

const JSON_FIELDS = ['recipients', 'dataCategories', 'methodDetail', 'givenByDetail'] as const;

/**
 * What a version means now: `given`, `refused` or `withdrawn` while current; `expired` when its expiry has passed;
 * `superseded` once a newer version (or a withdrawal) replaced it.
 */
export function consentStatus(data: Record<string, unknown>, nowIso: string): string {
  if (data.supersededBy) return 'superseded';
  if (data.decision === 'given' && typeof data.expiresAt === 'string' && data.expiresAt <= nowIso) return 'expired';
  return data.decision as string;
}

/** Lists and objects are stored as JSON text on both engines; the API sends them as JSON. */
function shaped(data: Record<string, unknown>, nowIso: string) {
  for (const f of JSON_FIELDS) if (typeof data[f] === 'string') data[f] = JSON.parse(data[f] as string);
  if ('decision' in data) data.status = consentStatus(data, nowIso);
  return data;
}

type ShownRecipient = { kind: string; organisationId?: string; name?: string };
const organisationsOf = (data: Record<string, unknown>) => (Array.isArray(data.recipients) ? (data.recipients as ShownRecipient[]) : []).filter((r) => r.kind === 'organisation' && r.organisationId);

/**
 * Names each organisation a consent covers (4.1: with whom it is shared), from the register — archived ones too, so
 * an old consent still says whom it named — in one query for all `items`. An organisation's name is general
 * information everyone working here reads (organisations/directory); the stored consent keeps only its id.
 */
async function withOrganisationNames(ctx: Ctx, items: readonly Record<string, unknown>[]) {
  const ids = [...new Set(items.flatMap((d) => organisationsOf(d).map((r) => r.organisationId!)))];
  if (!ids.length) return;
  const names = new Map((await ctx.db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).execute()).map((o) => [o.id, o.name]));
  for (const d of items) {
    for (const r of organisationsOf(d)) {
      const name = names.get(r.organisationId!);
      if (name !== undefined) r.name = name;
    }
  }
}

/**
 * One consent version as the actor may see it: the person's case team and management read what was told and how it
 * was given; volunteers and students on the team, and the guardian, what was agreed (each organisation it names by
 * its name). Every opening is audited.
 */
export async function getConsent(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'consent', id);
  const data = shaped(presented.data, ctx.nowIso);
  await withOrganisationNames(ctx, [data]);
  return { data, restricted: presented.restricted, version: Number(row.version) };
}

/**
 * A person's full consent history, newest first (4.1: the full history is kept and shown), filtered in SQL by the
 * same rules as a single read; items carry general fields (what was agreed, to whom, each organisation by its name,
 * when, its status).
 */
export async function consentHistory(ctx: Ctx, personId: string, query: HistoryQuery) {
  const within = await findVisible(ctx, 'person', personId);
  const scope = filter(ctx.actor, 'consent.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db.selectFrom('consents').selectAll('consents').select((eb) => teamFlag(eb, 'consent', ctx.actor.id)).where('consents.person_id', '=', personId)
    .where((eb) => visibleWhere(eb, 'consent', scope, ctx.actor, 'probe'));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('consents.recorded_at', '<', at), eb.and([eb('consents.recorded_at', '=', at), eb('consents.id', '<', id)])]));
  }
  const rows = await q.orderBy('consents.person_id', 'desc').orderBy('consents.recorded_at', 'desc').orderBy('consents.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  auditList(ctx, 'consent', { within: { type: 'person', id: personId, subjectPersonId: within.subjectPersonId }, results: page.length });
  const items = page.map((r) => shaped(presentSummary(ctx, 'consent', r as unknown as Record<string, unknown>), ctx.nowIso));
  await withOrganisationNames(ctx, items);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.recorded_at, last.id]) : null,
  };
}
