import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const CLAUSE = 'equality-and-diversity';
type Row = { category: string; cells: { value: number | null; display: string }[]; total: { value: number | null } };
const displays = (report: { rows: Row[] }) => Object.fromEntries(report.rows.map((r) => [r.category, r.cells.map((c) => c.display)]));

describe.each(dialects())('equality monitoring — Equality and Diversity, Equality Act 2010 (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, staff: TestUser, otherStaff: TestUser, volunteer: TestUser, admin: TestUser, guardian: TestUser;
  const people: string[] = [];
  let artPerson: string;
  const db = () => world.services.db.kysely;
  const record = (user: TestUser, personId: string, body: Record<string, unknown>) => as(world, user).put(`/api/people/${personId}/equality`, body);
  const report = (user: TestUser, query: string) => as(world, user).get(`/api/equality/report?${query}`);

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 400 * 24 * 60, sessionMaxHours: 400 * 24 });
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    admin = await makeUser(world, ['administrator']);
    guardian = await makeUser(world, ['guardian']);
    for (let i = 0; i < 20; i++) {
      const p = await makePerson(world);
      await makeCase(world, p, { [staff.id]: 'key_worker', [volunteer.id]: 'volunteer' });
      people.push(p);
    }
    artPerson = await makePerson(world);
    const c = await makeCase(world, artPerson, { [staff.id]: 'key_worker' });
    await db().updateTable('cases').set({ service: 'Art therapy' }).where('id', '=', c).execute();
  });
  afterAll(() => world.close());

  it('equality-and-diversity equality-monitoring: the case team records the answers the person chose to give, write-only (204, no body); the audit names the questions answered, never the answers', async () => {
    const res = await record(staff, people[0], { ethnicity: 'asian', sexualOrientation: 'gay_or_lesbian', religion: 'prefer_not_to_say' });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    const entry = (await auditRows(world)).filter((r) => r.action === 'equality.record').at(-1)!;
    expect([entry.actor_id, entry.decision, entry.rule_id, entry.clause, entry.resource_type, entry.resource_id, entry.subject_person_id])
      .toEqual([staff.id, 'change', 'equality/case-team-records', CLAUSE, 'person', people[0], people[0]]);
    expect(JSON.parse(entry.detail!)).toEqual({ answered: ['ethnicity', 'religion', 'sexualOrientation'], replaced: false });
    for (const value of ['asian', 'gay_or_lesbian', 'prefer_not_to_say']) expect(entry.detail).not.toContain(value);
    // Nothing of it comes back on the person's record.
    const person = await as(world, staff).get(`/api/people/${people[0]}`);
    expect(person.statusCode).toBe(200);
    expect(person.body).not.toContain('gay_or_lesbian');
  });

  it('equality-monitoring: only the recording path writes — a volunteer on the team and an administrator are refused (403), staff and managers not on the team find no such path (404), bad or extra fields name the field (400); nothing is written', async () => {
    const v = await record(volunteer, people[1], { ethnicity: 'white' });
    expect(v.statusCode).toBe(403);
    expect((await record(admin, people[1], { ethnicity: 'white' })).statusCode).toBe(403);
    expect((await record(otherStaff, people[1], { ethnicity: 'white' })).statusCode).toBe(404);
    const outsider = await makeUser(world, ['manager']); // sees every person (management oversight), but is not on this case team
    expect((await record(outsider, people[1], { ethnicity: 'white' })).statusCode).toBe(404);
    const bad = await record(staff, people[1], { ethnicity: 'martian', shoeSize: 9 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.ethnicity'].sort());
    expect(await db().selectFrom('equality_declarations').select('person_id').where('person_id', '=', people[1]).executeTakeFirst()).toBeUndefined();
    const denials = (await auditRows(world)).filter((r) => r.action === 'equality.record' && r.decision === 'deny');
    expect(denials.map((r) => r.actor_id).sort()).toEqual([volunteer.id, admin.id, otherStaff.id, outsider.id].sort());
    expect(denials.find((r) => r.actor_id === outsider.id)).toMatchObject({ rule_id: 'default/deny', resource_id: people[1] });
  });

  it('equality-and-diversity equality-monitoring: no one reads one person\'s answers — not the recorder, a manager, the guardian or an administrator (403 citing equality/aggregate-only, audited)', async () => {
    for (const user of [staff, manager, guardian, admin, volunteer]) {
      const res = await as(world, user).get(`/api/people/${people[0]}/equality`);
      expect(res.statusCode, user.username).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'equality/aggregate-only', clause: CLAUSE });
      expect(res.body).not.toContain('asian');
    }
    const denials = (await auditRows(world)).filter((r) => r.action === 'equality.read');
    expect(denials.length).toBe(5);
    expect(denials.every((r) => r.decision === 'deny' && r.rule_id === 'equality/aggregate-only' && r.clause === CLAUSE)).toBe(true);
  });

  it('equality-monitoring: reports are for managers only, and only for closed periods (the open quarter would change with each answer)', async () => {
    for (const user of [staff, volunteer, guardian, admin]) expect((await report(user, 'characteristic=ethnicity&period=2026-Q1')).statusCode).toBe(403);
    const open = await report(manager, 'characteristic=ethnicity&period=2026-Q1');
    expect(open.statusCode).toBe(400);
    expect(open.json().errors[0].path).toBe('query.period');
    expect((await report(manager, 'characteristic=eyeColour&period=2025')).json().errors[0].path).toBe('query.characteristic');
    expect((await report(manager, 'characteristic=ethnicity&period=2025-06-01')).json().errors[0].path).toBe('query.period');
  });

  it('equality-and-diversity equality-monitoring: counts per characteristic with small numbers suppressed, rounded, shaped for a chart; an attacker fails to recover small counts from totals, a filter isolating one person, or a later report of the same period', async () => {
    // Quarter 1: 13 white, 6 asian (people[0] already), 2 black, 1 prefer not to say, and one person in Art therapy.
    const plan = [...Array(13).fill('white'), ...Array(5).fill('asian'), 'black', 'black'];
    for (let i = 0; i < plan.length; i++) expect((await record(staff, people[i + 1 > 19 ? 19 : i + 1], { ethnicity: plan[i], gender: i % 2 ? 'woman' : 'man' })).statusCode).toBe(204);
    expect((await record(staff, artPerson, { ethnicity: 'mixed', disability: 'yes' })).statusCode).toBe(204);
    world.clock.set(new Date('2026-04-02T09:00:00.000Z')); // Q1 has closed

    const res = await report(manager, 'characteristic=ethnicity&period=2026-Q1');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.labels).toEqual(['2026-Q1']);
    expect(displays(r)).toEqual({ asian: ['5'], black: ['<5'], mixed: ['<5'], white: ['15'], other: ['<5'], prefer_not_to_say: ['<5'], not_answered: ['<5'] });
    expect(r.total).toMatchObject({ value: null, suppressed: 'total' }); // a total beside "<5" cells would give them away
    expect(r.series.find((s: { label: string }) => s.label === 'black').data).toEqual([null]);
    expect(r.method).toMatchObject({ threshold: 5, roundingBase: 5 });

    // The Art therapy service holds one person: crossing by service shows nothing about them.
    const bySvc = (await report(manager, 'characteristic=ethnicity&period=2026-Q1&by=service')).json();
    const art = bySvc.labels.indexOf('Art therapy');
    expect(art).toBeGreaterThanOrEqual(0);
    expect(bySvc.rows.map((row: Row) => row.cells[art].display)).toEqual(Array(7).fill('<5'));
    expect(bySvc.columnTotals[art].value).toBeNull();
    const disability = (await report(manager, 'characteristic=disability&period=2026-Q1&by=service')).json();
    expect(disability.rows.map((row: Row) => row.cells[disability.labels.indexOf('Art therapy')].display)).toEqual(Array(4).fill('<5'));

    // Later changes to Q1 — a re-recorded answer, a withdrawal — and a new answer in Q2 never show in Q1's report:
    // its figures were computed once when first asked for, so two reports of Q1 never differ by one person.
    expect((await record(staff, people[3], { ethnicity: 'black' })).statusCode).toBe(204);
    expect((await as(world, staff).delete(`/api/people/${people[5]}/equality`)).statusCode).toBe(204);
    const fresh = await makePerson(world);
    await makeCase(world, fresh, { [staff.id]: 'key_worker' });
    expect((await record(staff, fresh, { ethnicity: 'other' })).statusCode).toBe(204);
    expect((await db().selectFrom('equality_declarations').select('recorded_quarter').where('person_id', '=', fresh).executeTakeFirstOrThrow()).recorded_quarter).toBe('2026-Q2');
    expect((await db().selectFrom('equality_declarations').select('recorded_quarter').where('person_id', '=', people[3]).executeTakeFirstOrThrow()).recorded_quarter).toBe('2026-Q1');
    const again = await report(manager, 'characteristic=ethnicity&period=2026-Q1');
    expect(again.json()).toEqual(r);
    const snaps = (await auditRows(world)).filter((e) => e.action === 'equality.report' && e.decision === 'allow').map((e) => JSON.parse(e.detail!));
    expect(snaps[0]).toEqual({ characteristic: 'ethnicity', period: '2026-Q1', by: 'none', quartersFrozenNow: 1 });
    expect(snaps.at(-1)).toMatchObject({ quartersFrozenNow: 0 });
    const entry = (await auditRows(world)).filter((e) => e.action === 'equality.report').at(-1)!;
    expect([entry.actor_id, entry.rule_id, entry.clause]).toEqual([manager.id, 'equality/management-reports', CLAUSE]);

    // The year against its quarters: Q2 holds one person (the new answer). The year by quarter shows Q1 as before
    // (frozen: the re-recording and the withdrawal never reach it) and Q2 only as "<5"; the year's own figures are
    // shown only where every quarter's figure is, so "year minus Q1" cannot single out the Q2 person.
    world.clock.set(new Date('2027-01-04T09:00:00.000Z'));
    const byQuarter = (await report(manager, 'characteristic=ethnicity&period=2026&by=quarter')).json();
    expect(byQuarter.labels).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(byQuarter.rows.map((row: Row) => row.cells[0].display)).toEqual(['5', '<5', '<5', '15', '<5', '<5', '<5']);
    expect(byQuarter.rows.map((row: Row) => row.cells[1].display)).toEqual(Array(7).fill('<5'));
    const year = (await report(manager, 'characteristic=ethnicity&period=2026')).json();
    expect(year.labels).toEqual(['2026']);
    expect(year.rows.every((row: Row) => row.cells[0].value === null)).toBe(true);
    expect(year.total.value).toBeNull();
    const q2 = (await report(manager, 'characteristic=ethnicity&period=2026-Q2')).json();
    expect(q2.rows.every((row: Row) => row.cells[0].display === '<5')).toBe(true);
    expect((await report(manager, 'characteristic=ethnicity&period=2026&by=service')).json().errors[0].path).toBe('query.by');
  });
});
