import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * Case-team rows carry their person's list fields (sort key, name-search keys, archived_at, told_at), kept by
 * triggers (migration 0020), and need-to-know lists read an actor's people from them (3.4 need to know, issue 9).
 * A stale copy would list a person under an old name, list an archived person, or keep a told person on the
 * worklist (4.1): after every kind of write, each team row must equal its person's row, and the lists must follow.
 */
describe.each(dialects())('case team rows carry their person\'s list fields (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let manager: TestUser;
  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
  });
  afterAll(() => world.close());

  /** Every case-team row whose copied fields differ from its person's row (none, when the triggers did their work). */
  async function stale() {
    const db = world.services.db.kysely;
    const people = new Map((await db.selectFrom('people').select(['id', 'sort_key', 'given_key', 'preferred_key', 'archived_at', 'told_at']).execute()).map((p) => [p.id, p]));
    const rows = await db.selectFrom('case_team').select(['case_id', 'user_id', 'person_id', 'person_sort_key', 'person_given_key', 'person_preferred_key', 'person_archived_at', 'person_told_at']).execute();
    expect(rows.length).toBeGreaterThan(0);
    return rows.filter((r) => {
      const p = people.get(r.person_id!);
      return !p || p.sort_key !== r.person_sort_key || p.given_key !== r.person_given_key || p.preferred_key !== r.person_preferred_key
        || p.archived_at !== r.person_archived_at || p.told_at !== r.person_told_at;
    });
  }
  const listed = async (user: TestUser, query = '') => (await as(world, user).get(`/api/people${query}`)).json().items.map((p: { id: string }) => p.id);
  const notYetTold = async (user: TestUser) => (await as(world, user).get('/api/people/not-yet-told')).json().items.map((p: { id: string }) => p.id);
  const version = async (id: string) => Number((await world.services.db.kysely.selectFrom('people').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);

  it('3.4 need to know: a person on two of the actor\'s cases is listed once; renaming them moves them in the list and the search at once', async () => {
    const ann = await makePerson(world, { givenName: 'Ann', familyName: 'Smith' });
    await makeCase(world, ann, { [staff.id]: 'lead' });
    await makeCase(world, ann, { [staff.id]: 'worker' });
    expect(await stale()).toEqual([]);
    expect(await listed(staff)).toEqual([ann]);
    expect((await as(world, staff).get('/api/people/count')).json().count).toBe(1);

    const renamed = await as(world, staff).patch(`/api/people/${ann}`, { familyName: 'Zéphyr', givenName: 'Annie', preferredName: 'Nan' }, { 'if-match': `"${await version(ann)}"` });
    expect(renamed.statusCode).toBe(200);
    expect(await stale()).toEqual([]);
    expect(await listed(staff, '?q=zeph')).toEqual([ann]); // family name, without its accent
    expect(await listed(staff, '?q=annie')).toEqual([ann]); // given name
    expect(await listed(staff, '?q=nan')).toEqual([ann]); // preferred name
    expect(await listed(staff, '?q=smith')).toEqual([]);
    expect(await listed(staff, '?q=ann&limit=1')).toEqual([ann]);
    expect((await as(world, staff).get('/api/people/count?q=nan')).json().count).toBe(1);
    expect((await as(world, staff).get('/api/people/count?q=smith')).json().count).toBe(0);
  });

  it('3.4 need to know: archiving a person hides them from lists (kept with includeArchived); first contact takes them off the worklist (4.1)', async () => {
    const bo = await makePerson(world, { givenName: 'Bo', familyName: 'Archer' });
    await makeCase(world, bo, { [staff.id]: 'lead' });
    expect(await listed(staff)).toContain(bo);
    expect(await notYetTold(staff)).toContain(bo);

    await world.services.db.kysely.updateTable('people').set({ told_at: '2026-01-05' }).where('id', '=', bo).execute();
    expect(await stale()).toEqual([]);
    expect(await notYetTold(staff)).not.toContain(bo);

    const archived = await as(world, manager).post(`/api/people/${bo}/archive`, {}, { 'if-match': `"${await version(bo)}"` });
    expect(archived.statusCode).toBe(200);
    expect(await stale()).toEqual([]);
    expect(await listed(staff)).not.toContain(bo);
    expect(await listed(staff, '?includeArchived=true')).toContain(bo);
  });

  it('3.4 need to know: joining and leaving a case team adds and removes the person; closing and reopening the case changes nothing', async () => {
    const other = await makeUser(world, ['staff']);
    const cy = await makePerson(world, { givenName: 'Cy', familyName: 'Baker' });
    const caseId = await makeCase(world, cy, { [manager.id]: 'lead' });
    expect(await listed(other)).toEqual([]);

    expect((await as(world, manager).post(`/api/cases/${caseId}/team`, { userId: other.id, teamRole: 'worker' })).statusCode).toBeLessThan(300);
    expect(await stale()).toEqual([]);
    expect(await listed(other)).toEqual([cy]);
    expect(await listed(other, '?q=bak')).toEqual([cy]);

    const caseVersion = async () => Number((await world.services.db.kysely.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version);
    expect((await as(world, manager).patch(`/api/cases/${caseId}`, { status: 'closed' }, { 'if-match': `"${await caseVersion()}"` })).statusCode).toBe(200);
    expect(await stale()).toEqual([]);
    expect(await listed(other)).toEqual([cy]);
    expect((await as(world, manager).patch(`/api/cases/${caseId}`, { status: 'open' }, { 'if-match': `"${await caseVersion()}"` })).statusCode).toBe(200);
    expect(await listed(other)).toEqual([cy]);

    expect((await as(world, manager).delete(`/api/cases/${caseId}/team/${other.id}`)).statusCode).toBeLessThan(300);
    expect(await stale()).toEqual([]);
    expect(await listed(other)).toEqual([]);
  });

  it('3.4 need to know: a case moved to another person carries that person\'s fields; a direct write of the copies is undone', async () => {
    const other = await makeUser(world, ['staff']);
    const di = await makePerson(world, { givenName: 'Di', familyName: 'Carter' });
    const ed = await makePerson(world, { givenName: 'Ed', familyName: 'Dunn' });
    const caseId = await makeCase(world, di, { [other.id]: 'lead' });
    expect(await listed(other, '?q=car')).toEqual([di]);

    const db = world.services.db.kysely;
    await db.updateTable('cases').set({ person_id: ed }).where('id', '=', caseId).execute();
    expect(await stale()).toEqual([]);
    expect(await listed(other, '?q=car')).toEqual([]);
    expect(await listed(other, '?q=dun')).toEqual([ed]);

    await db.updateTable('case_team').set({ person_sort_key: 'aaa', person_archived_at: '2026-01-01' } as never).where('case_id', '=', caseId).execute();
    await db.updateTable('case_team').set({ person_id: di } as never).where('case_id', '=', caseId).execute();
    expect(await stale()).toEqual([]);
    expect(await listed(other)).toEqual([ed]);
  });
});
