import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * What was in force when information left, not what is in force when it is recorded (1.3, 4.1, 4.3): an oral
 * disclosure recorded after the call is decided against the consent of the moment it was said, and the consent check
 * answers for an earlier time with the version in force then. Also: the crime exception is for the police (1.3), and
 * the person cannot have been told before the information left.
 */
describe.each(dialects())('the basis as it stood when information left (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, staff: TestUser;
  let person: string, orgA: string, purpose: string;
  /** When the person first consented, withdrew (recorded a day later) and consented again. */
  let givenAt: number, withdrawnAt: number, givenAgainAt: number;
  let first: string, withdrawal: string, again: string;
  const iso = (ms: number) => new Date(ms).toISOString();
  /** A new session for `u` at the clock's time (moving the clock on by days ends the last one). */
  const signedIn = async (u: TestUser): Promise<TestUser> => {
    const s = await createSession(world.services.db.kysely, u.id, world.clock.now(), world.config);
    return { ...u, cookie: s.cookieValue, csrf: s.csrfToken };
  };

  const oral = (occurredAt: string, over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId: orgA, name: 'Sam Carter', role: 'Youth worker' }, purposeId: purpose,
    reason: 'A call about the hand-over.', items: { personFields: ['givenName'] }, oral: { channel: 'phone', occurredAt }, ...over,
  });
  const check = (at: string) => as(world, staff).get(`/api/people/${person}/consent-check?purposeId=${purpose}&recipient=${encodeURIComponent(`organisation:${orgA}`)}&categories=general&at=${encodeURIComponent(at)}`);
  /** The last audit entry of `action`. */
  const lastOf = async (action: string) => (await auditRows(world)).filter((r) => r.action === action).at(-1)!;
  const disclosureCount = async () => Number((await world.services.db.kysely.selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    orgA = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Hand-over to a youth partner', description: 'Share what the partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: null, dataCategories: ['general', 'personal'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P1Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);

    // Given on day 0; withdrawn on the phone on day 1, recorded on day 2; given again on day 3; now is day 4.
    const start = world.clock.now().getTime();
    const consent = (over: Record<string, unknown> = {}) => as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and Jo agreed.' }, givenBy: { kind: 'person' }, ...over,
    });
    givenAt = start;
    first = (await consent()).json().data.id;
    world.clock.set(new Date(start + 2 * DAY));
    staff = await signedIn(staff);
    withdrawnAt = start + DAY;
    const w = await as(world, staff).post(`/api/consents/${first}/withdraw`, { method: 'orally', withdrawnAt: iso(withdrawnAt) });
    expect(w.statusCode, w.body).toBe(201);
    withdrawal = w.json().data.id;
    world.clock.set(new Date(start + 3 * DAY));
    staff = await signedIn(staff);
    givenAgainAt = start + 3 * DAY;
    const a = await consent({ supersedes: withdrawal });
    expect(a.statusCode, a.body).toBe(201);
    again = a.json().data.id;
    world.clock.set(new Date(start + 4 * DAY));
    staff = await signedIn(staff);
  });
  afterAll(() => world.close());

  it('1.3 informed-consent: the consent check answers for an earlier time with the version in force then — the first consent, the withdrawal from when the person withdrew (before it was recorded), the consent given again — and nothing before the first; each answer audited with its time', async () => {
    const cases: [number, boolean, string | null][] = [
      [givenAt - HOUR, false, null],
      [givenAt + 12 * HOUR, true, first],
      [withdrawnAt + HOUR, false, null],
      [givenAgainAt - HOUR, false, null],
      [givenAgainAt + HOUR, true, again],
    ];
    for (const [at, allowed, consentId] of cases) {
      const res = await check(iso(at));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json(), iso(at)).toMatchObject({ allowed, consentId, at: iso(at), ruleId: allowed ? 'consent/check-case-team' : 'consent/none-covers' });
      const entry = (await auditRows(world)).at(-1)!;
      expect(entry).toMatchObject({ action: 'consent.check', decision: allowed ? 'allow' : 'deny', resource_type: 'person', resource_id: person });
      expect(JSON.parse(entry.detail)).toMatchObject({ at: iso(at), consentId });
    }
    // The withdrawal is the reason given for the time it covers.
    expect((await check(iso(withdrawnAt + HOUR))).json().reason).toMatch(/withdrew their consent/);
  });

  it('4.3 third-party-disclosure: an oral disclosure recorded after the call is decided on the consent in force when it was said — refused for a call after the withdrawal though consent was given again since (403, audited, nothing written), allowed under the first consent for a call before it', async () => {
    const before = await disclosureCount();
    const refused = await as(world, staff).post('/api/disclosures', oral(iso(withdrawnAt + HOUR)));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'consent/none-covers', detail: expect.stringMatching(/withdrew their consent/) });
    expect(await disclosureCount()).toBe(before);
    const denial = await lastOf('disclosure.request');
    expect(denial).toMatchObject({ decision: 'deny', rule_id: 'consent/none-covers', resource_type: 'person', resource_id: person });
    expect(JSON.parse(denial.detail)).toMatchObject({ basis: 'consent', consentId: null, asOf: iso(withdrawnAt + HOUR) });

    const ok = await as(world, staff).post('/api/disclosures', oral(iso(givenAt + 12 * HOUR)));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().data).toMatchObject({ basis: 'consent', consentId: first, mode: 'oral' });
    const allow = await lastOf('disclosure.request');
    expect(allow).toMatchObject({ decision: 'allow', resource_type: 'disclosure', resource_id: ok.json().data.id });
    expect(JSON.parse(allow.detail)).toMatchObject({ basis: 'consent', consentId: first, asOf: iso(givenAt + 12 * HOUR) });

    // Released as the record of what was said: the basis is checked again, as of the call.
    const id = ok.json().data.id as string;
    const attested = await as(world, staff).post(`/api/disclosures/${id}/attestation`, { recipientName: 'Sam Carter', date: iso(givenAt).slice(0, 10), statement: 'I told Sam it is CONFIDENTIAL; Sam agreed.' });
    expect(attested.statusCode, attested.body).toBe(200);
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data).toMatchObject({ status: 'released', consentId: first });

    // The person's summary dates it by the call, not by when it was recorded.
    const summary = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(summary.statusCode, summary.body).toBe(200);
    const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(givenAt + 12 * HOUR));
    expect(JSON.stringify(summary.json())).toContain(`On ${day} we shared`);
  });

  it('4.3 third-party-disclosure: a written disclosure is decided on the consent in force now', async () => {
    const written = await as(world, staff).post('/api/disclosures', { ...oral(iso(givenAt)), oral: undefined });
    expect(written.statusCode, written.body).toBe(201);
    expect(written.json().data).toMatchObject({ basis: 'consent', consentId: again, mode: 'written' });
    const entry = await lastOf('disclosure.request');
    expect(entry).toMatchObject({ decision: 'allow', resource_id: written.json().data.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ basis: 'consent', consentId: again });
    expect(JSON.parse(entry.detail)).not.toHaveProperty('asOf');
  });

  it('1.3 exceptions: the crime exception is for the police — asked for a partner organisation it is refused naming the recipient (403, audited, nothing written); for a police organisation it goes to a manager', async () => {
    const police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    const body = (organisationId: string) => ({
      personIds: [person], recipient: { organisationId, name: 'Pat Lee', role: 'Officer' }, purposeId: purpose,
      reason: 'Information asked for to detect a crime.', items: { personFields: ['givenName'] }, exception: { ground: 'crime', consentSought: false, notSoughtBecause: 'not_safe' },
    });
    const before = await disclosureCount();
    const refused = await as(world, staff).post('/api/disclosures', body(orgA));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'disclosure/crime-exception-police-only', clause: expect.stringContaining('1.3') });
    expect(refused.json().errors).toEqual([{ path: 'body.recipient.organisationId', message: expect.stringMatching(/partner agency, not the police/) }]);
    expect(await disclosureCount()).toBe(before);
    const denial = await lastOf('disclosure.request');
    expect(denial).toMatchObject({ decision: 'deny', rule_id: 'disclosure/crime-exception-police-only', resource_type: 'person', resource_id: person });
    expect(JSON.parse(denial.detail)).toMatchObject({ ground: 'crime', recipientOrganisationId: orgA, recipientKind: 'partner_agency' });

    const asked = await as(world, staff).post('/api/disclosures', body(police));
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json().data).toMatchObject({ basis: 'exception', exceptionGround: 'crime', status: 'awaiting_approval' });
    // An emergency may need anyone (an ambulance service, a partner on the spot).
    const emergency = await as(world, staff).post('/api/disclosures', { ...body(orgA), exception: { ground: 'emergency', consentSought: false, notSoughtBecause: 'emergency' } });
    expect(emergency.statusCode, emergency.body).toBe(201);
  });

  it('4.3 third-party-disclosure: the person cannot be recorded as told before the information left — a minute before is refused (400 body.toldAt, nothing written), the moment it left is accepted', async () => {
    const ok = await as(world, staff).post('/api/disclosures', oral(iso(givenAt + 6 * HOUR)));
    expect(ok.statusCode, ok.body).toBe(201);
    const id = ok.json().data.id as string;
    expect((await as(world, staff).post(`/api/disclosures/${id}/attestation`, { recipientName: 'Sam Carter', date: iso(givenAt).slice(0, 10), statement: 'I told Sam it is CONFIDENTIAL; Sam agreed.' })).statusCode).toBe(200);
    expect((await as(world, staff).post(`/api/disclosures/${id}/release`, {})).statusCode).toBe(200);
    const early = await as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt: iso(givenAt + 6 * HOUR - 60_000) });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().errors).toEqual([{ path: 'body.toldAt', message: `must not be before the disclosure (${iso(givenAt + 6 * HOUR)})` }]);
    expect((await as(world, staff).get(`/api/disclosures/${id}`)).json().data.personToldAt).toBeNull();
    const onTime = await as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt: iso(givenAt + 6 * HOUR) });
    expect(onTime.statusCode, onTime.body).toBe(200);
    expect(onTime.json().data.personToldAt).toBe(iso(givenAt + 6 * HOUR));
  });

  it('4.1 informed-consent: a consent that has expired since the call still covers it, and does not cover a call after its expiry', async () => {
    const other = await makePerson(world, { givenName: 'Bea', familyName: 'Lane' });
    await makeCase(world, other, { [staff.id]: 'lead' });
    const now = world.clock.now().getTime();
    const given = await as(world, staff).post(`/api/people/${other}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general'], told,
      method: { kind: 'oral', attestation: 'I explained the hand-over and Bea agreed.' }, givenBy: { kind: 'person' }, expiresAt: iso(now + HOUR),
    });
    expect(given.statusCode, given.body).toBe(201);
    world.clock.set(new Date(now + 3 * HOUR));
    staff = await signedIn(staff);
    const during = await as(world, staff).post('/api/disclosures', oral(iso(now + 30 * 60_000), { personIds: [other] }));
    expect(during.statusCode, during.body).toBe(201);
    expect(during.json().data).toMatchObject({ basis: 'consent', consentId: given.json().data.id });
    const after = await as(world, staff).post('/api/disclosures', oral(iso(now + 2 * HOUR), { personIds: [other] }));
    expect(after.statusCode, after.body).toBe(403);
    expect(after.json()).toMatchObject({ rule: 'consent/none-covers', detail: expect.stringMatching(/expired/) });
  });
});
