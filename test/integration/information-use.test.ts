import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions';
import { RULES } from '../../src/policy/rules';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfText } from '../support/pdf-text';
import { createWorld, dialects, type World } from '../support/world';

const DAY = 86_400_000;
const told = { why: 'So the GP knows about the anxiety support.', withWhom: 'Your GP practice.', consequences: 'The GP may contact you; you can say no.', serviceImpact: 'If you do not agree, we cannot refer you to the wellbeing service.' };
const purposeBody = (guardianId: string, over: Record<string, unknown> = {}) => ({
  name: 'Referral to health services', description: 'Share what is needed so the GP can support the young person.',
  lawfulBasis: 'consent', art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special'],
  recipientCategories: ['internal service only', 'GP practice', 'named partner organisation'], needsIdentity: true,
  retentionPeriod: 'P6Y', guardianId, nextReviewOn: '2027-03-01', ...over,
});
const consentBody = (purposeId: string, over: Record<string, unknown> = {}) => ({
  purposeId, decision: 'given', recipients: [{ kind: 'category', category: 'GP practice' }], dataCategories: ['general', 'special'], told,
  method: { kind: 'oral', attestation: 'I explained the sharing and the person agreed.' }, givenBy: { kind: 'person' }, ...over,
});

describe.each(dialects())('4.1 no-surprises: "How your information is used" (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, guardian: TestUser, guardian2: TestUser, staff: TestUser, staff2: TestUser, volunteer: TestUser, otherStaff: TestUser, lookingManager: TestUser;
  let person: string, health: string, youthClub: string, orgId: string, withdrawnId: string;
  const db = () => world.services.db.kysely;
  /** The same user signed in again at the clock's time (sessions end after hours; these tests move weeks). */
  const again = async (u: TestUser): Promise<TestUser> => {
    const s = await createSession(db(), u.id, world.clock.now(), world.config);
    return { ...u, cookie: s.cookieValue, csrf: s.csrfToken };
  };
  async function activePurpose(over: Record<string, unknown>) {
    const created = await as(world, manager).post('/api/purposes', purposeBody(guardian.id, over));
    expect(created.statusCode, created.body).toBe(201);
    const approved = await as(world, guardian2).post(`/api/purposes/${created.json().data.id}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    return created.json().data.id as string;
  }

  beforeAll(async () => {
    world = await createWorld(dialect, { organisation: { name: 'Music24', address: '12 Canal Street, Manchester M1 3HE', email: 'privacy@music24.example', phone: '0161 496 0000', contact: 'Data protection lead' } });
    manager = await makeUser(world, ['manager']);
    lookingManager = await makeUser(world, ['manager']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    staff = await makeUser(world, ['staff']);
    staff2 = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    otherStaff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [staff2.id]: 'worker', [volunteer.id]: 'volunteer' });
    orgId = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const notice = await as(world, manager).post('/api/notices', { title: 'How we look after your information', body: 'We keep what you tell us confidential.', language: 'en', publish: true });
    expect(notice.statusCode, notice.body).toBe(201);
    const told1 = await as(world, staff).post(`/api/people/${person}/first-contacts`, { noticeVersion: 1, language: 'en', contactedOn: '2026-03-02', method: 'in_person' });
    expect(told1.statusCode, told1.body).toBe(201);

    // Two consents in March: one to the GP (kept), one to a partner youth club (withdrawn a week later).
    health = await activePurpose({});
    youthClub = await activePurpose({
      name: 'Joint support with a youth club', description: 'Tell a partner youth club what they need to know to support you alongside us.',
      lawfulBasis: 'consent', art9Condition: null, dataCategories: ['general', 'personal'], retentionPeriod: 'P1Y6M',
      recipientCategories: ['named partner organisation'],
    });
    expect((await as(world, staff).post(`/api/people/${person}/consents`, consentBody(health))).statusCode).toBe(201);
    const club = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(youthClub, { recipients: [{ kind: 'organisation', organisationId: orgId }], dataCategories: ['general', 'personal'] }));
    expect(club.statusCode, club.body).toBe(201);
    world.clock.advance(7 * DAY); // 9 March
    staff = await again(staff);
    const withdrawn = await as(world, staff).post(`/api/consents/${club.json().data.id}/withdraw`, { method: 'orally' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    withdrawnId = withdrawn.json().data.id;

    // Reads in March: the team (staff and staff2), a manager off the team twice; someone off the team is refused.
    for (const u of [staff, staff, await again(staff2)]) expect((await as(world, u).get(`/api/people/${person}`)).statusCode).toBe(200);
    lookingManager = await again(lookingManager);
    for (let i = 0; i < 2; i++) expect((await as(world, lookingManager).get(`/api/people/${person}`)).statusCode).toBe(200);
    expect((await as(world, await again(otherStaff)).get(`/api/people/${person}`)).statusCode).toBe(404);
    // April: the team looks again.
    world.clock.set(new Date('2026-04-02T10:00:00.000Z'));
    for (const u of [manager, guardian, guardian2, staff, staff2, volunteer, otherStaff, lookingManager]) Object.assign(u, await again(u));
    expect((await as(world, staff2).get(`/api/people/${person}`)).statusCode).toBe(200);
  }, 120_000);
  afterAll(() => world.close());

  it('4.1 no-surprises information-use/case-team: the team prepares it — notice, every consent version with the withdrawal, purposes in plain words, no disclosures, who looked by team, role and month; audited', async () => {
    const res = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ title: 'How your information is used', preparedFor: { personId: person, name: 'Jo Bloggs' }, preparedOn: '2 April 2026', preparedBy: { role: 'member of staff' }, restricted: [] });
    expect(s.organisation.name).toBe(world.config.organisation.name);

    expect(s.notices.items).toEqual([expect.objectContaining({
      version: 1, language: 'en', languageName: 'English', givenOn: '2026-03-02', how: 'in person', givenBy: { displayName: staff.username, role: 'member of staff' },
    })]);
    expect(s.notices.items[0].sentence).toBe(`On 2 March 2026, ${staff.username} (member of staff) gave you "How we look after your information" (version 1, in English) in person.`);

    const byPurpose = Object.fromEntries(s.consents.items.map((c: { purpose: string }) => [c.purpose, c]));
    const gp = byPurpose['Referral to health services'];
    expect(gp).toMatchObject({ status: 'given', now: 'You agreed. This lasts until you withdraw it.' });
    expect(gp.history).toHaveLength(1);
    expect(gp.history[0]).toMatchObject({ kind: 'given', recipients: ['GP practice'], told, how: 'by telling a member of staff, who wrote it down', givenBy: 'you' });
    const clubStory = byPurpose['Joint support with a youth club'];
    expect(clubStory).toMatchObject({ status: 'withdrawn', now: 'You withdrew your consent on 9 March 2026. We stopped sharing for this then.' });
    expect(clubStory.history.map((e: { kind: string }) => e.kind)).toEqual(['given', 'withdrawn']);
    expect(clubStory.history[0]).toMatchObject({ recipients: ['Riverside Youth Trust'], told });
    expect(clubStory.history[1]).toMatchObject({ kind: 'withdrawn', on: '2026-03-09T09:00:00.000Z', withdrawal: { on: '2026-03-09T09:00:00.000Z', how: 'by telling us' }, told: null });
    expect(clubStory.history[1].sentence).toBe('On 9 March 2026 you withdrew your consent, by telling us. It stopped at once: nothing more is shared under it.');

    const purposes = Object.fromEntries(s.purposes.items.map((p: { name: string }) => [p.name, p]));
    expect(purposes['Referral to health services']).toMatchObject({ inUse: true, lawfulBasis: 'You agreed to it (your consent).', sensitive: 'For sensitive information, you gave clear consent.', keptFor: '6 years' });
    expect(purposes['Joint support with a youth club']).toMatchObject({ inUse: false, sensitive: null, keptFor: '1 year and 6 months' });
    // Why the law allows it: whole sentences, the condition for sensitive information a sentence of its own.
    expect(purposes['Referral to health services'].whyAllowed).toBe('You agreed to it (your consent). For sensitive information, you gave clear consent.');
    expect(purposes['Joint support with a youth club'].whyAllowed).toBe('You agreed to it (your consent).');

    // 1.3, practice 4.1: staff may not see a safeguarding referral's disclosure, so never "none": a manager completes it.
    expect(s.disclosures).toEqual({
      items: [], statement: 'So far this part lists no disclosures of your information to anyone outside our organisation.',
      leftOut: expect.stringMatching(/^This does not include information we had to share because the law required it/), toComplete: expect.stringMatching(/^This part can only be completed by a manager/),
    });
    expect(s.meetingNotes).toEqual({ items: [], statement: 'Confide has recorded no notes of meetings about you given, or made available, to anyone outside our staff team.' });

    // Who looked: by team and role and month, newest first, from the audit chain.
    expect(s.access.months.map((m: { month: string }) => m.month)).toEqual(['2026-04', '2026-03']);
    const [april, march] = s.access.months;
    expect(april.lines).toEqual([{ group: 'case-team', people: 1, looks: 1, sentence: 'Your case team (1 person) looked at your record once in April 2026.', short: 'Your case team (1 person) looked at your record once.' }]);
    const rows = await auditRows(world);
    const teamLooksInMarch = rows.filter((r) => r.subject_person_id === person && r.decision === 'allow' && r.at.startsWith('2026-03') && [staff.id, staff2.id].includes(r.actor_id!)
      && ['person.read', 'case.read', 'note.read', 'attachment.read', 'consent.read', 'consent.receipt', 'person.information-use', 'audit.read'].includes(r.action)).length;
    expect(teamLooksInMarch).toBeGreaterThanOrEqual(3);
    expect(march.label).toBe('March 2026');
    expect(march.lines).toEqual([
      { group: 'case-team', people: 2, looks: teamLooksInMarch, sentence: `Your case team (2 people) looked at your record ${teamLooksInMarch} times in March 2026.`, short: `Your case team (2 people) looked at your record ${teamLooksInMarch} times.` },
      { group: 'manager', people: 1, looks: 2, sentence: 'A manager looked at your record twice in March 2026.', short: 'A manager looked at your record twice.' },
    ]);
    expect(march).toMatchObject({ refused: 1, refusedSentence: 'In March 2026, someone who did not need to know was stopped from seeing your record once.', refusedShort: 'Someone who did not need to know was stopped from seeing your record once.' });
    expect(s.yourRights).toMatchObject({ contact: 'Music24 (Data protection lead): 12 Canal Street, Manchester M1 3HE, privacy@music24.example, 0161 496 0000' });
    expect(s.organisation).toEqual({ name: 'Music24', address: '12 Canal Street, Manchester M1 3HE', email: 'privacy@music24.example', phone: '0161 496 0000', contact: 'Data protection lead' });
    expect(s.yourRights.withdraw).toMatch(/^You can withdraw any consent at any time.*Tell any member of staff, or contact us \(details below\)\.$/);
    expect(s.yourRights.copy).toContain('ask for a copy');
    // With no address, e-mail or phone set, it does not point to details that are not there.
    const org = world.config.organisation;
    world.config.organisation = { ...org, address: '', email: '', phone: '' };
    try {
      const bare = (await as(world, staff).get(`/api/people/${person}/information-use`)).json();
      expect(bare.yourRights.contact).toBe('Music24 (Data protection lead)');
      expect(bare.yourRights.withdraw).toMatch(/Tell any member of staff\.$/);
      expect(bare.yourRights.copy).toBe('You can ask for a copy of all the information we hold about you. Ask any member of staff. We will reply within one month.');
    } finally {
      world.config.organisation = org;
    }
    const text = JSON.stringify(s.access);
    for (const u of [staff, staff2, lookingManager, otherStaff, volunteer, manager]) {
      expect(text).not.toContain(u.id);
      expect(text).not.toContain(u.username);
    }
    for (const r of RULES) expect(text).not.toContain(r.id);
    expect(text).not.toMatch(/need-to-know|default\/|3\.4/);

    const entry = (await auditRows(world)).at(-1)!;
    expect(entry).toMatchObject({ action: 'person.information-use', decision: 'allow', rule_id: 'information-use/case-team', clause: '4.1', resource_type: 'person', resource_id: person, subject_person_id: person, actor_id: staff.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ format: 'json', classes: ['personal'], notices: 1, consents: 3, purposes: 2, disclosures: 0, disclosuresComplete: false, meetings: 0, restricted: [] });
  });

  it('4.1 no-surprises: the PDF is an A4 PDF whose text names the person and the withdrawal; preparing it is audited', async () => {
    const res = await as(world, staff2).get(`/api/people/${person}/information-use.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`how-your-information-is-used-${person}.pdf`);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
    const text = pdfText(pdf);
    expect(text).toContain('How your information is used');
    expect(text).toContain('Prepared for Jo Bloggs on 2 April 2026');
    expect(text).toContain('On 9 March 2026 you withdrew your consent, by telling us.');
    expect(text).toContain('March 2026');
    expect(text).toContain('A manager looked at your record twice.');
    expect(text).toContain('This part can only be completed by a manager');
    expect(text).toContain('So far this part lists no disclosures');
    expect(text).toContain('Meeting notes we shared outside our staff team');
    if (process.env.CONFIDE_KEEP_PDF) (await import('node:fs')).writeFileSync(`${process.env.CONFIDE_KEEP_PDF}/information-use-${dialect}.pdf`, pdf);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'allow', rule_id: 'information-use/case-team', resource_id: person, actor_id: staff2.id, detail: expect.stringContaining('"format":"pdf"') });
  });

  it('4.1 no-surprises information-use/management: a manager off the team prepares it for anyone', async () => {
    const res = await as(world, lookingManager).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().preparedBy).toEqual({ displayName: lookingManager.username, role: 'manager' });
    expect(res.json().disclosures).toMatchObject({ items: [], statement: 'Confide, our records system, has recorded no disclosures of your information to anyone outside our organisation that we can tell you about.', toComplete: null });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'allow', rule_id: 'information-use/management', clause: '4.1', resource_id: person, actor_id: lookingManager.id });
  });

  it('3.1 justify-purpose information-use/guardian-review: the guardian reads the summary at the general level, as they read the consent history and disclosures — what the person was told is left out and says why; audited with the rule and clause; the copy handed to the person (the PDF) is refused, audited', async () => {
    const res = await as(world, guardian).get(`/api/people/${person}/information-use`);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.preparedBy).toEqual({ displayName: guardian.username, role: 'information guardian' });
    expect(s.consents.items.map((c: { purpose: string }) => c.purpose).sort()).toEqual(['Joint support with a youth club', 'Referral to health services']);
    for (const story of s.consents.items) for (const e of story.history) expect(e).toMatchObject({ told: null, givenBy: null });
    expect(JSON.stringify(s)).not.toContain(told.why);
    expect(s.restricted).toEqual([{ section: 'consents.told', reason: expect.stringMatching(/general level/) }]);
    expect(s.purposes.items.map((p: { whyAllowed: string }) => p.whyAllowed)).toContain('You agreed to it (your consent). For sensitive information, you gave clear consent.');
    const entry = (await auditRows(world)).at(-1)!;
    expect(entry).toMatchObject({ action: 'person.information-use', decision: 'allow', rule_id: 'information-use/guardian-review', clause: '3.1, monitoring-and-review', resource_id: person, subject_person_id: person, actor_id: guardian.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ format: 'json', classes: [], restricted: ['consents.told'] });
    // The person page offers the guardian the summary to read, not the copy to hand over.
    expect((await as(world, guardian).get(`/api/people/${person}`)).json().can).toMatchObject({ readInformationUse: true, prepareInformationUse: false });
    for (const u of [staff, lookingManager]) expect((await as(world, u).get(`/api/people/${person}`)).json().can).toMatchObject({ readInformationUse: true, prepareInformationUse: true });
    for (const u of [volunteer, otherStaff]) expect((await as(world, u).get(`/api/people/${person}`)).json().can ?? {}).not.toMatchObject({ readInformationUse: true });

    const pdf = await as(world, guardian).get(`/api/people/${person}/information-use.pdf`);
    expect(pdf.statusCode).toBe(403);
    expect(pdf.json()).toMatchObject({ rule: 'information-use/hand-over-complete', clause: '4.1', detail: expect.stringMatching(/case team or management/) });
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'deny', rule_id: 'information-use/hand-over-complete', clause: '4.1', resource_id: person, actor_id: guardian.id, detail: expect.stringContaining('"format":"pdf"') });
  });

  it('3.4 need-to-know: staff off the team get the same 404 as for no person, and both are audited', async () => {
    for (const id of [person, '01966f5e-0000-7000-8000-000000000000']) {
      for (const suffix of ['', '.pdf']) {
        const res = await as(world, otherStaff).get(`/api/people/${id}/information-use${suffix}`);
        expect(res.statusCode).toBe(404);
        expect(res.json().detail).toBe('No person with that id, or you do not have access to it.');
        expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'deny', resource_id: id, actor_id: otherStaff.id });
      }
    }
  });

  it('4.1 no-surprises information-use/prepared-by-staff: a volunteer on the team is refused (403, asked to go to staff), audited', async () => {
    const res = await as(world, volunteer).get(`/api/people/${person}/information-use`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'information-use/prepared-by-staff', clause: '4.1' });
    expect(res.json().detail).toMatch(/ask one of them/);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'person.information-use', decision: 'deny', rule_id: 'information-use/prepared-by-staff', clause: '4.1', actor_id: volunteer.id });
  });

  it('4.1 no-surprises: a later withdrawal shows at once, and an id that is not a uuid is a 400 naming the field', async () => {
    const bad = await as(world, staff).get('/api/people/not-an-id/information-use');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['params.id']);
    const gp = (await as(world, staff).get(`/api/people/${person}/consents`)).json().items.find((c: { purposeId: string; status: string }) => c.purposeId === health && c.status === 'given');
    expect((await as(world, staff).post(`/api/consents/${gp.id}/withdraw`, { method: 'in_writing' })).statusCode).toBe(201);
    const s = (await as(world, staff).get(`/api/people/${person}/information-use`)).json();
    const story = s.consents.items.find((c: { purpose: string }) => c.purpose === 'Referral to health services');
    expect(story).toMatchObject({ status: 'withdrawn', now: 'You withdrew your consent on 2 April 2026. We stopped sharing for this then.' });
    expect(story.history.at(-1)).toMatchObject({ kind: 'withdrawn', withdrawal: { how: 'in writing' } });
    expect(s.purposes.items.every((p: { inUse: boolean }) => !p.inUse)).toBe(true);
    expect(withdrawnId).toBeTruthy();
  });
});
