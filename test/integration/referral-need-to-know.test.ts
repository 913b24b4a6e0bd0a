import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const WHAT = 'Said at the drop-in that her uncle hurts her';
const VALUES = { dateOfBirth: '2011-07-19', phone: '07700 900461', healthNotes: 'Epilepsy, takes levetiracetam', ethnicity: 'Irish Traveller', safeguardingNotes: 'Child protection plan 2023' };

describe.each(dialects())('safeguarding referrals: need to know, management agreement, the register (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, offTeamLead: TestUser, leadManager: TestUser, manager2: TestUser, staff: TestUser, volunteer: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, council: string, purpose: string;
  const db = () => world.services.db.kysely;
  const audit = async (pred: (r: Awaited<ReturnType<typeof auditRows>>[number]) => boolean) => (await auditRows(world)).filter(pred);

  async function raise() {
    const res = await as(world, volunteer).post('/api/concerns', { concernFor: 'child', personId: person, whatHappened: WHAT, occurredAt: '2026-03-02T08:30:00Z', immediateRisk: true });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  const answers = (over: Record<string, unknown> = {}) => ({
    to: 'local_authority', riskOfHarm: true, riskOfHarmReason: 'Disclosed harm by a relative', consentPossibleAndSafe: false,
    consentNote: 'Asking would alert the uncle', informationShared: 'Her details and what she said', sharedWith: 'Children\'s services duty team',
    sharedHow: 'Secure portal', personTold: false, notToldReason: 'Telling her now could put her at risk', ...over,
  });
  const sharing = (over: Record<string, unknown> = {}) => answers({
    urgent: true, consentPossibleAndSafe: null, consentNote: null, personTold: null, notToldReason: undefined,
    share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Duty team' }, purposeId: purpose, items: { personFields: ['givenName', 'dateOfBirth', 'phone', 'healthNotes', 'ethnicity', 'safeguardingNotes'], concern: true } },
    ...over,
  });

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    offTeamLead = await makeUser(world, ['safeguarding_lead']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    volunteer = await makeUser(world, ['volunteer']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Ava', familyName: 'Quinn', dateOfBirth: VALUES.dateOfBirth, healthNotes: VALUES.healthNotes, safeguardingNotes: VALUES.safeguardingNotes });
    await db().updateTable('people').set({ phone: VALUES.phone, ethnicity: VALUES.ethnicity }).where('id', '=', person).execute();
    await makeCase(world, person, { [staff.id]: 'lead', [volunteer.id]: 'volunteer', [lead.id]: 'worker' });
    council = await makeOrganisation(world, { name: 'County Children\'s Services', kind: 'local_authority' });
    const created = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team needs to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding'], recipientCategories: ['local authority safeguarding team'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
  });
  afterAll(async () => world?.close());

  it('3.4 need-to-know: a lead off the person\'s case team reads a manager\'s referral\'s record (who, when, to whom, basis, which items) but not the values its pack carries (403, audited, nothing else written); a lead on the team and management read the pack', async () => {
    const id = await raise();
    const made = await as(world, leadManager).post(`/api/concerns/${id}/referrals`, sharing());
    expect(made.statusCode, made.body).toBe(201);
    const d = made.json().disclosure.id as string;
    expect((await as(world, offTeamLead).get(`/api/people/${person}`)).statusCode).toBe(404);

    // The record of the referral: as the lead's work needs it, no value of the person's record.
    const read = await as(world, offTeamLead).get(`/api/disclosures/${d}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().data).toMatchObject({ concernId: id, basis: 'exception', exceptionGround: 'legal_duty', requestedBy: leadManager.id, status: 'released' });
    expect(read.json().data.items.personFields).toEqual(['givenName', 'dateOfBirth', 'phone', 'healthNotes', 'ethnicity', 'safeguardingNotes']);
    expect(read.json().can.pack).toBe(false);
    for (const v of Object.values(VALUES)) expect(read.body).not.toContain(v);

    const packs = Number((await auditRows(world)).at(-1)!.seq);
    for (const format of ['json', 'pdf']) {
      const pack = await as(world, offTeamLead).get(`/api/disclosures/${d}/pack.${format}`);
      expect(pack.statusCode).toBe(403);
      for (const v of Object.values(VALUES)) expect(pack.body).not.toContain(v);
    }
    const refused = await audit((e) => Number(e.seq) > packs && e.actor_id === offTeamLead.id);
    expect(refused.map((e) => [e.action, e.decision, e.rule_id, e.clause, e.resource_type, e.resource_id])).toEqual([
      ['disclosure.pack', 'deny', 'default/deny', '3.3, 3.4, 4.2', 'disclosure', d],
      ['disclosure.pack', 'deny', 'default/deny', '3.3, 3.4, 4.2', 'disclosure', d],
    ]);
    for (const e of refused) for (const v of Object.values(VALUES)) expect(e.detail).not.toContain(v);
    const metadata = await audit((e) => e.actor_id === offTeamLead.id && e.action === 'disclosure.read' && e.resource_id === d);
    expect(metadata.map((e) => [e.decision, e.rule_id, e.clause])).toEqual([['allow', 'safeguarding/referral-disclosure-reads', 'practice 4.3']]);

    // A lead on the person's case team reads it as their record would show it; management read every pack.
    const onTeam = await as(world, lead).get(`/api/disclosures/${d}/pack.json`);
    expect(onTeam.statusCode, onTeam.body).toBe(200);
    expect(onTeam.body).toContain(VALUES.healthNotes);
    // 4.2: not what the person's record withholds from them (safeguarding notes are management's): test/integration/referral-pack-fields.test.ts.
    expect(onTeam.body).not.toContain(VALUES.safeguardingNotes);
    expect((await as(world, lead).get(`/api/disclosures/${d}`)).json().can.pack).toBe(true);
    expect((await as(world, manager2).get(`/api/disclosures/${d}/pack.json`)).statusCode).toBe(200);
    const allowed = await audit((e) => e.action === 'disclosure.pack' && e.resource_id === d && e.decision === 'allow');
    expect(allowed.map((e) => [e.actor_id, e.rule_id, e.clause, e.resource_type])).toEqual([
      [lead.id, 'safeguarding/referral-pack-need-to-know', '3.3, 3.4, 4.2', 'disclosure'],
      [manager2.id, 'disclosure/management-releases', '4.3, 1.2', 'disclosure'],
    ]);
  });

  it('practice 4.2 safeguarding-management: a lead who is not a manager records a referral that shares nothing through Confide, urgent or not, and it waits for a manager\'s agreement (managers told at once); the lead cannot agree it, a manager does (1.3 disclosure-exception), audited; a manager\'s own is management\'s action', async () => {
    for (const urgent of [false, true]) {
      const id = await raise();
      const before = (await db().selectFrom('notifications').select('id').where('kind', '=', 'referral-approval').where('resource_id', '=', id).execute()).length;
      const body = urgent ? answers({ urgent: true, consentPossibleAndSafe: null, consentNote: null, personTold: null, notToldReason: undefined }) : answers();
      const res = await as(world, lead).post(`/api/concerns/${id}/referrals`, body);
      expect(res.statusCode, res.body).toBe(201);
      const r = res.json();
      expect(r).toMatchObject({ disclosure: null, releasedAtOnce: false, awaitingDecision: true, completedAt: null, can: { approve: false } });
      expect(r.missing).toContain('managerAgreement');
      const told = await db().selectFrom('notifications').select('user_id').where('kind', '=', 'referral-approval').where('resource_id', '=', id).execute();
      expect(told.length - before).toBe(2);
      const refer = (await audit((e) => e.action === 'concern.refer' && e.resource_id === id))[0];
      expect([refer.decision, refer.rule_id, refer.clause]).toEqual(['allow', 'safeguarding/referral', 'practice 4.3']);
      expect(JSON.parse(refer.detail)).toMatchObject({ agreement: 'awaiting-manager', management: { allowed: false } });

      // The lead cannot agree their own; nothing changes.
      const self = await as(world, lead).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'x' });
      expect(self.statusCode).toBe(403);
      // Refused by role before anything is looked up, against the referral asked for.
      const denied = await audit((e) => e.action === 'disclosure.approve' && e.actor_id === lead.id && e.resource_id === r.id);
      expect(denied.map((e) => [e.decision, e.rule_id, e.clause])).toEqual([['deny', 'default/deny', '3.3, 3.4, 4.2']]);
      expect((await db().selectFrom('referrals').select('missing').where('id', '=', r.id).executeTakeFirstOrThrow()).missing).toContain('managerAgreement');

      const listed = (await as(world, manager2).get('/api/referrals')).json().items.find((x: { id: string }) => x.id === r.id);
      expect(listed).toMatchObject({ awaitingDecision: true, can: { approve: true } });
      const agreed = await as(world, manager2).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'Agreed on the phone: refer today' });
      expect(agreed.statusCode, agreed.body).toBe(200);
      expect(agreed.json()).toMatchObject({ awaitingDecision: false, answers: { managerAgreement: { decision: 'approve', by: manager2.id } } });
      expect(agreed.json().missing).not.toContain('managerAgreement');
      if (!urgent) expect(agreed.json().completedAt).toBe(world.clock.now().toISOString());
      const ok = await audit((e) => e.action === 'disclosure.approve' && e.actor_id === manager2.id && e.resource_id === id);
      expect(ok.map((e) => [e.decision, e.rule_id, e.clause, e.resource_type])).toEqual([['allow', 'disclosure/manager-decides-exception', '1.3', 'concern']]);
      expect(JSON.parse(ok[0].detail)).toMatchObject({ referralId: r.id, decision: 'approve', shared: false });
      expect((await db().selectFrom('notifications').select('settled_at').where('kind', '=', 'referral-approval').where('resource_id', '=', id).execute()).every((n) => n.settled_at !== null)).toBe(true);
      expect((await as(world, manager2).post(`/api/referrals/${r.id}/approval`, { decision: 'approve', justification: 'again' })).statusCode).toBe(409);
    }

    // A manager's referral is management's course of action: complete at once.
    const id = await raise();
    const own = await as(world, leadManager).post(`/api/concerns/${id}/referrals`, answers());
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ awaitingDecision: false, missing: [], completedAt: world.clock.now().toISOString() });
    expect(JSON.parse((await audit((e) => e.action === 'concern.refer' && e.resource_id === id))[0].detail)).toMatchObject({ agreement: 'by-manager', management: { allowed: true, rule: 'safeguarding/urgent-release-by-manager' } });
  });

  it('practice 4.2 safeguarding-concern-record: a decision is agreed with an active manager named by user id (400 on body.agreedWith otherwise, nothing written); the manager named is told; free text goes in agreedWithNote', async () => {
    const id = await raise();
    const entries = async () => (await db().selectFrom('concern_entries').select('id').where('concern_id', '=', id).execute()).length;
    const n = await entries();
    const gone = await makeUser(world, ['manager']);
    await db().updateTable('users').set({ active: 0 }).where('id', '=', gone.id).execute();
    for (const agreedWith of [staff.id, gone.id, lead.id]) {
      const bad = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'decision', text: 'Refer', reason: 'Harm disclosed', agreedWith });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual([{ path: 'body.agreedWith', message: 'not an active manager' }]);
    }
    const typed = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'decision', text: 'Refer', reason: 'Harm disclosed', agreedWith: 'Morgan Reyes (manager)' });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.agreedWith']);
    expect(await entries()).toBe(n);
    expect((await db().selectFrom('concerns').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('raised');

    const ok = await as(world, lead).post(`/api/concerns/${id}/entries`, { kind: 'decision', text: 'Refer', reason: 'Harm disclosed', agreedWith: manager2.id, agreedWithNote: 'Also spoke to the school' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'decision', agreedBy: manager2.id, agreedWith: null, detail: { agreedBy: manager2.id, agreedWithNote: 'Also spoke to the school' } });
    const rec = await audit((e) => e.action === 'concern.record' && e.resource_id === id);
    expect(rec.map((e) => [e.decision, e.rule_id, e.clause, e.resource_type])).toEqual([['allow', 'safeguarding/work-concern', 'practice 4.2, practice 4.3', 'concern']]);
    expect(JSON.parse(rec[0].detail)).toMatchObject({ kind: 'decision', agreedBy: manager2.id });
    expect(rec[0].detail).not.toContain('school');
    expect(await db().selectFrom('notifications').select('user_id').where('kind', '=', 'concern-decision-agreed').where('resource_id', '=', id).execute()).toEqual([{ user_id: manager2.id }]);
  });

  it('1.3 disclosure-exception: the register says an urgent referral was released at once under the legal duty by one manager and reviewed by another (or awaits review) — never approved by the manager who made it; an approved one names its approver', async () => {
    const id = await raise();
    const r = (await as(world, leadManager).post(`/api/concerns/${id}/referrals`, sharing())).json();
    const row = async () => (await as(world, manager2).get('/api/disclosures?limit=200')).json().items.find((x: { id: string }) => x.id === r.disclosure.id);
    expect(await row()).toMatchObject({ approvedBy: null, approvedAt: null, releasedBy: leadManager.id, requestedBy: leadManager.id, releasedAtOnce: true, reviewedBy: null, reviewedAt: null });
    expect((await as(world, manager2).get(`/api/disclosures/${r.disclosure.id}`)).json().data).toMatchObject({ approvedBy: null, releasedAtOnce: true, reviewedBy: null });
    const release = await audit((e) => e.action === 'disclosure.release' && e.resource_id === r.disclosure.id);
    expect(release.map((e) => [e.decision, e.rule_id, e.clause])).toEqual([
      ['allow', 'safeguarding/urgent-release-by-manager', 'practice 4.1, practice 4.2'], ['allow', 'safeguarding/urgent-release-by-manager', 'practice 4.1, practice 4.2'],
    ]);
    expect(JSON.parse(release[0].detail)).toMatchObject({ atOnce: true, releasedAtOnceBy: leadManager.id });

    expect((await as(world, manager2).post(`/api/referrals/${r.id}/review`, { outcome: 'upheld', note: 'Proportionate.' })).statusCode).toBe(200);
    expect(await row()).toMatchObject({ approvedBy: null, releasedAtOnce: true, reviewedBy: manager2.id, reviewedAt: world.clock.now().toISOString(), reviewOutcome: 'upheld' });
    const csv = await as(world, manager2).get('/api/disclosures?format=csv&limit=200');
    expect(csv.statusCode).toBe(200);
    const [head, ...lines] = csv.body.trim().split(/\r?\n/);
    const cols = head.split(',');
    const reference = String((await row()).reference);
    const line = lines.find((l) => l.startsWith(reference))!.split(',');
    expect([line[cols.indexOf('approvedBy')], line[cols.indexOf('releasedAtOnce')], line[cols.indexOf('reviewedBy')]]).toEqual(['', 'true', manager2.id]);

    // A lead's referral is approved by a manager who did not make it: the register names the approver.
    const id2 = await raise();
    const sent = await as(world, lead).post(`/api/concerns/${id2}/referrals`, sharing({ share: { ...(sharing() as unknown as { share: object }).share, items: { personFields: ['givenName', 'dateOfBirth'], concern: true } } }));
    expect(sent.statusCode, sent.body).toBe(201);
    const waiting = sent.json();
    const decided = await as(world, manager2).post(`/api/referrals/${waiting.id}/approval`, { decision: 'approve', justification: 'The law requires it' });
    expect(decided.statusCode, decided.body).toBe(200);
    const approved = (await as(world, manager2).get('/api/disclosures?limit=200')).json().items.find((x: { id: string }) => x.id === waiting.disclosure.id);
    expect(approved).toMatchObject({ approvedBy: manager2.id, requestedBy: lead.id, releasedAtOnce: false, reviewedBy: null });
  });
});
