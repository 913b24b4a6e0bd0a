import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeOrganisation, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const MISSING = '01900000-0000-7000-8000-000000000000';
const COMMERCIAL = 'grant renewal at risk; budget cut 20%';
const restrictedFields = (res: { json(): { restricted: { field: string }[] } }) => res.json().restricted.map((r) => r.field).sort();

/** Inserts an organisation directly (a funder unless given), its contact details and commercial notes filled in, with the given users on its team. */
async function organisation(world: World, name: string, team: string[] = [], kind = 'funder') {
  const id = await makeOrganisation(world, {
    name, kind, website: 'https://example.org', contactName: 'Pat Jones', contactEmail: 'pat@example.org', address: '1 High Street', commercialNotes: COMMERCIAL,
  });
  const now = world.clock.now().toISOString();
  for (const userId of team) await world.services.db.kysely.insertInto('organisation_team').values({ organisation_id: id, user_id: userId, added_at: now, added_by: null }).execute();
  return id;
}

describe.each(dialects())('organisations over HTTP (%s)', (dialect) => {
  let world: World;
  let dealer: TestUser; // staff on the funder's team
  let staff: TestUser; // staff, not on the team
  let manager: TestUser; // not on the team
  let volunteer: TestUser;
  let admin: TestUser;
  let funder: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    [dealer, staff, manager, volunteer, admin] = await Promise.all([
      makeUser(world, ['staff']), makeUser(world, ['staff']), makeUser(world, ['manager']), makeUser(world, ['volunteer']), makeUser(world, ['administrator']),
    ]);
    funder = await organisation(world, 'Arts Trust', [dealer.id]);
    await organisation(world, 'Artisan Bakery', [], 'business');
    await organisation(world, 'City Youth Service', [], 'partner_agency');
  });
  afterAll(() => world.close());

  describe('commercial sensitivity (1.4, 2.3)', () => {
    it('1.4 commercial-sensitivity: whoever deals with the organisation sees its commercial notes; the read is audited', async () => {
      const res = await as(world, dealer).get(`/api/organisations/${funder}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.json().data.commercialNotes).toBe(COMMERCIAL);
      expect(res.json().restricted).toEqual([]);
      const audit = (await auditRows(world)).filter((r) => r.action === 'organisation.read' && r.resource_id === funder).at(-1)!;
      expect(audit.decision).toBe('allow');
      expect(JSON.parse(audit.detail).classes).toEqual(['commercial', 'personal']);
      expect(JSON.parse(audit.detail).fields.sort()).toEqual(['address', 'commercialNotes', 'contactEmail', 'contactName', 'contactPhone']);
      expect(audit.detail).not.toContain('budget');
    });

    it('2.3 commercial-sensitivity: staff who do not deal with it see contacts but not its business information', async () => {
      const res = await as(world, staff).get(`/api/organisations/${funder}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.contactEmail).toBe('pat@example.org');
      expect(restrictedFields(res)).toEqual(['commercialNotes']);
      expect(JSON.stringify(res.json())).not.toContain('budget');
    });

    it('2.3 commercial-sensitivity: management oversight does not extend to business information off the team', async () => {
      const res = await as(world, manager).get(`/api/organisations/${funder}`);
      expect(restrictedFields(res)).toEqual(['commercialNotes']);
    });

    it('3.4 need to know: volunteers see an organisation\'s general details only', async () => {
      const res = await as(world, volunteer).get(`/api/organisations/${funder}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().data.name).toBe('Arts Trust');
      expect(restrictedFields(res)).toEqual(['address', 'commercialNotes', 'contactEmail', 'contactName', 'contactPhone']);
    });

    it('3.4 need to know: an administrator-only account sees no organisation (404, empty list: deny by default)', async () => {
      expect((await as(world, admin).get(`/api/organisations/${funder}`)).statusCode).toBe(404);
      const list = await as(world, admin).get('/api/organisations');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toEqual([]);
      expect((await as(world, admin).post('/api/organisations', { kind: 'funder', name: 'X' })).statusCode).toBe(403);
    });

    it('3.4 need to know: a missing organisation is 404 and a bad id is 400', async () => {
      expect((await as(world, staff).get(`/api/organisations/${MISSING}`)).statusCode).toBe(404);
      const bad = await as(world, staff).get('/api/organisations/not-an-id');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('params.id');
    });
  });

  describe('the directory', () => {
    it('1.4 commercial-sensitivity: the list shows general fields only, even to those on the team (no leak)', async () => {
      const res = await as(world, dealer).get('/api/organisations');
      expect(res.statusCode).toBe(200);
      const items = res.json().items as Record<string, unknown>[];
      expect(items.map((o) => o.name)).toEqual(['Artisan Bakery', 'Arts Trust', 'City Youth Service']);
      for (const o of items) {
        expect(o.commercialNotes).toBeUndefined();
        expect(o.contactEmail).toBeUndefined();
      }
      expect(JSON.stringify(res.json())).not.toContain('budget');
    });

    it('name prefix search, a kind filter and cursor paging', async () => {
      const art = await as(world, volunteer).get('/api/organisations?q=art');
      expect(art.json().items.map((o: { name: string }) => o.name)).toEqual(['Artisan Bakery', 'Arts Trust']);
      const arts = await as(world, volunteer).get('/api/organisations?q=Arts%20T');
      expect(arts.json().items.map((o: { name: string }) => o.name)).toEqual(['Arts Trust']);
      const partners = await as(world, volunteer).get('/api/organisations?kind=partner_agency');
      expect(partners.json().items.map((o: { name: string }) => o.name)).toEqual(['City Youth Service']);
      const first = await as(world, volunteer).get('/api/organisations?limit=1');
      const second = await as(world, volunteer).get(`/api/organisations?limit=1&cursor=${first.json().nextCursor}`);
      expect(second.json().items[0].name).toBe('Arts Trust');
      expect((await as(world, volunteer).get('/api/organisations?kind=charity')).statusCode).toBe(400);
    });
  });

  describe('recording and changing', () => {
    it('1.4 commercial-sensitivity: staff record an organisation and join its team, so they keep seeing what they wrote', async () => {
      const res = await as(world, staff).post('/api/organisations', { kind: 'business', name: 'Sound Hire Ltd', commercialNotes: 'discounted rate agreed' });
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe(`/api/organisations/${res.json().data.id}`);
      expect(res.json().data.commercialNotes).toBe('discounted rate agreed');
      const team = await as(world, staff).get(`/api/organisations/${res.json().data.id}/team`);
      expect(team.json().data.map((m: { userId: string }) => m.userId)).toEqual([staff.id]);
      const other = await as(world, dealer).get(`/api/organisations/${res.json().data.id}`);
      expect(restrictedFields(other)).toEqual(['commercialNotes']);
    });

    it('3.4 need to know: volunteers may not record organisations (403); bad input is 400 naming the field', async () => {
      expect((await as(world, volunteer).post('/api/organisations', { kind: 'funder', name: 'X' })).statusCode).toBe(403);
      const unknown = await as(world, staff).post('/api/organisations', { kind: 'funder', name: 'X', sortKey: 'a' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].message).toMatch(/unknown field.*sortKey/);
      const script = await as(world, staff).post('/api/organisations', { kind: 'funder', name: 'X', website: 'javascript:alert(1)' });
      expect(script.statusCode).toBe(400);
      expect(script.json().errors[0].path).toBe('body.website');
    });

    it('2.3 commercial-sensitivity: only the team may write commercial notes (403 naming the field); others may edit contacts', async () => {
      const denied = await as(world, staff).patch(`/api/organisations/${funder}`, { commercialNotes: 'x' }, { 'if-match': '"1"' });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().errors).toEqual([{ path: 'body.commercialNotes', message: expect.any(String) }]);
      const contact = await as(world, staff).patch(`/api/organisations/${funder}`, { contactName: 'Sam Lee' }, { 'if-match': '"1"' });
      expect(contact.statusCode).toBe(200);
      expect(contact.headers.etag).toBe('"2"');
      const commercial = await as(world, dealer).patch(`/api/organisations/${funder}`, { commercialNotes: COMMERCIAL }, { 'if-match': '"2"' });
      expect(commercial.statusCode).toBe(200);
    });

    it('1.1 records-management: a stale If-Match is 412 and changes nothing; none is 428; renaming re-sorts', async () => {
      const id = await organisation(world, 'Zephyr Fund');
      const ok = await as(world, staff).patch(`/api/organisations/${id}`, { name: 'Aardvark Fund' }, { 'if-match': '"1"' });
      expect(ok.statusCode).toBe(200);
      const stale = await as(world, staff).patch(`/api/organisations/${id}`, { name: 'Lost Update' }, { 'if-match': '"1"' });
      expect(stale.statusCode).toBe(412);
      expect((await as(world, staff).patch(`/api/organisations/${id}`, { name: 'No Version' })).statusCode).toBe(428);
      const list = await as(world, staff).get('/api/organisations?limit=1');
      expect(list.json().items[0].name).toBe('Aardvark Fund');
    });

    it('1.1 records-management: management archive (not erase) an organisation; staff may not', async () => {
      const id = await organisation(world, 'Old Partner');
      expect((await as(world, staff).post(`/api/organisations/${id}/archive`, undefined, { 'if-match': '"1"' })).statusCode).toBe(403);
      const res = await as(world, manager).post(`/api/organisations/${id}/archive`, undefined, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.archivedAt).toBe('2026-03-02T09:00:00.000Z');
      const list = await as(world, staff).get('/api/organisations?q=old');
      expect(list.json().items).toEqual([]);
      const withArchived = await as(world, staff).get('/api/organisations?q=old&includeArchived=true');
      expect(withArchived.json().items.map((o: { id: string }) => o.id)).toEqual([id]);
      expect((await as(world, staff).patch(`/api/organisations/${id}`, { name: 'x' }, { 'if-match': '"2"' })).statusCode).toBe(409);
    });
  });

  describe('who deals with an organisation', () => {
    it('1.4 commercial-sensitivity: a manager puts staff on the team; they then see the business information; audited', async () => {
      const id = await organisation(world, 'New Funder');
      const before = await as(world, staff).get(`/api/organisations/${id}`);
      expect(restrictedFields(before)).toEqual(['commercialNotes']);
      const added = await as(world, manager).post(`/api/organisations/${id}/team`, { userId: staff.id });
      expect(added.statusCode).toBe(200);
      expect(added.json().data.map((m: { userId: string }) => m.userId)).toEqual([staff.id]);
      expect((await as(world, staff).get(`/api/organisations/${id}`)).json().data.commercialNotes).toBe(COMMERCIAL);
      const audit = (await auditRows(world)).filter((r) => r.action === 'organisation.team.manage' && r.resource_id === id).at(-1)!;
      expect(audit.rule_id).toBe('records/team-manage');
      expect(JSON.parse(audit.detail)).toEqual({ added: staff.id });
      const removed = await as(world, manager).delete(`/api/organisations/${id}/team/${staff.id}`);
      expect(removed.statusCode).toBe(200);
      expect(restrictedFields(await as(world, staff).get(`/api/organisations/${id}`))).toEqual(['commercialNotes']);
      const last = (await auditRows(world)).filter((r) => r.action === 'organisation.team.manage' && r.resource_id === id).at(-1)!;
      expect(JSON.parse(last.detail)).toEqual({ removed: staff.id });
    });

    it('3.4 need to know: staff may not assign who deals with an organisation (403), even from its team', async () => {
      expect((await as(world, dealer).post(`/api/organisations/${funder}/team`, { userId: staff.id })).statusCode).toBe(403);
      expect((await as(world, dealer).delete(`/api/organisations/${funder}/team/${dealer.id}`)).statusCode).toBe(403);
    });

    it('1.4 commercial-sensitivity: only active staff or managers deal with organisations (400 naming userId); 404 off-team delete', async () => {
      const vol = await as(world, manager).post(`/api/organisations/${funder}/team`, { userId: volunteer.id });
      expect(vol.statusCode).toBe(400);
      expect(vol.json().errors[0].path).toBe('body.userId');
      expect((await as(world, manager).post(`/api/organisations/${funder}/team`, { userId: MISSING })).statusCode).toBe(400);
      expect((await as(world, manager).delete(`/api/organisations/${funder}/team/${staff.id}`)).statusCode).toBe(404);
      expect((await as(world, manager).post(`/api/organisations/${MISSING}/team`, { userId: staff.id })).statusCode).toBe(404);
    });
  });
});
