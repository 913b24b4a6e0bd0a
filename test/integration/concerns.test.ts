import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEscalations } from '../../src/safeguarding/escalation';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const MINUTE = 60_000;
const WHAT = 'Saw bruising on the forearm; the child said "dad did it"';
const DESCRIPTION = 'Girl of about 12 in the Tuesday drumming group, red coat';

/** A valid concern, described rather than named. */
const concernBody = (over: Record<string, unknown> = {}) => ({
  concernFor: 'child', personDescription: DESCRIPTION, whatHappened: WHAT, occurredAt: '2026-03-02T08:30:00Z',
  peopleInvolved: 'the child; her father at pick-up', immediateRisk: false, actionsTaken: 'Stayed with her until pick-up', ...over,
});

describe.each(dialects())('safeguarding concerns (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, manager: TestUser, staff: TestUser, otherStaff: TestUser, volunteer: TestUser, guardian: TestUser, admin: TestUser;
  let personOnTeam: string, personElsewhere: string;
  const db = () => world.services.db.kysely;
  const raise = async (user: TestUser, over: Record<string, unknown> = {}) => {
    const res = await as(world, user).post('/api/concerns', concernBody(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const entriesOf = (id: string) => db().selectFrom('concern_entries').selectAll().where('concern_id', '=', id).orderBy('at').orderBy('id').execute();
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff'], { email: 'lead@example.org' });
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    guardian = await makeUser(world, ['guardian']);
    admin = await makeUser(world, ['administrator']);
    personOnTeam = await makePerson(world);
    await makeCase(world, personOnTeam, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    personElsewhere = await makePerson(world);
    await makeCase(world, personElsewhere, { [otherStaff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: a volunteer raises a concern by description; the leads and management get an in-app alert and an e-mail in the outbox in the same transaction, and the audit records it', async () => {
    const res = await as(world, volunteer).post('/api/concerns', concernBody());
    expect(res.statusCode, res.body).toBe(201);
    const concern = res.json();
    const id = concern.data.id as string;
    expect(res.headers.location).toBe(`/api/concerns/${id}`);
    expect(concern.data).toMatchObject({ status: 'raised', concernFor: 'child', personId: null, personDescription: DESCRIPTION, whatHappened: WHAT, immediateRisk: false, raisedBy: volunteer.id });

    const alerts = await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).orderBy('user_id').execute();
    expect(alerts.map((n) => [n.user_id, n.kind])).toEqual([lead.id, manager.id].sort().map((u) => [u, 'concern-raised'])); // the leads and management at once
    const mails = await db().selectFrom('email_outbox').selectAll().execute().then((rows) => rows.filter((r) => alerts.some((n) => n.id === r.notification_id)));
    expect(mails.map((m) => m.to_address).sort()).toEqual(['lead@example.org', 'manager@example.org']);
    for (const mail of mails) {
      expect(mail).toMatchObject({ subject: 'A concern needs your attention', status: 'pending', attempts: 0 });
      expect(mail.body_text).toContain(`${world.config.publicBaseUrl}/#/concerns/${id}`);
      for (const secret of [WHAT, DESCRIPTION, 'bruising', 'drumming']) expect(mail.body_text + mail.subject).not.toContain(secret);
    }

    const audit = await auditFor(id);
    expect(audit.map((r) => [r.action, r.decision, r.rule_id, r.clause])).toEqual([
      ['concern.raise', 'allow', 'safeguarding/raise-concern', 'practice 4.1, practice 4.2'],
      ['notification.send', 'change', 'safeguarding/raise-concern', 'practice 4.1, practice 4.2'], // under the alert's rule and clause
      ['concern.alert', 'change', 'safeguarding/raise-concern', 'practice 4.1, practice 4.2'],
      ['concern.read', 'allow', 'safeguarding/raiser-own-report', 'practice 4.1, practice 4.2'],
    ]);
    expect(audit.every((r) => r.actor_id === volunteer.id && r.resource_type === 'concern')).toBe(true);
    expect(JSON.parse(audit[0].detail)).toEqual({ fields: ['actionsTaken', 'concernFor', 'immediateRisk', 'occurredAt', 'peopleInvolved', 'personDescription', 'whatHappened'] });
    expect(JSON.parse(audit[2].detail)).toEqual({ level: 0, recipients: [lead.id, manager.id].sort(), emailed: 2 });
    for (const r of audit) expect(r.detail).not.toContain('bruising');
    expect((await entriesOf(id)).map((e) => [e.kind, e.recorded_by, e.at])).toEqual([
      ['raised', volunteer.id, world.clock.now().toISOString()],
      ['alerted', null, world.clock.now().toISOString()],
    ]);
    // Without SMTP_URL the e-mail waits in the outbox, and the lead's notification says so.
    const inbox = (await as(world, lead).get('/api/notifications')).json().items;
    expect(inbox.find((n: { resourceId: string }) => n.resourceId === id).email).toEqual({ status: 'pending', sentAt: null });
  });

  it('practice 4.1 safeguarding-management, 3.5: someone who has not yet accepted the policy (a new starter, or anyone after a new version) still raises a concern — by description or naming a client on their team — and the leads and management are alerted; the answer carries its id and status, and their other work waits for acceptance', async () => {
    const newStarter = await makeUser(world, ['staff'], { accepted: false });
    await db().insertInto('case_team').values({ case_id: (await db().selectFrom('cases').select('id').where('person_id', '=', personOnTeam).executeTakeFirstOrThrow()).id, user_id: newStarter.id, team_role: 'worker', added_at: world.clock.now().toISOString(), added_by: null }).execute();
    for (const over of [{}, { personId: personOnTeam, personDescription: undefined }]) {
      const res = await as(world, newStarter).post('/api/concerns', concernBody(over));
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().data.id as string;
      expect(res.json().data).toMatchObject({ id, status: 'raised', immediateRisk: false });
      expect(res.json().alerted.people).toBeGreaterThanOrEqual(2);
      expect(await db().selectFrom('concerns').select(['id', 'raised_by']).where('id', '=', id).executeTakeFirst()).toEqual({ id, raised_by: newStarter.id });
      const alerts = await db().selectFrom('notifications').select('user_id').where('resource_id', '=', id).execute();
      expect(alerts.map((n) => n.user_id).sort()).toEqual([lead.id, manager.id].sort());
      expect((await auditFor(id)).filter((r) => r.action === 'concern.raise').map((r) => [r.actor_id, r.decision, r.rule_id])).toEqual([[newStarter.id, 'allow', 'safeguarding/raise-concern']]);
    }
    // Their other work still waits for acceptance (3.5): reading a client's record is refused under the gate.
    const read = await as(world, newStarter).get(`/api/people/${personOnTeam}`);
    expect(read.statusCode).toBe(403);
    expect(read.json().rule).toBe('agreement/not-accepted');
  });

  it('practice 4.1 safeguarding-management: naming a person the raiser may not see answers exactly like an id that does not exist (404 on body.personId) and writes nothing', async () => {
    const before = await db().selectFrom('concerns').select('id').execute();
    const hidden = await as(world, volunteer).post('/api/concerns', concernBody({ personId: personElsewhere }));
    const missing = await as(world, volunteer).post('/api/concerns', concernBody({ personId: '01966f5e-0000-7000-8000-000000000000' }));
    expect(hidden.statusCode).toBe(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined });
    expect(strip(hidden.json())).toEqual(strip(missing.json()));
    expect(hidden.json().errors).toEqual([{ path: 'body.personId', message: 'no person with that id that you may see' }]);
    expect(await db().selectFrom('concerns').select('id').execute()).toEqual(before);
    // Audited as the concern it was raising, naming the person asked for: safeguarding work, listed to management only.
    const denials = (await auditRows(world)).filter((r) => r.actor_id === volunteer.id && r.action === 'concern.raise' && r.decision === 'deny');
    expect(denials.map((r) => [r.resource_type, r.resource_id, JSON.parse(r.detail).record.id])).toEqual([['concern', null, personElsewhere], ['concern', null, '01966f5e-0000-7000-8000-000000000000']]);
    // A person they work with may be named.
    const named = await as(world, volunteer).post('/api/concerns', concernBody({ personId: personOnTeam, personDescription: undefined }));
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json().data.personId).toBe(personOnTeam);
    const raised = (await auditRows(world)).find((r) => r.action === 'concern.raise' && r.resource_id === named.json().data.id)!;
    expect(raised.subject_person_id).toBe(personOnTeam);
  });

  it('practice 4.1 safeguarding-management: bad input — a time it happened in the future (beyond a few minutes of clock skew) included — is a 400 naming each field, and nothing is written', async () => {
    const count = async () => (await db().selectFrom('concerns').select('id').execute()).length;
    const before = await count();
    const cases: [Record<string, unknown>, string[]][] = [
      [concernBody({ whatHappened: undefined }), ['body.whatHappened']],
      [concernBody({ personDescription: undefined }), ['body.personId', 'body.personDescription']],
      [concernBody({ immediateRisk: 'yes' }), ['body.immediateRisk']],
      [concernBody({ concernFor: 'adult' }), ['body.concernFor']],
      [concernBody({ occurredAt: 'last Tuesday' }), ['body.occurredAt']],
      [concernBody({ occurredAt: '2030-01-01T00:00:00Z' }), ['body.occurredAt']], // a concern says what was seen or heard
      [concernBody({ occurredAt: new Date(world.clock.now().getTime() + 6 * MINUTE).toISOString() }), ['body.occurredAt']],
      [concernBody({ personId: 'not-an-id' }), ['body.personId']],
      [{ ...concernBody(), severity: 'high' }, ['body']],
    ];
    for (const [body, paths] of cases) {
      const res = await as(world, staff).post('/api/concerns', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(paths.sort());
    }
    expect(await count()).toBe(before);
    // An administrator account is not someone working with clients: refused before anything is read.
    const refused = await as(world, admin).post('/api/concerns', concernBody());
    expect(refused.statusCode).toBe(403);
    expect(await count()).toBe(before);
    // A device a few minutes fast is not a concern about the future.
    const skewed = await as(world, await makeUser(world, ['staff'])).post('/api/concerns', concernBody({ occurredAt: new Date(world.clock.now().getTime() + 4 * MINUTE).toISOString() }));
    expect(skewed.statusCode, skewed.body).toBe(201);
  });

  it('practice 4.2 safeguarding-management: staff who did not raise a concern cannot see it (404, not listed); the raiser sees only what they wrote and its status; leads and managers see all', async () => {
    const id = await raise(staff);
    for (const outsider of [otherStaff, volunteer, guardian]) {
      const res = await as(world, outsider).get(`/api/concerns/${id}`);
      expect(res.statusCode).toBe(404);
      expect((await as(world, outsider).get('/api/concerns')).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    }
    const denied = (await auditFor(id)).filter((r) => r.decision === 'deny');
    expect(denied.map((r) => [r.actor_id, r.action, r.rule_id])).toEqual([
      [otherStaff.id, 'concern.read', 'default/deny'], [volunteer.id, 'concern.read', 'default/deny'], [guardian.id, 'concern.read', 'default/deny'],
    ]);

    const own = await as(world, staff).get(`/api/concerns/${id}`);
    expect(own.statusCode).toBe(200);
    expect(Object.keys(own.json().data).sort()).toEqual([
      'actionsTaken', 'concernFor', 'createdAt', 'id', 'immediateRisk', 'occurredAt', 'peopleInvolved', 'personDescription', 'personId',
      'raisedAt', 'raisedBy', 'status', 'updatedAt', 'version', 'whatHappened',
    ]);
    expect(own.json().restricted).toEqual([]);
    const handling = await as(world, staff).get(`/api/concerns/${id}/chronology`);
    expect(handling.statusCode).toBe(403); // the handling is not theirs to see
    const mine = (await as(world, staff).get('/api/concerns')).json().items;
    expect(mine.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(mine[0]).not.toHaveProperty('whatHappened'); // lists carry general fields only

    for (const worker of [lead, manager]) {
      const read = await as(world, worker).get(`/api/concerns/${id}`);
      expect(read.json().data.whatHappened).toBe(WHAT);
      expect((await as(world, worker).get('/api/concerns?status=raised')).json().items.map((c: { id: string }) => c.id)).toContain(id);
    }
    const leadRead = (await auditFor(id)).filter((r) => r.actor_id === lead.id && r.action === 'concern.read');
    expect(leadRead.map((r) => [r.decision, r.rule_id, r.clause])).toEqual([['allow', 'safeguarding/leads-and-management', 'practice 4.1, practice 4.2']]);
    expect(JSON.parse(leadRead[0].detail).fields.sort()).toEqual(['actionsTaken', 'peopleInvolved', 'personDescription', 'whatHappened']);
  });

  it('practice 4.3 safeguarding-concern-record: leads record facts, actions and decisions with reasons and who agreed; staff and the raiser may not; a decision without a reason is a 400', async () => {
    const id = await raise(staff);
    const fact = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'fact', text: 'School confirms two absences this month' });
    expect(fact.statusCode, fact.body).toBe(201);
    const noReason = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'decision', text: 'Refer to children\'s services', agreedWith: manager.id });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.reason']);
    const decision = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'decision', text: 'Refer to children\'s services', reason: 'Disclosure of harm by a parent', agreedWith: manager.id, agreedWithNote: 'School DSL consulted' });
    expect(decision.statusCode, decision.body).toBe(201);
    expect(decision.json()).toMatchObject({ kind: 'decision', recordedBy: lead.id, reason: 'Disclosure of harm by a parent', agreedBy: manager.id, agreedWith: null, detail: { agreedWithNote: 'School DSL consulted' } });
    // Working a raised concern acknowledges it: nobody has to click first in an emergency.
    expect((await entriesOf(id)).map((e) => e.kind)).toEqual(['raised', 'alerted', 'acknowledged', 'fact', 'decision']);
    const recorded = (await auditFor(id)).filter((r) => r.action === 'concern.record');
    expect(recorded.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, JSON.parse(r.detail).kind])).toEqual([
      [lead.id, 'allow', 'safeguarding/work-concern', 'practice 4.2, practice 4.3', 'fact'],
      [lead.id, 'allow', 'safeguarding/work-concern', 'practice 4.2, practice 4.3', 'decision'],
    ]);
    for (const r of recorded) expect(r.detail).not.toContain('absences');
    expect(JSON.parse(recorded[1].detail)).toMatchObject({ agreedBy: manager.id });

    for (const user of [staff, otherStaff]) {
      const res = await as(world, user).post(`/api/concerns/${id}/entries`, { kind: 'fact', text: 'x' });
      expect(res.statusCode).toBe(403);
    }
    // Refused by role before anything is looked up: the entry names the concern asked for (1.1), and nothing of it —
    // not the person it is about.
    const refusals = (await auditRows(world)).filter((r) => r.action === 'concern.work' && r.decision === 'deny' && JSON.parse(r.detail).route === '/api/concerns/:id/entries');
    expect(refusals.map((r) => [r.actor_id, r.rule_id, r.resource_type, r.resource_id, r.subject_person_id])).toEqual([[staff.id, 'default/deny', 'concern', id, null], [otherStaff.id, 'default/deny', 'concern', id, null]]);
    expect((await entriesOf(id)).length).toBe(5);
  });

  it('practice 4.3 safeguarding-duty-to-share: a referral to the police is recorded with the decision aid\'s answers as its reasons, without consent (Caldicott 7); the raiser is refused', async () => {
    const id = await raise(volunteer, { immediateRisk: true });
    const answers = {
      to: 'police', riskOfHarm: true, riskOfHarmReason: 'Disclosed assault by a parent', consentPossibleAndSafe: false,
      consentNote: 'Asking would alert the parent and put the child at greater risk', informationShared: 'Name, date of birth, what she said, when',
      sharedWith: 'Police child abuse investigation team, duty officer', sharedHow: 'By telephone, then the secure referral portal', personTold: false,
      agreedWith: ['Designated safeguarding lead', 'Manager on duty'],
    };
    const notSaid = await as(world, lead).post(`/api/concerns/${id}/referrals`, answers);
    expect(notSaid.statusCode).toBe(400);
    expect(notSaid.json().errors).toEqual([{ path: 'body.notToldReason', message: 'say why the person will not be told' }]);
    const missing = await as(world, lead).post(`/api/concerns/${id}/referrals`, { to: 'police' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.riskOfHarm', 'body.consentPossibleAndSafe', 'body.informationShared', 'body.sharedWith', 'body.sharedHow', 'body.personTold']));
    expect((await entriesOf(id)).map((e) => e.kind)).toEqual(['raised', 'alerted']);

    const referral = await as(world, lead).post(`/api/concerns/${id}/referrals`, { ...answers, notToldReason: 'Telling her father would put her at risk; the police will decide when she is told' });
    expect(referral.statusCode, referral.body).toBe(201);
    expect(referral.json().entry).toMatchObject({ kind: 'referral', recordedBy: lead.id, agreedWith: answers.agreedWith, detail: { to: 'police', riskOfHarm: true, consentPossibleAndSafe: false, personTold: false, disclosure: null } });
    const referred = (await auditFor(id)).find((r) => r.action === 'concern.refer')!;
    expect(referred).toMatchObject({ actor_id: lead.id, decision: 'allow', rule_id: 'safeguarding/referral', clause: 'practice 4.3' });
    expect(referred.detail).not.toContain('assault');
    expect(JSON.parse(referred.detail).answers).toContain('consentPossibleAndSafe');

    const byRaiser = await as(world, volunteer).post(`/api/concerns/${id}/referrals`, { ...answers, notToldReason: 'x' });
    expect(byRaiser.statusCode).toBe(403);
    expect((await auditRows(world)).filter((r) => r.actor_id === volunteer.id && r.action === 'concern.refer').map((r) => [r.decision, r.rule_id])).toEqual([['deny', 'default/deny']]);
    // The raiser still sees only what they wrote and its status.
    const own = (await as(world, volunteer).get(`/api/concerns/${id}`)).json().data;
    expect(own.status).toBe('acknowledged');
    expect(JSON.stringify(own)).not.toContain('police');
  });

  it('practice 4.3 safeguarding-concern-record: a manager closes a concern with its outcome and reason; a closed concern takes no more entries', async () => {
    const id = await raise(staff);
    const closed = await as(world, manager).post(`/api/concerns/${id}/close`, { outcome: 'Advice given; no referral', reason: 'No indication of harm after speaking to the school' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().data.status).toBe('closed');
    expect((await auditFor(id)).find((r) => r.action === 'concern.close')).toMatchObject({ actor_id: manager.id, decision: 'allow', rule_id: 'safeguarding/work-concern' });
    const again = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'fact', text: 'late note' });
    expect(again.statusCode).toBe(409);
    expect((await as(world, staff).get(`/api/concerns/${id}`)).json().data.status).toBe('closed');
    const byGuardian = await as(world, guardian).post(`/api/concerns/${id}/close`, { outcome: 'x', reason: 'y' });
    expect(byGuardian.statusCode).toBe(403);
  });
  it('practice 4.1 safeguarding-management: the answer to raising says how many were alerted; the leads\' inbox lists open concerns with immediate risk first, then the oldest; the raiser\'s own view lists only theirs; `can` says who may work and refer', async () => {
    world.clock.advance(MINUTE);
    const raised = await as(world, otherStaff).post('/api/concerns', concernBody());
    expect(raised.statusCode, raised.body).toBe(201);
    expect(raised.json().alerted).toEqual({ roles: ['safeguarding_lead', 'manager'], people: 2, emailed: 2, emailHeld: true, notSetUp: 0 }); // the one lead and the one manager; their e-mails wait (no SMTP_URL)
    expect(raised.json().can).toEqual({ work: false, settle: false, refer: false, releaseAtOnce: false }); // the raiser (staff) works nothing
    const calm = raised.json().data.id as string;
    world.clock.advance(MINUTE);
    const urgent = await raise(otherStaff, { immediateRisk: true });
    world.clock.advance(MINUTE);
    const later = await raise(staff);

    const inbox = (await as(world, lead).get('/api/concerns?view=inbox&limit=200')).json();
    const order = inbox.items.map((c: { id: string }) => c.id).filter((id: string) => [calm, urgent, later].includes(id));
    expect(order).toEqual([urgent, calm, later]);
    expect(inbox.items.every((c: { status: string }) => c.status !== 'closed')).toBe(true);
    const risks = inbox.items.map((c: { immediateRisk: boolean }) => c.immediateRisk);
    expect(risks).toEqual([...risks].sort((a: boolean, b: boolean) => Number(b) - Number(a))); // every urgent one first
    expect(inbox.names[otherStaff.id]).toBe(otherStaff.username); // the raiser's display name
    expect(inbox.items[0].whatHappened).toBeUndefined(); // lists carry general fields only
    // Paged by cursor in the same order.
    const first = (await as(world, lead).get('/api/concerns?view=inbox&limit=1')).json();
    const second = (await as(world, lead).get(`/api/concerns?view=inbox&limit=1&cursor=${first.nextCursor}`)).json();
    expect([first.items[0].id, second.items[0].id]).toEqual(inbox.items.slice(0, 2).map((c: { id: string }) => c.id));

    const mine = (await as(world, otherStaff).get('/api/concerns?view=mine')).json().items.map((c: { id: string }) => c.id);
    expect(mine).toEqual([urgent, calm]); // newest first, theirs only
    expect((await as(world, lead).get('/api/concerns?view=mine')).json().items).toEqual([]); // the lead raised none
    // A staff member's inbox view is still only their own (the filter is the policy's, not the view's).
    expect((await as(world, otherStaff).get('/api/concerns?view=inbox')).json().items.map((c: { id: string }) => c.id).sort()).toEqual([calm, urgent].sort());

    expect((await as(world, lead).get(`/api/concerns/${calm}`)).json().can).toEqual({ work: true, settle: true, refer: true, releaseAtOnce: false });
    expect((await as(world, manager).get(`/api/concerns/${calm}`)).json().can).toEqual({ work: true, settle: true, refer: true, releaseAtOnce: true });
    const chronology = (await as(world, lead).get(`/api/concerns/${calm}/chronology`)).json();
    expect(chronology.names).toEqual({ [otherStaff.id]: otherStaff.username, [lead.id]: lead.username, [manager.id]: manager.username }); // the raiser and who was alerted
  });
  it('practice 4.2 safeguarding-management (safeguarding/not-own-concern): a lead who raised a concern records what they know but cannot acknowledge or close it — 403, audited, nothing changed, its escalation still running; a manager does', async () => {
    const ownLead = await makeUser(world, ['safeguarding_lead', 'staff']);
    const id = await raise(ownLead, { immediateRisk: true });
    const status = async () => (await db().selectFrom('concerns').select(['status', 'next_escalation_at']).where('id', '=', id).executeTakeFirstOrThrow());
    const before = await status();
    for (const [path, body, action] of [['acknowledge', {}, 'concern.acknowledge'], ['close', { outcome: 'Nothing happened', reason: 'Resolved' }, 'concern.close']] as const) {
      const res = await as(world, ownLead).post(`/api/concerns/${id}/${path}`, body);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ rule: 'safeguarding/not-own-concern', clause: 'practice 4.1, practice 4.2' });
      expect((await auditFor(id)).at(-1)).toMatchObject({ action, decision: 'deny', rule_id: 'safeguarding/not-own-concern', actor_id: ownLead.id, resource_type: 'concern' });
    }
    // What they know goes in the chronology; that does not acknowledge it for them.
    const fact = await as(world, ownLead).post(`/api/concerns/${id}/entries`, { kind: 'fact', text: 'I saw it happen at 4pm.' });
    expect(fact.statusCode, fact.body).toBe(201);
    expect(await status()).toEqual(before);
    expect(before.status).toBe('raised');
    const acknowledged = await as(world, manager).post(`/api/concerns/${id}/acknowledge`, {});
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
    expect((await auditFor(id)).filter((r) => r.action === 'concern.acknowledge').map((r) => [r.actor_id, r.decision, r.rule_id])).toEqual([
      [ownLead.id, 'deny', 'safeguarding/not-own-concern'], [manager.id, 'allow', 'safeguarding/work-concern'],
    ]);
    const closed = await as(world, manager).post(`/api/concerns/${id}/close`, { outcome: 'Reported to the designated lead', reason: 'Handled' });
    expect(closed.statusCode, closed.body).toBe(200);
  });

});

