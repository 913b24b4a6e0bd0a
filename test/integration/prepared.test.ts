import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedQuery } from '../../src/db/prepared';
import { makePerson } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('prepared queries (%s)', (dialect) => {
  let world: World;
  let ids: string[];
  beforeAll(async () => {
    world = await createWorld(dialect);
    ids = [await makePerson(world, { givenName: 'Ada' }), await makePerson(world, { givenName: 'Bo' }), await makePerson(world, { givenName: 'Cy' })];
  });
  afterAll(() => world.close());

  it('built once, run with new values each time, including a value used twice and fixed values kept in place', async () => {
    let builds = 0;
    const byIdOrName = preparedQuery<{ id: string; name: string }, { given_name: string }>((db, param) => {
      builds++;
      return db.selectFrom('people').select('given_name')
        .where((eb) => eb.or([eb('id', '=', param('id')), eb('given_name', '=', param('name')), eb('family_name', '=', param('name'))]))
        .where('kind', '=', 'service_user')
        .orderBy('given_name');
    });
    const db = world.services.db.kysely;
    expect((await byIdOrName(db, { id: ids[0], name: 'Cy' })).map((r) => r.given_name)).toEqual(['Ada', 'Cy']);
    expect((await byIdOrName(db, { id: ids[1], name: 'nobody' })).map((r) => r.given_name)).toEqual(['Bo']);
    await db.transaction().execute(async (trx) => {
      expect((await byIdOrName(trx, { id: 'none', name: 'Ada' })).map((r) => r.given_name)).toEqual(['Ada']);
    });
    expect(builds).toBe(1);
  });

  it('refuses a stand-in the query builder put into the SQL text instead of binding it', async () => {
    const inlined = preparedQuery<{ name: string }, { n: number }>((db, param) => db.selectFrom('people').select(sql.lit(param('name')).as('n')));
    await expect(inlined(world.services.db.kysely, { name: 'x' })).rejects.toThrow(/inlined/);
  });
});
