import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { runReferralClock } from '../../src/safeguarding/referral-clock';
import { as, auditRows, insertPurpose, makeCase, makeNote, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfText } from '../support/pdf-text';
import { createWorld, dialects, type World } from '../support/world';

const HOUR = 3_600_000;
const WHAT = 'Said in the corridor that her stepfather hits her when she is late home';

describe.each(dialects())('safeguarding referrals through the disclosure workflow (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, leadManager: TestUser, manager2: TestUser, staff: TestUser, volunteer: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, caseId: string, council: string, police: string, purpose: string;
  const db = () => world.services.db.kysely;
  const audit = async (pred: (r: Awaited<ReturnType<typeof auditRows>>[number]) => boolean) => (await auditRows(world)).filter(pred);
  const count = async (table: 'referrals' | 'disclosures' | 'disclosure_packs') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  async function raise(personId: string | null = person, by = volunteer) {
    const res = await as(world, by).post('/api/concerns', {
      concernFor: 'child', ...(personId ? { personId } : { personDescription: 'Girl of about 12, red coat' }), whatHappened: WHAT, occurredAt: '2026-03-02T08:30:00Z',
      peopleInvolved: 'the child; her stepfather', immediateRisk: true, actionsTaken: 'Stayed with her; told the lead',
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  /** The decision aid, answered in full, and what is shared. */
  const answers = (over: Record<string, unknown> = {}) => ({
    to: 'local_authority', riskOfHarm: true, riskOfHarmReason: 'Disclosed physical harm at home', consentPossibleAndSafe: false,
    consentNote: 'Asking would alert the stepfather', informationShared: 'Name, date of birth and what she said', sharedWith: 'Children\'s services duty team',
    sharedHow: 'Secure referral portal', personTold: false, notToldReason: 'Telling her now could put her at risk; children\'s services decide when',
    share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Children\'s services duty team' }, purposeId: purpose, items: { personFields: ['givenName', 'familyName', 'dateOfBirth'], concern: true } },
    ...over,
  });
  /** An urgent referral released first: the consent and telling answers left to complete. */
  const urgent = (over: Record<string, unknown> = {}) => answers({ urgent: true, consentPossibleAndSafe: null, consentNote: null, personTold: null, notToldReason: undefined, ...over });

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Mia', familyName: 'Stone' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'volunteer', [lead.id]: 'worker' });
    council = await makeOrganisation(world, { name: 'City Council Children\'s Services', kind: 'local_authority' });
    police = await makeOrganisation(world, { name: 'City Police Public Protection Unit', kind: 'police' });
    const created = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team or the police need to protect a child or vulnerable adult.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['local authority safeguarding team', 'police'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    const approved = await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string });
    expect(approved.statusCode, approved.body).toBe(200);
  });
  afterAll(async () => world?.close());

  it('practice 4.3 safeguarding-duty-to-share: an urgent referral by a manager is released at once under the legal duty with no consent recorded (1.3), linked both ways to its concern, the pack marked CONFIDENTIAL (4.3)', async () => {
    const id = await raise();
    expect(await db().selectFrom('consents').select('id').where('person_id', '=', person).execute()).toEqual([]);
    const res = await as(world, leadManager).post(`/api/concerns/${id}/referrals`, urgent());
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ concernId: id, to: 'local_authority', urgent: true, releasedAtOnce: true, missing: ['consentPossibleAndSafe', 'consentNote', 'personTold'], completedAt: null, review: null });
    expect(r.completeBy).toBe(new Date(world.clock.now().getTime() + 24 * HOUR).toISOString());
    expect(r.disclosure).toMatchObject({ id: r.id, status: 'released' });
    // What the referrer may do next: complete it, not review their own release.
    expect(r.can).toEqual({ approve: false, review: false, complete: true });

    // The disclosure names the concern; its basis is the legal duty, decided on the server.
    const d = (await as(world, leadManager).get(`/api/disclosures/${r.disclosure.id}`)).json().data;
    expect(d).toMatchObject({ concernId: id, basis: 'exception', exceptionGround: 'legal_duty', status: 'released', approvedBy: null, releasedBy: leadManager.id, releasedAtOnce: true, requestedBy: leadManager.id, consentId: null });
    expect(d.items).toEqual({ personFields: ['givenName', 'familyName', 'dateOfBirth'], notes: [], attachments: [], concern: true });
    // The concern's chronology shows the referral and its disclosure.
    const chron = (await as(world, leadManager).get(`/api/concerns/${id}/chronology`)).json();
    const entry = chron.entries.find((e: { kind: string }) => e.kind === 'referral');
    expect(entry.detail).toMatchObject({ referralId: r.id, releasedAtOnce: true, disclosure: { id: r.disclosure.id, reference: d.reference, status: 'released' } });
    expect(chron.referrals).toEqual([expect.objectContaining({ id: r.id, disclosure: expect.objectContaining({ id: r.disclosure.id }) })]);

    // The pack: the chosen items and the concern's account, CONFIDENTIAL on every page.
    const pdf = await as(world, leadManager).get(`/api/disclosures/${r.disclosure.id}/pack.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdfText(pdf.rawPayload)).toContain('CONFIDENTIAL');
    const pack = JSON.parse((await as(world, leadManager).get(`/api/disclosures/${r.disclosure.id}/pack.json`)).body);
    expect(pack.marking).toBe('CONFIDENTIAL');
    expect(pack.items.map((s: { title: string }) => s.title)).toEqual(['About the person', 'The safeguarding concern']);
    expect(JSON.stringify(pack)).toContain(WHAT);
    expect(JSON.stringify(pack)).not.toContain('asthma');

    // The audit names action, rule, clause and record.
    const rows = await audit((e) => e.resource_id === id || e.resource_id === r.disclosure.id);
    const pick = (action: string) => rows.filter((e) => e.action === action).map((e) => [e.decision, e.rule_id, e.clause]);
    expect(pick('concern.refer')).toEqual([['allow', 'safeguarding/referral', 'practice 4.3']]);
    expect(pick('disclosure.request')).toEqual([['allow', 'safeguarding/referral-disclosure', 'practice 4.3']]);
    expect(pick('disclosure.release')).toEqual([
      ['allow', 'safeguarding/urgent-release-by-manager', 'practice 4.1, practice 4.2'],
      ['allow', 'safeguarding/urgent-release-by-manager', 'practice 4.1, practice 4.2'],
    ]);
    const refer = rows.find((e) => e.action === 'concern.refer')!;
    expect(JSON.parse(refer.detail)).toMatchObject({ referralId: r.id, disclosure: r.disclosure.id, release: 'at-once', atOnce: { allowed: true, rule: 'safeguarding/urgent-release-by-manager', clause: 'practice 4.1, practice 4.2' }, missing: ['consentPossibleAndSafe', 'consentNote', 'personTold'] });
    expect(refer.detail).not.toContain('stepfather');
    const release = rows.find((e) => e.action === 'disclosure.release' && JSON.parse(e.detail).packSha256)!;
    expect(JSON.parse(release.detail)).toMatchObject({ concernId: id, ground: 'legal_duty', atOnce: true });

    // Incomplete: on the list until the answers and a second manager's review are in.
    const incomplete = (await as(world, lead).get('/api/referrals')).json().items.map((x: { id: string }) => x.id);
    expect(incomplete).toContain(r.id);
    const forManager2 = (await as(world, manager2).get('/api/referrals')).json().items.find((x: { id: string }) => x.id === r.id);
    expect(forManager2.can).toEqual({ approve: false, review: true, complete: true });

    // 1.3 disclosure-exception: the manager who released it does not review it; a second manager does.
    const self = await as(world, leadManager).post(`/api/referrals/${r.id}/review`, { outcome: 'upheld', note: 'Right call' });
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ rule: 'disclosure/no-self-approval', clause: '1.3' });
    const reviewed = await as(world, manager2).post(`/api/referrals/${r.id}/review`, { outcome: 'upheld', note: 'Proportionate: the minimum needed, sent securely the same day.' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(reviewed.json()).toMatchObject({ review: { by: manager2.id, outcome: 'upheld' }, completedAt: null });
    expect((await audit((e) => e.action === 'referral.review' && e.resource_id === id)).map((e) => [e.actor_id, e.decision, e.rule_id, e.clause])).toEqual([
      [manager2.id, 'allow', 'disclosure/manager-decides-exception', '1.3'],
    ]);
    expect((await audit((e) => e.action === 'disclosure.approve' && e.decision === 'deny' && e.actor_id === leadManager.id)).map((e) => e.rule_id)).toEqual(['disclosure/no-self-approval']);

    // Completing: "not told" needs its reason; an answer given already is not changed here.
    const noReason = await as(world, lead).post(`/api/referrals/${r.id}/completion`, { consentPossibleAndSafe: false, consentNote: 'Not safe to ask', personTold: false });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([{ path: 'body.notToldReason', message: 'say why the person will not be told' }]);
    const done = await as(world, lead).post(`/api/referrals/${r.id}/completion`, { consentPossibleAndSafe: false, consentNote: 'Not safe to ask', personTold: false, notToldReason: 'Children\'s services will tell her', reference: 'CS-2026-0042' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ missing: [], completedAt: world.clock.now().toISOString() });
    expect((await as(world, leadManager).get(`/api/disclosures/${r.id}`)).json().data).toMatchObject({ tellPerson: false, exceptionReference: 'CS-2026-0042' });
    const again = await as(world, lead).post(`/api/referrals/${r.id}/completion`, { personTold: true });
    expect(again.statusCode).toBe(400);
    expect(again.json().errors).toEqual([{ path: 'body.personTold', message: 'answered already' }]);
    expect((await audit((e) => e.action === 'referral.complete' && e.resource_id === id)).map((e) => [e.decision, e.rule_id, e.clause])).toEqual([['allow', 'safeguarding/work-concern', 'practice 4.2, practice 4.3']]);
    expect((await as(world, lead).get('/api/referrals')).json().items.map((x: { id: string }) => x.id)).not.toContain(r.id);
  });

  it('practice 4.1 safeguarding-management: the referral and its disclosure do not leak — the case team, the raiser and the guardian see nothing of them (3.4)', async () => {
    const id = await raise();
    const r = (await as(world, leadManager).post(`/api/concerns/${id}/referrals`, urgent())).json();
    // The person's case team: the disclosure is the same 404 as a missing one, and not in the person's register.
    for (const u of [staff, volunteer]) {
      expect((await as(world, u).get(`/api/disclosures/${r.disclosure.id}`)).statusCode).toBe(404);
      const register = await as(world, u).get(`/api/people/${person}/disclosures`);
      expect(register.statusCode, register.body).toBe(200);
      expect(register.json().items.map((x: { id: string }) => x.id)).not.toContain(r.disclosure.id);
      // Staff have release rules for ordinary disclosures, so they get the 404 of a record they cannot see; a volunteer has none (403 by role).
      expect((await as(world, u).get(`/api/disclosures/${r.disclosure.id}/pack.pdf`)).statusCode).toBe(u === staff ? 404 : 403);
      expect((await as(world, u).get('/api/referrals')).statusCode).toBe(403);
      expect((await as(world, u).get(`/api/concerns/${id}/chronology`)).statusCode).toBe(403);
    }
    // The person's own summary leaves it out, even prepared by a manager who sees it, until they have been told (Caldicott 8 within practice 4.1).
    const info = await as(world, manager2).get(`/api/people/${person}/information-use`);
    expect(info.statusCode, info.body).toBe(200);
    expect(JSON.stringify(info.json().disclosures)).not.toContain('City Council');
    // The raiser reads back their own report and its status, nothing of the referral.
    const own = await as(world, volunteer).get(`/api/concerns/${id}`);
    expect(own.statusCode).toBe(200);
    expect(JSON.stringify(own.json())).not.toMatch(/local_authority|referral|legal_duty/);
    expect(own.json().can).toMatchObject({ refer: false, releaseAtOnce: false });
    // The guardian reviews ordinary disclosures, not a referral's.
    expect((await as(world, guardian).get(`/api/disclosures/${r.disclosure.id}`)).statusCode).toBe(404);
    const reg = await as(world, guardian).get('/api/disclosures');
    expect(reg.statusCode, reg.body).toBe(200);
    expect(reg.json().items.map((x: { id: string }) => x.id)).not.toContain(r.disclosure.id);
    // A lead reads it; a referral id someone may not work is the same 404 as one that does not exist.
    expect((await as(world, lead).get(`/api/disclosures/${r.disclosure.id}`)).json().data).toMatchObject({ concernId: id, exceptionGround: 'legal_duty' });
    expect((await as(world, lead).get(`/api/concerns/${id}`)).json().can).toMatchObject({ refer: true, releaseAtOnce: false });
    expect((await as(world, leadManager).get(`/api/concerns/${id}`)).json().can).toMatchObject({ refer: true, releaseAtOnce: true });
    expect((await as(world, lead).post(`/api/referrals/${newId()}/completion`, { personTold: true })).statusCode).toBe(404);
  });

  it('3.4 need-to-know: for a referral\'s disclosure and an ordinary one, the person\'s register (SQL filter) lists exactly what a single read (decide) opens, for every role', async () => {
    const id = await raise();
    const referral = (await as(world, leadManager).post(`/api/concerns/${id}/referrals`, urgent())).json().disclosure.id as string;
    const ordinary = newId();
    const now = world.clock.now().toISOString();
    await db().insertInto('disclosures').values({
      id: ordinary, reference: `D-ORD-${ordinary.slice(-6)}`, person_id: person, recipient_org_id: council, recipient_name: 'n', recipient_role: 'r', recipient_email: null, purpose_id: purpose,
      reason: 'r', items: JSON.stringify({ personFields: ['givenName'], notes: [], attachments: [] }), item_count: 1, data_categories: '["general"]', categories_mask: 1, pseudonymise: 0,
      mode: 'written', oral_channel: null, occurred_at: null, client_requested: 0, client_request_detail: null, client_request_recorded_by: null, client_request_recorded_at: null,
      basis: 'consent', consent_id: null, exception_ground: null, exception_reference: null, approved_by: null, approved_at: null, justification: null, tell_person: null,
      not_told_reason: null, person_told_at: null, status: 'awaiting_acknowledgement', ack_token_hash: null, ack_expires_at: null, ack_method: null, ack_name: null, ack_date: null,
      ack_at: null, ack_attested_by: null, pack_sha256: null, pack_json_sha256: null, released_at: null, released_by: null, requested_by: staff.id, requested_at: now,
      created_at: now, updated_at: now, version: 1, concern_id: null,
    }).execute();
    const expected = new Map<TestUser, [boolean, boolean]>([[staff, [false, true]], [volunteer, [false, true]], [lead, [true, true]], [leadManager, [true, true]], [manager2, [true, true]], [guardian, [false, true]]]);
    for (const [u, [seesReferral, seesOrdinary]] of expected) {
      const listed = new Set(((await as(world, u).get(`/api/people/${person}/disclosures?limit=200`)).json().items ?? []).map((x: { id: string }) => x.id));
      for (const [d, want] of [[referral, seesReferral], [ordinary, seesOrdinary]] as const) {
        const read = (await as(world, u).get(`/api/disclosures/${d}`)).statusCode === 200;
        expect(read, `${u.id} reads ${d === referral ? 'the referral' : 'the ordinary one'}`).toBe(want);
        expect(listed.has(d), `${u.id} lists ${d === referral ? 'the referral' : 'the ordinary one'}`).toBe(read);
      }
    }
  });

  it('practice 4.2 safeguarding-concern-record: a lead who is not a manager refers; it waits for a manager who did not make it (1.3 disclosure-exception), who approves and so releases it; volunteers and staff cannot refer', async () => {
    const id = await raise();
    for (const u of [volunteer, staff]) {
      const refused = await as(world, u).post(`/api/concerns/${id}/referrals`, answers());
      expect(refused.statusCode).toBe(403);
    }
    expect((await audit((e) => e.action === 'concern.refer' && e.decision === 'deny' && [volunteer.id, staff.id].includes(e.actor_id as string))).map((e) => e.rule_id)).toEqual(['default/deny', 'default/deny']);

    const before = await db().selectFrom('notifications').select('id').where('kind', '=', 'referral-approval').execute();
    const res = await as(world, lead).post(`/api/concerns/${id}/referrals`, urgent());
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ releasedAtOnce: false, disclosure: { status: 'awaiting_approval' } });
    expect((await audit((e) => e.action === 'concern.refer' && e.resource_id === id && e.decision === 'allow')).map((e) => JSON.parse(e.detail).release)).toEqual(['awaiting-approval']);
    // Management are told at once (practice 4.1).
    const told = await db().selectFrom('notifications').select('user_id').where('kind', '=', 'referral-approval').execute();
    expect(told.length - before.length).toBe(2);
    // The ordinary approval route does not decide a referral; the lead cannot approve.
    expect((await as(world, manager2).post(`/api/disclosures/${r.disclosure.id}/approval`, { decision: 'approve', justification: 'x', tellPerson: true })).statusCode).toBe(409);
    expect((await as(world, lead).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'x' })).statusCode).toBe(403);
    const ok = await as(world, manager2).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'Risk of harm at home; the law requires it' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ disclosure: { status: 'released' } });
    const rows = await audit((e) => e.resource_id === r.disclosure.id && ['disclosure.approve', 'disclosure.release'].includes(e.action));
    expect(rows.map((e) => [e.action, e.actor_id, e.rule_id, e.clause])).toEqual([
      ['disclosure.approve', lead.id, 'default/deny', '3.3, 3.4, 4.2'], // the lead's approval above, refused against the referral's disclosure
      ['disclosure.approve', manager2.id, 'disclosure/manager-decides-exception', '1.3'],
      ['disclosure.release', manager2.id, 'disclosure/manager-decides-exception', '1.3'],
      ['disclosure.release', manager2.id, 'safeguarding/referral-disclosure', 'practice 4.3'],
    ]);
    const chron = (await as(world, lead).get(`/api/concerns/${id}/chronology`)).json();
    expect(chron.entries.filter((e: { kind: string }) => e.kind.startsWith('referral')).map((e: { kind: string; detail: { event?: string } }) => [e.kind, e.detail.event ?? null])).toEqual([['referral', null], ['referral-update', 'approved']]);

    // A manager's referral that is not urgent waits too, and they cannot approve their own (no self-approval).
    const id2 = await raise();
    const own = (await as(world, leadManager).post(`/api/concerns/${id2}/referrals`, answers())).json();
    expect(own).toMatchObject({ releasedAtOnce: false, missing: [], awaitingDecision: true, completedAt: null, disclosure: { status: 'awaiting_approval' }, can: { approve: false } });
    // Waiting for a manager's decision keeps it on the incomplete list, where a second manager may decide it.
    expect((await as(world, manager2).get('/api/referrals')).json().items.find((x: { id: string }) => x.id === own.id)).toMatchObject({ awaitingDecision: true, can: { approve: true, review: false } });
    const selfApproval = await as(world, leadManager).post(`/api/referrals/${own.id}/approval`, { decision: 'approve', justification: 'x' });
    expect(selfApproval.statusCode).toBe(403);
    expect(selfApproval.json()).toMatchObject({ rule: 'disclosure/no-self-approval', clause: '1.3' });
    const refused = await as(world, manager2).post(`/api/referrals/${own.id}/approval`, { decision: 'refuse', justification: 'Threshold not met; advice given instead' });
    expect(refused.json()).toMatchObject({ disclosure: { status: 'refused' }, awaitingDecision: false, completedAt: world.clock.now().toISOString() });
    expect(await db().selectFrom('disclosure_packs').select('disclosure_id').where('disclosure_id', '=', own.id).execute()).toEqual([]);
  });

  it('practice 4.1 safeguarding-management and 1.3 disclosure-exception: the managers\' alerts to decide a concern\'s referrals are settled by the manager who decides the last one waiting; a refused self-approval settles nothing; audited', async () => {
    const id = await raise();
    const first = (await as(world, lead).post(`/api/concerns/${id}/referrals`, answers())).json();
    const second = (await as(world, lead).post(`/api/concerns/${id}/referrals`, answers({ to: 'police', sharedWith: 'Public protection unit', share: { ...answers().share, recipient: { organisationId: police, name: 'Duty officer', role: 'Public protection unit' } } }))).json();
    expect([first.disclosure.status, second.disclosure.status]).toEqual(['awaiting_approval', 'awaiting_approval']);
    const alerts = () => db().selectFrom('notifications').select(['user_id', 'settled_at', 'settled_by']).where('resource_id', '=', id).where('kind', '=', 'referral-approval').orderBy('user_id').execute();
    // (The lead's referral acknowledged the concern, which settled the alerts that it was raised: not these.)
    const settles = () => audit((e) => e.resource_id === id && e.action === 'notification.settle' && JSON.parse(e.detail).kinds.includes('referral-approval'));
    const managers = [leadManager.id, manager2.id].sort();
    expect((await alerts()).map((n) => n.user_id)).toEqual(managers.flatMap((m) => [m, m]));

    expect((await as(world, lead).post(`/api/referrals/${first.id}/approval`, { decision: 'approve', justification: 'x' })).statusCode).toBe(403);
    expect((await as(world, manager2).post(`/api/referrals/${first.id}/approval`, { decision: 'approve', justification: 'Risk of harm at home; the law requires it' })).statusCode).toBe(200);
    // One referral still waits on a manager: its alerts still need someone.
    expect((await alerts()).every((n) => n.settled_at === null)).toBe(true);
    expect(await settles()).toEqual([]);

    world.clock.advance(60_000);
    const refused = await as(world, leadManager).post(`/api/referrals/${second.id}/approval`, { decision: 'refuse', justification: 'The council referral covers it' });
    expect(refused.statusCode, refused.body).toBe(200);
    expect((await alerts()).map((n) => [n.settled_at, n.settled_by])).toEqual(Array(4).fill([world.clock.now().toISOString(), leadManager.id]));
    const [entry] = await settles();
    expect([entry.actor_id, entry.decision, entry.resource_type]).toEqual([leadManager.id, 'change', 'concern']);
    expect(JSON.parse(entry.detail)).toEqual({ kinds: ['referral-approval'], recipients: managers, notifications: 4 });
    const inbox = (await as(world, manager2).get('/api/notifications?unread=true')).json().items as { resourceId: string; kind: string }[];
    expect(inbox.filter((n) => n.resourceId === id && n.kind === 'referral-approval')).toEqual([]);
  });

  it('practice 4.3 safeguarding-duty-to-share: the decision aid is validated — missing answers, "not told" without a reason, nothing named, no risk of harm, an agency other than the one referred to — session notes stay out (practice 2 session-staff-team-only) and need to know still holds for the items (3.4), nothing written', async () => {
    const id = await raise();
    const referrals = await count('referrals');
    const disclosures = await count('disclosures');
    const bad = async (body: Record<string, unknown>, by = leadManager) => {
      const res = await as(world, by).post(`/api/concerns/${id}/referrals`, body);
      return { status: res.statusCode, body: res.json() };
    };
    const missing = await bad({ to: 'police', share: answers().share });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.riskOfHarm', 'body.riskOfHarmReason', 'body.consentPossibleAndSafe', 'body.consentNote', 'body.informationShared', 'body.sharedWith', 'body.sharedHow', 'body.personTold']));
    const notUrgent = await bad(answers({ consentPossibleAndSafe: null }));
    expect(notUrgent.body.errors).toEqual([{ path: 'body.consentPossibleAndSafe', message: 'answer it now: only an urgent referral completes it later' }]);
    const noReason = await bad(answers({ notToldReason: undefined }));
    expect(noReason.body.errors).toEqual([{ path: 'body.notToldReason', message: 'say why the person will not be told' }]);
    const noRisk = await bad(answers({ riskOfHarm: false }));
    expect(noRisk.body.errors).toEqual([{ path: 'body.riskOfHarm', message: 'sharing without consent under the legal duty needs a risk of harm' }]);
    const nothing = await bad(answers({ share: { ...answers().share, items: {} } }));
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors).toEqual([{ path: 'body.share.items', message: "choose the concern's account, a person field, a note or a document" }]);
    const extra = await bad(answers({ consent: 'overridden' }));
    expect(extra.status).toBe(400);
    // The agency is the one the referral goes to: a referral to the police cannot be released to the council (or to
    // a youth service), so the concern's record and the disclosure register never name different recipients.
    const wrongAgency = await bad(urgent({ to: 'police' }), leadManager);
    expect(wrongAgency.status).toBe(400);
    expect(wrongAgency.body.errors).toEqual([{ path: 'body.share.recipient.organisationId', message: 'not of kind police in the register' }]);

    // Practice 2: session details go to no third party "without exception" unless the client asks — a legal-duty
    // referral included. What the child said is in the concern's account, which the referral carries.
    const note = await makeNote(world, caseId, staff.id, 'Session: she talked about home');
    const session = await bad(answers({ share: { ...answers().share, items: { notes: [note], concern: true } } }), lead);
    expect(session.status).toBe(403);
    expect(session.body).toMatchObject({ rule: 'disclosure/session-only-at-client-request', clause: 'practice 1, practice 2' });
    // Need to know still holds for the records (3.4): a lead off the person's team cannot share from them.
    const offTeam = await makeUser(world, ['safeguarding_lead']);
    const notVisible = await bad(answers(), offTeam);
    expect(notVisible.status).toBe(404);
    expect(notVisible.body.errors).toEqual([{ path: 'body.share', message: "you may not see this person's record" }]);
    // A concern that names no person record shares nothing from the records.
    const described = await raise(null);
    const noPerson = await as(world, leadManager).post(`/api/concerns/${described}/referrals`, answers());
    expect(noPerson.statusCode).toBe(400);
    expect(noPerson.json().errors).toEqual([{ path: 'body.share', message: 'the concern names no person record' }]);
    expect(await count('referrals')).toBe(referrals);
    expect(await count('disclosures')).toBe(disclosures);
    // Without `share` a referral is recorded with no disclosure; a lead's waits for a manager's agreement (practice 4.2).
    const { share: _share, ...recordOnly } = answers();
    const plain = await as(world, lead).post(`/api/concerns/${described}/referrals`, recordOnly);
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json()).toMatchObject({ disclosure: null, releasedAtOnce: false, awaitingDecision: true, missing: ['managerAgreement'], completedAt: null });
  });

  it('practice 4.1 safeguarding-management: refusals met in safeguarding work — a lead who may not see the record, a purpose not in force, a concern raised about someone the raiser may not see — are audited against the concern, so "who has seen" lists them to management and never to the guardian', async () => {
    const id = await raise();
    const mark = Number((await auditRows(world)).at(-1)!.seq);
    const offTeam = await makeUser(world, ['safeguarding_lead']);
    expect((await as(world, offTeam).post(`/api/concerns/${id}/referrals`, answers())).statusCode).toBe(404);
    const overdue = await insertPurpose(world, { name: 'Old referral purpose', guardianId: guardian.id, createdBy: leadManager.id, nextReviewOn: '2020-01-01', categories: ['general', 'personal', 'safeguarding'] });
    const lapsed = await as(world, leadManager).post(`/api/concerns/${id}/referrals`, answers({ share: { ...answers().share, purposeId: overdue } }));
    expect(lapsed.statusCode).toBe(403);
    expect(lapsed.json()).toMatchObject({ rule: 'purposes/not-in-force' });
    const stranger = await makeUser(world, ['staff']);
    const unseen = await as(world, stranger).post('/api/concerns', {
      concernFor: 'child', personId: person, whatHappened: WHAT, occurredAt: '2026-03-02T08:30:00Z', peopleInvolved: 'the child', immediateRisk: false, actionsTaken: 'Told the lead',
    });
    expect(unseen.statusCode).toBe(404);

    const refusals = await audit((e) => Number(e.seq) > mark && e.decision === 'deny' && [offTeam.id, leadManager.id, stranger.id].includes(e.actor_id!) && e.subject_person_id === person);
    expect(refusals.map((e) => [e.action, e.resource_type, e.resource_id, e.rule_id])).toEqual([
      ['disclosure.request', 'concern', id, 'default/deny'],
      ['disclosure.request', 'concern', id, 'purposes/not-in-force'],
      ['concern.raise', 'concern', null, 'default/deny'],
    ]);
    expect(JSON.parse(refusals[0].detail)).toMatchObject({ visible: false, record: { type: 'person', id: person } });
    expect(JSON.parse(refusals[2].detail)).toMatchObject({ record: { type: 'person', id: person } });

    const log = async (user: TestUser) => (await as(world, user).get(`/api/people/${person}/access-log?limit=200`)).json().items as { actor: { id: string } | null; decision: string }[];
    const theirs = (items: Awaited<ReturnType<typeof log>>) => items.filter((i) => i.decision === 'deny' && [offTeam.id, stranger.id].includes(i.actor?.id ?? ''));
    expect(theirs(await log(leadManager))).toHaveLength(2);
    expect(theirs(await log(guardian))).toEqual([]);
  });

  it('practice 4.3 safeguarding-concern-record: an urgent referral whose record is incomplete past REFERRAL_COMPLETE_HOURS is flagged once by the job, on the injected clock, and shows on the overdue list', async () => {
    const id = await raise();
    const r = (await as(world, leadManager).post(`/api/concerns/${id}/referrals`, urgent({ to: 'police', share: { ...answers().share, recipient: { ...answers().share.recipient, organisationId: police } } }))).json();
    world.clock.advance(23 * HOUR);
    expect(await runReferralClock(world.services)).not.toContain(r.id);
    // Sessions idle out over a day: fresh ones read the lists.
    let manager3 = await makeUser(world, ['manager']);
    const early = await as(world, manager3).get('/api/referrals?view=overdue');
    expect(early.statusCode, early.body).toBe(200);
    expect(early.json().items.map((x: { id: string }) => x.id)).not.toContain(r.id);
    world.clock.advance(2 * HOUR);
    manager3 = await makeUser(world, ['manager']);
    const lead2 = await makeUser(world, ['safeguarding_lead']);
    expect(await runReferralClock(world.services)).toContain(r.id);
    expect(await runReferralClock(world.services)).not.toContain(r.id);
    const overdue = (await as(world, manager3).get('/api/referrals?view=overdue')).json().items.find((x: { id: string }) => x.id === r.id);
    expect(overdue).toMatchObject({ overdue: true, overdueFlaggedAt: world.clock.now().toISOString(), missing: ['consentPossibleAndSafe', 'consentNote', 'personTold'] });
    expect(overdue.answers).toBeUndefined();
    const flags = await audit((e) => e.action === 'referral.overdue' && e.resource_id === id);
    expect(flags.map((e) => [e.decision, e.rule_id, e.clause])).toEqual([['change', 'safeguarding/referral', 'practice 4.3']]);
    expect(JSON.parse(flags[0].detail)).toMatchObject({ referralId: r.id, reviewDue: true, awaitingDecision: false, recipients: expect.arrayContaining([lead.id, leadManager.id, manager2.id]) });
    const entries = (await as(world, lead2).get(`/api/concerns/${id}/chronology`)).json().entries;
    expect(entries.at(-1)).toMatchObject({ kind: 'referral-update', recordedBy: null, detail: { event: 'overdue', referralId: r.id } });
  });
});
