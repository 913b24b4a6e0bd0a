import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// Issue 9: /metrics in Prometheus text format, off by default, behind a bearer token, never carrying record values.
// 3.7 secure conditions: the figures must not become a side door to what the records say.

const TOKEN = 'metrics-token-for-the-scraper-0123456789';

describe.each(dialects())('3.7 secure-conditions: /metrics (%s)', (dialect) => {
  describe('off by default', () => {
    let world: World;
    beforeAll(async () => { world = await createWorld(dialect); });
    afterAll(() => world.close());

    it('3.7 secure-conditions: without METRICS_TOKEN /metrics answers 404, even with a token', async () => {
      expect((await world.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await world.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(404);
      // The same answer as an address the app does not serve: nothing says metrics exist but are switched off.
      const off = await world.app.inject({ method: 'GET', url: '/metrics' });
      const unknown = await world.app.inject({ method: 'GET', url: '/no-such-page' });
      expect({ title: off.json().title, detail: off.json().detail }).toEqual({ title: unknown.json().title, detail: unknown.json().detail });
    });
  });

  describe('on, with a token', () => {
    let world: World;
    let staff: TestUser;
    let person: string;
    const SECRET_NAME = 'Zebedee-Unforgettable';
    beforeAll(async () => {
      world = await createWorld(dialect, { metricsToken: TOKEN });
      staff = await makeUser(world, ['staff']);
      person = await makePerson(world, { familyName: SECRET_NAME, healthNotes: 'a very private diagnosis' });
      await makeCase(world, person, { [staff.id]: 'worker' });
    });
    afterAll(() => world.close());

    const scrape = (token?: string) => world.app.inject({ method: 'GET', url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('3.7 secure-conditions: no token or a wrong one answers 401 with a bearer challenge', async () => {
      for (const res of [await scrape(), await scrape('wrong'), await scrape(TOKEN.slice(0, -1)), await scrape(`${TOKEN}x`)]) {
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('3.7 secure-conditions: requests by route pattern and status, audit entries, refusals by rule and outbox depth — and no record value', async () => {
      const other = await makePerson(world);
      expect((await as(world, staff).get(`/api/people/${person}`)).statusCode).toBe(200);
      expect((await as(world, staff).get(`/api/people/${other}`)).statusCode).toBe(404);
      expect((await as(world, staff).get(`/api/people?q=${SECRET_NAME.slice(0, 6)}`)).statusCode).toBe(200);

      const res = await scrape(TOKEN);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(text).toMatch(/confide_http_request_duration_seconds_count\{method="GET",route="\/api\/people\/:id",status="200"\} 1\b/);
      expect(text).toMatch(/confide_http_request_duration_seconds_count\{method="GET",route="\/api\/people\/:id",status="404"\} 1\b/);
      expect(text).toMatch(/confide_audit_entries_total\{decision="allow"\} \d+/);
      expect(text).toMatch(/confide_denials_total\{rule="[^"]+"\} \d+/);
      expect(text).toMatch(/confide_email_outbox_messages\{status="pending"\} \d+/);
      expect(text).toMatch(/confide_process_cpu_seconds_total/);
      expect(text).toMatch(/confide_group_commit_units_count [1-9]\d*/); // the reads' records, committed in groups on both engines
      // PostgreSQL: how those groups were committed; the first learns the chain's head by the locking path.
      if (dialect === 'postgres') expect(text).toMatch(/confide_group_commits_total\{path="locking"\} [1-9]\d*/);
      // Nothing that identifies a record or a person: no ids, no names, no searched text, no field values.
      for (const value of [person, other, staff.id, SECRET_NAME, SECRET_NAME.slice(0, 6), 'diagnosis']) expect(text).not.toContain(value);
    });
  });
});

describe('issue 9: METRICS_TOKEN is checked at start', () => {
  it('3.7 secure-conditions: a short token is refused with a readable message', async () => {
    const { loadConfig } = await import('../../src/config');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be empty \(no \/metrics\) or a token of at least 24 characters/);
  });
});
