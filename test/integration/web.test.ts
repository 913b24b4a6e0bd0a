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

  it('3.7 secure-conditions: a browser opening an unknown address gets the app (404) to say "Page not found", with the page\'s headers; the API\'s addresses stay problem+json', async () => {
    const page = await world.app.inject({ method: 'GET', url: '/' });
    const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    for (const url of ['/nonexistent', '/no/such/address', '/peoplex?x=1']) {
      const res = await world.app.inject({ method: 'GET', url, headers: browser });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toBe(page.body);
      expect(res.headers['content-security-policy'], url).toBe(page.headers['content-security-policy']);
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    for (const url of ['/api/no-such-thing', '/api', '/api/people/01966f5e-0000-7000-8000-000000000000/nothing']) {
      const res = await world.app.inject({ method: 'GET', url, headers: browser });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.headers['content-security-policy'], url).toBe("default-src 'none';frame-ancestors 'none'");
    }
    // A script asking for data, or a request that is not a page load, is answered as before.
    const data = await world.app.inject({ method: 'GET', url: '/nonexistent', headers: { accept: 'application/json' } });
    expect(data.statusCode).toBe(404);
    expect(data.headers['content-type']).toContain('application/problem+json');
    const post = await world.app.inject({ method: 'POST', url: '/nonexistent', headers: browser, payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.headers['content-type']).toContain('application/problem+json');
  });

  it('3.7 secure-conditions: every answer carries the security headers of its kind and is never cached', async () => {
    const page = await world.app.inject({ method: 'GET', url: '/' });
    const docs = await world.app.inject({ method: 'GET', url: '/api/docs' });
    const deepLink = await world.app.inject({ method: 'GET', url: '/people' });
    // Pages: a CSP that lets the page load its own scripts, styles and images, nothing else.
    for (const res of [page, docs, deepLink]) {
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['content-security-policy']).toBe(page.headers['content-security-policy']);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    }
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['strict-transport-security']).toBeUndefined(); // plain HTTP here: HSTS only behind TLS
    // Data (JSON, problem+json): a CSP that lets nothing load or run, should an answer be opened as a document.
    const data = [
      await world.app.inject({ method: 'GET', url: '/healthz' }),
      await world.app.inject({ method: 'GET', url: '/api/openapi.json' }),
      await world.app.inject({ method: 'GET', url: '/api/people' }), // 401 problem+json
      await world.app.inject({ method: 'GET', url: '/no/such/address' }), // 404 problem+json
      await world.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: '{"broken' }), // 400 problem+json
    ];
    data.forEach((res, i) => {
      expect(res.headers['content-type'], `answer ${i}`).toMatch(/^application\/(problem\+)?json/);
      expect(res.headers['content-security-policy'], `answer ${i}`).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers['x-xss-protection'], `answer ${i}`).toBeUndefined(); // only a document would use it
    });
    // Both kinds: no framing, no sniffing, no referrer, no cross-origin reads, no caching.
    [page, docs, deepLink, ...data].forEach((res, i) => {
      expect(res.headers['x-frame-options'], `answer ${i}`).toBe('DENY');
      expect(res.headers['x-content-type-options'], `answer ${i}`).toBe('nosniff');
      expect(res.headers['referrer-policy'], `answer ${i}`).toBe('no-referrer');
      expect(res.headers['cross-origin-resource-policy'], `answer ${i}`).toBe('same-origin');
      expect(res.headers['cache-control'], `answer ${i}`).toBe('no-store');
    });
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
