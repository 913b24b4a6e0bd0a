import { sameName } from '../acknowledgement/typed-name';
import type { Ctx } from '../context';
import type { DisclosureRow } from '../db/schema';
import { forbidden } from '../lib/errors';
import { decide } from '../policy/decide';
import type { Decision, Resource } from '../policy/types';
import { filter, visibleWhere } from '../policy/filter';
import { factsFor, teamFlag } from '../policy/relations';
import { auditList } from '../records/list-audit';
import { offered } from '../records/can';
import { findVisible, presentSummary, readRecord } from '../records/guard';
import { decodeCursor, encodeCursor } from '../records/paging';
import { toCsv } from '../transfer/csv';
import { readPackItems, withheldOf } from './pack-read';
import { readinessOf, type DisclosureLike } from './readiness';
import type { PageInput, RegisterQuery } from './schema';

/** Stored as JSON text and 0/1 on both engines; the API says lists and booleans (and whether someone else accepted the terms). */
function shaped(data: Record<string, unknown>) {
  for (const k of ['items', 'dataCategories'] as const) if (typeof data[k] === 'string') data[k] = JSON.parse(data[k] as string);
  for (const k of ['pseudonymise', 'clientRequested'] as const) if (k in data) data[k] = Number(data[k]) === 1;
  if ('tellPerson' in data && data.tellPerson !== null) data.tellPerson = Number(data.tellPerson) === 1;
  // 1.3, 4.1: whether the person was asked first — true, false, or null: not recorded (src/lib/consent-sought.ts).
  if ('consentSought' in data && data.consentSought !== null && data.consentSought !== undefined) data.consentSought = Number(data.consentSought) === 1;
  if ('itemCount' in data) data.itemCount = Number(data.itemCount);
  // 4.3: the terms accepted under a name other than the named recipient's (src/acknowledgement/typed-name.ts).
  if (typeof data.acknowledgedBy === 'string' && typeof data.recipientName === 'string') data.acknowledgedByOther = !sameName(data.recipientName, data.acknowledgedBy);
  return data;
}

type Row = DisclosureLike;

/**
 * Whether the actor may open a disclosure's released pack (`disclosure.pack`, decided on the pack itself). What they
 * then read of it is decided item by item where each item lives (3.4: "only … the information items that they need
 * to see"; src/disclosure/pack-read.ts): the pack as it went out, or their own copy with items withheld.
 */
export function packDecision(ctx: Pick<Ctx, 'actor'>, facts: Resource): Decision {
  return decide(ctx.actor, 'disclosure.pack', { ...facts, classification: 'general' });
}

/**
 * One disclosure as the actor may see it (need to know; reasons and contact details only for staff on the team and
 * management), with what the actor may do with it (decided by the policy, so the web app offers only what the API
 * accepts), the sharing agreement it rests on (`agreement`: id, title, status; practice 5.1), and what stands
 * between it and release (src/disclosure/readiness.ts): `consentWithdrawnAt`, when the consent it rests on was
 * withdrawn while it waited (1.3), `agreementEndedAt`, when the agreement it rests on ended with none other in
 * force covering it, and `purposeNotInForce`, its purpose retired or past its review (3.1) — then its release (and the steps towards it) is not offered, since the API would refuse it.
 * Audited.
 */
export async function getDisclosure(ctx: Ctx, id: string) {
  const { row, presented } = await readRecord(ctx, 'disclosure', id);
  const ready = (await readinessOf(ctx, [row as Row]))(id);
  // `pack`: whether the released pack may be opened; `pack` beside it, once released, what this reader's copy withholds (3.4).
  const gate = packDecision(ctx, factsFor(ctx.actor, 'disclosure', row));
  const can: Record<string, boolean> = { ...offered(ctx, 'disclosure', row), pack: gate.allowed };
  if (ready.blocked) can.release = false;
  const data = shaped(presented.data);
  Object.assign(data, { consentWithdrawnAt: ready.consentWithdrawnAt, agreement: ready.agreement, agreementEndedAt: ready.agreementEndedAt, purposeNotInForce: ready.purposeNotInForce }, (await atOnceReleases(ctx, [row as Row]))(id));
  const reading = gate.allowed && row.status === 'released' ? await readPackItems(ctx, row as unknown as DisclosureRow, gate) : null;
  const pack = reading ? { pack: { copy: reading.copy, withheld: withheldOf(reading) } } : {};
  return { data, restricted: presented.restricted, version: Number(row.version), can, ...pack };
}

