import { sql, type Kysely } from 'kysely';
import { SAFEGUARDING_TYPES } from '../access/access-log';
import type { Database } from '../db/schema';
import { RECORDS } from '../records/registry';

/**
 * The record a route names in its path, for audit entries written before the route's input is validated (the
 * pipeline's coarse policy check, e.g. the agreement gate): the first path parameter and the collection before it.
 * `/api/people/:id/cases` names the person, `/api/cases/:caseId/notes` the case. Only ids of the form the API issues
 * (UUIDs) are recorded; anything else is left out rather than copied into the audit trail.
 */
const COLLECTIONS = {
  people: 'person', cases: 'case', notes: 'note', attachments: 'attachment', organisations: 'organisation',
  requests: 'grant', grants: 'grant', 'break-glass': 'grant', users: 'user', breaches: 'breach', flags: 'breach-flag',
  concerns: 'concern', referrals: 'referral', disclosures: 'disclosure', agreements: 'agreement', meetings: 'meeting',
  notices: 'notice', purposes: 'purpose', consents: 'consent', notifications: 'notification', tokens: 'api-token',
} as const;

/**
 * Path parameters that name no record of ours: a file of the web app, a policy version, a rule id, a one-time link's
 * token (public routes, which no policy gate refuses). Every other parameter's collection is in {@link COLLECTIONS}
 * (test/unit/route-target.test.ts).
 */
export const NOT_RECORDS: readonly string[] = ['assets', 'documents', 'rules', 'disclosure-acknowledgements', 'meeting-acknowledgements'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where in a route's URL its record is named: the parameter and the record type, or null. */
export function routeTargetOf(url: string): { param: string; type: string } | null {
  const parts = url.split('/');
  const at = parts.findIndex((p) => p.startsWith(':'));
  if (at < 1) return null;
  const type = Object.hasOwn(COLLECTIONS, parts[at - 1]) ? COLLECTIONS[parts[at - 1] as keyof typeof COLLECTIONS] : undefined;
  return type ? { param: parts[at].slice(1), type } : null;
}

/** The record a request names (type and id), or nothing when the route names none or the id is not one of ours. */
export function routeTarget(url: string, params: unknown): { resourceType?: string; resourceId?: string } {
  const target = routeTargetOf(url);
  const id = target && params && typeof params === 'object' ? (params as Record<string, unknown>)[target.param] : undefined;
  return target && typeof id === 'string' && UUID.test(id) ? { resourceType: target.type, resourceId: id } : {};
}

/** A record type a route can name (the types of {@link COLLECTIONS}). */
export type TargetType = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/**
 * A body field that names the record a route is about, for a route whose path names none (POST /api/disclosures
 * names the person in `personIds`): the field holding its id (of a list, the first: the one the handler acts on), and
 * the record's type — fixed, or read from another body field (`typeFrom`) among the `types` it may say.
 */
export type BodyTarget = { id: string; type: TargetType } | { id: string; typeFrom: string; types: readonly TargetType[] };

/** A refused request's audit target: the record it names, and the person that record is about when there is one. */
export interface RefusalTarget {
  resourceType?: string;
  resourceId?: string;
  subjectPersonId?: string;
}

/**
 * How the person a record is about is found, for each type a route can name: its table and an SQL expression over
 * it (unaliased) — the descriptor's `subjectPerson` (src/records/registry.ts), and for a meeting and an access grant
 * the columns they keep it in (a meeting about a case: the case's person, as src/meetings/access.ts `subjectOf`).
 * Safeguarding work names no one (practice 4.1: it is kept out of the person's ordinary access log): a concern, a
 * referral, and a disclosure a referral made (`concern_id` set), as src/access/access-log.ts leaves them out.
 */
const SUBJECTS: ReadonlyMap<string, { table: string; person: string }> = new Map([
  ...RECORDS.filter((d) => d.subjectPerson !== null && !SAFEGUARDING_TYPES.includes(d.type)).map((d) => [d.type, { table: d.table, person: d.subjectPerson! }] as const),
  ['disclosure', { table: 'disclosures', person: 'case when disclosures.concern_id is null then disclosures.person_id end' }],
  ['meeting', { table: 'meetings', person: 'coalesce(meetings.person_id, (select c.person_id from cases c where c.id = meetings.case_id))' }],
  ['grant', { table: 'access_grants', person: 'access_grants.person_id' }],
]);

/** The record a request's body names, by the route's declaration (nothing when it names none of ours). */
function bodyTarget(declared: readonly BodyTarget[] | undefined, body: unknown): { resourceType?: string; resourceId?: string } {
  if (!declared || !body || typeof body !== 'object' || Array.isArray(body)) return {};
  const field = (name: string): unknown => (Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined);
  for (const d of declared) {
    const raw = field(d.id);
    const id = Array.isArray(raw) ? raw[0] : raw;
    const type = 'type' in d ? d.type : d.types.find((t) => t === field(d.typeFrom));
    if (type && typeof id === 'string' && UUID.test(id)) return { resourceType: type, resourceId: id };
  }
  return {};
}

/**
 * What a request refused by the pipeline's coarse policy check is audited against: the record its path names (or,
 * for a route that declares it, its body: {@link BodyTarget}) and, when that record exists and is about a person,
 * the person — so the attempt is listed in their "who has seen" log like a refusal met later by need to know. One
 * query, whether or not the record exists, and only for a refusal: an allowed request never comes here. The body is
 * not validated yet: only an id of the form the API issues, of a type the route declares, is taken.
 */
export async function refusalTarget(
  db: Kysely<Database>,
  route: { url: string; bodyTarget?: readonly BodyTarget[] },
  params: unknown,
  body: unknown,
): Promise<RefusalTarget> {
  const target = routeTargetOf(route.url) ? routeTarget(route.url, params) : bodyTarget(route.bodyTarget, body);
  const subject = target.resourceType ? SUBJECTS.get(target.resourceType) : undefined;
  if (!subject) return target;
  const { rows } = await sql<{ person: string | null }>`select ${sql.raw(subject.person)} as person from ${sql.table(subject.table)} where ${sql.ref(`${subject.table}.id`)} = ${target.resourceId}`.execute(db);
  const person = rows[0]?.person;
  return person ? { ...target, subjectPersonId: person } : target;
}
