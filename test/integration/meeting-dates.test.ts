import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { freshAddress } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const HELD_AT = '2026-03-01T10:00:00.000Z';

// The world's clock reads 2026-03-02T09:00Z: the meeting below was held the day before.
describe.each(dialects())('when a meeting was held and acknowledged, practice 3 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let caseId: string;
  const db = () => world.services.db.kysely;
  const meetings = async () => Number((await db().selectFrom('meetings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const auditOf = async (id: string, action: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === action).map((r) => [r.action, r.decision, r.rule_id, r.clause]);
  const attendeeRow = (id: string) => db().selectFrom('meeting_attendees').select(['acknowledged_at', 'acknowledgement_method', 'link_used_at', 'link_date', 'notes_served_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const body = (over: Record<string, unknown> = {}) => ({
    about: 'case', caseId, title: 'Multi-agency review', heldAt: HELD_AT, notes: 'Agreed a referral to CAMHS.', notesClassification: 'personal', userIds: [staff.id],
    external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }], ...over,
  });
  async function record(over: Record<string, unknown> = {}) {
    const res = await as(world, staff).post('/api/meetings', body(over));
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().data as { id: string; attendees: { id: string; kind: string }[] };
    return { id: m.id, attendee: m.attendees.find((a) => a.kind === 'external')!.id };
  }
  const attest = (m: { id: string; attendee: string }, acknowledgedAt: string) =>
    as(world, staff).post(`/api/meetings/${m.id}/attendees/${m.attendee}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt });
  async function linkOf(m: { id: string; attendee: string }) {
    const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${m.attendee}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    return new URL(link.json().url).pathname.split('/').at(-1)!;
  }
  const accept = (token: string, date: string) =>
    world.app.inject({ method: 'POST', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: freshAddress(), payload: { typedName: 'Dr A. Nurse', date } });

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    const person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 3 third-party-meetings: a meeting is recorded once held — an hour ago, or "now" on a clock a few minutes ahead — and audited', async () => {
    for (const heldAt of [new Date(world.clock.now().getTime() - 3_600_000).toISOString(), new Date(world.clock.now().getTime() + 2 * 60_000).toISOString()]) {
      const m = await record({ heldAt });
      expect(await auditOf(m.id, 'meeting.record')).toEqual([['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3']]);
    }
  });

  it('practice 3 third-party-meetings: a meeting "held" in the future is refused (400 body.heldAt) — nothing written, nothing audited', async () => {
    const before = await meetings();
    const recorded = (await auditRows(world)).filter((r) => r.action === 'meeting.record').length;
    for (const heldAt of ['2030-06-01T10:00:00Z', new Date(world.clock.now().getTime() + 3_600_000).toISOString()]) {
      const res = await as(world, staff).post('/api/meetings', body({ heldAt }));
      expect(res.statusCode, `${heldAt}: ${res.body}`).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.heldAt', message: 'must not be in the future' }]);
    }
    expect(await meetings()).toBe(before);
    expect((await auditRows(world)).filter((r) => r.action === 'meeting.record')).toHaveLength(recorded);
  });

  it('practice 3 third-party-meetings: an acknowledgement attested at the meeting is dated on its day — as the attendee arrived, or as it ended — and audited', async () => {
    for (const acknowledgedAt of ['2026-03-01T09:30:00Z', HELD_AT, '2026-03-01T17:00:00Z']) {
      const m = await record();
      const res = await attest(m, acknowledgedAt);
      expect(res.statusCode, `${acknowledgedAt}: ${res.body}`).toBe(200);
      expect(await attendeeRow(m.attendee)).toMatchObject({ acknowledged_at: new Date(acknowledgedAt).toISOString(), acknowledgement_method: 'attested_at_meeting' });
      expect(await auditOf(m.id, 'meeting.acknowledge')).toEqual([['meeting.acknowledge', 'allow', 'meetings/case-team-records', 'practice 3']]);
    }
  });

  it('practice 3 third-party-meetings: an acknowledgement "at the meeting" years before it, a day before or after it, or in the future is refused (400 body.acknowledgedAt) — nothing written, nothing audited', async () => {
    const m = await record();
    for (const acknowledgedAt of ['2001-03-01T10:00:00Z', '2026-02-28T10:00:00Z', '2026-03-02T08:00:00Z', '2026-03-05T10:00:00Z']) {
      const res = await attest(m, acknowledgedAt);
      expect(res.statusCode, `${acknowledgedAt}: ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.acknowledgedAt']);
    }
    expect(await attendeeRow(m.attendee)).toMatchObject({ acknowledged_at: null, acknowledgement_method: null });
    expect(await auditOf(m.id, 'meeting.acknowledge')).toEqual([]);
  });

  it('practice 3 third-party-meetings: through the link, the attendee dates their acknowledgement from the day it was issued to today on their calendar (a day either side of UTC); the notes go to them once', async () => {
    for (const date of ['2026-03-01', '2026-03-03']) {
      const m = await record();
      const res = await accept(await linkOf(m), date);
      expect(res.statusCode, `${date}: ${res.body}`).toBe(200);
      expect(res.json()).toMatchObject({ acknowledged: true, withheld: null, notes: { meeting: { notes: 'Agreed a referral to CAMHS.' } } });
      expect(await attendeeRow(m.attendee)).toMatchObject({ acknowledgement_method: 'link', link_date: date });
      expect(await auditOf(m.id, 'meeting.acknowledge')).toEqual([['meeting.acknowledge', 'allow', 'meetings/acknowledgement-link', 'practice 3']]);
    }
  });

  it('practice 3 third-party-meetings: through the link, a date in the future or before the link was issued is refused (400 body.date) — nothing written or given, nothing audited, the link still works', async () => {
    const m = await record();
    const token = await linkOf(m);
    for (const date of ['2099-12-31', '2026-03-04', '2026-02-28']) {
      const res = await accept(token, date);
      expect(res.statusCode, `${date}: ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.date']);
      expect(res.body).not.toContain('CAMHS');
    }
    expect(await attendeeRow(m.attendee)).toEqual({ acknowledged_at: null, acknowledgement_method: null, link_used_at: null, link_date: null, notes_served_at: null });
    expect(await auditOf(m.id, 'meeting.acknowledge')).toEqual([]);
    expect(await auditOf(m.id, 'meeting.share')).toEqual([]);
    expect((await accept(token, '2026-03-02')).statusCode).toBe(200);
  });
});