/** How an urgent safeguarding referral released at once stands in the register; absent for every other disclosure. */
interface AtOnce { releasedAtOnce: boolean; reviewedBy: string | null; reviewedAt: string | null; reviewOutcome: string | null }
const NOT_AT_ONCE: AtOnce = { releasedAtOnce: false, reviewedBy: null, reviewedAt: null, reviewOutcome: null };

/**
 * 1.3: an urgent referral a manager released at once under the legal duty (practice 4.1) was approved by nobody
 * beforehand; the register says so — `releasedAtOnce`, released by `releasedBy` — and who reviewed it afterwards
 * (`reviewedBy`, `reviewedAt`, `reviewOutcome`; null while it awaits a second manager's review), never an approval of
 * the manager's own. A referral shares its id with its disclosure, so one lookup by id finds them.
 */
async function atOnceReleases(ctx: Ctx, rows: readonly Row[]): Promise<(id: string) => AtOnce> {
  const ids = rows.filter((r) => r.concern_id != null).map((r) => r.id);
  const found = ids.length
    ? await ctx.db.selectFrom('referrals').select(['id', 'released_at_once', 'reviewed_by', 'reviewed_at', 'review_outcome']).where('id', 'in', ids).where('released_at_once', '=', 1).execute()
    : [];
  const byId = new Map(found.map((r) => [r.id, { releasedAtOnce: true, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at, reviewOutcome: r.review_outcome }]));
  return (id) => byId.get(id) ?? NOT_AT_ONCE;
}

const page = async (ctx: Ctx, rows: Row[], limit: number, cursorOf: (r: Row) => string[]) => {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const ready = await readinessOf(ctx, items);
  const atOnce = await atOnceReleases(ctx, items);
  return {
    items: items.map((r) => {
      const { consentWithdrawnAt, agreement, agreementEndedAt, purposeNotInForce } = ready(r.id);
      return Object.assign(shaped(presentSummary(ctx, 'disclosure', r)), { consentWithdrawnAt, agreement, agreementEndedAt, purposeNotInForce }, atOnce(r.id));
    }),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
};

/**
 * A person's disclosure register, newest first (what went to whom, when, on which basis, whether they were told):
 * only the disclosures the viewer may see under need to know, filtered in SQL by the same rules as a single read.
 * The person's "how your information is used" summary and the subject access export read this.
 */
export async function listDisclosuresForPerson(ctx: Ctx, personId: string, query: PageInput) {
  const person = await findVisible(ctx, 'person', personId);
  const scope = filter(ctx.actor, 'disclosure.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db.selectFrom('disclosures').selectAll('disclosures').select((eb) => teamFlag(eb as never, 'disclosure', ctx.actor.id)).where('disclosures.person_id', '=', personId)
    .where((eb) => visibleWhere(eb, 'disclosure', scope, ctx.actor, 'probe'));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('disclosures.requested_at', '<', at), eb.and([eb('disclosures.requested_at', '=', at), eb('disclosures.id', '<', id)])]));
  }
  const rows = await q.orderBy('disclosures.requested_at', 'desc').orderBy('disclosures.id', 'desc').limit(query.limit + 1).execute();
  const out = await page(ctx, rows as unknown as Row[], query.limit, (r) => [r.requested_at as string, r.id]);
  auditList(ctx, 'disclosure', { within: { type: 'person', id: personId, subjectPersonId: person.subjectPersonId }, results: out.items.length });
  return out;
}

/**
 * What was released to one recipient organisation, newest first: a keyset page on the index (recipient_org_id,
 * released_at, id), filtered by need to know like every list.
 */
