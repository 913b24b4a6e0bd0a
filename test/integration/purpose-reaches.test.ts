import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATION_KINDS } from '../../src/organisations/schema';
import { as, insertPurpose, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * 3.1 (every transfer clearly defined): the purpose register says, for each purpose, which kinds of organisation in
 * the register a disclosure for it may go to (`reaches`), computed by the rule disclosure/recipient-within-purpose
 * itself (src/purposes/reaches.ts), so the web app marks a purpose that cannot reach the organisation chosen before
 * anything is typed. The list agrees with what a request is refused for.
 */
describe.each(dialects())('the purpose register says whom each purpose reaches, 3.1 (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, manager: TestUser, staff: TestUser;
  let person: string;
  const orgOfKind: Record<string, string> = {};
  const purposes: Record<string, { id: string; reaches: string[] }> = {};
  /**
   * Recipient categories, and the kinds they reach: a kind's own category; "named partner organisation" every kind
   * but a funder and a business (4.3, practice 5.1), which only their own category reaches.
   */
  const CASES: Array<{ categories: string[]; reaches: string[] }> = [
    { categories: ['internal service only'], reaches: [] },
    { categories: ['GP practice'], reaches: [] },
    { categories: ['named partner organisation'], reaches: ['partner_agency', 'local_authority', 'police', 'other'] },
    { categories: ['named partner organisation', 'Funder'], reaches: ['partner_agency', 'local_authority', 'police', 'funder', 'other'] },
    { categories: ['Police', 'local authority'], reaches: ['local_authority', 'police'] },
    { categories: ['partner agency', 'funder', 'business', 'GP practice'], reaches: ['partner_agency', 'funder', 'business'] },
  ];

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    for (const kind of ORGANISATION_KINDS) orgOfKind[kind] = await makeOrganisation(world, { name: `An organisation of kind ${kind}`, kind });
    for (const c of CASES) {
      const name = c.categories.join(', ');
      purposes[name] = { id: await insertPurpose(world, { name, guardianId: guardian.id, createdBy: manager.id, recipientCategories: c.categories }), reaches: c.reaches };
    }
  });
  afterAll(() => world.close());

  it('3.1 justify-purpose: each purpose, listed and read, says which kinds of organisation it may go to — none for "internal service only" or a category that names no kind, every kind but a funder and a business for "named partner organisation" (4.3, practice 5.1), else the kinds its categories name (in any case)', async () => {
    const list = await as(world, staff).get('/api/purposes?limit=100');
    expect(list.statusCode, list.body).toBe(200);
    const listed = new Map((list.json().items as { id: string; reaches: string[] }[]).map((p) => [p.id, p.reaches]));
    for (const [name, p] of Object.entries(purposes)) {
      expect([name, listed.get(p.id)]).toEqual([name, p.reaches]);
      const one = await as(world, staff).get(`/api/purposes/${p.id}`);
      expect(one.statusCode, one.body).toBe(200);
      expect([name, one.json().data.reaches]).toEqual([name, p.reaches]);
    }
  });

  it('3.1 justify-purpose: what `reaches` says is what a request is decided by — a legal-duty request to each kind of organisation is refused by disclosure/recipient-within-purpose exactly when the kind is not listed', async () => {
    for (const [name, p] of Object.entries(purposes)) {
      for (const kind of ORGANISATION_KINDS) {
        const res = await as(world, staff).post('/api/disclosures', {
          personIds: [person], recipient: { organisationId: orgOfKind[kind], name: 'Duty officer', role: 'Officer' }, purposeId: p.id,
          reason: 'A statutory request for contact details.', items: { personFields: ['givenName'] }, exception: { ground: 'legal_duty', reference: 'Request 4471/26', consentSought: false, notSoughtBecause: 'not_safe' },
        });
        const refusedForRecipient = res.statusCode === 403 && res.json().rule === 'disclosure/recipient-within-purpose';
        expect({ name, kind, status: res.statusCode, refusedForRecipient }).toEqual({ name, kind, status: p.reaches.includes(kind) ? 201 : 403, refusedForRecipient: !p.reaches.includes(kind) });
      }
    }
  });
});