describe.each(dialects())('safeguarding escalation on the injected clock (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, manager: TestUser, volunteer: TestUser;
  const db = () => world.services.db.kysely;
  const raise = async (user: TestUser, over: Record<string, unknown> = {}) => {
    const res = await as(world, user).post('/api/concerns', concernBody(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };
  const entriesOf = (id: string) => db().selectFrom('concern_entries').selectAll().where('concern_id', '=', id).orderBy('at').orderBy('id').execute();
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);

  beforeAll(async () => {
    // Sessions outlive the hours this test moves the clock through.
    world = await createWorld(dialect, { sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    lead = await makeUser(world, ['safeguarding_lead'], { email: 'lead@example.org' });
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    volunteer = await makeUser(world, ['volunteer']);
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: an unacknowledged concern reminds the leads and management it alerted at once, on the injected clock, immediate risk sooner, and acknowledging stops it', async () => {
    const normal = await raise(volunteer);
    const urgent = await raise(volunteer, { immediateRisk: true });
    const notified = async (id: string, kind: string) => (await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).where('kind', '=', kind).execute());
    const escalatedTo = async (id: string) => (await notified(id, 'concern-escalated')).map((n) => n.user_id).sort();
    for (const id of [normal, urgent]) expect((await notified(id, 'concern-raised')).map((n) => n.user_id).sort()).toEqual([lead.id, manager.id].sort()); // both at once

    world.clock.advance(14 * MINUTE);
    expect(await runEscalations(world.services)).toEqual([]);
    world.clock.advance(1 * MINUTE); // 15 minutes: SAFEGUARDING_URGENT_ESCALATE_MINUTES
    expect(await runEscalations(world.services)).toEqual([urgent]);
    expect(await escalatedTo(urgent)).toEqual([lead.id, manager.id].sort()); // the same people, reminded
    expect((await notified(urgent, 'concern-escalated')).map((n) => n.subject)).toEqual(Array(2).fill('Urgent, someone may be at risk now. Reminder: a concern has not been acknowledged and needs your attention'));
    expect(await escalatedTo(normal)).toEqual([]);
    const escalation = (await auditFor(urgent)).find((r) => r.action === 'concern.escalate')!;
    expect(escalation).toMatchObject({ actor_id: 'system', decision: 'change', rule_id: 'safeguarding/raise-concern', clause: 'practice 4.1, practice 4.2', at: world.clock.now().toISOString(), request_id: 'job:safeguarding-escalation' });
    expect(JSON.parse(escalation.detail)).toMatchObject({ level: 1, recipients: [lead.id, manager.id].sort(), emailed: 2 });
    expect((await entriesOf(urgent)).map((e) => e.kind)).toEqual(['raised', 'alerted', 'escalated']);

    const ack = await as(world, lead).post(`/api/concerns/${urgent}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().data.status).toBe('acknowledged');
    const acked = (await auditFor(urgent)).find((r) => r.action === 'concern.acknowledge')!;
    expect(acked).toMatchObject({ actor_id: lead.id, decision: 'allow', rule_id: 'safeguarding/work-concern', clause: 'practice 4.2, practice 4.3' });
    expect((await as(world, lead).post(`/api/concerns/${urgent}/acknowledge`)).statusCode).toBe(409);

    world.clock.advance(45 * MINUTE); // 60 minutes: SAFEGUARDING_ESCALATE_MINUTES
    expect(await runEscalations(world.services)).toEqual([normal]);
    world.clock.advance(60 * MINUTE);
    expect(await runEscalations(world.services)).toEqual([normal]); // the second and last escalation
    world.clock.advance(24 * 60 * MINUTE);
    expect(await runEscalations(world.services)).toEqual([]);
    expect((await entriesOf(urgent)).map((e) => e.kind)).toEqual(['raised', 'alerted', 'escalated', 'acknowledged']);
    const chronology = (await as(world, manager).get(`/api/concerns/${normal}/chronology`)).json();
    expect(chronology.handling).toMatchObject({ status: 'raised', escalationLevel: 2, nextEscalationAt: null, acknowledgedAt: null });
    // The raiser sees only the status change, and is told in the app.
    expect((await as(world, volunteer).get(`/api/concerns/${urgent}`)).json().data.status).toBe('acknowledged');
    expect((await db().selectFrom('notifications').select('kind').where('user_id', '=', volunteer.id).where('resource_id', '=', urgent).execute()).map((n) => n.kind)).toEqual(['concern-acknowledged']);
  });


});

/**
 * Practice 4.1: "Any concerns regarding child or vulnerable adult protection shall be brought to the attention of
 * management for their immediate action." A new concern reaches every active lead and every active manager at once —
 * not management only after nobody acknowledged it — never the raiser, and someone holding both roles once.
 */
describe.each(dialects())('a new concern reaches the leads and management at once (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, lead2: TestUser, manager: TestUser, manager2: TestUser, both: TestUser, staff: TestUser, guardian: TestUser;
  let goneLead: TestUser, goneManager: TestUser;
  const db = () => world.services.db.kysely;
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);
  const alertsOf = async (id: string, kind: string) => (await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).where('kind', '=', kind).execute()).map((n) => n.user_id).sort();

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    lead = await makeUser(world, ['safeguarding_lead', 'staff'], { email: 'lead@example.org' });
    lead2 = await makeUser(world, ['safeguarding_lead']);
    manager = await makeUser(world, ['manager'], { email: 'manager@example.org' });
    manager2 = await makeUser(world, ['manager']);
    both = await makeUser(world, ['safeguarding_lead', 'manager'], { email: 'both@example.org' });
    staff = await makeUser(world, ['staff']);
    guardian = await makeUser(world, ['guardian']);
    goneLead = await makeUser(world, ['safeguarding_lead']);
    goneManager = await makeUser(world, ['manager']);
    await db().updateTable('users').set({ active: 0 }).where('id', 'in', [goneLead.id, goneManager.id]).execute();
  });
  afterAll(() => world.close());

  it('practice 4.1 safeguarding-management: a new concern reaches every active lead and every active manager at once — never the raiser, someone both lead and manager once — the audit names them all, and reminders go to the same people', async () => {
    const raised = await as(world, staff).post('/api/concerns', concernBody({ immediateRisk: true }));
    expect(raised.statusCode, raised.body).toBe(201);
    const id = raised.json().data.id as string;
    const everyone = [lead.id, lead2.id, manager.id, manager2.id, both.id].sort();
    // The answer says who was alerted, as it is: through both roles, five people, three e-mails waiting (no SMTP_URL).
    expect(raised.json().alerted).toEqual({ roles: ['safeguarding_lead', 'manager'], people: 5, emailed: 3, emailHeld: true, notSetUp: 0 });

    // One in-app alert each, at once: the one who is both lead and manager once; nobody inactive, no guardian, not the raiser.
    const rows = await db().selectFrom('notifications').selectAll().where('resource_id', '=', id).execute();
    expect(rows.map((n) => n.user_id).sort()).toEqual(everyone);
    expect(rows.every((n) => n.kind === 'concern-raised' && n.created_at === world.clock.now().toISOString())).toBe(true);
    for (const absent of [staff, guardian, goneLead, goneManager]) expect(rows.map((n) => n.user_id)).not.toContain(absent.id);
    const mails = (await db().selectFrom('email_outbox').selectAll().execute()).filter((m) => rows.some((n) => n.id === m.notification_id));
    expect(mails.map((m) => m.to_address).sort()).toEqual(['both@example.org', 'lead@example.org', 'manager@example.org']);

    // The audit: concern.alert names every recipient, under the alert's rule and clause, at the moment it was raised.
    const audit = await auditFor(id);
    const alert = audit.filter((r) => r.action === 'concern.alert');
    expect(alert.map((r) => [r.actor_id, r.decision, r.rule_id, r.clause, r.resource_type, r.at])).toEqual([
      [staff.id, 'change', 'safeguarding/raise-concern', 'practice 4.1, practice 4.2', 'concern', world.clock.now().toISOString()],
    ]);
    expect(JSON.parse(alert[0].detail)).toEqual({ level: 0, recipients: everyone, emailed: 3 });
    const sent = audit.filter((r) => r.action === 'notification.send');
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].detail).recipients.sort()).toEqual(everyone);
    const entry = await db().selectFrom('concern_entries').selectAll().where('concern_id', '=', id).where('kind', '=', 'alerted').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail as string)).toMatchObject({ level: 0, recipients: everyone });

    // Still unacknowledged when its time is up: the same people are reminded, nobody new, and it is audited.
    world.clock.advance(world.config.safeguardingUrgentEscalateMinutes * MINUTE);
    expect(await runEscalations(world.services)).toEqual([id]);
    expect(await alertsOf(id, 'concern-escalated')).toEqual(everyone);
    const reminder = (await auditFor(id)).filter((r) => r.action === 'concern.escalate');
    expect(reminder.map((r) => [r.actor_id, r.rule_id])).toEqual([['system', 'safeguarding/raise-concern']]);
    expect(JSON.parse(reminder[0].detail)).toEqual({ level: 1, recipients: everyone, emailed: 3 });
  });

  it('practice 4.1 safeguarding-management: a concern raised by a lead who is also a manager, or by a manager, alerts every other lead and manager at once and never its raiser', async () => {
    for (const [raiser, expected] of [
      [both, [lead.id, lead2.id, manager.id, manager2.id]],
      [manager, [lead.id, lead2.id, manager2.id, both.id]],
      [lead, [lead2.id, manager.id, manager2.id, both.id]],
    ] as const) {
      const res = await as(world, raiser).post('/api/concerns', concernBody());
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().data.id as string;
      expect(res.json().alerted).toMatchObject({ roles: ['safeguarding_lead', 'manager'], people: 4 });
      expect(await alertsOf(id, 'concern-raised')).toEqual([...expected].sort());
      const alert = (await auditFor(id)).filter((r) => r.action === 'concern.alert');
      expect(alert.map((r) => [r.actor_id, r.rule_id])).toEqual([[raiser.id, 'safeguarding/raise-concern']]);
      expect(JSON.parse(alert[0].detail).recipients).toEqual([...expected].sort());
      expect(JSON.parse(alert[0].detail).recipients).not.toContain(raiser.id);
    }
  });
});
