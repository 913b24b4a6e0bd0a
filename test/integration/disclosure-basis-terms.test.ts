import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesText } from '../support/pdf';
import { as, auditRows, makeCase, makeNote, makeOrganisation, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };
/** Text with its line breaks and runs of spaces made single spaces (pdftotext wraps lines). */
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe.each(dialects())('disclosure terms and state follow the basis (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, guardian2: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, caseId: string, orgA: string, purpose: string, consentId: string;
  const db = () => world.services.db.kysely;

  const org = (name: string) => makeOrganisation(world, { name });
  const request = (over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId: orgA, name: 'Sam Carter', role: 'Youth worker', email: 'sam@riverside.example' }, purposeId: purpose,
    reason: 'The trust takes over mentoring next term and needs contact details.', items: { personFields: ['givenName', 'familyName'] }, ...over,
  });
  const withLink = (body: Record<string, unknown>) => requestDisclosureWithLink(world, staff, manager2, body);
  /** The terms the recipient is shown, then (accepted and released) the pack's PDF text and JSON terms. */
  async function termsShownAndPacked(body: Record<string, unknown>, typedName = 'Sam Carter') {
    const { id, token } = await withLink(body);
    const shown = await as(world).get(`/api/disclosure-acknowledgements/${token}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName, date: '2026-03-02' })).statusCode).toBe(200);
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    const pdf = flat(pdfPagesText((await as(world, staff).get(`/api/disclosures/${id}/pack.pdf`)).rawPayload).join('\n'));
    const json = JSON.parse((await as(world, staff).get(`/api/disclosures/${id}/pack.json`)).body) as { terms: string; handling: string[] };
    return { page: shown.json().terms as string, pdf, json };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    orgA = await org('Riverside Youth Trust');
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Referral to a youth partner', description: 'Share what the partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'session'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal', 'session'], told,
      method: { kind: 'oral', attestation: 'I explained the sharing and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    consentId = c.json().data.id as string;
  });
  afterAll(() => world.close());

  it('1.3 exceptions, 4.3 disclosure: a legal-duty disclosure\'s terms — on the acknowledgement page and in the PDF and JSON pack — say CONFIDENTIAL, shared without the person\'s consent under the legal duty, for the stated purpose only, not to be shared further except as the law requires, and nothing about terms agreed with the person', async () => {
    const { page, pdf, json } = await termsShownAndPacked(request({ exception: { ground: 'legal_duty', reference: 'Police incident 4471/26', consentSought: false, notSoughtBecause: 'not_safe' } }));
    expect(json.terms).toBe(page);
    for (const text of [page, pdf]) {
      expect(text).toContain('CONFIDENTIAL');
      expect(text).toContain('without the consent of the person it concerns');
      expect(text).toContain('a legal duty to share it');
      expect(text).toContain('for Referral to a youth partner only');
      expect(text).toContain('do not share it further except as the law requires');
      expect(text).not.toContain('terms agreed with the person');
      expect(text).not.toContain('without consent of the person');
    }
    expect(json.handling.join(' ')).not.toContain('consent');
    expect(pdf).not.toContain('without the consent of the person it concerns, unless');
  });

  it('1.3 exceptions: an emergency and a crime-prevention disclosure name their own ground in the terms', async () => {
    const emergency = await termsShownAndPacked(request({ exception: { ground: 'emergency', consentSought: false, notSoughtBecause: 'emergency' } }));
    expect(emergency.page).toContain('under an emergency, where someone\'s safety or public safety is at risk');
    expect(emergency.pdf).toContain('under an emergency, where someone\'s safety or public safety is at risk');
    // 1.3: the crime exception is for the police.
    const police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    const crime = await termsShownAndPacked(request({ exception: { ground: 'crime', consentSought: true, consentAnswer: 'refused' }, recipient: { organisationId: police, name: 'DC Jones', role: 'Detective constable' } }), 'DC Jones');
    expect(crime.page).toContain('under the prevention or detection of crime');
    expect(crime.pdf).not.toContain('terms agreed with the person');
  });

  it('4.3 disclosure: a consent-based pack keeps its wording — supplied on the terms agreed with the person it concerns — on the page and in the PDF', async () => {
    const { page, pdf } = await termsShownAndPacked(request());
    for (const text of [page, pdf]) {
      expect(text).toContain('CONFIDENTIAL — supplied under the Confidentiality Policy of');
      expect(text).toContain('do not share further without consent of the person it concerns');
      expect(text).toContain('It is supplied on the terms agreed with the person it concerns.');
    }
  });

  it('1.3 informed-consent: consent withdrawn after the recipient accepted — the disclosure and the register say consent withdrawn on its date and release is not offered; release is refused saying it was withdrawn, audited with the rule and clause', async () => {
    const { id, token } = await withLink(request());
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: '2026-03-02' })).statusCode).toBe(200);
    const ready = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(ready.data).toMatchObject({ status: 'acknowledged', consentWithdrawnAt: null });
    expect(ready.can.release).toBe(true);

    const withdrawn = await as(world, staff).post(`/api/consents/${consentId}/withdraw`, { method: 'orally' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    const at = world.clock.now().toISOString();
    const shown = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(shown.data).toMatchObject({ status: 'acknowledged', consentWithdrawnAt: at });
    expect(shown.can.release).toBe(false);
    const register = (await as(world, manager).get('/api/disclosures')).json().items.find((i: { id: string }) => i.id === id);
    expect(register).toMatchObject({ status: 'acknowledged', consentWithdrawnAt: at });
    const mine = (await as(world, staff).get(`/api/people/${person}/disclosures`)).json().items.find((i: { id: string }) => i.id === id);
    expect(mine.consentWithdrawnAt).toBe(at);

    const res = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(403);
    const day = new Date(at).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(res.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2', detail: expect.stringContaining(`The person withdrew their consent for this purpose on ${day}`) });
    expect(res.json().detail).not.toContain('has not given consent');
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'consent/none-covers', clause: '1.3, 4.1, 4.2', resource_id: id });

    // Consent given again: the disclosure is ready to release once more.
    const again = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal', 'session'], told,
      method: { kind: 'oral', attestation: 'Jo agreed again.' }, givenBy: { kind: 'person' }, supersedes: withdrawn.json().data.id,
    });
    expect(again.statusCode, again.body).toBe(201);
    consentId = again.json().data.id as string;
    const back = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(back.data.consentWithdrawnAt).toBeNull();
    expect(back.can.release).toBe(true);
  });

  it('practice 2, 3.1, 1.3: a request that fails for several reasons is refused with all of them — each session note and the client\'s request to record, each item outside the purpose, the consent that does not list the recipient — each an entry of errors with its path, each audited, nothing written', async () => {
    const note = await makeNote(world, caseId, staff.id, 'Jo talked about drumming');
    const count = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const seq = (await auditRows(world)).length;
    const res = await as(world, staff).post('/api/disclosures', request({ items: { personFields: ['givenName', 'healthNotes'], notes: [note] } }));
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'disclosure/session-only-at-client-request', clause: 'practice 1, practice 2' });
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.items.notes.0', 'body.clientRequest.detail', 'body.items.personFields.1']);
    expect(res.json().errors[2].message).toContain('special information');
    expect(res.json().detail).toMatch(/refused for 2 reasons/);
    expect((await auditRows(world)).slice(seq).filter((r) => r.decision === 'deny').map((r) => [r.action, r.rule_id, r.clause, r.resource_id])).toEqual([
      ['disclosure.request', 'disclosure/session-only-at-client-request', 'practice 1, practice 2', person],
      ['disclosure.request', 'disclosure/within-purpose', '3.1, monitoring-and-review', person],
    ]);
    expect(JSON.stringify((await auditRows(world)).slice(seq).map((r) => r.detail))).not.toContain('drumming');

    // Session details and a recipient the consent does not list: both said.
    const other = await org('Hillside Training Ltd');
    const both = await as(world, staff).post('/api/disclosures', request({ recipient: { organisationId: other, name: 'Pat', role: 'Tutor' }, items: { personFields: ['givenName'], notes: [note] } }));
    expect(both.statusCode, both.body).toBe(403);
    expect(both.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.items.notes.0', 'body.clientRequest.detail', 'body.personIds.0']);
    expect(both.json().errors[2].message).toMatch(/^Their consent for this purpose does not list this recipient/);
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers', resource_id: person });
    expect(await count()).toBe(before);
  });

  it('4.3 disclosure: terms accepted under a name other than the named recipient\'s — the disclosure says so, release needs the worker to confirm they checked (400 naming body.recipientChecked until then), and the audit records it without the names', async () => {
    const { id, token } = await withLink(request({ recipient: { organisationId: orgA, name: 'Pat Recipient', role: 'Youth worker' } }));
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Mickey Mouse', date: '2026-03-02' })).statusCode).toBe(200);
    const shown = (await as(world, staff).get(`/api/disclosures/${id}`)).json().data;
    expect(shown).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'Mickey Mouse', acknowledgedByOther: true });
    const register = (await as(world, manager).get('/api/disclosures')).json().items.find((i: { id: string }) => i.id === id);
    expect(register.acknowledgedByOther).toBe(true);

    for (const body of [{}, { recipientChecked: false }]) {
      const refused = await as(world, staff).post(`/api/disclosures/${id}/release`, body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.recipientChecked']);
      expect(refused.body).not.toContain('Mickey');
    }
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('acknowledged');
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, { recipientChecked: true });
    expect(released.statusCode, released.body).toBe(200);
    const entry = (await auditRows(world)).find((r) => r.resource_id === id && r.action === 'disclosure.release' && r.rule_id === 'disclosure/case-team-requests')!;
    expect(JSON.parse(entry.detail)).toMatchObject({ acceptedAsNamed: false, recipientChecked: true });
    expect(entry.detail).not.toContain('Mickey');
    expect(entry.detail).not.toContain('Pat Recipient');
  });

  it('4.3 disclosure: the named recipient\'s own name, in another case or spacing, is no warning and needs no confirmation', async () => {
    const { id, token } = await withLink(request({ recipient: { organisationId: orgA, name: 'Pat Recipient', role: 'Youth worker' } }));
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: '  pat   RECIPIENT ', date: '2026-03-02' })).statusCode).toBe(200);
    expect((await as(world, staff).get(`/api/disclosures/${id}`)).json().data.acknowledgedByOther).toBe(false);
    expect((await as(world, staff).post(`/api/disclosures/${id}/release`, {})).statusCode).toBe(200);
  });
});
