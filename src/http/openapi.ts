import { z, type ZodType } from 'zod';
import { publicRoute, type AnyRoute } from './route';
import { asPage } from './security-headers';

const problem = { description: 'Problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

function jsonSchema(schema: ZodType) {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

/** Turns a params/query zod object into OpenAPI parameters. */
function parameters(where: 'path' | 'query', schema: ZodType | undefined) {
  if (!schema) return [];
  const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s }));
}

/**
 * The problem responses every operation of this shape can give, besides its own (`responses`): bad input; for
 * signed-in routes, no or a stale session (401) and a refusal with its rule and clause (403); a record that is
 * missing or hidden (404, alike); for changes, a state that does not allow it (409) and optimistic concurrency —
 * If-Match missing (428) or stale (412); for any method that may carry a body, too large (413) or of a type the
 * server does not read (415) — a body-less POST sent a body anyway is parsed, and refused, like any other; and a
 * database busy past the lock timeout (503 with Retry-After).
 */
function commonProblems(r: AnyRoute): Record<string, typeof problem> {
  const out: Record<string, typeof problem> = { 400: problem, 503: { ...problem, description: 'The database is busy: retry after Retry-After' } };
  if (!r.public) Object.assign(out, { 401: problem, 403: problem });
  if (!r.public && (r.params || r.method !== 'GET')) out[404] = { ...problem, description: 'Not found, or you may not see it (alike)' };
  if (!r.public && r.method !== 'GET') Object.assign(out, { 409: problem, 412: problem, 428: problem });
  if (r.method !== 'GET') Object.assign(out, { 413: problem, 415: problem });
  return out;
}

/** Builds the OpenAPI 3.1 document from the route table (the same definitions the pipeline runs). */
export function buildOpenApi(routes: readonly AnyRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: r.tags,
      'x-policy-action': r.public ? 'public' : r.action,
      parameters: [...parameters('path', r.params), ...parameters('query', r.query)],
      responses: {
        [String(r.status ?? 200)]: { description: 'Success' },
        ...commonProblems(r),
        ...Object.fromEntries(Object.entries(r.responses ?? {}).map(([k, d]) => [k, { ...problem, description: d }])),
      },
      ...(r.public ? { security: [] } : {}),
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    if (r.multipart) op.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Confide API', version: '0.1.0', description: 'Case records that enforce a confidentiality policy. Every operation names the policy action it is checked against (x-policy-action).' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'confide_session', description: 'Browser session; state-changing requests also need the X-CSRF-Token header.' },
        token: { type: 'http', scheme: 'bearer', description: 'Personal API token (cfd_…).' },
      },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Routes serving the OpenAPI document and a browsable page of it (no external scripts, CSP-safe). */
export function openApiRoutes(all: () => readonly AnyRoute[]) {
  let cached: ReturnType<typeof buildOpenApi> | undefined;
  const doc = () => (cached ??= buildOpenApi(all()));
  return [
    publicRoute({
      method: 'GET', url: '/api/openapi.json', public: true, tags: ['system'], summary: 'The OpenAPI 3.1 document',
      handler: async () => doc(),
    }),
    publicRoute({
      method: 'GET', url: '/api/docs', public: true, tags: ['system'], summary: 'Browsable API reference',
      handler: async (_ctx, { reply }) => {
        const rows = Object.entries(doc().paths).flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => {
            const o = op as { summary: string; 'x-policy-action': string };
            return `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(o.summary)}</td><td><code>${escapeHtml(o['x-policy-action'])}</code></td></tr>`;
          }),
        );
        asPage(reply);
        return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Confide API</title><link rel="stylesheet" href="/assets/app.css"></head><body><main><h1>Confide API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>. Errors are RFC 9457 problem+json.</p><table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Policy action</th></tr></thead><tbody>${rows.join('')}</tbody></table></main></body></html>`;
      },
    }),
  ];
}
