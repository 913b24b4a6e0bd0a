import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAME_ATTEMPTS, nameAttemptsKey } from '../../src/acknowledgement/name-attempts';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { freshAddress } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const NOTES = 'Agreed a referral to CAMHS.';

/**
 * 3.7 secure conditions and practice 3: a meeting's acknowledgement link refuses a name that is not the external
 * attendee's (src/acknowledgement/typed-name.ts); whoever holds the link may try only NAME_ATTEMPTS.max names an hour
 * on it, from any address, before it is blocked (429) — the right name before then still works
 * (src/acknowledgement/name-attempts.ts).
 */
describe.each(dialects())('typed names limited per acknowledgement link (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let caseId: string;
  const db = () => world.services.db.kysely;
  const accept = (token: string, typedName: string, ip = freshAddress()) =>
    world.app.inject({ method: 'POST', url: `/api/meeting-acknowledgements/${token}`, remoteAddress: ip, payload: { typedName, date: '2026-03-02' } });
  const throttleRow = (token: string) => db().selectFrom('sign_in_throttle').selectAll().where('key', '=', nameAttemptsKey(token)).executeTakeFirst();
  const auditFor = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === 'meeting.acknowledge');
  async function meetingLink() {
    const res = await as(world, staff).post('/api/meetings', {
      about: 'case', caseId, title: 'Multi-agency review', heldAt: '2026-03-01T10:00:00Z', notes: NOTES, notesClassification: 'personal', userIds: [staff.id],
      external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().data as { id: string; attendees: { id: string; kind: string }[] };
    const attendee = m.attendees.find((a) => a.kind === 'external')!.id;
    const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${attendee}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    return { id: m.id, attendee, token: new URL(link.json().url).pathname.split('/').at(-1)! };
  }
  const attendeeRow = (id: string) => db().selectFrom('meeting_attendees').select(['acknowledged_at', 'link_used_at', 'link_name', 'notes_served_at', 'link_token_hash']).where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    // Sessions outlive the hour a blocked link waits.
    world = await createWorld(dialect, { sessionIdleMinutes: 7 * 24 * 60, sessionMaxHours: 7 * 24 });
    staff = await makeUser(world, ['staff']);
    const person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
  });
  afterAll(() => world.close());

  it('practice 3 third-party-meetings: wrong names below the limit are each a 400 on body.typedName, counted and audited without names; the right name is still accepted and the count is removed', async () => {
    const m = await meetingLink();
    for (let i = 1; i < NAME_ATTEMPTS.max; i++) {
      const wrong = await accept(m.token, `Guess Number ${i}`);
      expect(wrong.statusCode, wrong.body).toBe(400);
      expect(wrong.json()).toMatchObject({ code: 'typed-name-mismatch', errors: [{ path: 'body.typedName' }] });
      expect(wrong.body).not.toMatch(/Nurse|Guess/);
      expect((await throttleRow(m.token))?.failures).toBe(i);
    }
    expect(await attendeeRow(m.attendee)).toMatchObject({ acknowledged_at: null, link_used_at: null, link_name: null });
    const ok = await accept(m.token, 'dr a nurse');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ acknowledged: true, notes: { meeting: { notes: NOTES } } });
    expect(await throttleRow(m.token)).toBeUndefined();
    const audit = await auditFor(m.id);
    expect(audit.map((r) => [r.decision, r.rule_id])).toEqual([
      ...Array(NAME_ATTEMPTS.max - 1).fill(['deny', 'meetings/attendee-name']),
      ['allow', 'meetings/acknowledgement-link'],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Nurse|Guess/);
  });

  it('3.7 secure-conditions: after the limit of wrong names on one link — from any address — even the right name is 429 with Retry-After, problem+json naming params.token, audited; nothing is written; an hour later it works', async () => {
    const m = await meetingLink();
    const other = await meetingLink();
    const before = await attendeeRow(m.attendee);
    for (let i = 0; i < NAME_ATTEMPTS.max; i++) expect((await accept(m.token, `Guess Number ${i}`)).statusCode).toBe(400);
    const blocked = await accept(m.token, 'Dr A. Nurse');
    expect(blocked.statusCode, blocked.body).toBe(429);
    expect(blocked.headers['content-type']).toContain('application/problem+json');
    expect(blocked.headers['retry-after']).toBe(String(NAME_ATTEMPTS.windowMinutes * 60));
    expect(blocked.json()).toMatchObject({ status: 429, errors: [{ path: 'params.token' }] });
    expect(blocked.body).not.toMatch(/Nurse|Guess|CAMHS/);
    expect(await attendeeRow(m.attendee)).toEqual(before);
    const audit = await auditFor(m.id);
    expect(audit.map((r) => [r.decision, r.rule_id, r.clause, r.actor_id])).toEqual([
      ...Array(NAME_ATTEMPTS.max).fill(['deny', 'meetings/attendee-name', 'practice 3', 'system']),
      ['deny', 'acknowledgement/name-attempts', '3.7', 'system'],
    ]);
    expect(JSON.parse(audit.at(-1)!.detail)).toEqual({ attendeeId: m.attendee, method: 'link', limited: true, retryAfter: NAME_ATTEMPTS.windowMinutes * 60 });
    expect(JSON.stringify(audit)).not.toMatch(/Nurse|Guess/);

    // The limit is the link's: another attendee's link from the same address is not blocked.
    const ip = freshAddress();
    expect((await accept(m.token, 'Dr A. Nurse', ip)).statusCode).toBe(429);
    expect((await accept(other.token, 'Dr A. Nurse', ip)).statusCode).toBe(200);

    world.clock.advance(NAME_ATTEMPTS.windowMinutes * 60_000);
    const later = await accept(m.token, 'Dr A. Nurse');
    expect(later.statusCode, later.body).toBe(200);
    expect(await attendeeRow(m.attendee)).toMatchObject({ link_name: 'Dr A. Nurse', link_token_hash: null });
  });

  it('3.7 secure-conditions: wrong names sent at once are each counted (one atomic statement), so no more than the limit are compared', async () => {
    const m = await meetingLink();
    const answers = await Promise.all(Array.from({ length: NAME_ATTEMPTS.max + 3 }, (_, i) => accept(m.token, `Guess Number ${i}`)));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 400)).toHaveLength(NAME_ATTEMPTS.max);
    expect(codes.filter((c) => c === 429)).toHaveLength(3);
    expect((await auditFor(m.id)).filter((r) => r.rule_id === 'meetings/attendee-name')).toHaveLength(NAME_ATTEMPTS.max);
    expect((await accept(m.token, 'Dr A. Nurse')).statusCode).toBe(429);
  });
});
