import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldConnection, preparedQuery } from '../../src/db/prepared';
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
    const sqlite = world.services.db.sqlite; // SQLite: inside a transaction, run on the connection it holds
    await db.transaction().execute(async (trx) => {
      expect((await byIdOrName(trx, { id: 'none', name: 'Ada' })).map((r) => r.given_name)).toEqual(['Ada']);
      expect((await byIdOrName(trx, { id: ids[2], name: 'Bo' }, sqlite)).map((r) => r.given_name)).toEqual(['Bo', 'Cy']);
    });
    expect((await byIdOrName(db, { id: ids[2], name: 'Ada' }, sqlite)).map((r) => r.given_name)).toEqual(['Ada', 'Cy']);
    expect(builds).toBe(1);
  });

  it('outside a transaction never borrows the SQLite connection: it could be lent to another caller\'s transaction', async () => {
    const sqlite = world.services.db.sqlite;
    if (!sqlite) return; // PostgreSQL has no such connection
    expect(heldConnection(world.services.db.kysely, sqlite)).toBeNull();
    await world.services.db.kysely.transaction().execute(async (trx) => {
      expect(heldConnection(trx, sqlite)).toBe(sqlite);
      expect(heldConnection(world.services.db.kysely, sqlite)).toBeNull(); // not the transaction's own handle
    });
  });

  it('refuses a stand-in the query builder put into the SQL text instead of binding it', async () => {
    const inlined = preparedQuery<{ name: string }, { n: number }>((db, param) => db.selectFrom('people').select(sql.lit(param('name')).as('n')));
    await expect(inlined(world.services.db.kysely, { name: 'x' })).rejects.toThrow(/inlined/);
  });
});
