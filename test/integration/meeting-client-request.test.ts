import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../src/db/connect';
import { DETAIL_BEFORE_0027 } from '../../src/db/migrations/0027_meeting_client_request';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { freshAddress } from '../support/sign-in';
import { createPgSchema, createWorld, dialects, type World } from '../support/world';

const NEED_TO_KNOW = '3.3, 3.4, 4.2';
const SESSION_CLAUSE = 'practice 1, practice 2';
const ASKED = 'Jo asked at the end of the session on 28 February, with their mum present, for what they said to go to their GP.';
type Res = Awaited<ReturnType<ReturnType<typeof as>['get']>>;
type Attendee = { id: string; kind: string; role: string };

/**
 * Practice 2: session details go to no third party "without exception unless the client concerned specifically
 * requests this". A meeting records that request as a disclosure does — how and when the client asked, who recorded
 * it and when — and its session notes go to an attendee only with it. 3.4: recording a meeting about a person the
 * caller sees but does not work with is refused (403), not answered as missing.
 */
describe.each(dialects())('a meeting records how and when the client asked for their session details to be passed on, practice 2 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, granted: TestUser, glass: TestUser, manager: TestUser, outsider: TestUser, caseGranted: TestUser;
  let person: string, caseId: string, otherPerson: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'meetings' | 'meeting_attendees') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const stored = (id: string) => db().selectFrom('meetings').select(['client_request_detail', 'client_request_recorded_by', 'client_request_recorded_at']).where('id', '=', id).executeTakeFirstOrThrow();
  /** The audit entries a call added: action, decision, rule, clause, resource type and id, subject, actor and detail. */
  async function audited(call: () => Promise<unknown>) {
    const before = (await auditRows(world)).length;
    await call();
    return (await auditRows(world)).slice(before).map((r) => [r.action, r.decision, r.rule_id, r.clause, r.resource_type, r.resource_id, r.subject_person_id, r.actor_id, JSON.parse(r.detail)]);
  }
  const meeting = (over: Record<string, unknown> = {}) => ({
    about: 'case', caseId, title: 'Review with the GP', heldAt: '2026-03-01T10:00:00Z', notes: 'What Jo said in the session about home.',
    notesClassification: 'session', userIds: [staff.id], external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }],
    ...over,
  });
  async function record(over: Record<string, unknown> = {}) {
    const res = await as(world, staff).post('/api/meetings', meeting(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data as { id: string; attendees: Attendee[]; clientRequest: unknown };
  }
  const gpOf = (m: { attendees: Attendee[] }) => m.attendees.find((a) => a.kind === 'external')!.id;
  const acknowledge = (id: string, attendeeId: string) => as(world, staff).post(`/api/meetings/${id}/attendees/${attendeeId}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:05:00Z' });
  async function grant(user: TestUser, on: { person_id: string | null; case_id: string | null }) {
    const now = world.clock.now();
    await db().insertInto('access_grants').values({
      id: newId(), user_id: user.id, kind: 'request', resource_type: on.person_id ? 'person' : 'case', resource_id: (on.person_id ?? on.case_id)!, ...on, organisation_id: null,
      classifications: JSON.stringify(['personal']), reason: 'covering for a colleague', status: 'approved', requested_at: now.toISOString(), requested_hours: 72,
      decided_by: manager.id, decided_at: now.toISOString(), decision_note: null, expires_at: new Date(now.getTime() + 72 * 3_600_000).toISOString(),
      revoked_at: null, revoked_by: null, review_status: null, reviewed_by: null, reviewed_at: null, review_note: null,
    }).execute();
  }

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 24 * 60, breakGlassMinutes: 60 });
    staff = await makeUser(world, ['staff']);
    granted = await makeUser(world, ['staff']);
    glass = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    outsider = await makeUser(world, ['staff']);
    caseGranted = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    otherPerson = await makePerson(world, { givenName: 'Ali', familyName: 'Other' });
    await makeCase(world, otherPerson, { [outsider.id]: 'lead' });
    await grant(granted, { person_id: person, case_id: null });
    await grant(caseGranted, { person_id: null, case_id: caseId });
    const broke = await as(world, glass).post('/api/access/break-glass', { resourceType: 'person', resourceId: person, reason: 'Jo collapsed at the session, need emergency contacts now' });
    expect(broke.statusCode, broke.body).toBeLessThan(300);
  });
  afterAll(() => world.close());

  it('practice 2 session-staff-team-only: the client\'s request is recorded with how and when they asked (trimmed), who recorded it and when; the team reads it; the audit says it was recorded, not what it says; the session notes then go to an attendee who acknowledged', async () => {
    let m!: Awaited<ReturnType<typeof record>>;
    const entries = await audited(async () => (m = await record({ clientRequest: { detail: `  ${ASKED}\n` } })));
    const request = { detail: ASKED, recordedBy: staff.id, recordedAt: world.clock.now().toISOString() };
    expect(m.clientRequest).toEqual(request);
    expect(await stored(m.id)).toEqual({ client_request_detail: ASKED, client_request_recorded_by: staff.id, client_request_recorded_at: world.clock.now().toISOString() });
    expect(entries).toEqual([['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3', 'meeting', m.id, person, staff.id, {
      about: 'case', classification: 'session', users: 1, userRoles: ['staff'], external: ['health_professional'], clientRequested: true,
    }]]);
    expect(JSON.stringify(entries)).not.toContain('GP.'); // the request's words stay out of the audit chain
    const read = await as(world, staff).get(`/api/meetings/${m.id}`);
    expect(read.json().data.clientRequest).toEqual(request);
    expect('clientRequestedSharing' in read.json().data).toBe(false);
    // Others than the team do not read the notes, nor the request with them.
    const hidden = await as(world, outsider).get(`/api/meetings/${m.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('mum present');

    const gp = gpOf(m);
    expect((await acknowledge(m.id, gp)).statusCode).toBe(200);
    let shared!: Res;
    const share = await audited(async () => (shared = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp })));
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toMatchObject({ marking: 'CONFIDENTIAL', meeting: { notes: 'What Jo said in the session about home.' } });
    expect(share).toEqual([['meeting.share', 'allow', 'meetings/share-after-acknowledgement', 'practice 3', 'meeting', m.id, person, staff.id, {
      attendeeId: gp, classification: 'session', clientRequested: true, sha256: shared.json().sha256,
    }]]);
  });

  it('practice 2 session-staff-team-only: without the client\'s request, sharing session notes with an attendee who acknowledged is 403 naming rule meetings/session-never-external, its clause and the meeting\'s clientRequest.detail — audited, nothing written, nothing of the notes in the answer', async () => {
    const m = await record();
    expect(m.clientRequest).toBeNull();
    expect(await stored(m.id)).toEqual({ client_request_detail: null, client_request_recorded_by: null, client_request_recorded_at: null });
    expect((await auditRows(world)).filter((r) => r.resource_id === m.id).map((r) => JSON.parse(r.detail).clientRequested)).toEqual([false]);
    const gp = gpOf(m);
    expect((await acknowledge(m.id, gp)).statusCode).toBe(200);
    const attendeeBefore = await db().selectFrom('meeting_attendees').selectAll().where('id', '=', gp).executeTakeFirstOrThrow();
    let refused!: Res;
    const entries = await audited(async () => (refused = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp })));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      status: 403, rule: 'meetings/session-never-external', clause: SESSION_CLAUSE, detail: expect.stringContaining('unless the client asked'),
      errors: [{ path: 'meeting.clientRequest.detail', message: expect.stringContaining('practice 2') }],
    });
    expect(refused.body).not.toContain('What Jo said');
    expect(entries).toEqual([['meeting.share', 'deny', 'meetings/session-never-external', SESSION_CLAUSE, 'meeting', m.id, person, staff.id, { attendeeId: gp, classification: 'session', clientRequested: false }]]);
    expect(await db().selectFrom('meeting_attendees').selectAll().where('id', '=', gp).executeTakeFirstOrThrow()).toEqual(attendeeBefore);
  });

  it('practice 2 session-staff-team-only: through the one-time link, session notes go once the client\'s request is recorded (the issuer\'s decision, audited) and are withheld with the rule without it', async () => {
    const viaLink = async (over: Record<string, unknown>) => {
      const m = await record(over);
      const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${gpOf(m)}/acknowledgement-link`, {});
      expect(link.statusCode, link.body).toBe(201);
      const token = new URL(link.json().url).pathname.split('/').at(-1)!;
      const res = await world.app.inject({ method: 'POST', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: freshAddress(), payload: { typedName: 'Dr A. Nurse', date: '2026-03-02' } });
      expect(res.statusCode, res.body).toBe(200);
      const share = (await auditRows(world)).filter((r) => r.resource_id === m.id && r.action === 'meeting.share');
      return { m, res, share: share.map((r) => [r.decision, r.rule_id, r.clause, r.actor_id, JSON.parse(r.detail).clientRequested ?? null]) };
    };
    const asked = await viaLink({ clientRequest: { detail: ASKED } });
    expect(asked.res.json()).toMatchObject({ acknowledged: true, withheld: null, notes: { meeting: { notes: 'What Jo said in the session about home.' } } });
    expect(asked.share).toEqual([['allow', 'meetings/share-after-acknowledgement', 'practice 3', staff.id, null]]);
    const notAsked = await viaLink({});
    expect(notAsked.res.json()).toMatchObject({ notes: null, pdf: null, withheld: { rule: 'meetings/session-never-external', clause: SESSION_CLAUSE } });
    expect(notAsked.res.body).not.toContain('What Jo said');
    expect(notAsked.share).toEqual([['deny', 'meetings/session-never-external', SESSION_CLAUSE, staff.id, null]]);
  });

  it('practice 2 session-staff-team-only: a request without its detail, a blank or too long detail, the old yes/no flag, or a request on notes that are not session details is 400 naming the field — nothing written, nothing audited as recorded', async () => {
    const before = [await count('meetings'), await count('meeting_attendees')];
    const recordsBefore = (await auditRows(world)).filter((r) => r.action === 'meeting.record').length;
    const cases: [Record<string, unknown>, string][] = [
      [{ clientRequest: {} }, 'body.clientRequest.detail'],
      [{ clientRequest: { detail: '   ' } }, 'body.clientRequest.detail'],
      [{ clientRequest: { detail: 'x'.repeat(2001) } }, 'body.clientRequest.detail'],
      [{ clientRequest: { detail: ASKED, when: 'yesterday' } }, 'body.clientRequest'],
      [{ clientRequest: true }, 'body.clientRequest'],
      [{ clientRequestedSharing: true }, 'body'],
      [{ notesClassification: 'personal', clientRequest: { detail: ASKED } }, 'body.clientRequest'],
    ];
    for (const [over, path] of cases) {
      const res = await as(world, staff).post('/api/meetings', meeting(over));
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path), JSON.stringify(over)).toEqual([path]);
    }
    const exactly = await as(world, staff).post('/api/meetings', meeting({ clientRequest: { detail: 'x'.repeat(2000) } }));
    expect(exactly.statusCode, exactly.body).toBe(201);
    expect([await count('meetings'), await count('meeting_attendees')]).toEqual([before[0] + 1, before[1] + 2]);
    expect((await auditRows(world)).filter((r) => r.action === 'meeting.record').length).toBe(recordsBefore + 1);
  });

  it('practice 3 third-party-meetings: sharing the notes again with the same attendee (their copy lost) prepares them again — each share decided afresh and audited as its own entry with its hash; nothing else is written', async () => {
    const m = await record({ notesClassification: 'personal', notes: 'Agreed a referral to CAMHS.' });
    const gp = gpOf(m);
    expect((await acknowledge(m.id, gp)).statusCode).toBe(200);
    const rowsBefore = [await db().selectFrom('meeting_attendees').selectAll().where('meeting_id', '=', m.id).orderBy('id').execute(), await db().selectFrom('meetings').selectAll().where('id', '=', m.id).execute()];
    let first!: Res, second!: Res;
    const entries = await audited(async () => {
      first = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
      world.clock.advance(60_000);
      second = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
    });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json().meeting).toEqual(first.json().meeting);
    expect(second.json().sharedAt).not.toBe(first.json().sharedAt);
    expect(entries).toEqual([first, second].map((r) => ['meeting.share', 'allow', 'meetings/share-after-acknowledgement', 'practice 3', 'meeting', m.id, person, staff.id, {
      attendeeId: gp, classification: 'personal', sha256: r.json().sha256,
    }]));
    expect([await db().selectFrom('meeting_attendees').selectAll().where('meeting_id', '=', m.id).orderBy('id').execute(), await db().selectFrom('meetings').selectAll().where('id', '=', m.id).execute()]).toEqual(rowsBefore);
    // Sent again, it is decided again: a member of staff who left the team is refused the second copy.
    await db().deleteFrom('case_team').where('case_id', '=', caseId).where('user_id', '=', staff.id).execute();
    try {
      const after = await as(world, staff).post(`/api/meetings/${m.id}/share`, { attendeeId: gp });
      expect(after.statusCode).toBe(404);
    } finally {
      await db().insertInto('case_team').values({ case_id: caseId, user_id: staff.id, team_role: 'lead', added_at: world.clock.now().toISOString(), added_by: null }).execute();
    }
  });

  describe('3.4 need-to-know: recording a meeting about a person the caller sees but whose case team they are not on', () => {
    const aboutPerson = (over: Record<string, unknown> = {}) => meeting({ about: 'person', caseId: undefined, personId: person, notesClassification: 'personal', ...over });
    async function refusedFor(user: TestUser, body: Record<string, unknown>, resourceType: 'person' | 'case', resourceId: string) {
      const before = [await count('meetings'), await count('meeting_attendees')];
      let res!: Res;
      const entries = await audited(async () => (res = await as(world, user).post('/api/meetings', body)));
      expect(res.statusCode, res.body).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 403, rule: 'default/deny', clause: NEED_TO_KNOW });
      expect(res.body).not.toContain('No person');
      expect(entries).toEqual([['meeting.record', 'deny', 'default/deny', NEED_TO_KNOW, resourceType, resourceId, person, user.id, { about: resourceType, classification: 'personal' }]]);
      expect([await count('meetings'), await count('meeting_attendees')]).toEqual(before);
      return res;
    }

    it('3.4 need-to-know: through an approved access grant — GET the person is 200, recording a meeting about them is 403 naming the rule and clause (as a disclosure request is), audited as meeting.record against the person; nothing written', async () => {
      expect((await as(world, granted).get(`/api/people/${person}`)).statusCode).toBe(200);
      const res = await refusedFor(granted, aboutPerson(), 'person', person);
      expect(res.json().detail).toContain("you are not on this person's case team");
      // A disclosure request by the same member of staff is refused alike: 403 under need to know, not 404.
      const org = await makeOrganisation(world, { name: 'Riverside GP' });
      const disclosure = await as(world, granted).post('/api/disclosures', {
        personIds: [person], recipient: { organisationId: org, name: 'Dr Nurse', role: 'GP' }, purposeId: newId(), reason: 'Referral.', items: { personFields: ['givenName'] },
      });
      expect(disclosure.statusCode, disclosure.body).toBe(403);
      expect([disclosure.json().rule, disclosure.json().clause]).toEqual([res.json().rule, res.json().clause]);
    });

    it('3.4 need-to-know: through a break-glass, and as a manager off the team (management oversight), recording a meeting about the person is 403 alike, audited', async () => {
      expect((await as(world, glass).get(`/api/people/${person}`)).statusCode).toBe(200);
      await refusedFor(glass, aboutPerson(), 'person', person);
      expect((await as(world, manager).get(`/api/people/${person}`)).statusCode).toBe(200);
      await refusedFor(manager, aboutPerson(), 'person', person);
    });

    it('3.4 need-to-know: through an access grant on the case, recording a meeting about that case is 403 naming the case\'s team, audited against the case', async () => {
      expect((await as(world, caseGranted).get(`/api/cases/${caseId}`)).statusCode).toBe(200);
      const res = await refusedFor(caseGranted, meeting({ notesClassification: 'personal' }), 'case', caseId);
      expect(res.json().detail).toContain("you are not on this case's team");
    });

    it('3.4 need-to-know: a person the caller cannot see is the same 404 as a random id, audited alike as default/not-found, nothing written; on the team, the meeting is recorded', async () => {
      const before = await count('meetings');
      const missing = newId();
      let hiddenRes!: Res, missingRes!: Res;
      const hidden = await audited(async () => (hiddenRes = await as(world, outsider).post('/api/meetings', aboutPerson())));
      const absent = await audited(async () => (missingRes = await as(world, outsider).post('/api/meetings', aboutPerson({ personId: missing }))));
      const answer = (r: Res) => ({ status: r.statusCode, ...r.json(), instance: undefined });
      expect(answer(hiddenRes)).toEqual(answer(missingRes));
      expect(answer(hiddenRes)).toMatchObject({ status: 404, detail: 'No person with that id, or you do not have access to it.' });
      expect(hidden).toEqual([['meeting.record', 'deny', 'default/not-found', NEED_TO_KNOW, 'person', person, person, outsider.id, { why: 'default/deny' }]]);
      expect(absent).toEqual([['meeting.record', 'deny', 'default/not-found', NEED_TO_KNOW, 'person', missing, null, outsider.id, { found: false }]]);
      expect(await count('meetings')).toBe(before);
      const ok = await audited(async () => expect((await as(world, staff).post('/api/meetings', aboutPerson())).statusCode).toBe(201));
      expect(ok.map((e) => e.slice(0, 8))).toEqual([['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3', 'meeting', expect.any(String), person, staff.id]]);
    });
  });
});

/** Every migration of src/db/migrations, by name, in order: the schema as it was at any step. */
async function allMigrations(): Promise<Record<string, Migration>> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/db/migrations');
  const names = readdirSync(dir).filter((f) => /^\d{4}_.*\.ts$/.test(f)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (f) => [f.replace(/\.ts$/, ''), (await import(join(dir, f))) as Migration])));
}

describe.each(dialects())('migration 0027 keeps the client\'s requests recorded before it, practice 2 (%s)', (dialect) => {
  it('practice 2 session-staff-team-only: a meeting recorded with the old flag set keeps its request — a fixed detail saying it was recorded before details were kept, by its recorder when they recorded it; one without stays without; the flag is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-m27-'));
    const schema = dialect === 'postgres' ? `${inject('pgRun')}_m27_${process.pid.toString(36)}` : undefined;
    if (schema) await createPgSchema(schema);
    const db = connect({ databaseUrl: dialect === 'postgres' ? inject('pgUrl')! : '', dataDir, pgSchema: schema });
    try {
      const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: allMigrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
      const to26 = await migrator.migrateTo('0026_notification_settled');
      expect(to26.error).toBeUndefined();
      const user = newId();
      const at = '2026-02-01T10:00:00.000Z';
      await db.kysely.insertInto('users').values({
        id: user, username: 'sam', display_name: 'Sam', email: null, password_hash: 'x', must_change_password: 0, totp_secret: null, totp_enabled: 0,
        failed_sign_ins: 0, locked_until: null, active: 1, deactivated_at: null, created_at: at, updated_at: at, version: 1,
      } as never).execute();
      const asked = newId();
      const notAsked = newId();
      for (const [id, flag] of [[asked, 1], [notAsked, 0]] as const) {
        await sql`insert into meetings (id, about, person_id, case_id, title, held_at, notes, notes_classification, client_requested_sharing, created_by, created_at, updated_at, version)
          values (${id}, 'general', null, null, 'Review', ${at}, 'Session notes', 'session', ${flag}, ${user}, ${at}, ${at}, 1)`.execute(db.kysely);
      }
      const latest = await migrator.migrateToLatest();
      expect(latest.error).toBeUndefined();
      expect(latest.results?.map((r) => [r.migrationName, r.status])).toContainEqual(['0027_meeting_client_request', 'Success']);
      const rows = await sql<Record<string, unknown>>`select * from meetings order by id`.execute(db.kysely);
      const byId = Object.fromEntries(rows.rows.map((r) => [r.id, r]));
      expect(byId[asked]).toMatchObject({ client_request_detail: DETAIL_BEFORE_0027, client_request_recorded_by: user, client_request_recorded_at: at });
      expect(byId[notAsked]).toMatchObject({ client_request_detail: null, client_request_recorded_by: null, client_request_recorded_at: null });
      expect(Object.keys(byId[asked])).not.toContain('client_requested_sharing');
      expect(DETAIL_BEFORE_0027).toMatch(/before Confide kept how and when the client asked/);
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