export async function listDisclosuresForRecipient(ctx: Ctx, organisationId: string, query: RegisterQuery) {
  await findVisible(ctx, 'organisation', organisationId);
  const scope = filter(ctx.actor, 'disclosure.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db.selectFrom('disclosures').selectAll('disclosures').select((eb) => teamFlag(eb as never, 'disclosure', ctx.actor.id)).where('disclosures.recipient_org_id', '=', organisationId)
    .where('disclosures.released_at', 'is not', null).where((eb) => visibleWhere(eb, 'disclosure', scope, ctx.actor, 'probe'));
  if (query.from) q = q.where('disclosures.released_at', '>=', query.from);
  if (query.to) q = q.where('disclosures.released_at', '<', `${query.to}T99`);
  if (query.basis) q = q.where('disclosures.basis', '=', query.basis);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('disclosures.released_at', '<', at), eb.and([eb('disclosures.released_at', '=', at), eb('disclosures.id', '<', id)])]));
  }
  const rows = await q.orderBy('disclosures.released_at', 'desc').orderBy('disclosures.id', 'desc').limit(query.limit + 1).execute();
  const out = await page(ctx, rows as unknown as Row[], query.limit, (r) => [r.released_at as string, r.id]);
  auditList(ctx, 'disclosure', { results: out.items.length, view: `recipient:${organisationId}` });
  return out;
}

/**
 * The organisation-wide register for management and the guardian (3.1: continuing uses reviewed), newest first,
 * filterable by date, basis and status.
 */
export async function listDisclosureRegister(ctx: Ctx, query: RegisterQuery) {
  const scope = filter(ctx.actor, 'disclosure.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  let q = ctx.db.selectFrom('disclosures').selectAll('disclosures').select((eb) => teamFlag(eb as never, 'disclosure', ctx.actor.id)).where((eb) => visibleWhere(eb, 'disclosure', scope, ctx.actor));
  if (query.from) q = q.where('disclosures.requested_at', '>=', query.from);
  if (query.to) q = q.where('disclosures.requested_at', '<', `${query.to}T99`);
  if (query.basis) q = q.where('disclosures.basis', '=', query.basis);
  if (query.status) q = q.where('disclosures.status', '=', query.status);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('disclosures.requested_at', '<', at), eb.and([eb('disclosures.requested_at', '=', at), eb('disclosures.id', '<', id)])]));
  }
  const rows = await q.orderBy('disclosures.requested_at', 'desc').orderBy('disclosures.id', 'desc').limit(query.limit + 1).execute();
  const out = await page(ctx, rows as unknown as Row[], query.limit, (r) => [r.requested_at as string, r.id]);
  auditList(ctx, 'disclosure', { results: out.items.length, view: query.format === 'csv' ? 'register-csv' : 'register' });
  return out;
}

/**
 * The register's columns in a CSV export: what, to whom, when, basis (and the agreement it rests on), for an exception
 * whether the person was asked first (empty: not recorded, or not an exception), approver — or,
 * for an urgent referral released at once under the legal duty, that it was and who reviewed it (1.3) — pack hash,
 * told; never content.
 */
const CSV_COLUMNS = [
  'reference', 'personId', 'recipientOrganisationId', 'recipientName', 'recipientRole', 'purposeId', 'mode', 'basis', 'consentId', 'agreementId', 'agreementTitle', 'exceptionGround',
  'consentSought', 'consentAnswer', 'notSoughtBecause',
  'approvedBy', 'approvedAt', 'releasedAtOnce', 'reviewedBy', 'reviewedAt', 'reviewOutcome', 'dataCategories', 'itemCount', 'pseudonymise', 'clientRequested', 'status', 'requestedBy', 'requestedAt',
  'acknowledgementMethod', 'acknowledgedAt', 'releasedAt', 'releasedBy', 'packSha256', 'tellPerson', 'personToldAt',
] as const;

/** A page of the register as CSV (formula-like cells neutralised by toCsv). */
export function registerCsv(items: Record<string, unknown>[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v));
  const value = (i: Record<string, unknown>, c: (typeof CSV_COLUMNS)[number]) => (c === 'agreementTitle' ? (i.agreement as { title?: string } | null)?.title : i[c]);
  return toCsv(CSV_COLUMNS, items.map((i) => CSV_COLUMNS.map((c) => cell(value(i, c)))));
}
