import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACTIONS } from '../../src/policy/actions';
import { RULES_BY_ACTION } from '../../src/policy/decide';
import { as, makeUser } from '../factories';
import { createWorld, type World } from '../support/world';

// Every route the REAL app registers is seen here: each Fastify instance created (by buildApp too) gets an onRoute
// hook first, so a route added any way at all — through the pipeline, a plugin, or by hand — is walked.
const seen = vi.hoisted(() => [] as { method: string; url: string; policy?: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const original = mod.default as unknown as (...args: unknown[]) => import('fastify').FastifyInstance;
  const watched = (...args: unknown[]) => {
    const app = original(...args);
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) if (method !== 'HEAD') seen.push({ method, url: r.url, policy: (r.config as { policy?: string } | undefined)?.policy });
    });
    return app;
  };
  return { ...mod, default: Object.assign(watched, mod.default) };
});

/** Public routes, deliberately: everything else must name a policy action. */
const PUBLIC = [
  'GET /healthz', 'GET /readyz', 'GET /api/openapi.json', 'GET /api/docs', 'POST /api/auth/sign-in',
  'GET /', 'GET /*', 'GET /assets/:file',
  // Issue 9: Prometheus scrapes, 404 unless METRICS_TOKEN is set, then only with that bearer token.
  'GET /metrics',
  // 4.3: the recipient's one-time acknowledgement link (terms only; a used, expired or unknown token is the same 404).
  'GET /api/disclosure-acknowledgements/:token', 'POST /api/disclosure-acknowledgements/:token',
  // Practice 3: an external meeting attendee's one-time link (terms only before acknowledgement; the notes once after).
  'GET /api/meeting-acknowledgements/:token', 'POST /api/meeting-acknowledgements/:token',
  // 1.3, 4.1: the published notice that consent receipts link to (public information; drafts never).
  'GET /api/privacy-notice',
].sort();

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const ID = '01966f5e-0000-7000-8000-000000000000';
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, ID);

/** Actions whose route is refused to everyone by an actor-level forbid, citing its clause: equality answers per person. */
const REFUSED_TO_EVERYONE = new Set(['equality.read']);

describe('3.4 need-to-know: the route table — authorisation cannot be forgotten', () => {
  let world: World;
  let routes: { method: string; url: string; policy?: string }[];

  beforeAll(async () => {
    seen.length = 0;
    world = await createWorld('sqlite');
    routes = [...seen];
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: every route of the running app declares a policy action or is explicitly public', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !r.policy).map(key)).toEqual([]);
  });

  it('3.4 need-to-know: every declared action exists in actions.ts and at least one rule can allow it', () => {
    for (const r of routes.filter((x) => x.policy !== 'public')) {
      expect(ACTIONS, key(r)).toContain(r.policy);
      // The one exception is a route that exists to be refused to everyone with its clause (and audited): an
      // actor-level forbid for any role with no allow rule at all (equality/aggregate-only).
      if (r.policy && REFUSED_TO_EVERYONE.has(r.policy)) {
        expect(RULES_BY_ACTION.get(r.policy as never)!.allow.length, key(r)).toBe(0);
        expect(RULES_BY_ACTION.get(r.policy as never)!.forbid.some((f) => f.rule.roles === 'any' && f.rule.actorLevel), key(r)).toBe(true);
        continue;
      }
      expect(RULES_BY_ACTION.get(r.policy as never)!.allow.length, `${r.policy} (${key(r)}) has no allow rule`).toBeGreaterThan(0);
    }
  });

  it('3.7 secure-conditions: the public routes are exactly the expected few (health, readiness, API document, sign-in, web page, acknowledgement links, the published notice)', () => {
    expect(routes.filter((r) => r.policy === 'public').map(key).sort()).toEqual(PUBLIC);
  });

  it('3.4 need-to-know: the app holds exactly the routes of the route table, all registered through the pipeline', async () => {
    const { allRoutes } = await import('../../src/routes');
    const table = allRoutes().map((r) => `${key(r)} ${r.public ? 'public' : r.action}`).sort();
    expect(routes.map((r) => `${key(r)} ${r.policy}`).sort()).toEqual(table);
  });

  it('3.4 need-to-know: the app refuses a route registered without a policy action', async () => {
    const { buildApp } = await import('../../src/app');
    const app = await buildApp(world.services);
    expect(() => app.get('/sneaky', async () => 'data')).toThrow(/without a policy action/);
    await app.close();
  });

  it('3.7 secure-conditions: without signing in, every non-public route answers 401 and nothing else', async () => {
    const answers = await Promise.all(routes.filter((r) => r.policy !== 'public').map(async (r) => {
      const res = await world.app.inject({ method: r.method as 'GET', url: concrete(r.url), ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }) });
      return `${key(r)} → ${res.statusCode}`;
    }));
    expect(answers.filter((a) => !a.endsWith('→ 401'))).toEqual([]);
  });

  it('3.4 need-to-know: a signed-in user with no role is refused (403) by every route whose action no rule opens to any role', async () => {
    const nobody = await makeUser(world, []);
    const closed = routes.filter((r) => r.policy !== 'public' && !RULES_BY_ACTION.get(r.policy as never)!.allow.some((a) => a.roleMask === 0));
    expect(closed.length).toBeGreaterThan(20);
    console.log(`[route-table] ${routes.length} routes: ${routes.filter((r) => r.policy === 'public').length} public, ${closed.length} closed to a user without roles`);
    const answers = await Promise.all(closed.map(async (r) => {
      const client = as(world, nobody);
      const url = concrete(r.url);
      const res = r.method === 'GET' ? await client.get(url) : r.method === 'DELETE' ? await client.delete(url) : r.method === 'POST' ? await client.post(url, {}) : r.method === 'PATCH' ? await client.patch(url, {}) : await client.put(url, {});
      return `${key(r)} (${r.policy}) → ${res.statusCode}`;
    }));
    expect(answers.filter((a) => !a.endsWith('→ 403'))).toEqual([]);
  });
});
