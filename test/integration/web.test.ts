import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../support/world';

describe('the web app shell', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite');
  });
  afterAll(() => world.close());

  it('3.7 secure-conditions: the page is served with a strict CSP and no inline script', async () => {
    const res = await world.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script comes from a file
    expect(res.body).not.toMatch(/<style|style="/);
    expect(res.body).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
  });

  it('3.7 secure-conditions: a deep link or reload of an app page serves the app; other addresses stay 404 problem+json', async () => {
    const page = await world.app.inject({ method: 'GET', url: '/' });
    for (const url of ['/people', '/people/01966f5e-0000-7000-8000-000000000000', '/admin/accounts', '/access/break-glass', '/sign-in?next=1']) {
      const res = await world.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(page.body);
    }
    for (const url of ['/no/such/address', '/api/no-such-thing', '/peoplex', '/.env']) {
      const res = await world.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('3.7 secure-conditions: every kind of response carries the same security headers and is never cached', async () => {
    const page = await world.app.inject({ method: 'GET', url: '/' });
    const expected = ['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options', 'cross-origin-opener-policy', 'cross-origin-resource-policy'];
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['strict-transport-security']).toBeUndefined(); // plain HTTP here: HSTS only behind TLS
    for (const res of [
      page,
      await world.app.inject({ method: 'GET', url: '/healthz' }),
      await world.app.inject({ method: 'GET', url: '/api/people' }), // 401 problem+json
      await world.app.inject({ method: 'GET', url: '/no/such/address' }), // 404 problem+json
      await world.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: '{"broken' }), // 400 problem+json
    ]) {
      for (const name of expected) expect(res.headers[name], `${res.statusCode} ${name}`).toBe(page.headers[name]);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves the built assets with their types; content-hashed ones may be cached for good', async () => {
    const page = (await world.app.inject({ method: 'GET', url: '/' })).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(page)![1];
    const js = await world.app.inject({ method: 'GET', url: script });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await world.app.inject({ method: 'GET', url: style })).headers['content-type']).toContain('text/css');
    const docsCss = await world.app.inject({ method: 'GET', url: '/assets/app.css' }); // the API reference's stylesheet
    expect(docsCss.headers['content-type']).toContain('text/css');
    expect(docsCss.headers['cache-control']).toBe('no-store');
  });

  it('3.7 secure-conditions: asset paths cannot traverse the file system', async () => {
    for (const url of ['/assets/../package.json', '/assets/..%2fpackage.json', '/assets/%2e%2e%2fpackage.json', '/assets/routes.ts', '/assets/..%5c..%5cpackage.json', '/assets/app.css%00.js', '/assets/index.html', '/assets/.source-hash', '/assets/constructor', '/assets/__proto__']) {
      const res = await world.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });
});
