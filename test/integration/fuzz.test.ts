import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  pathParams: string[];
  queryParams: string[];
}

/** Tables and columns that a rejected request may legitimately touch (audit of denials, session bookkeeping). */
const VOLATILE_TABLES = new Set(['audit_events', 'audit_head', 'audit_checkpoints', 'sessions', 'sign_in_throttle', 'kysely_migration', 'kysely_migration_lock']);
const VOLATILE_COLUMNS = new Set(['failed_sign_ins', 'locked_until', 'last_seen_at', 'last_used_at']);

/** A fingerprint of every row of every non-volatile table. */
async function snapshot(world: World): Promise<string> {
  const db = world.services.db.kysely;
  const own = world.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s : undefined;
  const tables = (await db.introspection.getTables())
    .filter((t) => t.schema === own && !VOLATILE_TABLES.has(t.name))
    .map((t) => t.name)
    .sort();
  expect(tables).toContain('people');
  const parts: string[] = [];
  for (const table of tables) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rows = await (db as any).selectFrom(table).selectAll().execute();
    const clean = rows.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_COLUMNS.has(k)).sort()));
    parts.push(`${table}:${JSON.stringify(clean.map((r: unknown) => JSON.stringify(r)).sort())}`);
  }
  return parts.join('\n');
}

const nasty = fc.oneof(
  fc.constantFrom('', ' ', 'null', 'undefined', '0', '-1', '1e309', 'NaN', 'true', '../../etc/passwd', '..%2f..%2fpackage.json', '%00', '\u0000', '\uFFFF', 'x'.repeat(300), "' OR 1=1 --", '<script>alert(1)</script>', '{"a":1}', '[]', '01900000-0000-7000-8000-00000000000Z'),
  fc.string({ maxLength: 50 }),
  fc.integer().map(String),
);

const badJsonValue = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 30 }), fc.constant('x'.repeat(20_000)),
  fc.array(fc.integer(), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

describe.each(dialects())('fuzz: malformed requests across every route (%s)', (dialect) => {
  let world: World;
  let users: TestUser[];
  let operations: Operation[];

  beforeAll(async () => {
    world = await createWorld(dialect);
    const staff = await makeUser(world, ['staff']);
    users = [staff, await makeUser(world, ['manager']), await makeUser(world, ['administrator']), await makeUser(world, ['volunteer'])];
    const person = await makePerson(world);
    const caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    await makeNote(world, caseId, staff.id);
    const doc = (await world.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    operations = Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: !!op.requestBody,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
  });
  afterAll(() => world.close());

  it('1,000+ generated malformed requests: always a 4xx problem+json, never a 5xx, and the database is unchanged', async () => {
    const before = await snapshot(world);
    let sent = 0;
    const statuses = new Map<number, number>();
    const request = fc.record({
      op: fc.integer({ min: 0, max: operations.length - 1 }),
      user: fc.integer({ min: -1, max: users.length - 1 }),
      csrf: fc.boolean(),
      kind: fc.constantFrom('param', 'query', 'json', 'body', 'type', 'huge'),
      value: nasty,
      field: fc.string({ minLength: 1, maxLength: 12 }),
      bad: badJsonValue,
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const op = operations[r.op];
        const user = r.user >= 0 ? users[r.user] : undefined;
        let url = op.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(r.kind === 'param' ? r.value : '01900000-0000-7000-8000-000000000000'));
        const headers: Record<string, string> = {};
        if (user) {
          headers.cookie = `${SESSION_COOKIE}=${user.cookie}`;
          if (r.csrf) headers['x-csrf-token'] = user.csrf;
        }
        let payload: string | undefined;
        if (r.kind === 'query') url += `?${encodeURIComponent(r.field)}=${encodeURIComponent(r.value)}&limit=${encodeURIComponent(r.value)}`;
        if (op.method !== 'GET' && op.method !== 'DELETE') {
          headers['content-type'] = 'application/json';
          if (r.kind === 'json') payload = `{"a": ${r.value}`; // never valid JSON
          else if (r.kind === 'type') {
            headers['content-type'] = 'text/plain';
            payload = r.value;
          } else if (r.kind === 'huge') payload = JSON.stringify({ x: 'y'.repeat(world.config.maxBodyBytes + 10) });
          else payload = JSON.stringify({ [`__${r.field}`]: r.bad, version: r.bad, id: r.value }); // unknown fields: always rejected
        }
        const res = await world.app.inject({ method: op.method as 'GET', url, headers, payload });
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }),
      { numRuns: 1200, seed: 424242 },
    );
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(await snapshot(world)).toBe(before);
  }, 180_000);
});
