import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, casePurpose, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

describe.each(dialects())('people over HTTP (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    outsider = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    personId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace' });
    await makeCase(world, personId, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('3.4 need to know: a case-team member reads the person with special fields; safeguarding is restricted', async () => {
    const res = await as(world, staff).get(`/api/people/${personId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.data.givenName).toBe('Ada');
    expect(body.data.healthNotes).toBe('asthma');
    expect(body.data.safeguardingNotes).toBeUndefined();
    expect(body.restricted.map((r: { field: string }) => r.field)).toEqual(['safeguardingNotes']);
    expect(res.headers.etag).toBe('"1"');
  });

  it('3.4 need to know: a staff member off the case team gets the same 404 as for a missing id', async () => {
    const forbidden = await as(world, outsider).get(`/api/people/${personId}`);
    const missing = await as(world, outsider).get('/api/people/01900000-0000-7000-8000-000000000000');
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(forbidden.json().detail).toBe(missing.json().detail);
  });

  it('3.4 need to know: lists never show what a read would refuse', async () => {
    const mine = await as(world, staff).get('/api/people');
    const theirs = await as(world, outsider).get('/api/people');
    expect(mine.json().items.map((p: { id: string }) => p.id)).toContain(personId);
    expect(theirs.json().items).toEqual([]);
    expect(mine.json().items[0].healthNotes).toBeUndefined();
  });

  it('practice 4.1 safeguarding: management see safeguarding notes', async () => {
    const res = await as(world, manager).get(`/api/people/${personId}`);
    expect(res.json().data.safeguardingNotes).toBe('known to social care');
  });

  it('creates a person with a first case, then a stale edit gets 412 and nothing changes', async () => {
    const created = await as(world, staff).post('/api/people', { kind: 'service_user', givenName: 'Grace', familyName: 'Hopper', openCase: { service: 'Band project', purposeId: await casePurpose(world) } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const ok = await as(world, staff).patch(`/api/people/${id}`, { preferredName: 'Amazing Grace' }, { 'if-match': '"1"' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await as(world, staff).patch(`/api/people/${id}`, { preferredName: 'Lost update' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    const now = await as(world, staff).get(`/api/people/${id}`);
    expect(now.json().data.preferredName).toBe('Amazing Grace');
  });

  it('4.1 informed-consent: a date of birth in the future is 400 naming the field, on registering and on editing — nothing written; a past one is kept', async () => {
    const future = new Date(world.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const count = async () => Number((await world.services.db.kysely.selectFrom('people').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const people = await count();
    const created = await as(world, staff).post('/api/people', { kind: 'service_user', givenName: 'Ada', familyName: 'Future', dateOfBirth: future, openCase: { service: 'Band project', purposeId: await casePurpose(world) } });
    expect(created.statusCode).toBe(400);
    expect(created.json().errors).toEqual([{ path: 'body.dateOfBirth', message: 'must not be in the future' }]);
    expect(await count()).toBe(people);
    const before = (await auditRows(world)).length;
    const edited = await as(world, staff).patch(`/api/people/${personId}`, { dateOfBirth: future }, { 'if-match': (await as(world, staff).get(`/api/people/${personId}`)).headers.etag as string });
    expect(edited.statusCode).toBe(400);
    expect(edited.json().errors[0].path).toBe('body.dateOfBirth');
    expect((await auditRows(world)).slice(before).filter((r) => r.action === 'person.update')).toEqual([]);
    const etag = (await as(world, staff).get(`/api/people/${personId}`)).headers.etag as string;
    const ok = await as(world, staff).patch(`/api/people/${personId}`, { dateOfBirth: '2012-05-01' }, { 'if-match': etag });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data.dateOfBirth).toBe('2012-05-01');
  });

  it('rejects unknown fields (no mass assignment) with the field named', async () => {
    const res = await as(world, staff).post('/api/people', { kind: 'service_user', givenName: 'X', familyName: 'Y', id: 'mine', version: 99 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body');
    expect(res.json().errors[0].message).toMatch(/unknown field/);
  });

  it('3.4: staff may not write safeguarding notes; the denial names the field and is audited', async () => {
    const before = (await auditRows(world)).length;
    const res = await as(world, staff).patch(`/api/people/${personId}`, { safeguardingNotes: 'x' }, { 'if-match': '"1"' });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors).toEqual([{ path: 'body.safeguardingNotes', message: expect.any(String) }]);
    const rows = await auditRows(world);
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)!.decision).toBe('deny');
    expect(rows.at(-1)!.detail).not.toContain('"x"');
  });
});
