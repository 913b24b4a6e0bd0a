import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertPurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * 2.1, 3.1: retiring a purpose stops new information going into the open cases held for it. The guardian who
 * retires it sees how many first; managers, who move cases between purposes, are told when any are left; and the
 * management review lists every open case not held for a purpose in force.
 */
describe.each(dialects())('2.1 retiring a purpose leaves no case unnoticed (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser, volunteer: TestUser;
  let personId: string;
  let retiring: string, unused: string, overdue: string;
  const cases: Record<string, string> = {};
  const db = () => world.services.db.kysely;
  const lastSeq = async () => Number((await auditRows(world)).at(-1)?.seq ?? 0);
  const since = async (seq: number) => (await auditRows(world)).filter((r) => Number(r.seq) > seq);
  const notices = (kind: string) => db().selectFrom('notifications').select(['user_id', 'resource_type', 'resource_id', 'subject', 'body']).where('kind', '=', kind).orderBy('user_id').execute();
  const retire = (user: TestUser, id: string) => as(world, user).post(`/api/purposes/${id}/retire`, { reason: 'The project ended.' }, { 'if-match': '"1"' });

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    const purpose = (name: string, nextReviewOn?: string) => insertPurpose(world, { name, guardianId: guardian.id, createdBy: manager.id, nextReviewOn });
    retiring = await purpose('Band project support');
    unused = await purpose('Festival outreach');
    overdue = await purpose('Overdue purpose', '2026-03-01'); // the world's clock reads 2026-03-02
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Byron' });
    cases.open1 = await makeCase(world, personId, { [staff.id]: 'lead' }, { purposeId: retiring });
    cases.open2 = await makeCase(world, personId, {}, { purposeId: retiring });
    cases.closed = await makeCase(world, personId, {}, { purposeId: retiring });
    cases.archived = await makeCase(world, personId, {}, { purposeId: retiring });
    cases.none = await makeCase(world, personId, {}, { purposeId: null });
    cases.overdue = await makeCase(world, personId, {}, { purposeId: overdue });
    cases.inForce = await makeCase(world, personId);
    await db().updateTable('cases').set({ status: 'closed', closed_on: '2026-03-01' }).where('id', '=', cases.closed).execute();
    await db().updateTable('cases').set({ archived_at: world.clock.now().toISOString() }).where('id', '=', cases.archived).execute();
  });
  afterAll(() => world.close());

  it('2.1 purpose-register: the guardian and managers read how many open cases a purpose holds (closed and archived ones left out); staff and volunteers read the register without it', async () => {
    for (const user of [guardian, manager]) {
      const res = await as(world, user).get(`/api/purposes/${retiring}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data.openCases).toBe(2);
    }
    for (const user of [staff, volunteer]) {
      const res = await as(world, user).get(`/api/purposes/${retiring}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).not.toHaveProperty('openCases');
      expect(res.json().data.name).toBe('Band project support');
    }
  });

  it('2.1 authorised-use: staff may not retire a purpose (403, audited); nothing changes and nobody is told', async () => {
    const seq = await lastSeq();
    const res = await retire(staff, retiring);
    expect(res.statusCode, res.body).toBe(403);
    const denials = (await since(seq)).filter((r) => r.decision === 'deny');
    expect(denials.map((r) => [r.action, r.resource_type, r.resource_id])).toEqual([['purpose.retire', 'purpose', retiring]]);
    expect((await db().selectFrom('purposes').select('status').where('id', '=', retiring).executeTakeFirstOrThrow()).status).toBe('active');
    expect(await notices('purpose-retired-cases-held')).toEqual([]);
  });

  it('2.1 authorised-use, 3.1: the guardian retires a purpose two open cases are held for — the answer and the audit entry say 2, and every active manager is told, by the purpose\'s id, to move them', async () => {
    const seq = await lastSeq();
    const res = await retire(guardian, retiring);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ status: 'retired', openCases: 2 });
    const entries = await since(seq);
    const retired = entries.find((r) => r.action === 'purpose.retire')!;
    expect([retired.decision, retired.rule_id, retired.resource_id]).toEqual(['allow', 'purposes/guardian-approves', retiring]);
    expect(JSON.parse(retired.detail)).toMatchObject({ from: 'active', openCases: 2 });
    const told = await notices('purpose-retired-cases-held');
    expect(told.map((n) => n.user_id).sort()).toEqual([manager.id, manager2.id].sort());
    expect(told[0]).toMatchObject({ resource_type: 'purpose', resource_id: retiring, subject: 'A purpose was retired: 2 open cases are held for it' });
    expect(told[0].body).toContain('until a manager moves the case to a purpose in force');
    const sent = entries.find((r) => r.action === 'notification.send')!;
    expect([sent.rule_id, sent.resource_type, sent.resource_id]).toEqual(['purposes/guardian-approves', 'purpose', retiring]);
    expect(JSON.parse(sent.detail).recipients.sort()).toEqual([manager.id, manager2.id].sort());
  });

  it('2.1 authorised-use: retiring a purpose no open case is held for tells nobody, and says 0', async () => {
    const before = (await notices('purpose-retired-cases-held')).length;
    const seq = await lastSeq();
    const res = await retire(guardian, unused);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.openCases).toBe(0);
    expect((await notices('purpose-retired-cases-held')).length).toBe(before);
    expect((await since(seq)).map((r) => r.action)).not.toContain('notification.send');
  });

  it('2.1 authorised-use, 3.6 management-review: the review lists every open case not held for a purpose in force — retired, past its review, none named — by case and person id and the purpose by name; closed, archived and in-force cases are not listed', async () => {
    const res = await as(world, manager).get('/api/review');
    expect(res.statusCode, res.body).toBe(200);
    const section = res.json().sections.casesWithoutPurpose;
    expect(section).toMatchObject({
      count: 4,
      series: [{ label: 'no purpose named', value: 1 }, { label: 'purpose retired', value: 2 }, { label: 'purpose past its review', value: 1 }],
    });
    const byCase = Object.fromEntries(section.items.map((i: { id: string }) => [i.id, i]));
    expect(Object.keys(byCase).sort()).toEqual([cases.open1, cases.open2, cases.none, cases.overdue].sort());
    expect(byCase[cases.open1]).toMatchObject({ personId, purposeId: retiring, label: 'Band project support', reason: 'retired' });
    expect(byCase[cases.none]).toMatchObject({ personId, purposeId: null, label: 'No purpose named', reason: 'none' });
    expect(byCase[cases.overdue]).toMatchObject({ purposeId: overdue, label: 'Overdue purpose', reason: 'review_due' });
    const audited = (await auditRows(world)).filter((r) => r.action === 'review.read').at(-1)!;
    expect(JSON.parse(audited.detail).counts).toMatchObject({ casesWithoutPurpose: 4 });
  });
});
