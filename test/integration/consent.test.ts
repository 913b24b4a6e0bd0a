import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/accounts/sessions';
import { newId } from '../../src/lib/ids';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const DAY = 86_400_000;

/** A purpose sharing with the GP, a named partner, or internally. */
const purposeBody = (guardianId: string, over: Record<string, unknown> = {}) => ({
  name: 'Referral to health services', description: 'Share what is needed so the GP can support the young person.',
  lawfulBasis: 'consent', art9Condition: 'explicit_consent', dataCategories: ['general', 'personal', 'special'],
  recipientCategories: ['internal service only', 'GP practice', 'named partner organisation'], needsIdentity: true,
  retentionPeriod: 'P6Y', guardianId, nextReviewOn: '2027-03-01', ...over,
});
const told = { why: 'So the GP knows about the anxiety support.', withWhom: 'Your GP practice.', consequences: 'The GP may contact you; you can say no.', serviceImpact: 'If you do not agree, we cannot refer you to the wellbeing service.' };
const consentBody = (purposeId: string, over: Record<string, unknown> = {}) => ({
  purposeId, decision: 'given', recipients: [{ kind: 'category', category: 'GP practice' }], dataCategories: ['general', 'special'], told,
  method: { kind: 'oral', attestation: 'I explained the sharing and the person agreed.', witnessName: 'A. Witness' }, givenBy: { kind: 'person' }, ...over,
});

