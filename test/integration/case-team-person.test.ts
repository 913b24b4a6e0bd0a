import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, makeCase, makePerson, makeUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/** case_team.person_id is kept by triggers (migration 0008); need to know reads it on every list and read. */
describe.each(dialects())('case team rows know their person (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  const teamPeople = (userId: string) =>
    world.services.db.kysely.selectFrom('case_team').select(['case_id', 'person_id']).where('user_id', '=', userId).orderBy('case_id').execute();

  it('3.4 need to know: a team row takes its case\'s person when written, and follows the case to another person', async () => {
    const staff = await makeUser(world, ['staff']);
    const ann = await makePerson(world, { givenName: 'Ann' });
    const ben = await makePerson(world, { givenName: 'Ben' });
    const caseId = await makeCase(world, ann, { [staff.id]: 'lead' }); // inserted without person_id
    expect(await teamPeople(staff.id)).toEqual([{ case_id: caseId, person_id: ann }]);
    expect((await as(world, staff).get(`/api/people/${ann}`)).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/people/${ben}`)).statusCode).toBe(404);

    // A case recorded against the wrong person and corrected: the team's need to know moves with it.
    await world.services.db.kysely.updateTable('cases').set({ person_id: ben }).where('id', '=', caseId).execute();
    expect(await teamPeople(staff.id)).toEqual([{ case_id: caseId, person_id: ben }]);
    expect((await as(world, staff).get(`/api/people/${ann}`)).statusCode).toBe(404);
    expect((await as(world, staff).get(`/api/people/${ben}`)).statusCode).toBe(200);
    const listed = (await as(world, staff).get('/api/people')).json().items.map((p: { id: string }) => p.id);
    expect(listed).toEqual([ben]);
  });

  it('3.4 need to know: a team row cannot be pointed at another person than its case\'s, nor moved to another case without following it', async () => {
    const staff = await makeUser(world, ['staff']);
    const cy = await makePerson(world, { givenName: 'Cy' });
    const di = await makePerson(world, { givenName: 'Di' });
    const cyCase = await makeCase(world, cy, { [staff.id]: 'lead' });
    const diCase = await makeCase(world, di);
    const db = world.services.db.kysely;
    await db.updateTable('case_team').set({ person_id: di } as never).where('case_id', '=', cyCase).execute();
    expect(await teamPeople(staff.id)).toEqual([{ case_id: cyCase, person_id: cy }]);
    await db.updateTable('case_team').set({ case_id: diCase }).where('case_id', '=', cyCase).where('user_id', '=', staff.id).execute();
    expect(await teamPeople(staff.id)).toEqual([{ case_id: diCase, person_id: di }]);
  });
});
