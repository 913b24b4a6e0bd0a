import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_LINK_DAYS } from '../../src/acknowledgement/link';
import { ADDRESS_MAX_FAILURES } from '../../src/accounts/throttle';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { freshAddress } from '../support/sign-in';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };
const SECRET_REASON = 'Needs mentoring after the incident at home';
const SECRET_NOTES = 'Jo disclosed worries about an older cousin; CAMHS referral agreed.';
const SECRET_TITLE = 'Review of the CAMHS referral';

/**
 * The one-time acknowledgement link (4.3 for a disclosure's recipient, practice 3 for a meeting's external attendee;
 * src/acknowledgement/link.ts): it shows nothing confidential before acknowledgement, works once, expires, cannot be
 * guessed or altered into another working link, and an address that keeps trying is blocked (429).
 */
describe.each(dialects())('acknowledgement links, 4.3 and practice 3 (%s)', (dialect) => {
  let world: World;
  let staff: TestUser, manager: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, caseId: string, orgA: string, purpose: string;
  const db = () => world.services.db.kysely;
  const pub = (method: 'GET' | 'POST', url: string, ip: string, body?: unknown) =>
    world.app.inject({ method, url, remoteAddress: ip, ...(body ? { payload: body as Record<string, unknown> } : {}) });
  const tokenOf = (url: string) => new URL(url).pathname.split('/').at(-1)!;
  const ackBody = { typedName: 'Sam Carter', date: '2026-03-02' };
  /** The meeting's external attendee types their name as the organiser recorded it (practice 3: src/acknowledgement/typed-name.ts). */
  const attendeeAck = { typedName: 'Dr A. Nurse', date: '2026-03-02' };

  async function disclosureLink() {
    const res = await as(world, staff).post('/api/disclosures', {
      personIds: [person], recipient: { organisationId: orgA, name: 'Sam Carter', role: 'Youth worker', email: 'sam@riverside.example' }, purposeId: purpose,
      reason: SECRET_REASON, items: { personFields: ['givenName', 'familyName'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    return { id, token: tokenOf(link.json().url), url: link.json().url as string };
  }
  async function meetingLink(over: Record<string, unknown> = {}) {
    const res = await as(world, staff).post('/api/meetings', {
      about: 'case', caseId, title: SECRET_TITLE, heldAt: '2026-03-01T10:00:00Z', notes: SECRET_NOTES, notesClassification: 'personal', userIds: [staff.id],
      external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }], ...over,
    });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json().data as { id: string; attendees: { id: string; kind: string }[] };
    const attendee = m.attendees.find((a) => a.kind === 'external')!.id;
    const link = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${attendee}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    return { id: m.id, attendee, token: tokenOf(link.json().url), url: link.json().url as string };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    orgA = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Referral to a youth partner', description: 'Share what the partner needs.', lawfulBasis: 'consent', art9Condition: 'explicit_consent',
      dataCategories: ['general', 'personal'], recipientCategories: ['named partner organisation'], needsIdentity: true, retentionPeriod: 'P6Y',
      guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
  });
  afterAll(() => world.close());

  it('4.3 third-party-disclosure and practice 3 third-party-meetings: before acknowledgement the link shows the terms and who it is for — no name of the person, no reason, no meeting title or notes', async () => {
    const ip = freshAddress();
    const d = await disclosureLink();
    const shown = await pub('GET', `/api/disclosure-acknowledgements/${d.token}`, ip);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(Object.keys(shown.json()).sort()).toEqual(['expiresAt', 'from', 'recipient', 'reference', 'terms']);
    expect(shown.json().terms).toContain('CONFIDENTIAL');
    for (const secret of ['Bloggs', 'Jo ', SECRET_REASON, person]) expect(shown.body).not.toContain(secret);

    const m = await meetingLink();
    const seen = await pub('GET', `/api/meeting-acknowledgements/${m.token}`, ip);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(Object.keys(seen.json()).sort()).toEqual(['attendee', 'expiresAt', 'from', 'heldAt', 'next', 'terms']);
    expect(seen.json()).toMatchObject({ attendee: { name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }, heldAt: '2026-03-01T10:00:00.000Z' });
    expect(seen.json().terms).toContain('confidential');
    for (const secret of ['Bloggs', SECRET_TITLE, SECRET_NOTES, 'CAMHS', person, caseId, m.id]) expect(seen.body).not.toContain(secret);
    // Looking is not acknowledging: nothing changed, and the link still works.
    const a = await db().selectFrom('meeting_attendees').selectAll().where('id', '=', m.attendee).executeTakeFirstOrThrow();
    expect(a).toMatchObject({ acknowledged_at: null, link_used_at: null, notes_served_at: null });
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', d.id).executeTakeFirstOrThrow()).status).toBe('awaiting_acknowledgement');
  });

  it('4.3 third-party-disclosure and practice 3 third-party-meetings: the token is 256 random bits stored only as its SHA-256; a guessed or altered token is the same 404 and the real link still works', async () => {
    const ip = freshAddress();
    const d = await disclosureLink();
    const m = await meetingLink();
    expect(Buffer.from(d.token, 'base64url')).toHaveLength(32);
    expect(Buffer.from(m.token, 'base64url')).toHaveLength(32);
    const stored = await db().selectFrom('meeting_attendees').select(['link_token_hash', 'link_issued_by']).where('id', '=', m.attendee).executeTakeFirstOrThrow();
    expect(stored).toEqual({ link_token_hash: createHash('sha256').update(m.token).digest('hex'), link_issued_by: staff.id });
    const dump = JSON.stringify(await db().selectFrom('meeting_attendees').selectAll().execute()) + JSON.stringify(await db().selectFrom('disclosures').selectAll().execute());
    expect(dump).not.toContain(m.token);
    expect(dump).not.toContain(d.token);

    const alter = (t: string) => `${t.slice(0, 10)}${t[10] === 'A' ? 'B' : 'A'}${t.slice(11)}`;
    const before = (await auditRows(world)).length;
    for (const [kind, token] of [['disclosure', d.token], ['meeting', m.token]] as const) {
      expect((await pub('GET', `/api/${kind}-acknowledgements/${alter(token)}`, ip)).statusCode).toBe(404);
      expect((await pub('POST', `/api/${kind}-acknowledgements/${alter(token)}`, ip, ackBody)).statusCode).toBe(404);
      const guessed = await pub('POST', `/api/${kind}-acknowledgements/${'A'.repeat(43)}`, ip, ackBody);
      expect(guessed.statusCode).toBe(404);
      expect(guessed.json().detail).toBe('No acknowledgement link with that id, or you do not have access to it.');
      expect((await pub('GET', `/api/${kind}-acknowledgements/short`, ip)).statusCode).toBe(400);
    }
    // Each refusal is audited, without the token.
    const denials = (await auditRows(world)).slice(before).filter((r) => r.decision === 'deny');
    expect(denials.map((r) => [r.action, r.rule_id, r.clause])).toEqual([
      ...Array(3).fill(['disclosure.acknowledge', 'disclosure/acknowledgement-link', '4.3, 1.2']),
      ...Array(3).fill(['meeting.acknowledge', 'meetings/acknowledgement-link', 'practice 3']),
    ]);
    expect(JSON.stringify(denials)).not.toContain(d.token.slice(11));
    expect((await pub('POST', `/api/disclosure-acknowledgements/${d.token}`, ip, ackBody)).statusCode).toBe(200);
    expect((await pub('POST', `/api/meeting-acknowledgements/${m.token}`, ip, attendeeAck)).statusCode).toBe(200);
  });

  it('4.3 third-party-disclosure and practice 3 third-party-meetings: a used link cannot be reused — the second use is 404, the notes go out once, and a used meeting link cannot be issued again', async () => {
    const ip = freshAddress();
    const d = await disclosureLink();
    expect((await pub('POST', `/api/disclosure-acknowledgements/${d.token}`, ip, ackBody)).statusCode).toBe(200);
    expect((await pub('POST', `/api/disclosure-acknowledgements/${d.token}`, ip, ackBody)).statusCode).toBe(404);
    expect((await pub('GET', `/api/disclosure-acknowledgements/${d.token}`, ip)).statusCode).toBe(404);
    // Once acknowledged, no new link can be issued for the disclosure either.
    expect((await as(world, staff).post(`/api/disclosures/${d.id}/acknowledgement-link`, {})).statusCode).toBe(409);

    const m = await meetingLink();
    const first = await pub('POST', `/api/meeting-acknowledgements/${m.token}`, ip, attendeeAck);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().notes.meeting.notes).toBe(SECRET_NOTES);
    const served = await db().selectFrom('meeting_attendees').select(['notes_served_at', 'link_token_hash']).where('id', '=', m.attendee).executeTakeFirstOrThrow();
    expect(served).toEqual({ notes_served_at: world.clock.now().toISOString(), link_token_hash: null });
    const again = await pub('POST', `/api/meeting-acknowledgements/${m.token}`, ip, attendeeAck);
    expect(again.statusCode).toBe(404);
    expect(again.body).not.toContain('CAMHS');
    const reissue = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${m.attendee}/acknowledgement-link`, {});
    expect(reissue.statusCode).toBe(409);
    expect((await auditRows(world)).filter((r) => r.resource_id === m.id && r.action === 'meeting.share' && r.decision === 'allow')).toHaveLength(1);
  });

  it('4.3 third-party-disclosure and practice 3 third-party-meetings: an expired link is the same 404, acknowledges nothing and delivers nothing', async () => {
    const ip = freshAddress();
    const d = await disclosureLink();
    const m = await meetingLink();
    const start = world.clock.now();
    try {
      world.clock.advance(ACK_LINK_DAYS * 86_400_000);
      for (const [kind, token] of [['disclosure', d.token], ['meeting', m.token]] as const) {
        expect((await pub('GET', `/api/${kind}-acknowledgements/${token}`, ip)).statusCode).toBe(404);
        const late = await pub('POST', `/api/${kind}-acknowledgements/${token}`, ip, ackBody);
        expect(late.statusCode).toBe(404);
        expect(late.body).not.toContain('CAMHS');
      }
      const denied = (await auditRows(world)).slice(-4);
      expect(denied.map((r) => [r.action, r.decision, JSON.parse(r.detail).found])).toEqual([
        ['disclosure.acknowledge', 'deny', true], ['disclosure.acknowledge', 'deny', true], ['meeting.acknowledge', 'deny', true], ['meeting.acknowledge', 'deny', true],
      ]);
    } finally {
      world.clock.set(start);
    }
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', d.id).executeTakeFirstOrThrow()).status).toBe('awaiting_acknowledgement');
    expect(await db().selectFrom('meeting_attendees').select(['acknowledged_at', 'notes_served_at']).where('id', '=', m.attendee).executeTakeFirstOrThrow()).toEqual({ acknowledged_at: null, notes_served_at: null });
    // A new link replaces the expired one; the old token stays dead.
    const fresh = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${m.attendee}/acknowledgement-link`, {});
    expect(fresh.statusCode).toBe(201);
    expect((await pub('GET', `/api/meeting-acknowledgements/${m.token}`, ip)).statusCode).toBe(404);
    expect((await pub('GET', `/api/meeting-acknowledgements/${tokenOf(fresh.json().url)}`, ip)).statusCode).toBe(200);
  });

  it('3.7 secure-conditions: an address that keeps presenting bad tokens is blocked with 429 on both links — even a good token from it — while other addresses are not', async () => {
    const ip = freshAddress();
    const d = await disclosureLink();
    const m = await meetingLink();
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i++) {
      const kind = i % 2 ? 'meeting' : 'disclosure';
      expect((await pub('GET', `/api/${kind}-acknowledgements/${newId().replace(/-/g, '')}${i}`, ip)).statusCode).toBe(404);
    }
    for (const [kind, token] of [['disclosure', d.token], ['meeting', m.token]] as const) {
      const blocked = await pub('POST', `/api/${kind}-acknowledgements/${token}`, ip, ackBody);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.headers['content-type']).toContain('application/problem+json');
      expect(blocked.body).not.toContain('CAMHS');
    }
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', d.id).executeTakeFirstOrThrow()).status).toBe('awaiting_acknowledgement');
    const other = freshAddress();
    expect((await pub('POST', `/api/disclosure-acknowledgements/${d.token}`, other, ackBody)).statusCode).toBe(200);
    expect((await pub('POST', `/api/meeting-acknowledgements/${m.token}`, other, attendeeAck)).statusCode).toBe(200);
  });

  it('practice 3 third-party-meetings: through the link the attendee acknowledges with their typed name and date, then gets this meeting\'s notes once as JSON and a PDF marked CONFIDENTIAL on every page; audited in order', async () => {
    const long = Array.from({ length: 120 }, (_, i) => `Point ${i + 1}: ${SECRET_NOTES}`).join('\n');
    const m = await meetingLink({ notes: long });
    const res = await pub('POST', `/api/meeting-acknowledgements/${m.token}`, freshAddress(), { typedName: 'dr a nurse', date: '2026-03-02' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      acknowledged: true, withheld: null,
      notes: { marking: 'CONFIDENTIAL', reference: `${m.id}/${m.attendee}`, recipient: { name: 'Dr A. Nurse', role: 'health_professional', acknowledgedAt: world.clock.now().toISOString() }, meeting: { id: m.id, title: SECRET_TITLE, notes: long } },
      pdf: { contentType: 'application/pdf' },
    });
    expect(Object.keys(body.notes.meeting).sort()).toEqual(['heldAt', 'id', 'notes', 'title']); // this meeting's notes only
    const pdf = Buffer.from(body.pdf.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(body.pdf.sha256);
    const pages = pdfPagesText(pdf);
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((text, p) => expect(text.match(/CONFIDENTIAL/g)?.length, `page ${p + 1}`).toBeGreaterThanOrEqual(2));
    expect(pages.join('\n')).not.toContain('Bloggs'); // the meeting's notes, not the person's record
    const a = await db().selectFrom('meeting_attendees').selectAll().where('id', '=', m.attendee).executeTakeFirstOrThrow();
    expect(a).toMatchObject({ acknowledgement_method: 'link', link_name: 'dr a nurse', link_date: '2026-03-02', notes_pdf_sha256: body.pdf.sha256, notes_json_sha256: body.notes.sha256 });
    const rows = (await auditRows(world)).filter((r) => r.resource_id === m.id);
    expect(rows.map((r) => [r.action, r.decision, r.rule_id, r.clause, r.actor_id === staff.id ? 'staff' : r.actor_id])).toEqual([
      ['meeting.record', 'allow', 'meetings/case-team-records', 'practice 3', 'staff'],
      ['meeting.acknowledgement-link', 'allow', 'meetings/case-team-records', 'practice 3', 'staff'],
      ['meeting.acknowledge', 'allow', 'meetings/acknowledgement-link', 'practice 3', 'system'],
      ['meeting.share', 'allow', 'meetings/share-after-acknowledgement', 'practice 3', 'staff'],
    ]);
    const share = JSON.parse(rows[3].detail);
    expect(share).toMatchObject({ attendeeId: m.attendee, via: 'link', sha256: body.notes.sha256, pdfSha256: body.pdf.sha256 });
    expect(rows.map((r) => r.detail).join()).not.toContain('CAMHS');
  });

  it('practice 3 third-party-meetings: an attendee who acknowledged at the meeting still types their name on the link before the notes go; the first acknowledgement stands', async () => {
    const m = await meetingLink();
    const attested = await as(world, staff).post(`/api/meetings/${m.id}/attendees/${m.attendee}/acknowledge`, { method: 'attested_at_meeting', acknowledgedAt: '2026-03-01T10:05:00Z' });
    expect(attested.statusCode, attested.body).toBe(200);
    expect((await pub('GET', `/api/meeting-acknowledgements/${m.token}`, freshAddress())).body).not.toContain(SECRET_NOTES);
    const res = await pub('POST', `/api/meeting-acknowledgements/${m.token}`, freshAddress(), attendeeAck);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().notes.recipient.acknowledgedAt).toBe('2026-03-01T10:05:00.000Z');
    expect(await db().selectFrom('meeting_attendees').select(['acknowledgement_method', 'link_name']).where('id', '=', m.attendee).executeTakeFirstOrThrow()).toEqual({ acknowledgement_method: 'attested_at_meeting', link_name: 'Dr A. Nurse' });
    expect(JSON.parse((await auditRows(world)).filter((r) => r.resource_id === m.id && r.action === 'meeting.acknowledge').at(-1)!.detail)).toMatchObject({ method: 'link', firstAcknowledgement: 'attested_at_meeting' });
  });

  it('practice 2 session-staff-team-only and 3.4 need-to-know: through the link, session notes without the client\'s request, or notes whose sender left the team, are withheld with the rule — the acknowledgement stands', async () => {
    const session = await meetingLink({ notesClassification: 'session', notes: 'What Jo said in the session.' });
    const res = await pub('POST', `/api/meeting-acknowledgements/${session.token}`, freshAddress(), attendeeAck);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ acknowledged: true, notes: null, pdf: null, withheld: { rule: 'meetings/session-never-external', clause: 'practice 1, practice 2' } });
    expect(res.body).not.toContain('What Jo said');
    expect(await db().selectFrom('meeting_attendees').select(['acknowledgement_method', 'notes_served_at']).where('id', '=', session.attendee).executeTakeFirstOrThrow()).toEqual({ acknowledgement_method: 'link', notes_served_at: null });
    expect((await auditRows(world)).filter((r) => r.resource_id === session.id).at(-1)).toMatchObject({ action: 'meeting.share', decision: 'deny', rule_id: 'meetings/session-never-external', actor_id: staff.id });

    const m = await meetingLink();
    await db().deleteFrom('case_team').where('case_id', '=', caseId).where('user_id', '=', staff.id).execute();
    try {
      const gone = await pub('POST', `/api/meeting-acknowledgements/${m.token}`, freshAddress(), attendeeAck);
      expect(gone.statusCode, gone.body).toBe(200);
      expect(gone.json()).toMatchObject({ acknowledged: true, notes: null, withheld: { rule: 'default/deny' } }); // no longer on the team: deny by default (3.4)
      expect(gone.body).not.toContain('CAMHS');
    } finally {
      await db().insertInto('case_team').values({ case_id: caseId, user_id: staff.id, team_role: 'lead', added_at: world.clock.now().toISOString(), added_by: null }).execute();
    }
  });
});