describe.each(dialects())('purposes and informed consent (%s)', (dialect) => {
  let world: World;
  let guardian: TestUser, guardian2: TestUser, manager: TestUser, staff: TestUser, otherStaff: TestUser, volunteer: TestUser;
  let person: string, orgId: string;
  const db = () => world.services.db.kysely;
  const count = async (table: 'purposes' | 'consents' | 'consent_recipients') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const auditOf = async (id: string) => (await auditRows(world)).filter((r) => r.resource_id === id).map((r) => [r.action, r.decision, r.rule_id, r.clause]);
  const lastAudit = async () => (await auditRows(world)).at(-1)!;
  /** The same user signed in again at the clock's time (sessions end after hours; these tests move days). */
  const again = async (u: TestUser): Promise<TestUser> => {
    const s = await createSession(db(), u.id, world.clock.now(), world.config);
    return { ...u, cookie: s.cookieValue, csrf: s.csrfToken };
  };

  /** A purpose proposed by `author` and approved by the other guardian. */
  async function activePurpose(over: Record<string, unknown> = {}, author = manager) {
    const created = await as(world, author).post('/api/purposes', purposeBody(guardian.id, over));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${id}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
    return id;
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    manager = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    otherStaff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    orgId = await makeOrganisation(world, { name: 'Riverside Youth Trust' });
  });
  afterAll(() => world.close());

  it('3.1 purpose-register: a manager proposes a draft; its author cannot approve it; another guardian does, and it is active — each step audited', async () => {
    const created = await as(world, guardian).post('/api/purposes', purposeBody(guardian.id));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().data.id as string;
    expect(created.json().data).toMatchObject({ status: 'draft', authorId: guardian.id, needsIdentity: true, dataCategories: ['general', 'personal', 'special'] });
    const own = await as(world, guardian).post(`/api/purposes/${id}/approve`, {}, { 'if-match': '"1"' });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ rule: 'purposes/no-self-approval', clause: '3.1, 2.1' });
    expect((await db().selectFrom('purposes').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('draft');
    const ok = await as(world, guardian2).post(`/api/purposes/${id}/approve`, {}, { 'if-match': '"1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().data).toMatchObject({ status: 'active', approvedBy: guardian2.id });
    expect(await auditOf(id)).toEqual([
      ['purpose.create', 'allow', 'purposes/propose', '3.1, 2.1'],
      ['purpose.approve', 'deny', 'purposes/no-self-approval', '3.1, 2.1'],
      ['purpose.approve', 'allow', 'purposes/guardian-approves', '3.1, 2.1'],
    ]);
    // The register is not confidential: a volunteer reads it.
    const list = await as(world, volunteer).get('/api/purposes?status=active');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(id);
  });

  it('3.1 purpose-register: staff may not propose a purpose, a draft is edited only by its author with If-Match, and bad input is a 400 naming the field — nothing written', async () => {
    const before = await count('purposes');
    const denied = await as(world, staff).post('/api/purposes', purposeBody(guardian.id));
    expect(denied.statusCode).toBe(403);
    expect((await lastAudit())).toMatchObject({ action: 'purpose.create', decision: 'deny', actor_id: staff.id });
    const bad: [Record<string, unknown>, string][] = [
      [purposeBody(guardian.id, { art9Condition: undefined }), 'body.art9Condition'],
      [purposeBody(staff.id), 'body.guardianId'],
      [purposeBody(guardian.id, { nextReviewOn: '2026-03-01' }), 'body.nextReviewOn'],
      [purposeBody(guardian.id, { lawfulBasis: 'because' }), 'body.lawfulBasis'],
      [purposeBody(guardian.id, { retentionPeriod: 'six years' }), 'body.retentionPeriod'],
    ];
    for (const [body, path] of bad) {
      const res = await as(world, manager).post('/api/purposes', body);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    expect(await count('purposes')).toBe(before);
    const draft = await as(world, manager).post('/api/purposes', purposeBody(guardian.id));
    const id = draft.json().data.id as string;
    // Another's draft: refused under the purpose register (3.1, 2.1) — its author edits it — not under need to know.
    const others = await as(world, guardian).patch(`/api/purposes/${id}`, { name: 'Other' }, { 'if-match': '"1"' });
    expect(others.statusCode).toBe(403);
    expect(others.json()).toMatchObject({ rule: 'default/deny', clause: '3.1, 2.1', detail: "This is open to you only for your own, and this one is someone else's." });
    expect(await lastAudit()).toMatchObject({ action: 'purpose.update', decision: 'deny', rule_id: 'default/deny', clause: '3.1, 2.1', resource_type: 'purpose', resource_id: id, actor_id: guardian.id });
    expect((await as(world, manager).patch(`/api/purposes/${id}`, { name: 'Renamed' })).statusCode).toBe(428);
    const edited = await as(world, manager).patch(`/api/purposes/${id}`, { name: 'Renamed' }, { 'if-match': '"1"' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().data).toMatchObject({ name: 'Renamed', version: 2 });
    expect((await as(world, manager).patch(`/api/purposes/${id}`, { name: 'Stale' }, { 'if-match': '"1"' })).statusCode).toBe(412);
  });

  it('Done when: through the API alone — create and approve a purpose, record consent, download the receipt as JSON and PDF, withdraw it, and the consent check denies afterwards (1.3, 4.1 informed-consent)', async () => {
    const purposeId = await activePurpose();
    const recorded = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(purposeId, { recipients: [{ kind: 'category', category: 'GP practice' }, { kind: 'organisation', organisationId: orgId }] }));
    expect(recorded.statusCode, recorded.body).toBe(201);
    const consent = recorded.json().data;
    expect(consent).toMatchObject({ decision: 'given', status: 'given', personId: person, purposeId, toldWhy: told.why, supersededBy: null });
    expect(consent.recipients).toEqual([{ kind: 'category', category: 'GP practice' }, { kind: 'organisation', organisationId: orgId, name: 'Riverside Youth Trust' }]);
    expect(await auditOf(consent.id)).toEqual([
      ['consent.record', 'allow', 'consent/record-case-team', '1.3, 4.1, 4.2'],
      ['consent.read', 'allow', 'consent/case-team-reads', '3.3, 3.4, 4.2'],
    ]);

    const check = (user: TestUser, recipient: string, categories = 'general,special') =>
      as(world, user).get(`/api/people/${person}/consent-check?purposeId=${purposeId}&recipient=${encodeURIComponent(recipient)}&categories=${categories}`);
    const allowed = await check(staff, 'category:GP practice');
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json()).toMatchObject({ allowed: true, ruleId: 'consent/check-case-team', clause: '1.3, 4.1, 4.2', consentId: consent.id });
    expect(await lastAudit()).toMatchObject({ action: 'consent.check', decision: 'allow', rule_id: 'consent/check-case-team', resource_id: person, subject_person_id: person });
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ consentId: consent.id, purposeId });
    const byOrganisation = (await check(manager, `organisation:${orgId}`)).json();
    expect(byOrganisation).toMatchObject({ allowed: true, ruleId: 'consent/check-management', consentId: consent.id, recipient: `org:${orgId}` });
    // The recipient as the answer gives it can be asked about again as it is.
    expect((await check(manager, byOrganisation.recipient)).json()).toMatchObject({ allowed: true, consentId: consent.id, recipient: `org:${orgId}` });

    const json = await as(world, staff).get(`/api/consents/${consent.id}/receipt`);
    expect(json.statusCode, json.body).toBe(200);
    const receipt = json.json();
    for (const k of ['version', 'jurisdiction', 'consentTimestamp', 'collectionMethod', 'consentReceiptID', 'language', 'piiPrincipalId', 'piiControllers', 'policyUrl', 'services', 'sensitive', 'spiCat']) expect(receipt, k).toHaveProperty(k);
    expect(receipt).toMatchObject({ version: 'KI-CR-v1.1.0', jurisdiction: 'GB', consentReceiptID: consent.id, piiPrincipalId: person, sensitive: true, language: 'en' });
    expect(receipt.piiControllers[0].piiController).toBe('Music24');
    expect(receipt.services[0].purposes[0]).toMatchObject({ consentType: 'EXPLICIT', primaryPurpose: true, thirdPartyDisclosure: true, thirdPartyName: 'GP practice; Riverside Youth Trust' });
    expect(receipt.confide.status).toBe('given');
    // In words the person reads: how long it is kept (the register's P6Y), not the code.
    expect(receipt.services[0].purposes[0].termination).toContain('is kept for 6 years and then deleted');
    expect(receipt.services[0].purposes[0].termination).not.toContain('P6Y');
    const pdf = await as(world, staff).get(`/api/consents/${consent.id}/receipt.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1').match(/\/Type \/Page\b/g)?.length, 'one page the person can keep').toBe(1);
    expect((await auditOf(consent.id)).filter((r) => r[0] === 'consent.receipt')).toEqual([
      ['consent.receipt', 'allow', 'consent/case-team-reads', '3.3, 3.4, 4.2'],
      ['consent.receipt', 'allow', 'consent/case-team-reads', '3.3, 3.4, 4.2'],
    ]);

    // A volunteer on the team records the withdrawal at once (a withdrawal never waits).
    const withdrawn = await as(world, volunteer).post(`/api/consents/${consent.id}/withdraw`, { method: 'orally', note: 'said so at the session' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(201);
    expect(withdrawn.json().data).toMatchObject({ decision: 'withdrawn', supersedes: consent.id, withdrawalMethod: 'orally', recordedBy: volunteer.id });
    expect(await auditOf(withdrawn.json().data.id)).toContainEqual(['consent.withdraw', 'allow', 'consent/withdraw-case-team', '1.3, 4.1, 4.2']);
    const after = await check(staff, 'category:GP practice');
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ allowed: false, ruleId: 'consent/none-covers', clause: '1.3, 4.1, 4.2', consentId: null });
    expect(await lastAudit()).toMatchObject({ action: 'consent.check', decision: 'deny', rule_id: 'consent/none-covers' });
    const receiptAfter = (await as(world, staff).get(`/api/consents/${consent.id}/receipt`)).json();
    expect(receiptAfter.confide).toMatchObject({ status: 'withdrawn', withdrawal: { method: 'orally' } });
    expect((await as(world, staff).post(`/api/consents/${consent.id}/withdraw`, { method: 'orally' })).statusCode).toBe(409);
  });

  it('4.1 consent-by-trained-staff: a volunteer may not record consent (403, nothing written); staff off the team get 404; staff on the team may', async () => {
    const purposeId = await activePurpose();
    const before = await count('consents');
    const vol = await as(world, volunteer).post(`/api/people/${person}/consents`, consentBody(purposeId));
    expect(vol.statusCode).toBe(403);
    expect(vol.json()).toMatchObject({ rule: 'consent/explained-by-trained-staff', clause: '4.1, 3.5' });
    expect(await lastAudit()).toMatchObject({ action: 'consent.record', decision: 'deny', rule_id: 'consent/explained-by-trained-staff', actor_id: volunteer.id });
    const off = await as(world, otherStaff).post(`/api/people/${person}/consents`, consentBody(purposeId));
    expect(off.statusCode).toBe(404);
    expect(await lastAudit()).toMatchObject({ action: 'consent.record', decision: 'deny', resource_id: person, actor_id: otherStaff.id });
    expect(await count('consents')).toBe(before);
    const ok = await as(world, manager).post(`/api/people/${person}/consents`, consentBody(purposeId));
    expect(ok.statusCode).toBe(403); // a manager off the team oversees, but consent is explained by the team
    expect(await count('consents')).toBe(before);
    const mine = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(purposeId));
    expect(mine.statusCode, mine.body).toBe(201);
  });

  it('4.1 informed-consent: what the person was told, a child\'s competence, the recipients and the expiry are checked — a 400 naming the field, nothing written', async () => {
    const purposeId = await activePurpose({ recipientCategories: ['GP practice'] });
    const before = [await count('consents'), await count('consent_recipients')];
    const bad: [Record<string, unknown>, string][] = [
      [consentBody(purposeId, { told: { ...told, serviceImpact: undefined } }), 'body.told.serviceImpact'],
      [consentBody(purposeId, { told: { ...told, why: ' ' } }), 'body.told.why'],
      [consentBody(purposeId, { givenBy: { kind: 'competent_child' } }), 'body.givenBy.competenceAssessment'],
      [consentBody(purposeId, { givenBy: { kind: 'parental_responsibility', name: 'Sam Bloggs' } }), 'body.givenBy.relationship'],
      [consentBody(purposeId, { recipients: [{ kind: 'category', category: 'Police' }] }), 'body.recipients.0.category'],
      [consentBody(purposeId, { recipients: [{ kind: 'organisation', organisationId: orgId }] }), 'body.recipients.0.organisationId'],
      [consentBody(purposeId, { recipients: [{ kind: 'internal' }] }), 'body.recipients.0'],
      [consentBody(purposeId, { dataCategories: ['safeguarding'] }), 'body.dataCategories'],
      [consentBody(purposeId, { expiresAt: '2026-03-01T00:00:00Z' }), 'body.expiresAt'],
      // After the year 9999 in UTC: stored as '+010000-…', it sorted before every date and counted as expired at once.
      [consentBody(purposeId, { expiresAt: '9999-12-31T23:59:59-14:00' }), 'body.expiresAt'],
      [consentBody(purposeId, { method: { kind: 'signed_form', attachmentId: newId() } }), 'body.method.attachmentId'],
      [consentBody(newId()), 'body.purposeId'],
      [{ ...consentBody(purposeId), overridden: true }, 'body'],
    ];
    for (const [body, path] of bad) {
      const res = await as(world, staff).post(`/api/people/${person}/consents`, body);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors.map((e: { path: string }) => e.path), res.body).toEqual([path]);
    }
    expect([await count('consents'), await count('consent_recipients')]).toEqual(before);
  });

  it("4.1 informed-consent, practice 4.1 children: who may give consent follows the person's age — under 16 a competent child or a parent, 16 and over the person, no parent for an adult; a refusal is heard from anyone", async () => {
    const purposeId = await activePurpose({ recipientCategories: ['GP practice'] });
    const child = await makePerson(world, { dateOfBirth: '2012-03-03' }); // 13 on the clock's date
    const fifteen = await makePerson(world, { dateOfBirth: '2010-03-03' }); // 16 tomorrow
    const adult = await makePerson(world, { dateOfBirth: '1990-06-01' });
    for (const p of [child, fifteen, adult]) await makeCase(world, p, { [staff.id]: 'lead' });
    const competent = { kind: 'competent_child', competenceAssessment: 'Talked it through; they explained back what sharing means and that they can say no.' };
    const parent = { kind: 'parental_responsibility', name: 'Sam Bloggs', relationship: 'mother' };
    const representative = { kind: 'representative', name: 'Lee Bloggs', relationship: 'brother', authority: 'lasting power of attorney for health and welfare' };
    const refusedAs = async (p: string, givenBy: Record<string, unknown>, message: string) => {
      const before = await count('consents');
      const res = await as(world, staff).post(`/api/people/${p}/consents`, consentBody(purposeId, { givenBy }));
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'body.givenBy.kind', message }]);
      expect(res.body).not.toContain('2012-03-03'); // the answer names the rule, not the date of birth
      expect(await count('consents')).toBe(before);
    };
    await refusedAs(child, { kind: 'person' }, 'under 16: competent_child or parental_responsibility');
    await refusedAs(fifteen, { kind: 'person' }, 'under 16: competent_child or parental_responsibility');
    await refusedAs(child, representative, 'under 16: competent_child or parental_responsibility');
    await refusedAs(adult, competent, '16 or over: not competent_child');
    await refusedAs(adult, parent, '18 or over: not parental_responsibility');
    await refusedAs(person, competent, '16 or over: not competent_child'); // 17

    const recorded = async (p: string, body: Record<string, unknown>) => {
      const res = await as(world, staff).post(`/api/people/${p}/consents`, consentBody(purposeId, body));
      expect(res.statusCode, res.body).toBe(201);
      return res.json().data as { id: string; givenBy: string };
    };
    const byChild = await recorded(child, { givenBy: competent });
    expect(byChild.givenBy).toBe('competent_child');
    expect(await auditOf(byChild.id)).toContainEqual(['consent.record', 'allow', 'consent/record-case-team', '1.3, 4.1, 4.2']);
    await recorded(fifteen, { givenBy: parent });
    await recorded(adult, { givenBy: representative });
    // A refusal voiced by a 13-year-old themselves is recorded as theirs: no one is made to stay silent.
    const otherPurpose = await activePurpose({ recipientCategories: ['GP practice'] });
    const no = await as(world, staff).post(`/api/people/${child}/consents`, consentBody(otherPurpose, { decision: 'refused' }));
    expect(no.statusCode, no.body).toBe(201);
    expect(no.json().data).toMatchObject({ decision: 'refused', givenBy: 'person' });
  });

  it('3.1 purpose-register: a draft purpose, or one past its review date, covers nothing — recording and checking are refused citing 3.1 — until re-approved', async () => {
    const draft = (await as(world, manager).post('/api/purposes', purposeBody(guardian.id))).json().data.id as string;
    const before = await count('consents');
    const refused = await as(world, staff).post(`/api/people/${person}/consents`, consentBody(draft));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ rule: 'purposes/not-in-force', clause: '3.1, 2.1', errors: [{ path: 'body.purposeId' }] });
    expect(await lastAudit()).toMatchObject({ action: 'consent.record', decision: 'deny', rule_id: 'purposes/not-in-force' });
    expect(await count('consents')).toBe(before);

    const purposeId = await activePurpose({ nextReviewOn: '2026-04-01' });
    const c = (await as(world, staff).post(`/api/people/${person}/consents`, consentBody(purposeId))).json().data;
    const ask = { purposeId, recipient: { kind: 'category', category: 'GP practice' }, dataCategories: ['special'] };
    expect((await as(world, staff).post(`/api/people/${person}/consent-check`, ask)).json()).toMatchObject({ allowed: true, consentId: c.id });
    world.clock.advance(31 * DAY); // 2026-04-02: the review is overdue
    const [staffNow, guardianNow, guardian2Now] = [await again(staff), await again(guardian), await again(guardian2)];
    try {
      const due = (await as(world, guardianNow).get('/api/purposes?status=review_due')).json().items.map((p: { id: string }) => p.id);
      expect(due).toContain(purposeId);
      const denied = await as(world, staffNow).post(`/api/people/${person}/consent-check`, ask);
      expect(denied.json()).toMatchObject({ allowed: false, ruleId: 'purposes/not-in-force', clause: '3.1, 2.1', consentId: null });
      const re = await as(world, guardian2Now).post(`/api/purposes/${purposeId}/reapprove`, { nextReviewOn: '2027-04-01' }, { 'if-match': '"2"' });
      expect(re.statusCode, re.body).toBe(200);
      expect(re.json().data.status).toBe('active');
      expect((await as(world, staffNow).post(`/api/people/${person}/consent-check`, ask)).json()).toMatchObject({ allowed: true, consentId: c.id });
      const retired = await as(world, guardian2Now).post(`/api/purposes/${purposeId}/retire`, { reason: 'service closed' }, { 'if-match': '"3"' });
      expect(retired.statusCode, retired.body).toBe(200);
      expect((await as(world, staffNow).post(`/api/people/${person}/consent-check`, ask)).json()).toMatchObject({ allowed: false, ruleId: 'purposes/not-in-force' });
    } finally {
      world.clock.advance(-31 * DAY);
    }
  });

  it('1.3 informed-consent: recipient A does not cover B, purpose X does not cover Y, an expired consent blocks, and a new version must name the one it supersedes', async () => {
    const x = await activePurpose();
    const y = await activePurpose();
    const second = await makePerson(world);
    await makeCase(world, second, { [staff.id]: 'lead' });
    const first = await as(world, staff).post(`/api/people/${second}/consents`, consentBody(x, { expiresAt: '2026-03-09T09:00:00Z' }));
    expect(first.statusCode, first.body).toBe(201);
    const id = first.json().data.id as string;
    const check = (purposeId: string, recipient: string) => as(world, staff).get(`/api/people/${second}/consent-check?purposeId=${purposeId}&recipient=${encodeURIComponent(recipient)}&categories=special`).then((r) => r.json());
    expect(await check(x, 'category:GP practice')).toMatchObject({ allowed: true, consentId: id });
    // A consent naming a category does not cover a named organisation, and the refusal says how to get one that does.
    expect(await check(x, `organisation:${orgId}`)).toMatchObject({ allowed: false, ruleId: 'consent/none-covers', reason: expect.stringMatching(/names recipients by category, not this organisation.*named partner organisation/) });
    expect(await check(y, 'category:GP practice')).toMatchObject({ allowed: false, ruleId: 'consent/none-covers' });
    // Staff off the team may not even ask (403), and the answer is audited.
    const off = await as(world, otherStaff).get(`/api/people/${second}/consent-check?purposeId=${x}&recipient=internal&categories=general`);
    expect(off.statusCode).toBe(404);

    const conflict = await as(world, staff).post(`/api/people/${second}/consents`, consentBody(x, { decision: 'refused' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().errors[0].path).toBe('body.supersedes');
    const v2 = await as(world, staff).post(`/api/people/${second}/consents`, consentBody(x, { supersedes: id, recipients: [{ kind: 'category', category: 'GP practice' }, { kind: 'internal' }] }));
    expect(v2.statusCode, v2.body).toBe(201);
    expect((await as(world, staff).get(`/api/consents/${id}`)).json().data).toMatchObject({ status: 'superseded', supersededBy: v2.json().data.id });
    expect(await check(x, 'internal')).toMatchObject({ allowed: true, consentId: v2.json().data.id });

    const v3 = await as(world, staff).post(`/api/people/${second}/consents`, consentBody(x, { supersedes: v2.json().data.id, expiresAt: '2026-03-09T09:00:00Z' }));
    expect(v3.statusCode, v3.body).toBe(201);
    // Asked about a moment after the expiry, and then read after it.
    const later = await as(world, staff).get(`/api/people/${second}/consent-check?purposeId=${x}&recipient=${encodeURIComponent('category:GP practice')}&categories=special&at=2026-03-09T09:00:00Z`);
    expect(later.json()).toMatchObject({ allowed: false, ruleId: 'consent/none-covers', at: '2026-03-09T09:00:00.000Z', reason: 'Their consent for this purpose has expired: ask for their informed consent again.' });
    // 1.3: for an earlier time the check answers with the version in force then — before any was recorded, none (it
    // once said yes for 2015 to a consent recorded today); audited like any other answer.
    const checks = (await auditRows(world)).filter((r) => r.action === 'consent.check').length;
    const earlier = await as(world, staff).get(`/api/people/${second}/consent-check?purposeId=${x}&recipient=${encodeURIComponent('category:GP practice')}&categories=special&at=2015-01-01T00:00:00Z`);
    expect(earlier.statusCode, earlier.body).toBe(200);
    expect(earlier.json()).toMatchObject({ allowed: false, ruleId: 'consent/none-covers', consentId: null, at: '2015-01-01T00:00:00.000Z' });
    expect((await auditRows(world)).filter((r) => r.action === 'consent.check').length).toBe(checks + 1);
    world.clock.advance(8 * DAY);
    const staffNow = await again(staff);
    try {
      expect((await as(world, staffNow).get(`/api/people/${second}/consent-check?purposeId=${x}&recipient=internal&categories=special`)).json()).toMatchObject({ allowed: false, ruleId: 'consent/none-covers' });
      expect((await as(world, staffNow).get(`/api/consents/${v3.json().data.id}`)).json().data.status).toBe('expired');
    } finally {
      world.clock.advance(-8 * DAY);
    }

    // The full history, newest first, paged; volunteers are not on this team, the case team sees every version.
    const page1 = await as(world, staff).get(`/api/people/${second}/consents?limit=2`);
    expect(page1.statusCode, page1.body).toBe(200);
    const page2 = await as(world, staff).get(`/api/people/${second}/consents?limit=2&cursor=${page1.json().nextCursor}`);
    expect(page2.statusCode, page2.body).toBe(200);
    const ids = [...page1.json().items, ...page2.json().items].map((c: { id: string }) => c.id);
    expect(ids).toEqual([v3.json().data.id, v2.json().data.id, id]);
    expect(page1.json().items[0]).not.toHaveProperty('toldWhy');
    expect(await lastAudit()).toMatchObject({ action: 'consent.read', decision: 'allow', resource_type: 'person', resource_id: second });
  });

  it('4.1 informed-consent: a consent names each organisation it covers — in the answer, a read and the history, for the volunteer too — and a new version listing a second partner as well covers both', async () => {
    const purposeId = await activePurpose();
    const fourth = await makePerson(world);
    await makeCase(world, fourth, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    const northbank = await makeOrganisation(world, { name: 'Northbank Youth Service' });
    const check = (recipient: string) => as(world, staff).get(`/api/people/${fourth}/consent-check?purposeId=${purposeId}&recipient=${encodeURIComponent(`organisation:${recipient}`)}&categories=special`).then((r) => r.json());
    const riverside = { kind: 'organisation', organisationId: orgId, name: 'Riverside Youth Trust' };
    const first = await as(world, staff).post(`/api/people/${fourth}/consents`, consentBody(purposeId, { recipients: [{ kind: 'organisation', organisationId: orgId }] }));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().data.recipients).toEqual([riverside]);

    // A second partner, recorded as the app records it: a new version listing both (it must name the current one).
    const both = [{ kind: 'organisation', organisationId: orgId }, { kind: 'organisation', organisationId: northbank }, { kind: 'category', category: 'GP practice' }];
    const second = await as(world, staff).post(`/api/people/${fourth}/consents`, consentBody(purposeId, { supersedes: first.json().data.id, recipients: both }));
    expect(second.statusCode, second.body).toBe(201);
    const named = [riverside, { kind: 'organisation', organisationId: northbank, name: 'Northbank Youth Service' }, { kind: 'category', category: 'GP practice' }];
    expect(second.json().data.recipients).toEqual(named);
    expect(await check(orgId)).toMatchObject({ allowed: true, consentId: second.json().data.id });
    expect(await check(northbank)).toMatchObject({ allowed: true, consentId: second.json().data.id });
    // The stored consent keeps ids only: the names come from the register when it is read.
    const stored = await db().selectFrom('consents').select('recipients').where('id', '=', second.json().data.id).executeTakeFirstOrThrow();
    expect(stored.recipients).not.toContain('Northbank');

    // The history names them on every version; a volunteer on the team reads whom it goes to (general), not what was told.
    const history = await as(world, volunteer).get(`/api/people/${fourth}/consents`);
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json().items.map((c: { status: string; recipients: unknown }) => [c.status, c.recipients])).toEqual([['given', named], ['superseded', [riverside]]]);
    // An organisation later archived is still named on the consents that named it.
    await db().updateTable('organisations').set({ archived_at: world.clock.now().toISOString() }).where('id', '=', northbank).execute();
    const read = await as(world, staff).get(`/api/consents/${second.json().data.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().data.recipients).toEqual(named);
  });

  it('3.4 need-to-know: a volunteer on the team reads what was agreed but not what the person was told; staff off the team get 404', async () => {
    const purposeId = await activePurpose();
    const third = await makePerson(world);
    await makeCase(world, third, { [staff.id]: 'lead', [volunteer.id]: 'volunteer' });
    const c = (await as(world, staff).post(`/api/people/${third}/consents`, consentBody(purposeId))).json().data;
    const vol = await as(world, volunteer).get(`/api/consents/${c.id}`);
    expect(vol.statusCode).toBe(200);
    expect(vol.json().data).toMatchObject({ decision: 'given', purposeId });
    expect(vol.json().data).not.toHaveProperty('toldWhy');
    expect(vol.json().restricted.map((r: { field: string }) => r.field)).toContain('toldWhy');
    expect((await as(world, volunteer).get(`/api/consents/${c.id}/receipt`)).statusCode).toBe(403);
    expect((await as(world, otherStaff).get(`/api/consents/${c.id}`)).statusCode).toBe(404);
    expect(await lastAudit()).toMatchObject({ action: 'consent.read', decision: 'deny', resource_id: c.id, actor_id: otherStaff.id });
    expect((await as(world, otherStaff).get(`/api/people/${third}/consents`)).statusCode).toBe(404);
  });
});
