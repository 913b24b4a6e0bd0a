import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { LONG_RUN, recordReliability } from '../support/reliability';
import { createWorld, dialects, type World } from '../support/world';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  pathParams: string[];
  queryParams: string[];
  /** JSON body fields that take text (top level; arrays of text as `field.0`). */
  bodyTextFields: string[];
}

interface JsonSchema { type?: string | string[]; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; items?: JsonSchema; properties?: Record<string, JsonSchema> }

/** Whether a JSON schema accepts a string. */
const takesText = (s: JsonSchema | undefined): boolean =>
  !!s && (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string')) || [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some(takesText));

/** The text fields of a request body schema: `name`, or `name.0` for a list of text. */
function textFields(schema: JsonSchema | undefined): string[] {
  return Object.entries(schema?.properties ?? {}).flatMap(([name, s]) => {
    if (takesText(s)) return [name];
    const list = [s, ...(s.anyOf ?? [])].find((x) => x.type === 'array');
    return list && takesText(list.items) ? [`${name}.0`] : [];
  });
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

/** Confidential values held in the fuzzed database: no error answer may ever carry one. */
const SECRETS = ['fuzz-secret-diagnosis-7731', 'fuzz-secret-disclosure-8842'];
/** `npm run test:long` sends ten thousand requests per engine; `npm test` 1,200. */
const RUNS = LONG_RUN ? 10_000 : 1200;

describe.each(dialects())('fuzz: malformed requests across every route (%s)', (dialect) => {
  let world: World;
  let users: TestUser[];
  let operations: Operation[];

  beforeAll(async () => {
    world = await createWorld(dialect);
    const staff = await makeUser(world, ['staff']);
    users = [staff, await makeUser(world, ['manager']), await makeUser(world, ['administrator']), await makeUser(world, ['volunteer'])];
    const person = await makePerson(world, { healthNotes: SECRETS[0], safeguardingNotes: SECRETS[1] });
    const caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    await makeNote(world, caseId, staff.id);
    const doc = (await world.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    type Op = { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
    operations = Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: !!op.requestBody,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyTextFields: textFields(op.requestBody?.content?.['application/json']?.schema),
      })),
    );
  });
  afterAll(() => world.close());

  it(`${RUNS.toLocaleString('en-GB')} generated malformed requests across every route and role: always a 4xx problem+json, never a 5xx, never a confidential value, and the database is unchanged`, async () => {
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
        for (const secret of SECRETS) expect(res.body).not.toContain(secret);
      }),
      { numRuns: RUNS, seed: 424242 },
    );
    expect(sent).toBeGreaterThanOrEqual(RUNS);
    expect(await snapshot(world)).toBe(before);
    recordReliability(`hostile-requests-${dialect}`, {
      requests: sent, operations: operations.length, roles: ['anonymous', 'staff', 'manager', 'administrator', 'volunteer'],
      serverErrors: 0, changedByRejectedRequests: 0, byStatus: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
    });
  }, LONG_RUN ? 900_000 : 180_000);

  it('issue 9: a NUL or an unpaired surrogate in any text input of any operation is a 400 naming the field, never a 5xx, and nothing is written', async () => {
    const before = await snapshot(world);
    const admin = users[2];
    const auth = { cookie: `${SESSION_COOKIE}=${admin.cookie}`, 'x-csrf-token': admin.csrf };
    const BAD_JSON = ['a\u0000b', '\u0000', 'a\ud800b', 'x\udc00', '\ud83d'];
    const message = /NUL character|unpaired surrogate/;
    const id = '01900000-0000-7000-8000-000000000000';
    let sent = 0;
    const expectNamed = async (op: Operation, what: string, res: { statusCode: number; body: string; headers: Record<string, unknown>; json: () => { errors?: { path: string; message: string }[] } }, path: string) => {
      sent++;
      expect(res.statusCode, `${op.method} ${op.path} ${what} → ${res.body.slice(0, 200)}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors, `${op.method} ${op.path} ${what}`).toContainEqual({ path, message: expect.stringMatching(message) });
      expect(res.body).not.toContain('\u0000');
    };
    const urlOf = (op: Operation, param?: string, value = id) => op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === param ? value : id));
    const withBody = (op: Operation) => op.method !== 'GET' && op.method !== 'DELETE';
    let bodyFields = 0;
    for (const op of operations) {
      for (const field of op.bodyTextFields) {
        bodyFields++;
        for (const bad of BAD_JSON) {
          const [name, index] = field.split('.');
          const payload = JSON.stringify({ [name]: index === undefined ? bad : [bad] });
          const res = await world.app.inject({ method: op.method as 'POST', url: urlOf(op), headers: { ...auth, 'content-type': 'application/json' }, payload });
          await expectNamed(op, `body.${field}=${JSON.stringify(bad)}`, res, `body.${field}`);
        }
      }
      for (const q of op.queryParams) {
        for (const bad of ['a%00b', '%00']) {
          const res = await world.app.inject({ method: op.method as 'GET', url: `${urlOf(op)}?${q}=${bad}`, headers: auth, ...(withBody(op) ? { payload: {} } : {}) });
          await expectNamed(op, `query ${q}=${bad}`, res, `query.${q}`);
        }
      }
      for (const p of op.pathParams) {
        const res = await world.app.inject({ method: op.method as 'GET', url: urlOf(op, p, 'a%00b'), headers: auth, ...(withBody(op) ? { payload: {} } : {}) });
        await expectNamed(op, `param ${p}`, res, `params.${p}`);
      }
      if (op.method === 'PATCH' || op.method === 'PUT') {
        const res = await world.app.inject({ method: op.method as 'PATCH', url: urlOf(op), headers: { ...auth, 'if-match': '"1\u0000"' }, payload: {} });
        await expectNamed(op, 'if-match', res, 'header.if-match');
      }
      // A session cookie that decodes to a NUL (cookies are percent-decoded) is refused before any lookup.
      const cookie = await world.app.inject({ method: op.method as 'GET', url: urlOf(op), headers: { cookie: `${SESSION_COOKIE}=abc%00def` }, ...(withBody(op) ? { payload: {} } : {}) });
      await expectNamed(op, 'cookie', cookie, `cookie.${SESSION_COOKIE}`);
    }
    // Sign-in, named: the username and the password.
    for (const field of ['username', 'password']) {
      const res = await world.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username: 'admin', password: 'x', [field]: 'ad\u0000min' } });
      await expectNamed({ method: 'POST', path: '/api/auth/sign-in' } as Operation, field, res, `body.${field}`);
    }
    expect(bodyFields).toBeGreaterThan(40);
    expect(sent).toBeGreaterThan(400);
    expect(await snapshot(world)).toBe(before);
  }, 180_000);
});
