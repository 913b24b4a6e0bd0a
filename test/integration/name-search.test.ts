import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * Issue 13: people search matches the start of the given, family or preferred name, case- and accent-insensitive,
 * filtered by need to know in SQL (3.4) on both query shapes (a staff member's team-driven page, a manager's
 * name-ordered one).
 */
describe.each(dialects())('people search by given, family and preferred name (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser;
  let jose: string, ada: string, hidden: string;
  const db = () => world.services.db.kysely;
  const search = async (user: TestUser, q: string, extra = '') => {
    const res = await as(world, user).get(`/api/people?q=${encodeURIComponent(q)}${extra}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Array<{ id: string; givenName: string }>; nextCursor: string | null };
  };
  const count = async (user: TestUser, q: string) => (await as(world, user).get(`/api/people/count?q=${encodeURIComponent(q)}`)).json().count as number;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    jose = await makePerson(world, { givenName: 'José', familyName: 'Álvarez' });
    ada = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    hidden = await makePerson(world, { givenName: 'Adaeze', familyName: 'Joseph' });
    await db().updateTable('people').set({ preferred_name: 'Pepe' }).where('id', '=', jose).execute();
    await db().updateTable('people').set({ preferred_name: 'Pepita' }).where('id', '=', hidden).execute();
    await makeCase(world, jose, { [staff.id]: 'lead' });
    await makeCase(world, ada, { [staff.id]: 'lead' });
    await makeCase(world, hidden, { [manager.id]: 'lead' }); // not on the staff member's teams
  });
  afterAll(() => world.close());

  it('3.4 need-to-know: the start of a given, preferred or family name finds the people on your teams, whatever the case and accents', async () => {
    expect((await search(staff, 'ada')).items.map((p) => p.id)).toEqual([ada]); // given name
    expect((await search(staff, 'JOSE')).items.map((p) => p.id)).toEqual([jose]); // given name, accent and case ignored
    expect((await search(staff, 'pep')).items.map((p) => p.id)).toEqual([jose]); // preferred name
    expect((await search(staff, 'alv')).items.map((p) => p.id)).toEqual([jose]); // family name, as before
    expect((await search(staff, 'lovelace a')).items.map((p) => p.id)).toEqual([ada]); // family name then given
    expect(await count(staff, 'pep')).toBe(1);
    // A name changed through the API is found by its new name at once (the database keeps the search keys).
    const current = await as(world, staff).get(`/api/people/${ada}`);
    const changed = await as(world, staff).patch(`/api/people/${ada}`, { preferredName: 'Addie' }, { 'if-match': current.headers.etag as string });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await search(staff, 'addie')).items.map((p) => p.id)).toEqual([ada]);
    // Searches are audited as list reads, with the number of results and never the terms.
    const listed = (await auditRows(world)).filter((r) => r.action === 'person.read' && r.actor_id === staff.id && r.resource_id === null).at(-1)!;
    expect([listed.decision, listed.rule_id]).toEqual(['allow', 'need-to-know/case-team']);
    expect(JSON.parse(listed.detail)).toMatchObject({ list: 'person', results: 1, termsLength: 5 });
    expect(listed.detail).not.toContain('addie');
  });

  it('3.4 need-to-know: a person not on your teams is never found, by any of their names, in the list or the count', async () => {
    for (const q of ['ada', 'adaeze', 'pepita', 'pep', 'jos', 'joseph']) {
      expect((await search(staff, q)).items.map((p) => p.id), q).not.toContain(hidden);
    }
    expect(await count(staff, 'pep')).toBe(1);
    expect(await count(staff, 'joseph')).toBe(0);
    // A manager (sees everyone: the name-ordered shape) finds them by each name, in name order, paging by cursor.
    expect((await search(manager, 'pepita')).items.map((p) => p.id)).toEqual([hidden]);
    expect((await search(manager, 'jos')).items.map((p) => p.id)).toEqual([jose, hidden]); // Álvarez José, then Joseph Adaeze
    const first = await search(manager, 'jos', '&limit=1');
    expect(first.items.map((p) => p.id)).toEqual([jose]);
    const second = await search(manager, 'jos', `&limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((p) => p.id)).toEqual([hidden]);
    expect(second.nextCursor).toBeNull();
    expect(await count(manager, 'jos')).toBe(2);
  });
});
