import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };
const ACKNOWLEDGE = ['disclosure.acknowledge', 'allow', 'disclosure/acknowledgement-link', '4.3, 1.2'];

// The world's clock reads 2026-03-02T09:00Z: the links below are issued then.
describe.each(dialects())('the date of a disclosure\'s acknowledgement (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser;
  let person: string, org: string, purpose: string;
  const db = () => world.services.db.kysely;
  const stored = (id: string) => db().selectFrom('disclosures').select(['status', 'ack_date', 'ack_at', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  const acknowledgeAudit = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'disclosure.acknowledge').map((r) => [r.action, r.decision, r.rule_id, r.clause]);
  const request = (over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId: org, name: 'Sam Carter', role: 'Youth worker' }, purposeId: purpose,
    reason: 'The trust takes over mentoring next term.', items: { personFields: ['givenName', 'familyName'] }, ...over,
  });
  const accept = (token: string, date: string) => as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date });

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    org = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Hand-over to a youth partner', description: 'Share what the partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: null, dataCategories: ['general', 'personal'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P1Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    // Recorded before the oral disclosures these tests record after the fact: a basis must hold when it was said (1.3).
    const start = world.clock.now();
    world.clock.set(new Date('2026-02-20T09:00:00.000Z'));
    const consent = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: org }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    world.clock.set(start);
  });
  afterAll(() => world.close());

  it('4.3 third-party-disclosure: the recipient dates their acknowledgement from the day the link was issued to today on their own calendar — a day either side of UTC accepted — and it is recorded and audited', async () => {
    for (const date of ['2026-03-01', '2026-03-02', '2026-03-03']) {
      const { id, token } = await requestDisclosureWithLink(world, staff, manager, request());
      const res = await accept(token, date);
      expect(res.statusCode, `${date}: ${res.body}`).toBe(200);
      expect(await stored(id)).toMatchObject({ status: 'acknowledged', ack_date: date });
      expect(await acknowledgeAudit(id)).toEqual([ACKNOWLEDGE]);
      expect((await as(world, staff).get(`/api/disclosures/${id}`)).json().data.acknowledgedOn).toBe(date);
    }
  });

  it('4.3 third-party-disclosure: a date in the future or before the link was issued is refused (400 body.date) — nothing written, nothing audited, and the link still works', async () => {
    const { id, token } = await requestDisclosureWithLink(world, staff, manager, request());
    for (const date of ['2099-12-31', '2026-03-04', '2026-02-28', '1990-01-01']) {
      const res = await accept(token, date);
      expect(res.statusCode, `${date}: ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.date']);
    }
    expect(await stored(id)).toEqual({ status: 'awaiting_acknowledgement', ack_date: null, ack_at: null, version: 2 });
    expect(await acknowledgeAudit(id)).toEqual([]);
    expect((await accept(token, '2026-03-02')).statusCode).toBe(200);
    expect(await acknowledgeAudit(id)).toEqual([ACKNOWLEDGE]);
  });

  it('4.3 third-party-disclosure: a link issued days ago still takes the day it was issued, not the day before that (the clock moved on)', async () => {
    const start = world.clock.now();
    try {
      const early = await requestDisclosureWithLink(world, staff, manager, request());
      const late = await requestDisclosureWithLink(world, staff, manager, request());
      world.clock.advance(3 * 86_400_000);
      const refused = await accept(early.token, '2026-02-28');
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().errors).toEqual([{ path: 'body.date', message: 'must not be before 2026-03-01' }]);
      expect((await accept(early.token, '2026-03-02')).statusCode).toBe(200);
      expect((await accept(late.token, '2026-03-06')).statusCode).toBe(200); // today (03-05) plus a day
      expect(await acknowledgeAudit(late.id)).toEqual([ACKNOWLEDGE]);
    } finally {
      world.clock.set(start);
    }
  });

  it('4.3 third-party-disclosure: staff attest an oral disclosure\'s acknowledgement dated from the day it was said to today; another date is refused (400 body.date), nothing written', async () => {
    const res = await as(world, staff).post('/api/disclosures', request({ oral: { channel: 'phone', occurredAt: '2026-03-01T10:00:00Z' } }));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    const attest = (date: string) => as(world, staff).post(`/api/disclosures/${id}/attestation`, { recipientName: 'Sam Carter', date, statement: 'I told Sam on the phone that this is CONFIDENTIAL; Sam agreed.' });
    for (const date of ['2099-12-31', '2026-03-04', '2026-02-27']) {
      const refused = await attest(date);
      expect(refused.statusCode, `${date}: ${refused.body}`).toBe(400);
      expect(refused.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.date']);
    }
    expect(await stored(id)).toEqual({ status: 'awaiting_acknowledgement', ack_date: null, ack_at: null, version: 1 });
    expect(await acknowledgeAudit(id)).toEqual([]);
    const ok = await attest('2026-03-01');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await stored(id)).toMatchObject({ status: 'acknowledged', ack_date: '2026-03-01' });
    expect(await acknowledgeAudit(id)).toEqual([['disclosure.acknowledge', 'allow', 'disclosure/case-team-requests', '4.3, 1.2']]);
  });
});
