import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillAgreements } from '../../src/db/migrations/0024_disclosure_agreement';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, requestDisclosureWithLink, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const told = { why: 'So the trust can support you.', withWhom: 'Riverside Youth Trust.', consequences: 'They may contact you.', serviceImpact: 'Without it we cannot refer you.' };

describe.each(dialects())('a disclosure under a sharing agreement records and shows the agreement it rests on (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, guardian2: TestUser, manager: TestUser, manager2: TestUser, staff: TestUser;
  let person: string, consentOrg: string, purpose: string;
  const db = () => world.services.db.kysely;
  const packs = async () => Number((await db().selectFrom('disclosure_packs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const entriesOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id);
  const stored = (id: string) => db().selectFrom('disclosures').select(['status', 'agreement_id', 'pack_sha256']).where('id', '=', id).executeTakeFirstOrThrow();

  /** A sharing agreement with `partner`, signed by both sides with its signed copy, in force today (practice 5.1). */
  async function signedAgreement(partner: string, title: string, over: { supersedes?: string } = {}) {
    const id = newId();
    const now = world.clock.now().toISOString();
    await db().insertInto('agreements').values({
      id, title, status: 'signed', data_categories: JSON.stringify(['general', 'personal']), categories_mask: 3,
      security: 'Encrypted email only.', onward_sharing: 'None.', retention: '12 months.', breach_notification: 'Within 24 hours.',
      requires_consent: 0, starts_on: '2026-01-01', ends_on: '2026-12-31', review_on: '2026-11-01',
      document_sha256: 'a'.repeat(64), document_filename: 'signed.pdf', document_content_type: 'application/pdf', document_size: 10,
      document_uploaded_by: manager.id, document_uploaded_at: now, signed_at: now, terminated_at: null, terminated_by: null,
      termination_reason: null, supersedes: over.supersedes ?? null, superseded_by: null, created_by: manager.id, created_at: now, updated_at: now, version: 3,
    }).execute();
    await db().insertInto('agreement_parties').values({ agreement_id: id, organisation_id: partner }).execute();
    await db().insertInto('agreement_purposes').values({ agreement_id: id, purpose_id: purpose }).execute();
    await db().insertInto('agreement_signatories').values([
      { id: newId(), agreement_id: id, party: 'ours', user_id: guardian.id, name: 'G', role: 'Guardian', signed_on: '2026-01-05', recorded_by: manager.id, recorded_at: now },
      { id: newId(), agreement_id: id, party: partner, user_id: null, name: 'P', role: 'Director', signed_on: '2026-01-06', recorded_by: manager.id, recorded_at: now },
    ]).execute();
    if (over.supersedes) await db().updateTable('agreements').set({ superseded_by: id }).where('id', '=', over.supersedes).execute();
    return id;
  }
  const request = (organisationId: string, over: Record<string, unknown> = {}) => ({
    personIds: [person], recipient: { organisationId, name: 'Dr Kaur', role: 'GP', email: 'kaur@northside.example' }, purposeId: purpose,
    reason: 'The practice takes over the health side of the support plan.', items: { personFields: ['givenName', 'familyName'] }, ...over,
  });
  /** Requests (another manager approving an exception), acknowledges through the link and answers the disclosure. */
  async function acknowledged(body: Record<string, unknown>) {
    const { id, requested, token } = await requestDisclosureWithLink(world, staff, manager2, body);
    const ack = await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'Dr Kaur', date: '2026-03-02' });
    expect(ack.statusCode, ack.body).toBe(200);
    return { id, requested };
  }
  const inRegister = async (id: string) => (await as(world, manager).get('/api/disclosures')).json().items.find((i: { id: string }) => i.id === id);

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [manager.id]: 'manager' });
    consentOrg = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
    const created = await as(world, manager).post('/api/purposes', {
      name: 'Health support handover', description: 'Share what a partner needs to support the young person.', lawfulBasis: 'consent',
      art9Condition: 'explicit_consent', dataCategories: ['general', 'personal'], recipientCategories: ['named partner organisation'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
    const c = await as(world, staff).post(`/api/people/${person}/consents`, {
      purposeId: purpose, decision: 'given', recipients: [{ kind: 'organisation', organisationId: consentOrg }], dataCategories: ['general', 'personal'], told,
      method: { kind: 'oral', attestation: 'I explained the sharing and Jo agreed.' }, givenBy: { kind: 'person' },
    });
    expect(c.statusCode, c.body).toBe(201);
  });
  afterAll(() => world.close());

  it('practice 5.1 sharing-agreements, 4.3 disclosure: a disclosure on an agreement records the agreement\'s id — in its row, its view (with the agreement\'s title), the register and its CSV, the request and release audit entries, and the person\'s information-use summary, which names it', async () => {
    const partner = await makeOrganisation(world, { name: 'Northside Health Partnership' });
    const agreementId = await signedAgreement(partner, 'Northside health joint working protocol');
    const { id, requested } = await acknowledged(request(partner));
    expect(requested).toMatchObject({ basis: 'agreement', consentId: null, agreementId, agreement: { id: agreementId, title: 'Northside health joint working protocol', status: 'in_force' }, agreementEndedAt: null });
    expect((await stored(id)).agreement_id).toBe(agreementId);
    const request_ = (await entriesOf(id)).find((r) => r.action === 'disclosure.request')!;
    expect(request_).toMatchObject({ decision: 'allow', rule_id: 'disclosure/case-team-requests', clause: expect.stringContaining('4.3'), resource_id: id });
    expect(JSON.parse(request_.detail)).toMatchObject({ basis: 'agreement', agreementId });
    expect(request_.detail).not.toContain('Northside health joint working protocol');

    const view = await as(world, staff).get(`/api/disclosures/${id}`);
    expect(view.json().data).toMatchObject({ status: 'acknowledged', agreementId, agreement: { id: agreementId, title: 'Northside health joint working protocol' }, agreementEndedAt: null });
    expect(view.json().can.release).toBe(true);
    expect(await inRegister(id)).toMatchObject({ agreementId, agreement: { id: agreementId, title: 'Northside health joint working protocol' } });
    const mine = (await as(world, staff).get(`/api/people/${person}/disclosures`)).json().items.find((i: { id: string }) => i.id === id);
    expect(mine).toMatchObject({ agreementId, agreement: { title: 'Northside health joint working protocol' } });

    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data).toMatchObject({ status: 'released', agreementId });
    expect((await stored(id)).agreement_id).toBe(agreementId);
    const releases = (await entriesOf(id)).filter((r) => r.action === 'disclosure.release');
    expect(releases.map((r) => [r.decision, r.rule_id, r.clause])).toEqual([
      ['allow', 'agreements/covers', 'practice 5.1'],
      ['allow', 'disclosure/case-team-requests', expect.stringContaining('4.3')],
    ]);
    for (const r of releases) expect(JSON.parse(r.detail)).toMatchObject({ agreementId });
    expect(await inRegister(id)).toMatchObject({ status: 'released', agreementId });
    const byRecipient = (await as(world, manager).get(`/api/organisations/${partner}/disclosures`)).json().items;
    expect(byRecipient[0]).toMatchObject({ id, agreementId, agreement: { title: 'Northside health joint working protocol' } });

    const csv = await as(world, manager).get('/api/disclosures?format=csv');
    const [head, ...lines] = csv.body.split('\r\n');
    const cols = head.split(',');
    const line = lines.find((l) => l.startsWith(`${released.json().data.reference},`))!.split(',');
    expect(line[cols.indexOf('agreementId')]).toBe(agreementId);
    expect(line[cols.indexOf('agreementTitle')]).toBe('Northside health joint working protocol');

    // 1.3, Caldicott 8: the person's "How your information is used" names the agreement it went under.
    const summary = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(summary.statusCode, summary.body).toBe(200);
    const line_ = summary.json().disclosures.items.find((i: { recipient: string }) => i.recipient === 'Northside Health Partnership');
    expect(line_).toMatchObject({ agreement: 'Northside health joint working protocol', basis: 'under our signed information-sharing agreement with them, "Northside health joint working protocol"' });
    expect(line_.sentence).toContain('with Northside Health Partnership, for ');
    expect(line_.sentence).toMatch(/under our signed information-sharing agreement with them, "Northside health joint working protocol"\.$/);
  });

  it('1.3 informed-consent, 1.3 disclosure-exception: a disclosure on consent or on an exception rests on no agreement — agreementId null in its row, view and register, and no agreement in its audit', async () => {
    const onConsent = await acknowledged(request(consentOrg));
    const onException = await acknowledged(request(consentOrg, { exception: { ground: 'legal_duty', reference: 'Police incident 4471/26', consentSought: false, notSoughtBecause: 'not_safe' } }));
    for (const [{ id, requested }, basis] of [[onConsent, 'consent'], [onException, 'exception']] as const) {
      expect(requested).toMatchObject({ basis, agreementId: null, agreement: null, agreementEndedAt: null });
      expect((await stored(id)).agreement_id).toBeNull();
      expect(await inRegister(id)).toMatchObject({ basis, agreementId: null, agreement: null });
      expect((await as(world, staff).post(`/api/disclosures/${id}/release`, {})).statusCode).toBe(200);
      expect((await stored(id)).agreement_id).toBeNull();
      const entries = await entriesOf(id);
      expect(entries.find((r) => r.action === 'disclosure.request')).toMatchObject({ decision: 'allow', rule_id: 'disclosure/case-team-requests' });
      for (const r of entries) expect(JSON.parse(r.detail).agreementId ?? null).toBeNull();
    }
  });

  it('practice 5.1 sharing-agreements: the agreement terminated after the recipient accepted — the view and the register say the agreement ended on its date and do not offer release; release is refused saying so, audited with the rule, clause and agreement; nothing goes out', async () => {
    const partner = await makeOrganisation(world, { name: 'Eastside Family Service' });
    const agreementId = await signedAgreement(partner, 'Eastside family protocol');
    const { id } = await acknowledged(request(partner));
    const endedAt = world.clock.now().toISOString();
    await db().updateTable('agreements').set({ status: 'terminated', terminated_at: endedAt, terminated_by: manager.id, termination_reason: 'Ended early' }).where('id', '=', agreementId).execute();

    const view = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(view.data).toMatchObject({ status: 'acknowledged', agreementId, agreement: { id: agreementId, title: 'Eastside family protocol', status: 'terminated' }, agreementEndedAt: endedAt, consentWithdrawnAt: null });
    expect(view.can.release).toBe(false);
    expect(await inRegister(id)).toMatchObject({ status: 'acknowledged', agreementEndedAt: endedAt });
    const mine = (await as(world, staff).get(`/api/people/${person}/disclosures`)).json().items.find((i: { id: string }) => i.id === id);
    expect(mine.agreementEndedAt).toBe(endedAt);

    const before = await packs();
    const refused = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ rule: 'agreements/none-covers', clause: 'practice 5.1' });
    expect(refused.json().detail).toContain('The sharing agreement “Eastside family protocol” this disclosure rests on ended on 2 March 2026');
    expect(refused.json().detail).not.toContain('Bloggs');
    expect(await packs()).toBe(before);
    expect(await stored(id)).toEqual({ status: 'acknowledged', agreement_id: agreementId, pack_sha256: null });
    const denied = (await auditRows(world)).at(-1)!;
    expect(denied).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'agreements/none-covers', clause: 'practice 5.1', resource_id: id, subject_person_id: person });
    expect(JSON.parse(denied.detail)).toMatchObject({ basis: 'agreement', agreementId, agreementEndedAt: endedAt });
    expect(denied.detail).not.toContain('Eastside family protocol');
  });

  it('practice 5.1 sharing-agreements: an agreement past its last day between request and release — the view says it ended on that day and release is refused, audited', async () => {
    const partner = await makeOrganisation(world, { name: 'Westside Youth Hub' });
    const agreementId = await signedAgreement(partner, 'Westside hub protocol');
    const { id } = await acknowledged(request(partner));
    await db().updateTable('agreements').set({ ends_on: '2026-03-01' }).where('id', '=', agreementId).execute();
    const view = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(view.data).toMatchObject({ agreementEndedAt: '2026-03-01', agreement: { status: 'ended' } });
    expect(view.can.release).toBe(false);
    const refused = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().detail).toContain('“Westside hub protocol” this disclosure rests on ended on 1 March 2026');
    expect((await auditRows(world)).at(-1)).toMatchObject({ action: 'disclosure.release', decision: 'deny', rule_id: 'agreements/none-covers', clause: 'practice 5.1', resource_id: id });
  });

  it('practice 5.1 sharing-agreements: the agreement replaced by a signed variation that covers it — still ready to release, and the release records the variation it rested on', async () => {
    const partner = await makeOrganisation(world, { name: 'Southside Health Centre' });
    const first = await signedAgreement(partner, 'Southside protocol');
    const { id } = await acknowledged(request(partner));
    const variation = await signedAgreement(partner, 'Southside protocol (varied)', { supersedes: first });
    const view = (await as(world, staff).get(`/api/disclosures/${id}`)).json();
    expect(view.data).toMatchObject({ agreementId: first, agreement: { id: first, status: 'superseded' }, agreementEndedAt: null });
    expect(view.can.release).toBe(true);
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().data).toMatchObject({ agreementId: variation, agreement: { id: variation, title: 'Southside protocol (varied)' } });
    const entry = (await entriesOf(id)).filter((r) => r.action === 'disclosure.release').at(-1)!;
    expect(entry).toMatchObject({ decision: 'allow', rule_id: 'disclosure/case-team-requests' });
    expect(JSON.parse(entry.detail)).toMatchObject({ agreementId: variation });
  });

  it('practice 5.1 sharing-agreements, 1.1 audit: migration 0024 gives a disclosure made before it the agreement its audit entries name, and leaves consent-based ones without', async () => {
    const partner = await makeOrganisation(world, { name: 'Old Town Surgery' });
    const agreementId = await signedAgreement(partner, 'Old Town protocol');
    const { id } = await acknowledged(request(partner));
    const { id: onConsent } = await acknowledged(request(consentOrg));
    await db().updateTable('disclosures').set({ agreement_id: null }).where('id', 'in', [id, onConsent]).execute();
    await backfillAgreements(db() as never);
    expect((await stored(id)).agreement_id).toBe(agreementId);
    expect((await stored(onConsent)).agreement_id).toBeNull();
  });
});
