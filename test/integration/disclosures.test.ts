import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALTERED_EXIT, verifyFile } from '../../src/cli/disclosure';
import { newId } from '../../src/lib/ids';
import { pdfPagesText } from '../support/pdf';
import { as, auditRows, makeCase, makeNote, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };

describe.each(dialects())('third-party disclosure (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, guardian2: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser, otherStaff: TestUser;
  let person: string, other: string, caseId: string, otherCase: string, orgA: string, orgB: string, purpose: string, purpose2: string, consentId: string;
  const db = () => world.services.db.kysely;
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const packs = async () => Number((await db().selectFrom('disclosure_packs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const lastAudit = async () => (await auditRows(world)).at(-1)!;
  const auditOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id).map((r) => [r.action, r.decision, r.rule_id, r.clause]);

  const org = (name: string) => makeOrganisation(world, { name, commercialNotes: 'Invented: 12 places a term at £40' });
  async function activePurpose(over: Record<string, unknown> = {}) {
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Referral to a youth partner', description: 'Share what the partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special', 'session'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01', ...over,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${id}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    return id;
  }
  /** A sharing agreement with `partner`, signed by both sides with its signed copy, in force today (practice 5.1). */
  async function signedAgreement(partner: string, purposeId: string, requiresConsent: boolean) {
    const id = newId();
    const now = world.clock.now().toISOString();
    await db().insertInto('agreements').values({
      id, title: 'Joint working protocol', status: 'signed', data_categories: JSON.stringify(['general', 'personal']), categories_mask: 3,
      security: 'Encrypted email only.', onward_sharing: 'None.', retention: '12 months.', breach_notification: 'Within 24 hours.',
      requires_consent: requiresConsent ? 1 : 0, starts_on: '2026-01-01', ends_on: '2026-12-31', review_on: '2026-11-01',
      document_sha256: 'a'.repeat(64), document_filename: 'signed.pdf', document_content_type: 'application/pdf', document_size: 10,
      document_uploaded_by: manager.id, document_uploaded_at: now, signed_at: now, terminated_at: null, terminated_by: null,
      termination_reason: null, supersedes: null, superseded_by: null, created_by: manager.id, created_at: now, updated_at: now, version: 3,
    }).execute();
    await db().insertInto('agreement_parties').values({ agreement_id: id, organisation_id: partner }).execute();
    await db().insertInto('agreement_purposes').values({ agreement_id: id, purpose_id: purposeId }).execute();
    await db().insertInto('agreement_signatories').values([
      { id: newId(), agreement_id: id, party: 'ours', user_id: guardian.id, name: 'G', role: 'Guardian', signed_on: '2026-01-05', recorded_by: manager.id, recorded_at: now },
      { id: newId(), agreement_id: id, party: partner, user_id: null, name: 'P', role: 'Director', signed_on: '2026-01-06', recorded_by: manager.id, recorded_at: now },
    ]).execute();
    return id;
  }
  const request = (over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId: orgA, name: 'Sam Carter', role: 'Youth worker', email: 'sam@riverside.example' }, purposeId: purpose,
    reason: 'The trust takes over mentoring next term and needs contact details.', items: { personFields: ['givenName', 'familyName', 'phone'] }, ...over,
  });
  /** Requests, acknowledges through the link and answers the disclosure id. */
  async function acknowledged(body = request(), by = staff) {
    const res = await as(world, by).post('/api/disclosures', body);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    const link = await as(world, by).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: '2026-03-02' });
    expect(ack.statusCode, ack.body).toBe(200);
    return { id, token };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    other = await makePerson(world, { givenName: 'Ali', familyName: 'Other' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    otherCase = await makeCase(world, other, { [staff.id]: 'lead' });
    orgA = await org('Riverside Youth Trust');
    orgB = await org('Hillside Training Ltd');
    purpose = await activePurpose();
    purpose2 = await activePurpose({ name: 'Research partnership', needsIdentity: false });
    // Recorded before the oral disclosures these tests record after the fact: a basis must hold when it was said (1.3).
    const start = world.clock.now();
    world.clock.set(new Date('2026-02-20T09:00:00.000Z'));
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal', 'session'], told,
      method: { kind: 'oral', attestation: 'I explained the sharing and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    world.clock.set(start);
    consentId = c.json().data.id;
  });
  afterAll(() => world.close());

  it('4.3 third-party-disclosure: a consent-based disclosure released end to end through the API; the acknowledgement link shows nothing confidential and cannot be reused; verify says intact and catches a one-byte change', async () => {
    const res = await as(world, staff).post('/api/disclosures', request());
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json().data;
    expect(d).toMatchObject({ basis: 'consent', consentId, status: 'awaiting_acknowledgement', itemCount: 3, dataCategories: ['general', 'personal'], requestedBy: staff.id });
    expect(d.items).toEqual({ personFields: ['givenName', 'familyName', 'phone'], notes: [], attachments: [] });
    const link = await as(world, staff).post(`/api/disclosures/${d.id}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = await db().selectFrom('disclosures').select('ack_token_hash').where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(stored.ack_token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect((await as(world, staff).post(`/api/disclosures/${d.id}/release`, {})).statusCode).toBe(409); // not acknowledged yet

    const shown = await as(world).get(`/api/disclosure-acknowledgements/${token}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ reference: d.reference, recipient: { organisation: 'Riverside Youth Trust', name: 'Sam Carter', role: 'Youth worker' } });
    expect(shown.json().terms).toContain('CONFIDENTIAL — supplied under the Confidentiality Policy of');
    expect(shown.body).not.toContain('Bloggs');
    expect(shown.body).not.toContain('mentoring next term');
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: '2026-03-02' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Sam Carter', date: '2026-03-02' })).statusCode).toBe(404);
    expect((await as(world).get(`/api/disclosure-acknowledgements/${token}`)).statusCode).toBe(404);
    expect((await as(world).get(`/api/disclosure-acknowledgements/${'x'.repeat(43)}`)).statusCode).toBe(404);

    const released = await as(world, staff).post(`/api/disclosures/${d.id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    const r = released.json().data;
    expect(r).toMatchObject({ status: 'released', acknowledgementMethod: 'link', acknowledgedBy: 'Sam Carter', releasedBy: staff.id, consentId });
    expect(r.packSha256).toMatch(/^[0-9a-f]{64}$/);
    const pdf = await as(world, staff).get(`/api/disclosures/${d.id}/pack.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(createHash('sha256').update(pdf.rawPayload).digest('hex')).toBe(r.packSha256);
    // Caldicott 8, no surprises: the person's "How your information is used" now lists the disclosure, in plain words.
    const summary = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(summary.statusCode, summary.body).toBe(200);
    // Staff may not see a safeguarding referral's disclosure (practice 4.1): "so far", a manager completes it (1.3).
    expect(summary.json().disclosures).toMatchObject({ statement: 'So far this part lists one disclosure of your information to people outside our organisation.', toComplete: expect.stringMatching(/completed by a manager/) });
    expect(summary.json().disclosures.items).toEqual([expect.objectContaining({ recipient: 'Riverside Youth Trust', basis: 'because you agreed to it', agreement: null })]);
    const json = await as(world, staff).get(`/api/disclosures/${d.id}/pack.json`);
    const pack = JSON.parse(json.body);
    expect(pack).toMatchObject({ marking: 'CONFIDENTIAL', reference: d.reference, subject: { label: 'Jo Bloggs', pseudonymised: false } });
    expect(pack.items).toEqual([{ title: 'About the person', entries: [{ label: 'Given name', value: 'Jo' }, { label: 'Family name', value: 'Bloggs' }, { label: 'Phone', value: '' }] }]);
    expect(JSON.stringify(pack)).not.toContain('asthma'); // nothing that was not chosen
    expect(await auditOf(d.id)).toEqual([
      ['disclosure.request', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['disclosure.read', 'allow', 'disclosure/case-team-reads', '3.3, 3.4, 4.2'],
      ['disclosure.acknowledgement-link', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['disclosure.acknowledge', 'allow', 'disclosure/acknowledgement-link', '4.3, 1.2'],
      ['disclosure.release', 'allow', 'consent/check-case-team', '1.3, 4.1, 4.2'],
      ['disclosure.release', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['disclosure.read', 'allow', 'disclosure/case-team-reads', '3.3, 3.4, 4.2'],
      ['disclosure.pack', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['disclosure.pack', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
    ]);
    // A guardian sees the register, not the pack: refused, and audited as the pack read it was — not as a release.
    const guarded = await as(world, guardian).get(`/api/disclosures/${d.id}/pack.pdf`);
    expect(guarded.statusCode, guarded.body).toBe(403);
    expect((await auditRows(world)).filter((e) => e.resource_id === d.id).at(-1)).toMatchObject({ action: 'disclosure.pack', decision: 'deny', resource_type: 'disclosure' });
    const releaseEntry = (await auditRows(world)).find((e) => e.resource_id === d.id && e.action === 'disclosure.release' && e.rule_id === 'disclosure/case-team-requests')!;
    expect(JSON.parse(releaseEntry.detail)).toMatchObject({ packSha256: r.packSha256, basis: 'consent' });

    const dir = mkdtempSync(join(tmpdir(), 'confide-pack-'));
    try {
      const file = join(dir, 'pack.pdf');
      writeFileSync(file, pdf.rawPayload);
      const ok = await verifyFile(world.services, file);
      expect(ok.code).toBe(0);
      expect(ok.message).toContain(d.reference);
      expect(ok.result).toMatchObject({ intact: true, disclosureId: d.id, releasedAt: r.releasedAt, format: 'pdf' });
      const changed = Buffer.from(pdf.rawPayload);
      changed[Math.floor(changed.length / 2)] ^= 0x01;
      writeFileSync(file, changed);
      const bad = await verifyFile(world.services, file);
      expect(bad.code).toBe(ALTERED_EXIT);
      expect(bad.message).toMatch(/^altered/);
      writeFileSync(join(dir, 'pack.json'), json.body);
      expect((await verifyFile(world.services, join(dir, 'pack.json'))).result).toMatchObject({ intact: true, format: 'json' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('4.3 third-party-disclosure: a long pack reads as a document — CONFIDENTIAL at the top and bottom of every page, the recipient, terms and handling instructions, the chosen items and nothing else', async () => {
    const chosen: string[] = [];
    for (let i = 1; i <= 30; i++) chosen.push(await makeNote(world, caseId, staff.id, `Chosen note ${i}: talked about the band and the next steps at school, and agreed to meet again.`));
    const left = await makeNote(world, caseId, staff.id, 'Left out: this note was not chosen.');
    const { id } = await acknowledged(request({ items: { personFields: ['givenName', 'familyName'], notes: chosen }, clientRequest: { detail: 'Jo asked for the notes to go.' } }));
    const rel = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(rel.statusCode, rel.body).toBe(200);
    const pdf = (await as(world, staff).get(`/api/disclosures/${id}/pack.pdf`)).rawPayload;
    const pages = pdfPagesText(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    pages.forEach((text, p) => {
      expect(text.match(/CONFIDENTIAL/g)?.length, `page ${p + 1}`).toBeGreaterThanOrEqual(2);
      expect(text, `page ${p + 1}`).toContain(`${rel.json().data.reference} · page ${p + 1}`);
    });
    const all = pages.join('\n');
    for (const part of ['Riverside Youth Trust', 'Sam Carter, Youth worker', 'CONFIDENTIAL — supplied under the Confidentiality Policy', 'Handling instructions', 'Chosen note 1:', 'Chosen note 30:']) expect(all).toContain(part);
    for (const absent of ['Left out', left, 'asthma', 'known to social care', 'mentoring next term']) expect(all).not.toContain(absent);
  });

  it('1.3 informed-consent: consent missing, wrong recipient and wrong purpose are each refused citing 1.3, nothing written, the refusal audited', async () => {
    const before = await disclosures();
    const noConsent = await as(world, staff).post('/api/disclosures', request({ personIds: [other], items: { personFields: ['givenName'] } }));
    expect(noConsent.statusCode, noConsent.body).toBe(403);
    expect(noConsent.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2', detail: 'The person has not given consent for this purpose: ask for their informed consent first.' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers', resource_id: other, actor_id: staff.id });
    const wrongRecipient = await as(world, staff).post('/api/disclosures', request({ recipient: { organisationId: orgB, name: 'Pat', role: 'Tutor' } }));
    expect(wrongRecipient.statusCode).toBe(403);
    expect(wrongRecipient.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2', detail: expect.stringMatching(/^Their consent for this purpose does not list this recipient/) });
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ basis: 'consent', consentId: null, recipient: `org:${orgB}` });
    const wrongPurpose = await as(world, staff).post('/api/disclosures', request({ purposeId: purpose2 }));
    expect(wrongPurpose.statusCode).toBe(403);
    expect(wrongPurpose.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers', resource_id: person, actor_id: staff.id });
    // Categories beyond the consent (special: health notes) are not covered either.
    const beyond = await as(world, staff).post('/api/disclosures', request({ items: { personFields: ['healthNotes'] } }));
    expect(beyond.json()).toMatchObject({ rule: 'consent/none-covers', detail: expect.stringMatching(/^Their consent does not cover all of the information chosen/) });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers', resource_id: person });
    expect(await disclosures()).toBe(before);
  });

  it('4.3 third-party-disclosure: bad selections are 400s naming the item (empty, unknown field, another person\'s note); pseudonymise only where identity is not needed; nothing written', async () => {
    const before = await disclosures();
    const otherNote = await makeNote(world, otherCase, staff.id);
    const cases: [Record<string, unknown>, string][] = [
      [request({ items: {} }), 'body.items'],
      [request({ items: { personFields: ['shoeSize'] } }), 'body.items.personFields.0'],
      [request({ items: { notes: [otherNote] } }), 'body.items.notes.0'],
      [request({ pseudonymise: true }), 'body.pseudonymise'],
      [request({ reason: '' }), 'body.reason'],
      [request({ recipient: { organisationId: newId(), name: 'X', role: 'Y' } }), 'body.recipient.organisationId'],
      [request({ exception: { ground: 'legal_duty', consentSought: false, notSoughtBecause: 'not_safe' } }), 'body.exception.reference'],
    ];
    for (const [body, path] of cases) {
      const res = await as(world, staff).post('/api/disclosures', body);
      expect(res.statusCode, `${path} ${res.body}`).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    // Someone not on the person's team cannot ask at all: the same 404 as a read.
    const notTeam = await as(world, otherStaff).post('/api/disclosures', request());
    expect(notTeam.statusCode).toBe(404);
    expect(await disclosures()).toBe(before);
  });

  it('3.3 need-to-know: a pseudonymised pack, for a purpose that does not need identity, carries the pseudonym instead of the person\'s names, contact details and date of birth — in note titles and bodies too', async () => {
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose2, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal', 'session'], told,
      method: { kind: 'oral', attestation: 'Jo agreed to the research use.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    const note = await makeNote(world, caseId, staff.id, "Jo Bloggs came in. JO's mum wrote from someone@example.org; born 1 April 2008. Joanna from the Bloggs family was there too.");
    await db().updateTable('notes').set({ title: 'Drums with Jo' }).where('id', '=', note).execute();
    const { id } = await acknowledged(request({
      purposeId: purpose2, pseudonymise: true, items: { personFields: ['givenName', 'familyName', 'dateOfBirth'], notes: [note] },
      clientRequest: { detail: 'Jo asked for the session notes to go to the research partner.' },
    }));
    const rel = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(rel.statusCode, rel.body).toBe(200);
    const pack = JSON.parse((await as(world, staff).get(`/api/disclosures/${id}/pack.json`)).body);
    const pseudonym = pack.subject.label as string;
    expect(pack.subject).toEqual({ label: expect.stringMatching(/^P-[0-9A-F]{12}$/), pseudonymised: true });
    expect(pack.items[0].entries).toEqual([
      { label: 'Given name', value: pseudonym }, { label: 'Family name', value: pseudonym }, { label: 'Date of birth', value: 'withheld (pseudonymised)' },
    ]);
    expect(pack.items[1].title).toBe(`Session note 1: Drums with ${pseudonym}`);
    expect(pack.items[1].entries).toContainEqual({ label: 'Note', value: `${pseudonym} came in. ${pseudonym}'s mum wrote from [withheld]; born [withheld]. Joanna from the ${pseudonym} family was there too.` });
    const text = JSON.stringify(pack);
    for (const identifier of ['Bloggs', 'Jo ', "JO's", 'someone@example.org', '1 April 2008', person, note, caseId]) expect(text).not.toContain(identifier);
  });

  it('practice 2 session-staff-team-only: a session note goes only when the client asked for it, recorded with who and when', async () => {
    const note = await makeNote(world, caseId, staff.id, 'Jo talked about drumming');
    const before = await disclosures();
    const refused = await as(world, staff).post('/api/disclosures', request({ items: { notes: [note] } }));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'disclosure/session-only-at-client-request', clause: 'practice 1, practice 2' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'disclosure/session-only-at-client-request', resource_id: person });
    expect(await disclosures()).toBe(before);
    const asked = await as(world, staff).post('/api/disclosures', request({ items: { notes: [note] }, clientRequest: { detail: 'Jo asked on 1 March for the session notes to go to the trust.' } }));
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json().data).toMatchObject({ clientRequested: true, clientRequestRecordedBy: staff.id, clientRequestRecordedAt: world.clock.now().toISOString(), dataCategories: ['general', 'session'] });
  });

  it('3.2 no-organisation-data and 2.2 no-sale-or-bulk: organisation data and two people in one disclosure are refused with their clauses, nothing written', async () => {
    const before = await disclosures();
    const orgData = await as(world, staff).post('/api/disclosures', request({ items: { personFields: ['givenName'], organisationFields: [{ organisationId: orgB, field: 'commercialNotes' }] } }));
    expect(orgData.statusCode).toBe(403);
    expect(orgData.json()).toMatchObject({ rule: 'disclosure/no-organisation-data', clause: '3.2' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'disclosure/no-organisation-data', clause: '3.2' });
    const bulk = await as(world, staff).post('/api/disclosures', request({ personIds: [person, other] }));
    expect(bulk.statusCode).toBe(403);
    expect(bulk.json()).toMatchObject({ rule: 'disclosure/one-person-each', clause: '2.2' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'disclosure/one-person-each', clause: '2.2' });
    // The same person twice is a mistake in the request, not one person: 400 naming the field.
    const twice = await as(world, staff).post('/api/disclosures', request({ personIds: [person, person] }));
    expect(twice.statusCode, twice.body).toBe(400);
    expect(twice.json().errors).toEqual([{ path: 'body.personIds', message: 'list each person once' }]);
    expect(await disclosures()).toBe(before);
  });

  it('1.3 informed-consent: consent withdrawn after the request and before release — release refused citing 1.3, nothing goes out, the attempt audited', async () => {
    const { id } = await acknowledged();
    const withdrawn = await as(world, staff).post(`/api/consents/${consentId}/withdraw`, { method: 'orally' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    const before = await packs();
    const res = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2' });
    expect(await packs()).toBe(before);
    const row = await db().selectFrom('disclosures').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'acknowledged', pack_sha256: null, released_at: null });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'consent/none-covers', resource_id: id });
    // Consent again, for later tests.
    const again = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general', 'personal', 'session'], told,
      method: { kind: 'oral', attestation: 'Jo agreed again.' }, givenBy: { kind: 'person' }, supersedes: withdrawn.json().data.id,
    });
    expect(again.statusCode, again.body).toBe(201);
    consentId = again.json().data.id;
  });

  it('3.1 purpose-register: the purpose retired (or past its review) between request and release — the view and register say so and do not offer release; release refused citing 3.1, nothing goes out', async () => {
    const temp = await activePurpose({ name: 'Short-lived referral' });
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: temp, decision: 'given', recipients: [{ kind: 'organisation', organisationId: orgA }], dataCategories: ['general'], told,
      method: { kind: 'oral', attestation: 'Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
    const { id } = await acknowledged(request({ purposeId: temp, items: { personFields: ['givenName'] } }));
    const view = async () => (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    const inRegister = async () => (await as(world, manager).get('/api/disclosures')).json().items.find((i: { id: string }) => i.id === id);
    expect(await view()).toMatchObject({ data: { purposeNotInForce: null }, can: { release: true } });
    // Past its review date without a guardian's approval since: not in force, said so before anyone tries.
    const due = await db().selectFrom('purposes').select('next_review_on').where('id', '=', temp).executeTakeFirstOrThrow();
    await db().updateTable('purposes').set({ next_review_on: '2026-03-01' }).where('id', '=', temp).execute();
    expect(await view()).toMatchObject({ data: { purposeNotInForce: { id: temp, name: 'Short-lived referral', state: 'review-overdue', reviewDueOn: '2026-03-01' } }, can: { release: false } });
    await db().updateTable('purposes').set({ next_review_on: due.next_review_on }).where('id', '=', temp).execute();
    const p = await db().selectFrom('purposes').select('version').where('id', '=', temp).executeTakeFirstOrThrow();
    const retired = await as(world, guardian).post(`/api/purposes/${temp}/retire`, { reason: 'No longer needed' }, { 'if-match': `"${p.version}"` });
    expect(retired.statusCode, retired.body).toBe(200);
    // The view and the register say it before release is tried, and release is not offered.
    expect(await view()).toMatchObject({ data: { purposeNotInForce: { id: temp, state: 'retired' } }, can: { release: false } });
    expect(await inRegister()).toMatchObject({ purposeNotInForce: { id: temp, state: 'retired' } });
    const res = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ rule: 'purposes/not-in-force', clause: '3.1, 2.1', errors: [{ path: 'params.id', message: 'the purpose is not active' }] });
    // The refusal names the disclosure it refused, and whose it is.
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'purposes/not-in-force', resource_type: 'disclosure', resource_id: id, subject_person_id: person });
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('acknowledged');
  });

  it('1.3 disclosure-exception: without approval release is refused; the requester cannot approve their own; another manager approves with a justification and the decision not to tell, and it is released', async () => {
    const body = request({ personIds: [other], items: { personFields: ['givenName', 'familyName'] }, exception: { ground: 'legal_duty', reference: 'Police incident 4471/26', consentSought: false, notSoughtBecause: 'not_safe' } });
    const res = await as(world, staff).post('/api/disclosures', body);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    expect(res.json().data).toMatchObject({ basis: 'exception', exceptionGround: 'legal_duty', exceptionReference: 'Police incident 4471/26', status: 'awaiting_approval', consentId: null });
    const packsBefore = await packs();
    const early = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(early.statusCode).toBe(403);
    expect(await packs()).toBe(packsBefore);
    expect(early.json()).toMatchObject({ rule: 'disclosure/exception-not-approved', clause: '1.3' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'disclosure/exception-not-approved', clause: '1.3', resource_id: id });
    expect((await as(world, staff).post(`/api/disclosures/${id}/approval`, { decision: 'approve', justification: 'x', tellPerson: true })).statusCode).toBe(403);
    const approval = { decision: 'approve', justification: 'The police have a statutory request under the Crime and Disorder Act.', tellPerson: false, notToldReason: 'Telling would prejudice the investigation.' };
    // A manager's own request: self-approval refused citing 1.3.
    const own = await as(world, manager).post('/api/disclosures', { ...body, personIds: [person], reason: 'Court order for the records.' });
    expect(own.statusCode, own.body).toBe(201);
    const ownId = own.json().data.id as string;
    const self = await as(world, manager).post(`/api/disclosures/${ownId}/approval`, approval);
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ rule: 'disclosure/no-self-approval', clause: '1.3' });
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.approve', decision: 'deny', rule_id: 'disclosure/no-self-approval', resource_id: ownId });
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', ownId).executeTakeFirstOrThrow()).status).toBe('awaiting_approval');

    // A reason for not telling beside a decision to tell contradicts it: 400 naming the field, nothing decided.
    const contradictory = await as(world, manager2).post(`/api/disclosures/${id}/approval`, { ...approval, tellPerson: true });
    expect(contradictory.statusCode, contradictory.body).toBe(400);
    expect(contradictory.json().errors).toEqual([{ path: 'body.notToldReason', message: 'only when the person is not told' }]);
    expect((await db().selectFrom('disclosures').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('awaiting_approval');
    const approved = await as(world, manager2).post(`/api/disclosures/${id}/approval`, approval);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().data).toMatchObject({ status: 'awaiting_acknowledgement', approvedBy: manager2.id, tellPerson: false, notToldReason: approval.notToldReason });
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'DC Jones', date: '2026-03-02' })).statusCode).toBe(200);
    // Accepted under another name than the named recipient's: released once the worker confirms they checked (4.3).
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, { recipientChecked: true });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data).toMatchObject({ status: 'released', basis: 'exception', approvedBy: manager2.id });
    expect((await auditOf(id)).filter((e) => e[0] !== 'disclosure.read')).toEqual([
      ['disclosure.request', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['notification.send', 'change', 'disclosure/case-team-requests', '4.3, 1.2'], // the managers who may decide it are alerted, under the request's decision (src/disclosure/alerts.ts)
      ['disclosure.release', 'deny', 'disclosure/exception-not-approved', '1.3'],
      ['disclosure.approve', 'deny', 'default/deny', '3.3, 3.4, 4.2'], // the requester's own approval, refused at the policy gate, names the disclosure
      ['disclosure.approve', 'allow', 'disclosure/manager-decides-exception', '1.3'],
      ['notification.settle', 'change', 'disclosure/manager-decides-exception', '1.3'], // every manager's alert to decide it is settled by that decision (src/notify/settle.ts)
      ['notification.send', 'change', 'disclosure/manager-decides-exception', '1.3'], // and the requester told the decision, under it
      ['disclosure.acknowledgement-link', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
      ['disclosure.acknowledge', 'allow', 'disclosure/acknowledgement-link', '4.3, 1.2'],
      ['disclosure.release', 'allow', 'disclosure/manager-decides-exception', '1.3'],
      ['disclosure.release', 'allow', 'disclosure/case-team-requests', '4.3, 1.2'],
    ]);
  });

  it('1.3 disclosure-exception: a disclosure\'s can says who may decide it — never the manager who asked — and who may release it; the API agrees; the link opens the web app\'s acknowledgement page', async () => {
    const body = request({ items: { personFields: ['givenName'] }, exception: { ground: 'emergency', consentSought: false, notSoughtBecause: 'emergency' }, reason: 'Risk to life: the ambulance service needs a name.' });
    const own = await as(world, manager).post('/api/disclosures', body);
    expect(own.statusCode, own.body).toBe(201);
    const id = own.json().data.id as string;
    expect(own.json().can).toEqual({ approve: false, release: true, recordTold: true, pack: true });
    expect((await as(world, manager2).get(`/api/disclosures/${id}`)).json().can).toEqual({ approve: true, release: true, recordTold: true, pack: true });
    expect((await as(world, staff).get(`/api/disclosures/${id}`)).json().can).toEqual({ approve: false, release: true, recordTold: true, pack: true });
    expect((await as(world, guardian).get(`/api/disclosures/${id}`)).json().can).toEqual({ approve: false, release: false, recordTold: false, pack: false });
    expect((await as(world, manager).post(`/api/disclosures/${id}/approval`, { decision: 'refuse', justification: 'No.', tellPerson: true })).statusCode).toBe(403);
    expect((await as(world, guardian).post(`/api/disclosures/${id}/release`, {})).statusCode).toBe(403);
    const refused = await as(world, manager2).post(`/api/disclosures/${id}/approval`, { decision: 'refuse', justification: 'The ambulance service already has what it needs.', tellPerson: true });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json().data.status).toBe('refused');
    // A consent-based one: the link is the web app's public page, whose token the API answers to.
    const d = await as(world, staff).post('/api/disclosures', request());
    const link = await as(world, staff).post(`/api/disclosures/${d.json().data.id}/acknowledgement-link`, {});
    const url = new URL(link.json().url);
    expect(url.pathname).toMatch(/^\/acknowledge\/[A-Za-z0-9_-]{43}$/);
    expect((await as(world).get(`/api/disclosure-acknowledgements/${url.pathname.split('/').at(-1)}`)).statusCode).toBe(200);
  });

  it('4.3 third-party-disclosure: an oral disclosure is recorded after the fact, attested by staff and released as the record of what was said; the register lists by person, recipient and organisation-wide, as CSV too', async () => {
    const res = await as(world, staff).post('/api/disclosures', request({ items: { personFields: ['givenName'] }, oral: { channel: 'phone', occurredAt: '2026-03-02T08:30:00Z' } }));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    expect((await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {})).statusCode).toBe(409);
    const att = await as(world, staff).post(`/api/disclosures/${id}/attestation`, { recipientName: 'Sam Carter', date: '2026-03-02', statement: 'I told Sam on the phone that this is CONFIDENTIAL; Sam agreed to the terms.' });
    expect(att.statusCode, att.body).toBe(200);
    const rel = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(rel.statusCode, rel.body).toBe(200);
    expect(rel.json().data).toMatchObject({ mode: 'oral', oralChannel: 'phone', acknowledgementMethod: 'staff_attestation', acknowledgementAttestedBy: staff.id });

    const mine = await as(world, staff).get(`/api/people/${person}/disclosures`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((i: { id: string }) => i.id)).toContain(id);
    expect(mine.json().items[0]).not.toHaveProperty('reason');
    expect((await as(world, otherStaff).get(`/api/people/${person}/disclosures`)).statusCode).toBe(404);
    const recipient = await as(world, manager).get(`/api/organisations/${orgA}/disclosures?limit=1`);
    expect(recipient.statusCode, recipient.body).toBe(200);
    expect(recipient.json().items).toHaveLength(1);
    expect(recipient.json().items[0].status).toBe('released');
    const next = await as(world, manager).get(`/api/organisations/${orgA}/disclosures?limit=1&cursor=${recipient.json().nextCursor}`);
    expect(next.json().items[0].id).not.toBe(recipient.json().items[0].id);
    expect((await as(world, staff).get(`/api/organisations/${orgA}/disclosures`)).statusCode).toBe(403);
    const wide = await as(world, guardian).get('/api/disclosures?basis=exception&status=released');
    expect(wide.statusCode).toBe(200);
    expect(wide.json().items.every((i: { basis: string; status: string }) => i.basis === 'exception' && i.status === 'released')).toBe(true);
    const csv = await as(world, manager).get('/api/disclosures?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toContain('reference,personId,recipientOrganisationId');
    expect(csv.body).not.toContain('mentoring next term');
  });
  it('practice 5.1 sharing-agreements: a signed agreement in force is a basis without consent; one that also requires consent is not, while no consent covers it; both checked again at release', async () => {
    const agreementOrg = await org('Northside Health Partnership');
    const agreementId = await signedAgreement(agreementOrg, purpose, false);
    const ask = request({ recipient: { organisationId: agreementOrg, name: 'Dr Kaur', role: 'GP', email: 'kaur@northside.example' } });
    const res = await as(world, staff).post('/api/disclosures', ask);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json().data;
    expect(d).toMatchObject({ basis: 'agreement', consentId: null });
    const requested = (await auditRows(world)).find((r) => r.resource_id === d.id && r.action === 'disclosure.request')!;
    expect(requested).toMatchObject({ decision: 'allow', rule_id: 'disclosure/case-team-requests' });
    expect(JSON.parse(requested.detail)).toMatchObject({ basis: 'agreement', agreementId, consentRequired: false });

    // The agreement ends before release: release is refused, nothing goes out.
    const link = await as(world, staff).post(`/api/disclosures/${d.id}/acknowledgement-link`, {});
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Dr Kaur', date: '2026-03-02' })).statusCode).toBe(200);
    await db().updateTable('agreements').set({ status: 'terminated', terminated_at: world.clock.now().toISOString(), terminated_by: manager.id, termination_reason: 'Ended early' }).where('id', '=', agreementId).execute();
    const before = await packs();
    const refused = await as(world, staff).post(`/api/disclosures/${d.id}/release`, {});
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'agreements/none-covers', clause: 'practice 5.1' });
    expect(await packs()).toBe(before);
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'agreements/none-covers', clause: 'practice 5.1', resource_id: d.id });
    expect((await db().selectFrom('disclosures').select(['status', 'pack_sha256']).where('id', '=', d.id).executeTakeFirstOrThrow())).toEqual({ status: 'acknowledged', pack_sha256: null });

    // An agreement past its end date between request and release: refused the same way, nothing goes out.
    const expiringOrg = await org('Westside Youth Hub');
    const expiring = await signedAgreement(expiringOrg, purpose, false);
    const e = await as(world, staff).post('/api/disclosures', request({ recipient: { organisationId: expiringOrg, name: 'R Lee', role: 'Hub lead' } }));
    expect(e.statusCode, e.body).toBe(201);
    const eLink = await as(world, staff).post(`/api/disclosures/${e.json().data.id}/acknowledgement-link`, {});
    expect((await as(world).post(`/api/disclosure-acknowledgements/${new URL(eLink.json().url).pathname.split('/').at(-1)}`, { typedName: 'R Lee', date: '2026-03-02' })).statusCode).toBe(200);
    await db().updateTable('agreements').set({ ends_on: '2026-03-01' }).where('id', '=', expiring).execute();
    const expired = await as(world, staff).post(`/api/disclosures/${e.json().data.id}/release`, {});
    expect(expired.statusCode, expired.body).toBe(403);
    expect(expired.json()).toMatchObject({ rule: 'agreements/none-covers', clause: 'practice 5.1' });
    expect(await packs()).toBe(before);
    expect(await lastAudit()).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'agreements/none-covers', resource_id: e.json().data.id });

    // An unsigned agreement (a draft) is no basis: without consent the request is refused citing 1.3, and the audit
    // names the agreement check that failed too.
    const draftOrg = await org('Southside Draft Partner');
    const draftId = await signedAgreement(draftOrg, purpose, false);
    await db().updateTable('agreements').set({ status: 'draft', signed_at: null }).where('id', '=', draftId).execute();
    await db().deleteFrom('agreement_signatories').where('agreement_id', '=', draftId).where('party', '=', draftOrg).execute();
    const unsigned = await as(world, staff).post('/api/disclosures', request({ recipient: { organisationId: draftOrg, name: 'S Draft', role: 'Lead' } }));
    expect(unsigned.statusCode, unsigned.body).toBe(403);
    expect(unsigned.json()).toMatchObject({ rule: 'consent/none-covers', clause: '1.3, 4.1, 4.2' });
    const unsignedAudit = await lastAudit();
    expect(unsignedAudit).toMatchObject({ action: 'disclosure.request', decision: 'deny', rule_id: 'consent/none-covers' });
    expect(JSON.parse(unsignedAudit.detail).alsoTried).toEqual([{ basis: 'agreement', rule: 'agreements/none-covers', clause: 'practice 5.1' }]);

    // An agreement that requires consent as well: without consent for this recipient there is no basis (1.3).
    const strictOrg = await org('Eastside Family Service');
    await signedAgreement(strictOrg, purpose, true);
    const count = await disclosures();
    const strict = await as(world, staff).post('/api/disclosures', request({ recipient: { organisationId: strictOrg, name: 'A Worker', role: 'Family worker', email: 'a@eastside.example' } }));
    expect(strict.statusCode, strict.body).toBe(403);
    expect(strict.json().ruleId ?? strict.json().rule).toBe('consent/none-covers');
    expect(await disclosures()).toBe(count);
  });
});
