import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/policy/actions';
import { RULES_BY_ACTION } from '../../src/policy/decide';
import { createWorld, type World } from '../support/world';

/** Public routes, deliberately: everything else must name a policy action. */
const PUBLIC = new Set([
  'GET /healthz', 'GET /readyz', 'GET /api/openapi.json', 'GET /api/docs', 'POST /api/auth/sign-in',
  'GET /', 'GET /assets/:file',
]);

describe('the route table: authorisation cannot be forgotten', () => {
  let world: World;
  const seen: { method: string; url: string; policy?: string }[] = [];

  beforeAll(async () => {
    world = await createWorld('sqlite');
    // Rebuild the same routes on a fresh instance with an onRoute hook, so nothing registered escapes the walk.
    const { allRoutes } = await import('../../src/routes');
    const { registerRoutes } = await import('../../src/http/pipeline');
    const probe = Fastify();
    probe.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) if (method !== 'HEAD') seen.push({ method, url: r.url, policy: (r.config as { policy?: string } | undefined)?.policy });
    });
    registerRoutes(probe, world.services, allRoutes());
    await probe.ready();
    await probe.close();
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: every route declares a policy action or is explicitly public', () => {
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((r) => !r.policy).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('3.4 need-to-know: every declared action exists and at least one rule can allow it', () => {
    for (const r of seen.filter((x) => x.policy !== 'public')) {
      expect(ACTIONS, `${r.method} ${r.url}`).toContain(r.policy);
      expect(RULES_BY_ACTION.get(r.policy as never)!.allow.length, `${r.policy} has no allow rule`).toBeGreaterThan(0);
    }
  });

  it('3.7 secure-conditions: the public routes are exactly the expected few', () => {
    const publicRoutes = seen.filter((r) => r.policy === 'public').map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.filter((r) => !PUBLIC.has(r))).toEqual([]);
  });

  it('3.4 need-to-know: the app refuses a route registered without a policy action', async () => {
    const { buildApp } = await import('../../src/app');
    const app = await buildApp(world.services);
    expect(() => app.get('/sneaky', async () => 'data')).toThrow(/without a policy action/);
    await app.close();
  });

  it('3.4 need-to-know: the real app registers every route through the pipeline', async () => {
    expect(world.app.hasRoute({ method: 'GET', url: '/api/people' })).toBe(true);
    const raw = await world.app.inject({ method: 'GET', url: '/api/people' });
    expect(raw.statusCode).toBe(401);
  });
});
