import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CLAUSE = '5';
const HOUR = 3_600_000;
const BEFORE_1900 = 'must not be before the year 1900 (UTC)';

describe.each(dialects())('breach register: the dates a breach is recorded with (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, staff: TestUser;
  const db = () => world.services.db.kysely;
  const breachRow = (id: string) => db().selectFrom('breaches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const handled = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'breach.handle' && r.decision === 'change');
  const count = async (table: 'breaches' | 'concerns') => (await db().selectFrom(table).select('id').execute()).length;
  const report = async () => {
    const res = await as(world, staff).post('/api/breaches', { report: 'A letter about a client went to the wrong address' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const patch = (id: string, version: number, body: Record<string, unknown>) => as(world, manager).patch(`/api/breaches/${id}`, body, { 'if-match': `"${version}"` });
  const ago = (hours: number) => new Date(world.clock.now().getTime() - hours * HOUR).toISOString();

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
  });
  afterAll(() => world.close());

  it('5 breach-handling (UK GDPR Art 33(1)): the organisation cannot have become aware of a breach before it occurred — awareAt before occurredAt is a 400 naming body.awareAt (or body.occurredAt when that is what changed), nothing written, the ICO deadline unmoved; awareness from when it occurred is taken', async () => {
    const id = await report();
    const occurred = await patch(id, 1, { occurredAt: ago(10) });
    expect(occurred.statusCode, occurred.body).toBe(200);

    const cases: [Record<string, unknown>, { path: string; message: string }][] = [
      [{ awareAt: ago(11) }, { path: 'body.awareAt', message: 'cannot be before the breach occurred' }],
      [{ awareAt: ago(12), occurredAt: ago(11) }, { path: 'body.awareAt', message: 'cannot be before the breach occurred' }],
      [{ occurredAt: ago(0.5) }, { path: 'body.occurredAt', message: 'cannot be after the organisation became aware' }],
    ];
    // Awareness is the report's time until management say otherwise: move it to 2 hours ago for the last case.
    const aware = await patch(id, 2, { awareAt: ago(2) });
    expect(aware.statusCode, aware.body).toBe(200);
    for (const [body, error] of cases) {
      const res = await patch(id, 3, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([error]);
    }
    const row = await breachRow(id);
    expect([row.version, row.occurred_at, row.aware_at, row.ico_deadline_at]).toEqual([3, ago(10), ago(2), new Date(world.clock.now().getTime() + 70 * HOUR).toISOString()]);
    expect((await handled(id)).map((r) => JSON.parse(r.detail).fields)).toEqual([['occurredAt'], ['awareAt']]);

    // Aware from the moment it occurred: the 72 hours count from there.
    const fromOccurrence = await patch(id, 3, { awareAt: ago(10) });
    expect(fromOccurrence.statusCode, fromOccurrence.body).toBe(200);
    expect(fromOccurrence.json().clock).toMatchObject({ awareAt: ago(10), deadlineAt: new Date(world.clock.now().getTime() + 62 * HOUR).toISOString(), state: 'running' });
    const entries = await handled(id);
    expect(entries.map((r) => [r.actor_id, r.action, r.decision, r.rule_id, r.clause, r.resource_type])).toEqual(Array(3).fill([manager.id, 'breach.handle', 'change', 'breaches/management', CLAUSE, 'breach']));
    expect(JSON.parse(entries[2].detail)).toMatchObject({ fields: ['awareAt'], deadlineAt: fromOccurrence.json().clock.deadlineAt });
  });

  it('5 breach-handling (UK GDPR Art 33(1)): an absurd awareness — year 0001, or any time before 1900 — is a 400 naming body.awareAt whether or not it is known when the breach occurred; it never puts the ICO deadline in year 1', async () => {
    const id = await report();
    for (const awareAt of ['0001-01-01T00:00:00Z', '0026-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '1900-01-01T00:30:00+01:00']) {
      const res = await patch(id, 1, { awareAt });
      expect(res.statusCode, awareAt).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([{ path: 'body.awareAt', message: BEFORE_1900 }]);
    }
    const row = await breachRow(id);
    expect([row.version, row.aware_at, row.ico_deadline_at]).toEqual([1, row.reported_at, new Date(new Date(row.reported_at).getTime() + 72 * HOUR).toISOString()]);
    expect(await handled(id)).toEqual([]);
    // The first instant of 1900 is within range (and nothing is known of when it occurred): taken.
    const earliest = await patch(id, 1, { awareAt: '1900-01-01T00:00:00Z' });
    expect(earliest.statusCode, earliest.body).toBe(200);
    expect((await handled(id)).map((r) => [r.decision, r.rule_id, r.clause])).toEqual([['change', 'breaches/management', CLAUSE]]);
  });

  it('5 breach-handling (breaches/report) and practice 4.1 safeguarding-management: every instant the API takes lies within 1900–9999 (UTC) — year 0001 is a 400 naming the field on a breach report and a concern; a negative year is a format error, not one "after the year 9999"; nothing written, nothing audited', async () => {
    const breaches = await count('breaches');
    const concerns = await count('concerns');
    const auditBefore = (await auditRows(world)).length;
    const concern = (occurredAt: string) => as(world, staff).post('/api/concerns', { concernFor: 'child', personDescription: 'A boy of about 9 at the Tuesday group', whatHappened: 'Seen upset at the session', occurredAt, immediateRisk: false });
    const breach = (occurredAt: string) => as(world, staff).post('/api/breaches', { report: 'A register was left on the bus', occurredAt });
    for (const send of [concern, breach]) {
      const old = await send('0001-01-01T00:00:00Z');
      expect(old.statusCode, old.body).toBe(400);
      expect(old.headers['content-type']).toContain('application/problem+json');
      expect(old.json().errors).toEqual([{ path: 'body.occurredAt', message: BEFORE_1900 }]);
      const negative = await send('-000001-01-01T00:00:00Z');
      expect(negative.statusCode, negative.body).toBe(400);
      expect(negative.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.occurredAt']);
      expect(negative.body).not.toMatch(/9999|year 1900/);
      const late = await send('9999-12-31T23:59:59-14:00');
      expect(late.json().errors).toEqual([{ path: 'body.occurredAt', message: 'must not be after the year 9999 (UTC)' }]);
    }
    expect([await count('breaches'), await count('concerns')]).toEqual([breaches, concerns]);
    expect((await auditRows(world)).slice(auditBefore).filter((r) => ['breach.report', 'concern.raise'].includes(r.action))).toEqual([]);

    // Within range they are taken, and recorded under their rules.
    const taken = await breach('2000-01-01T00:00:00Z');
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.json().data.reportedOccurredAt).toBe('2000-01-01T00:00:00.000Z');
    const raised = await concern(world.clock.now().toISOString());
    expect(raised.statusCode, raised.body).toBe(201);
    const recorded = (await auditRows(world)).slice(auditBefore).filter((r) => ['breach.report', 'concern.raise'].includes(r.action));
    expect(recorded.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['breach.report', 'change', 'breaches/report', CLAUSE, taken.json().data.id],
      ['concern.raise', 'allow', 'safeguarding/raise-concern', 'practice 4.1, practice 4.2', raised.json().data.id],
    ]);
  });
});
