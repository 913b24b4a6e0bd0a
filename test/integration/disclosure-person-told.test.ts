import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, insertPurpose, insertReleasedDisclosure, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const RELEASED_AT = '2026-03-01T15:00:00.000Z';
const TOLD = ['disclosure.told', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'];

describe.each(dialects())('recording that the person was told of a disclosure (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser;
  let person: string, org: string, purpose: string;
  const db = () => world.services.db.kysely;
  const told = (id: string, toldAt: string) => as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt });
  const stored = (id: string) => db().selectFrom('disclosures').select(['person_told_at', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
  const toldAudit = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'disclosure.told');

  /** A disclosure released at RELEASED_AT, with `over` written over its row (another status, an oral one, a decision not to tell). */
  async function disclosure(over: Record<string, unknown> = {}) {
    const id = await insertReleasedDisclosure(world, { personId: person, basis: 'consent', releasedAt: RELEASED_AT, purposeId: purpose, orgId: org, requestedBy: staff.id, releasedBy: staff.id });
    if (Object.keys(over).length) await db().updateTable('disclosures').set(over).where('id', '=', id).execute();
    return id;
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    const guardian = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    org = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    purpose = await insertPurpose(world, { name: 'Hand-over', nextReviewOn: '2027-03-01', guardianId: guardian.id, createdBy: manager.id });
  });
  afterAll(() => world.close());

  it('4.3 third-party-disclosure: the person is told of a released disclosure once — the date is recorded and audited, and a second date is refused (409) without overwriting the first', async () => {
    const id = await disclosure();
    const res = await told(id, '2026-03-02T08:00:00Z');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ status: 'released', personToldAt: '2026-03-02T08:00:00.000Z' });
    const again = await told(id, '2026-03-02T08:30:00Z');
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().errors).toEqual([{ path: 'params.id', message: 'told already' }]);
    expect(await stored(id)).toMatchObject({ person_told_at: '2026-03-02T08:00:00.000Z', version: 2 });
    const audit = await toldAudit(id);
    expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([TOLD]);
    expect(JSON.parse(audit[0].detail)).toEqual({ toldAt: '2026-03-02T08:00:00.000Z' });
  });

  it('4.3 third-party-disclosure: a disclosure that shared nothing — refused, awaiting approval or acknowledgement, acknowledged but not released — has no one to tell (409), nothing written', async () => {
    for (const status of ['refused', 'awaiting_approval', 'awaiting_acknowledgement', 'acknowledged']) {
      const id = await disclosure({ status, released_at: null, released_by: null });
      const res = await told(id, '2026-03-02T08:00:00Z');
      expect(res.statusCode, `${status}: ${res.body}`).toBe(409);
      expect(res.json().errors).toEqual([{ path: 'params.id', message: status }]);
      expect(await stored(id)).toEqual({ person_told_at: null, version: 1 });
      expect(await toldAudit(id)).toEqual([]);
    }
  });

  it('1.3 disclosure-exception: when the approving manager decided the person is not told, recording that they were told is refused (409), nothing written; when they are to be told, it is recorded', async () => {
    const notTold = await disclosure({ basis: 'exception', exception_ground: 'crime', approved_by: manager.id, approved_at: RELEASED_AT, tell_person: 0, not_told_reason: 'It would prejudice the investigation.' });
    const refused = await told(notTold, '2026-03-02T08:00:00Z');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().errors).toEqual([{ path: 'params.id', message: 'decided not to tell' }]);
    expect(await stored(notTold)).toEqual({ person_told_at: null, version: 1 });
    expect(await toldAudit(notTold)).toEqual([]);
    const toTell = await disclosure({ basis: 'exception', exception_ground: 'crime', approved_by: manager.id, approved_at: RELEASED_AT, tell_person: 1 });
    expect((await told(toTell, '2026-03-02T08:00:00Z')).statusCode).toBe(200);
    expect((await toldAudit(toTell)).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([TOLD]);
  });

  it('4.3 third-party-disclosure: the person cannot have been told before the information left — not even earlier the same day — nor in the future (400 body.toldAt, nothing written); the moment it left is accepted', async () => {
    const id = await disclosure();
    for (const toldAt of ['1990-01-01T00:00:00Z', '2026-02-28T16:00:00Z', '2026-03-01T02:59:00Z', '2026-03-01T12:00:00.000Z', '2026-12-01T00:00:00Z']) {
      const res = await told(id, toldAt);
      expect(res.statusCode, `${toldAt}: ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.toldAt']);
    }
    expect(await stored(id)).toEqual({ person_told_at: null, version: 1 });
    expect(await toldAudit(id)).toEqual([]);
    // The web app sends the release day as the moment it left (a past day as its noon, unless it left later that day).
    expect((await told(id, RELEASED_AT)).statusCode).toBe(200);
    expect((await toldAudit(id)).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([TOLD]);
  });

  it('4.3 third-party-disclosure: an oral disclosure is told of from when it was said, before its release was recorded; not before it was said (400)', async () => {
    const id = await disclosure({ mode: 'oral', oral_channel: 'phone', occurred_at: '2026-02-27T10:00:00.000Z' });
    const early = await told(id, '2026-02-26T09:00:00Z');
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().errors).toEqual([{ path: 'body.toldAt', message: 'must not be before the disclosure (2026-02-27T10:00:00.000Z)' }]);
    expect(await toldAudit(id)).toEqual([]);
    const res = await told(id, '2026-02-28T10:00:00Z');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.personToldAt).toBe('2026-02-28T10:00:00.000Z');
    expect((await toldAudit(id)).map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([TOLD]);
  });
});
