/**
 * The record a route names in its path, for audit entries written before the route's input is validated (the
 * pipeline's coarse policy check, e.g. the agreement gate): the first path parameter and the collection before it.
 * `/api/people/:id/cases` names the person, `/api/cases/:caseId/notes` the case. Only ids of the form the API issues
 * (UUIDs) are recorded; anything else is left out rather than copied into the audit trail.
 */
const COLLECTIONS: Readonly<Record<string, string>> = {
  people: 'person', cases: 'case', notes: 'note', attachments: 'attachment', organisations: 'organisation',
  requests: 'grant', grants: 'grant', 'break-glass': 'grant', users: 'user', breaches: 'breach', flags: 'breach-flag',
  concerns: 'concern', referrals: 'referral', disclosures: 'disclosure', agreements: 'agreement', meetings: 'meeting',
  notices: 'notice', purposes: 'purpose', consents: 'consent', notifications: 'notification', tokens: 'api-token',
};

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
  const type = COLLECTIONS[parts[at - 1]];
  return type ? { param: parts[at].slice(1), type } : null;
}

/** The record a request names (type and id), or nothing when the route names none or the id is not one of ours. */
export function routeTarget(url: string, params: unknown): { resourceType?: string; resourceId?: string } {
  const target = routeTargetOf(url);
  const id = target && params && typeof params === 'object' ? (params as Record<string, unknown>)[target.param] : undefined;
  return target && typeof id === 'string' && UUID.test(id) ? { resourceType: target.type, resourceId: id } : {};
}
