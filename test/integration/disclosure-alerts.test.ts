import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// 1.3: an exception to consent is decided by management. The managers who can decide it are told at once, and the
// requester is told the decision — in Confide and by e-mail, with nothing confidential in either.

describe.each(dialects())('alerts of a disclosure without consent (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, manager3: TestUser, staff: TestUser, guardian: TestUser;
  let person: string, org: string, purpose: string;
  const db = () => world.services.db.kysely;
  const notificationsOf = async (id: string) => (await db().selectFrom('notifications').select(['user_id', 'kind', 'subject', 'body']).where('resource_id', '=', id).orderBy('created_at').orderBy('user_id').execute());
  const body = () => ({
    personIds: [person], recipient: { organisationId: org, name: 'DC Jones', role: 'Investigating officer' }, purposeId: purpose,
    reason: 'A statutory request from the police.', items: { personFields: ['givenName', 'familyName'] }, exception: { ground: 'legal_duty', reference: 'Police incident 4471/26', consentSought: false, notSoughtBecause: 'not_safe' },
  });
  const ask = async (by: TestUser) => {
    const res = await as(world, by).post('/api/disclosures', body());
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; reference: string };
  };

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    manager3 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'worker' });
    org = await makeOrganisation(world, { name: 'City Police', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
  });
  afterAll(() => world?.close());

  it('1.3 disclosure-exception: asking alerts every other manager at once; approving tells the requester to send the link; nothing confidential in either, each alert audited', async () => {
    const d = await ask(staff);
    const asked = await notificationsOf(d.id);
    expect(asked.map((n) => [n.user_id, n.kind]).sort()).toEqual([manager.id, manager2.id, manager3.id].sort().map((id) => [id, 'disclosure-approval']));
    expect(asked[0].subject).toBe(`Disclosure ${d.reference} without consent needs a manager's decision`);
    // The e-mail carries the subject and a link, never the body; a user with no address gets none.
    const mails = await db().selectFrom('email_outbox').selectAll().execute();
    for (const m of mails) expect(JSON.stringify(m)).not.toMatch(/Jo|Bloggs|4471/);
    const sent = (await auditRows(world)).filter((r) => r.action === 'notification.send' && r.resource_id === d.id);
    expect(sent.map((r) => [r.decision, JSON.parse(r.detail).kind])).toEqual([['change', 'disclosure-approval']]);
    // Under the rule and clause of the request that asked for the decision.
    const request = (await auditRows(world)).find((r) => r.action === 'disclosure.request' && r.resource_id === d.id)!;
    expect(sent.map((r) => [r.rule_id, r.clause])).toEqual([[request.rule_id, request.clause]]);
    expect(request.rule_id).not.toBeNull();

    const approved = await as(world, manager2).post(`/api/disclosures/${d.id}/approval`, { decision: 'approve', justification: 'A statutory request.', tellPerson: true });
    expect(approved.statusCode, approved.body).toBe(200);
    const told = (await notificationsOf(d.id)).filter((n) => n.kind !== 'disclosure-approval');
    expect(told).toEqual([{ user_id: staff.id, kind: 'disclosure-approved', subject: `Disclosure ${d.reference} was approved`, body: expect.stringContaining('Send the recipient the link') }]);
    for (const n of await notificationsOf(d.id)) expect(`${n.subject} ${n.body}`).not.toMatch(/Jo|Bloggs|4471|DC Jones/);
  });

  it('1.3 disclosure-exception: a manager asking is not alerted to decide their own; a refusal tells them so; a refused request alerts nobody', async () => {
    const own = await ask(manager);
    expect((await notificationsOf(own.id)).map((n) => n.user_id).sort()).toEqual([manager2.id, manager3.id].sort());
    const refused = await as(world, manager3).post(`/api/disclosures/${own.id}/approval`, { decision: 'refuse', justification: 'The request does not name a power.', tellPerson: true });
    expect(refused.statusCode, refused.body).toBe(200);
    expect((await notificationsOf(own.id)).filter((n) => n.kind === 'disclosure-refused').map((n) => n.user_id)).toEqual([manager.id]);
    // Staff off the person's team cannot ask: no disclosure, no alert.
    const before = await db().selectFrom('notifications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const outsider = await makeUser(world, ['staff']);
    const res = await as(world, outsider).post('/api/disclosures', body());
    expect(res.statusCode, res.body).toBe(404);
    expect(await db().selectFrom('notifications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });
});
