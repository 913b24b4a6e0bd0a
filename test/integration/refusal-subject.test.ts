import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventRow } from '../../src/db/schema';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { as, insertPurpose, insertReleasedDisclosure, makeCase, makeOrganisation, makePerson, makeUser, multipartFile, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/**
 * A request refused at the pipeline's policy gate — the role may not do this at all, decided before the record is
 * read — is audited naming the person the record is about (1.1, 3.1), so the attempt is listed in that person's
 * "who has seen" log as a refusal met later by need to know is. The answer does not change: the same 403 whether the
 * record exists or not, so nothing can be probed (3.4). Safeguarding work names no one (practice 4.1).
 */

interface LogItem {
  actor: { id: string } | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  decision: string;
  rule: string | null;
  clause: string | null;
}

const RANDOM_ID = '01966f5e-0000-7000-8000-00000000beef';

describe.each(dialects())('refusals at the policy gate name the person they were about (%s)', (dialect) => {
  let world: World;
  let manager: TestUser;
  let guardian: TestUser;
  let staff: TestUser;
  let volunteer: TestUser;
  let student: TestUser;
  let alex: string;
  let caseId: string;
  let meetingId: string;
  let disclosureId: string;
  let concernId: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    student = await makeUser(world, ['student']);
    alex = await makePerson(world, { givenName: 'Alex', familyName: 'Morgan' });
    caseId = await makeCase(world, alex, { [staff.id]: 'lead' });
    const meeting = await as(world, staff).post('/api/meetings', {
      about: 'person', personId: alex, title: 'Review with the school', heldAt: '2026-03-01T10:00:00Z', notes: 'Agreed a plan.',
      notesClassification: 'personal', userIds: [staff.id], external: [],
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    meetingId = meeting.json().data.id;
    const purposeId = await insertPurpose(world, { name: 'Support planning', guardianId: guardian.id, createdBy: manager.id });
    const orgId = await makeOrganisation(world);
    disclosureId = await insertReleasedDisclosure(world, {
      personId: alex, basis: 'consent', releasedAt: world.clock.now().toISOString(), purposeId, orgId, requestedBy: staff.id, releasedBy: staff.id,
    });
    const concern = await as(world, staff).post('/api/concerns', { concernFor: 'child', personId: alex, whatHappened: 'Seen upset at the session', occurredAt: '2026-03-02T08:30:00Z', immediateRisk: false });
    expect(concern.statusCode, concern.body).toBe(201);
    concernId = concern.json().data.id;
  }, 60_000);
  afterAll(() => world.close());

  /** The audit entries written while `run` ran, oldest first. */
  async function entriesOf(run: () => Promise<unknown>): Promise<AuditEventRow[]> {
    const db = world.services.db.kysely;
    const head = await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    await run();
    return db.selectFrom('audit_events').selectAll().where('seq', '>', Number(head?.seq ?? 0)).orderBy('seq').execute();
  }

  /** Alex's "who has seen" log as `reader` sees it. */
  async function logOf(reader: TestUser): Promise<LogItem[]> {
    const res = await as(world, reader).get(`/api/people/${alex}/access-log?limit=200`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  }

  /** A problem answer without its request id (`instance`), which differs on every request. */
  const answer = (res: LightMyRequestResponse) => {
    const { instance, ...rest } = res.json();
    expect(typeof instance).toBe('string');
    return { status: res.statusCode, type: res.headers['content-type'], body: rest };
  };

  /**
   * Sends `call` for the real record and for an id nothing has: both answer the same 403. Returns the refusal's one
   * audit entry, after checking it is the gate's — the action, deny, the rule and clause the answer names, the route.
   */
  async function refusedAtGate(action: string, url: string, call: (id: string) => Promise<LightMyRequestResponse>, id: string) {
    let res: LightMyRequestResponse | undefined;
    const entries = await entriesOf(async () => {
      res = await call(id);
    });
    const missing = await call(RANDOM_ID);
    expect(res!.statusCode, res!.body).toBe(403);
    expect(answer(res!)).toEqual(answer(missing));
    expect(entries).toHaveLength(1);
    const [row] = entries;
    expect(row).toMatchObject({ action, decision: 'deny', rule_id: res!.json().rule, clause: res!.json().clause });
    expect(row.rule_id).toEqual(expect.any(String));
    expect(row.clause).toEqual(expect.any(String));
    expect(JSON.parse(row.detail)).toEqual({ route: url });
    return row;
  }

  /** The refusal as Alex's log lists it to `reader`. */
  async function listed(reader: TestUser, row: AuditEventRow) {
    return (await logOf(reader)).find((i) => i.actor?.id === row.actor_id && i.action === row.action && i.resourceId === row.resource_id && i.decision === 'deny');
  }

  it('3.1 monitoring-and-review, 1.1: a volunteer, a student and the guardian refused a meeting about Alex are listed in his access log to a manager and the guardian', async () => {
    for (const user of [volunteer, student, guardian]) {
      const row = await refusedAtGate('meeting.read', '/api/meetings/:id', (id) => as(world, user).get(`/api/meetings/${id}`), meetingId);
      expect(row).toMatchObject({ actor_id: user.id, rule_id: 'default/deny', resource_type: 'meeting', resource_id: meetingId, subject_person_id: alex });
      for (const reader of [manager, guardian]) {
        expect(await listed(reader, row), `${user.username} as read by ${reader.username}`).toMatchObject({
          action: 'meeting.read', decision: 'deny', rule: 'default/deny', clause: row.clause, resourceType: 'meeting', resourceId: meetingId,
        });
      }
    }
  });

  it('3.1 monitoring-and-review, 1.1: a student refused the list of Alex\'s meetings is listed in his access log', async () => {
    const row = await refusedAtGate('meeting.read', '/api/people/:id/meetings', (id) => as(world, student).get(`/api/people/${id}/meetings`), alex);
    expect(row).toMatchObject({ resource_type: 'person', resource_id: alex, subject_person_id: alex });
    expect(await listed(manager, row)).toMatchObject({ resourceType: 'person', rule: row.rule_id, clause: row.clause });
  });

  it('3.1 monitoring-and-review, 4.3: the guardian and a volunteer refused a disclosure pack, and a student refused its acknowledgement link, are listed in Alex\'s access log', async () => {
    for (const user of [guardian, volunteer]) {
      const row = await refusedAtGate('disclosure.pack', '/api/disclosures/:id/pack.json', (id) => as(world, user).get(`/api/disclosures/${id}/pack.json`), disclosureId);
      expect(row).toMatchObject({ resource_type: 'disclosure', resource_id: disclosureId, subject_person_id: alex });
      expect(await listed(guardian, row)).toMatchObject({ resourceType: 'disclosure', rule: row.rule_id, clause: row.clause });
    }
    const link = await refusedAtGate('disclosure.release', '/api/disclosures/:id/acknowledgement-link', (id) => as(world, student).post(`/api/disclosures/${id}/acknowledgement-link`, {}), disclosureId);
    expect(link).toMatchObject({ resource_type: 'disclosure', resource_id: disclosureId, subject_person_id: alex });
    expect(await listed(manager, link)).toMatchObject({ action: 'disclosure.release', decision: 'deny' });
  });

  it('3.1 monitoring-and-review, 4.3: a volunteer refused a disclosure request naming Alex in its body is audited against Alex and listed in his access log', async () => {
    const row = await refusedAtGate('disclosure.request', '/api/disclosures', (id) => as(world, volunteer).post('/api/disclosures', { personIds: [id] }), alex);
    expect(row).toMatchObject({ resource_type: 'person', resource_id: alex, subject_person_id: alex });
    expect(await listed(manager, row)).toMatchObject({ resourceType: 'person', resourceId: alex, rule: row.rule_id, clause: row.clause });
    expect(await listed(guardian, row)).toBeDefined();
  });

  it('3.1 monitoring-and-review, practice 3: a volunteer refused recording a meeting about Alex\'s case is audited against the case, naming Alex', async () => {
    const row = await refusedAtGate('meeting.record', '/api/meetings', (id) => as(world, volunteer).post('/api/meetings', { about: 'case', caseId: id }), caseId);
    expect(row).toMatchObject({ resource_type: 'case', resource_id: caseId, subject_person_id: alex });
    expect(await listed(manager, row)).toMatchObject({ resourceType: 'case', resourceId: caseId });
  });

  it('3.1 monitoring-and-review, practice 4.2: a volunteer refused emergency access to Alex is listed in his access log; a type the route does not take names nothing', async () => {
    const row = await refusedAtGate('breakglass.open', '/api/access/break-glass', (id) => as(world, volunteer).post('/api/access/break-glass', { resourceType: 'person', resourceId: id, reason: 'x' }), alex);
    expect(row).toMatchObject({ resource_type: 'person', resource_id: alex, subject_person_id: alex });
    expect(await listed(guardian, row)).toBeDefined();
    const odd = await refusedAtGate('breakglass.open', '/api/access/break-glass', (id) => as(world, volunteer).post('/api/access/break-glass', { resourceType: 'concern', resourceId: id }), concernId);
    expect(odd).toMatchObject({ resource_type: null, resource_id: null, subject_person_id: null });
  });

  it('3.1 monitoring-and-review, 3.4: a volunteer refused an upload to Alex\'s case (refused before the unit of work) is listed in his access log', async () => {
    const upload = (id: string) => {
      const file = multipartFile(Buffer.from('%PDF-1.4 test'));
      return world.app.inject({
        method: 'POST', url: `/api/cases/${id}/attachments`, payload: file.payload,
        headers: { 'content-type': file.contentType, cookie: `${SESSION_COOKIE}=${volunteer.cookie}`, 'x-csrf-token': volunteer.csrf },
      });
    };
    const row = await refusedAtGate('attachment.create', '/api/cases/:caseId/attachments', upload, caseId);
    expect(row).toMatchObject({ resource_type: 'case', resource_id: caseId, subject_person_id: alex });
    expect(await listed(manager, row)).toBeDefined();
  });

  it('3.4 need-to-know, 1.1: a refusal at the gate on an id nothing has names no one, and answers exactly as for a real record', async () => {
    const row = await refusedAtGate('meeting.read', '/api/meetings/:id', (id) => as(world, volunteer).get(`/api/meetings/${id}`), RANDOM_ID);
    expect(row).toMatchObject({ resource_type: 'meeting', resource_id: RANDOM_ID, subject_person_id: null });
    const person = await refusedAtGate('disclosure.request', '/api/disclosures', (id) => as(world, volunteer).post('/api/disclosures', { personIds: [id] }), RANDOM_ID);
    expect(person).toMatchObject({ resource_type: 'person', resource_id: RANDOM_ID, subject_person_id: null });
  });

  it('practice 4.1 safeguarding-to-management: a refusal at the gate on a concern about Alex, or on a disclosure a referral made, does not name him', async () => {
    const row = await refusedAtGate('concern.work', '/api/concerns/:id/chronology', (id) => as(world, volunteer).get(`/api/concerns/${id}/chronology`), concernId);
    expect(row).toMatchObject({ resource_type: 'concern', resource_id: concernId, subject_person_id: null });
    expect(await listed(manager, row)).toBeUndefined();
    expect((await logOf(guardian)).some((i) => i.resourceType === 'concern')).toBe(false);

    const purposeId = await insertPurpose(world, { name: 'Safeguarding referrals', guardianId: guardian.id, createdBy: manager.id });
    const referral = await insertReleasedDisclosure(world, {
      personId: alex, basis: 'exception', releasedAt: world.clock.now().toISOString(), purposeId, orgId: await makeOrganisation(world), requestedBy: manager.id, releasedBy: manager.id,
    });
    await world.services.db.kysely.updateTable('disclosures').set({ concern_id: concernId }).where('id', '=', referral).execute();
    const pack = await refusedAtGate('disclosure.pack', '/api/disclosures/:id/pack.json', (id) => as(world, volunteer).get(`/api/disclosures/${id}/pack.json`), referral);
    expect(pack).toMatchObject({ resource_type: 'disclosure', resource_id: referral, subject_person_id: null });
    expect(await listed(manager, pack)).toBeUndefined();
  });
});
