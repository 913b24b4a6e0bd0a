import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { as, casePurpose, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Issue 9, the smaller defects hostile input found: HSTS behind a TLS proxy in `auto` mode, JSON `null` (or a list,
// or a bare value) where a body object is required, `limit=0x10` read as 16, a body labelled UTF-16 parsed as UTF-8.

describe.each(dialects())('edge defects found by hostile input (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  beforeAll(async () => {
    world = await createWorld(dialect, { trustProxy: true });
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());
  const people = async () => Number((await world.services.db.kysely.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('3.7 secure-conditions: HSTS is sent over https behind a trusted proxy in the default auto mode, and never over plain http', async () => {
    expect(world.config.secureCookies).toBe('auto');
    const https = await world.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=31536000; includeSubDomains/);
    const http = await world.app.inject({ method: 'GET', url: '/healthz' });
    expect(http.headers['strict-transport-security']).toBeUndefined();
  });

  it('issue 9: a JSON body that is null, a list or a bare value is a 400 naming the body, on routes with and without a body schema; nothing is written', async () => {
    const before = await people();
    for (const payload of ['null', '[]', '[{"givenName":"A"}]', '1', '"text"', 'true']) {
      for (const url of ['/api/people', '/api/auth/sign-out']) {
        const res = await world.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf } });
        expect(res.statusCode, `${url} ${payload}`).toBe(400);
        expect(res.json().errors).toEqual([{ path: 'body', message: 'must be a JSON object' }]);
      }
    }
    expect(await people()).toBe(before);
  });

  it('issue 9: limit and other numbers in query strings are decimal digits only: 0x10, 1e1, 0b11, 0o7, 16.0 are 400 naming the field', async () => {
    for (const bad of ['0x10', '1e1', '0b11', '0o7', '16.0', '+16', ' 16', '']) {
      const res = await as(world, staff).get(`/api/people?limit=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().errors[0].path).toBe('query.limit');
    }
    const ok = await as(world, staff).get('/api/people?limit=16');
    expect(ok.statusCode).toBe(200);
    expect((await as(world, staff).get('/api/policy/documents/0x1')).statusCode).toBe(400);
  });

  it('a page size out of range is 400 saying the range, not that the number is badly written', async () => {
    for (const bad of ['0', '201', '100000']) {
      const res = await as(world, staff).get(`/api/people?limit=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().errors, bad).toEqual([{ path: 'query.limit', message: 'must be between 1 and 200' }]);
    }
    expect((await as(world, staff).get('/api/people?limit=abc')).json().errors).toEqual([{ path: 'query.limit', message: 'must be a whole number in decimal digits' }]);
  });

  it('issue 9: a JSON body labelled with a charset other than UTF-8 is refused (415), never read as UTF-8; utf-8 is fine', async () => {
    const before = await people();
    const body = JSON.stringify({ givenName: 'Zoë', familyName: 'Ünal', kind: 'service_user', openCase: { service: 'Music mentoring', purposeId: await casePurpose(world) } });
    for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-16"']) {
      const res = await world.app.inject({
        method: 'POST', url: '/api/people', payload: charset.includes('16') ? Buffer.from(body, 'utf16le') : Buffer.from(body, 'latin1'),
        headers: { 'content-type': `application/json; charset=${charset}`, cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf },
      });
      expect(res.statusCode, charset).toBe(415);
      expect(res.json().errors).toEqual([{ path: 'header.content-type', message: expect.stringContaining('use utf-8') }]);
    }
    expect(await people()).toBe(before);
    const ok = await world.app.inject({ method: 'POST', url: '/api/people', payload: body, headers: { 'content-type': 'application/json; charset=UTF-8', cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf } });
    expect(ok.statusCode).toBe(201);
    const row = await world.services.db.kysely.selectFrom('people').select(['given_name', 'family_name']).where('id', '=', ok.json().id).executeTakeFirstOrThrow();
    expect(row).toEqual({ given_name: 'Zoë', family_name: 'Ünal' });
  });

  it('issue 9: a form (multipart) sent to a JSON route is refused as the wrong type (415 naming the content type), and writes nothing', async () => {
    const before = await people();
    const boundary = 'confide-edge';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="givenName"\r\n\r\nAlex\r\n--${boundary}--\r\n`;
    const res = await world.app.inject({
      method: 'POST', url: '/api/people', payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf },
    });
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().errors).toEqual([{ path: 'header.content-type', message: 'expected application/json' }]);
    expect(await people()).toBe(before);
  });

  it('issue 9: a body of a type the server does not read, sent to a route that takes no body, is 415 — and the served OpenAPI document lists 413 and 415 for every method that may carry a body', async () => {
    const res = await world.app.inject({
      method: 'POST', url: '/api/auth/sign-out', payload: '<signOut/>',
      headers: { 'content-type': 'application/xml', cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf },
    });
    expect(res.statusCode, res.body).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await as(world, staff).get('/api/auth/me')).statusCode).toBe(200); // not signed out
    const doc = (await world.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const unlisted = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([method, op]) => method !== 'get' && !('413' in op.responses && '415' in op.responses)).map(([method]) => `${method} ${path}`));
    expect(unlisted).toEqual([]);
    expect(doc.paths['/api/auth/sign-out'].post.responses).toHaveProperty('415');
  });

  it('issue 9: a JSON key that could poison a prototype is refused (400), and the answer says so rather than calling the JSON invalid', async () => {
    const before = await people();
    for (const payload of ['{"__proto__":{"admin":true},"givenName":"A"}', '{"constructor":{"prototype":{"admin":true}}}']) {
      const res = await world.app.inject({ method: 'POST', url: '/api/people', payload, headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${staff.cookie}`, 'x-csrf-token': staff.csrf } });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().detail).toMatch(/__proto__, constructor\.prototype/);
    }
    expect(await people()).toBe(before);
  });
});
