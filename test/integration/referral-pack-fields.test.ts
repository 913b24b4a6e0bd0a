import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/auth/cookies';
import { as, auditRows, makeCase, makeNote, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { pdfPagesText } from '../support/pdf';
import { createWorld, dialects, type World } from '../support/world';

const VALUES = { dateOfBirth: '2011-07-19', healthNotes: 'Epilepsy, takes levetiracetam', safeguardingNotes: 'Child protection plan 2023, named social worker' };
const WHAT = 'Said at the drop-in that her uncle hurts her';
const NOTE_BODY = 'She talked about home and asked for this to go to her social worker';
const DOCUMENT = Buffer.from('%PDF-1.4 strategy meeting minutes, child protection\n');
const REQUEST = 'She asked in her session that her session notes go to the social worker.';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const flat = (s: string) => s.replace(/\s+/g, ' ');
/** The names of the files embedded in a PDF, read with poppler's pdfdetach (like test/support/pdf.ts's pdftotext). */
function embeddedFiles(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'confide-pdf-'));
  try {
    writeFileSync(join(dir, 'doc.pdf'), pdf);
    return execFileSync('pdfdetach', ['-list', join(dir, 'doc.pdf')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 3.4 need to know, down to the field (4.2): what a safeguarding referral shares is read back as its pack, and a
 * reader sees each item in it only as they may read that item where it lives — a person's field as the person's
 * record shows it to them, a note or document as its own read decides, the concern's account by the concern's
 * handling rules (practice 4.1). A safeguarding lead on the person's case team once read the person's safeguarding
 * notes in a manager's referral's pack, though the person's record withholds that field from them (it is
 * management's: safeguarding/management-oversight). Management and the user who released it read the pack whole.
 */
describe.each(dialects())('a referral\'s pack, item by item as each item\'s own read decides (%s)', (dialect) => {
  let world: World;
  let lead: TestUser, leadOnly: TestUser, leadManager: TestUser, teamManager: TestUser, manager2: TestUser, volunteer: TestUser, guardian: TestUser, guardian2: TestUser;
  let person: string, caseId: string, council: string, purpose: string;
  const audit = async (pred: (r: Awaited<ReturnType<typeof auditRows>>[number]) => boolean) => (await auditRows(world)).filter(pred);
  const detail = (e: { detail: string | null }) => JSON.parse(e.detail ?? '{}') as Record<string, unknown>;

  async function raise() {
    const res = await as(world, volunteer).post('/api/concerns', { concernFor: 'child', personId: person, whatHappened: WHAT, occurredAt: '2026-03-02T08:30:00Z', immediateRisk: true });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }
  /** An urgent referral a manager releases at once (safeguarding/urgent-release-by-manager), sharing `items`. */
  async function refer(by: TestUser, items: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const id = await raise();
    const made = await as(world, by).post(`/api/concerns/${id}/referrals`, {
      to: 'local_authority', urgent: true, riskOfHarm: true, riskOfHarmReason: 'Disclosed harm by a relative', consentPossibleAndSafe: null, consentNote: null,
      informationShared: 'Her details and what she said', sharedWith: 'Children\'s services duty team', sharedHow: 'Secure portal', personTold: null,
      share: { recipient: { organisationId: council, name: 'Duty social worker', role: 'Duty team' }, purposeId: purpose, items, ...extra },
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().disclosure).toMatchObject({ status: 'released' });
    return { concern: id, disclosure: made.json().disclosure.id as string };
  }
  /** A document filed on the case under `classification`, uploaded as a browser does. */
  async function upload(user: TestUser, classification: string) {
    const boundary = '----confidepack';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="classification"\r\n\r\n${classification}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="strategy-minutes.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), DOCUMENT,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await world.app.inject({
      method: 'POST', url: `/api/cases/${caseId}/attachments`, payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: `${SESSION_COOKIE}=${user.cookie}`, 'x-csrf-token': user.csrf },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    lead = await makeUser(world, ['safeguarding_lead', 'staff']);
    leadOnly = await makeUser(world, ['safeguarding_lead']);
    leadManager = await makeUser(world, ['safeguarding_lead', 'manager']);
    teamManager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    volunteer = await makeUser(world, ['volunteer']);
    guardian = await makeUser(world, ['guardian']);
    guardian2 = await makeUser(world, ['guardian']);
    person = await makePerson(world, { givenName: 'Ava', familyName: 'Quinn', dateOfBirth: VALUES.dateOfBirth, healthNotes: VALUES.healthNotes, safeguardingNotes: VALUES.safeguardingNotes });
    // Both leads are on her case team; so is a manager (who sees session details, practice 2). leadManager and manager2 are not.
    caseId = await makeCase(world, person, { [lead.id]: 'worker', [leadOnly.id]: 'worker', [volunteer.id]: 'volunteer', [teamManager.id]: 'manager' });
    council = await makeOrganisation(world, { name: 'County Children\'s Services', kind: 'local_authority' });
    const created = await as(world, leadManager).post('/api/purposes', {
      name: 'Safeguarding referrals', description: 'Share what the safeguarding team needs to protect a child.', lawfulBasis: 'legal_obligation',
      art9Condition: 'substantial_public_interest', dataCategories: ['general', 'personal', 'special', 'safeguarding', 'session'], recipientCategories: ['local authority safeguarding team'],
      needsIdentity: true, retentionPeriod: 'P6Y', guardianId: guardian.id, nextReviewOn: '2027-03-01',
    });
    expect(created.statusCode, created.body).toBe(201);
    purpose = created.json().data.id as string;
    expect((await as(world, guardian2).post(`/api/purposes/${purpose}/approve`, {}, { 'if-match': created.headers.etag as string })).statusCode).toBe(200);
  });
  afterAll(async () => world?.close());

  it('3.4 need-to-know, 4.2: a lead on the person\'s case team reads a manager\'s referral\'s pack as the person\'s record shows it — health notes, not safeguarding notes (listed as withheld with the record\'s reason, never the value) — in the PDF, the JSON and the disclosure\'s view alike; a lead with no staff role reads the concern\'s account and none of the record; the audit names each item shown and withheld with its rule and clause', async () => {
    const { disclosure: d } = await refer(leadManager, { personFields: ['givenName', 'dateOfBirth', 'healthNotes', 'safeguardingNotes'], concern: true });

    // What the person's record shows each of them: the staff lead sees health notes, not safeguarding notes; the lead alone, nothing.
    const record = await as(world, lead).get(`/api/people/${person}`);
    expect(record.statusCode).toBe(200);
    expect(record.json().data).toMatchObject({ givenName: 'Ava', dateOfBirth: VALUES.dateOfBirth, healthNotes: VALUES.healthNotes });
    expect(record.json().data).not.toHaveProperty('safeguardingNotes');
    const restricted = record.json().restricted.find((r: { field: string }) => r.field === 'safeguardingNotes') as { classification: string; reason: string };
    expect(restricted.classification).toBe('safeguarding');
    expect((await as(world, leadOnly).get(`/api/people/${person}`)).statusCode).toBe(404);

    // The disclosure's view says what their copy of the pack withholds, and why.
    const view = (await as(world, lead).get(`/api/disclosures/${d}`)).json();
    expect(view.can.pack).toBe(true);
    expect(view.pack).toEqual({ copy: 'reader', withheld: [{ item: 'personFields.safeguardingNotes', label: 'Safeguarding notes', classes: ['safeguarding'], reason: restricted.reason }] });
    const released = view.data as { packSha256: string; packJsonSha256: string };

    const since = Number((await auditRows(world)).at(-1)!.seq);
    const json = await as(world, lead).get(`/api/disclosures/${d}/pack.json`);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-disposition']).toContain('-your-copy.json');
    expect(json.body).not.toContain(VALUES.safeguardingNotes);
    const pack = json.json();
    expect(pack).toMatchObject({ marking: 'CONFIDENTIAL', copy: 'reader', withheld: view.pack.withheld });
    expect(pack.items[0].entries).toEqual([
      { label: 'Given name', value: 'Ava' }, { label: 'Date of birth', value: VALUES.dateOfBirth }, { label: 'Health notes', value: VALUES.healthNotes },
      { label: 'Safeguarding notes', withheld: { classes: ['safeguarding'], reason: restricted.reason } },
    ]);
    expect(pack.items[1].title).toBe('The safeguarding concern');
    expect(JSON.stringify(pack.items[1])).toContain(WHAT);
    expect(sha(json.body)).not.toBe(released.packJsonSha256);

    const pdf = await as(world, lead).get(`/api/disclosures/${d}/pack.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-disposition']).toContain('-your-copy.pdf');
    const text = flat(pdfPagesText(pdf.rawPayload).join('\n'));
    expect(text).not.toContain('Child protection plan');
    expect(text).toContain(VALUES.healthNotes);
    expect(text).toContain(WHAT);
    expect(text).toContain(flat(`Withheld from your copy: ${restricted.reason}`));
    expect(text).toContain('is not the pack as it went out');
    expect(sha(pdf.rawPayload)).not.toBe(released.packSha256);

    // The audit: the rule that opened the pack, and each item with the rule and clause that decided it (no values).
    const reads = await audit((e) => Number(e.seq) > since && e.actor_id === lead.id && e.action === 'disclosure.pack');
    expect(reads.map((e) => [e.decision, e.rule_id, e.clause, e.resource_type, e.resource_id, e.subject_person_id])).toEqual([
      ['allow', 'safeguarding/referral-pack-need-to-know', '3.3, 3.4, 4.2', 'disclosure', d, person],
      ['allow', 'safeguarding/referral-pack-need-to-know', '3.3, 3.4, 4.2', 'disclosure', d, person],
    ]);
    expect(reads.map((e) => detail(e).format)).toEqual(['json', 'pdf']);
    for (const e of reads) {
      expect(detail(e)).toMatchObject({
        copy: 'reader',
        shown: [
          { item: 'personFields.givenName', classes: ['general'], rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' },
          { item: 'personFields.dateOfBirth', classes: ['personal'], rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' },
          { item: 'personFields.healthNotes', classes: ['special'], rule: 'need-to-know/case-team', clause: '3.3, 3.4, 4.2' },
          { item: 'concern', classes: ['general', 'safeguarding'], rule: 'safeguarding/leads-and-management', clause: 'practice 4.1, practice 4.2' },
        ],
        withheld: [{ item: 'personFields.safeguardingNotes', classes: ['safeguarding'], rule: 'default/deny', clause: '3.3, 3.4, 4.2' }],
        classes: { shown: ['general', 'personal', 'safeguarding', 'special'], withheld: ['safeguarding'] },
      });
      for (const v of [...Object.values(VALUES), WHAT]) expect(e.detail).not.toContain(v);
    }

    // A lead who is not staff: the person's record is not theirs to read at all, so nothing of it is; the concern is.
    const alone = (await as(world, leadOnly).get(`/api/disclosures/${d}`)).json();
    expect(alone.can.pack).toBe(true);
    expect(alone.pack.withheld.map((w: { item: string }) => w.item)).toEqual(['personFields.givenName', 'personFields.dateOfBirth', 'personFields.healthNotes', 'personFields.safeguardingNotes']);
    const their = await as(world, leadOnly).get(`/api/disclosures/${d}/pack.json`);
    expect(their.statusCode).toBe(200);
    for (const v of Object.values(VALUES)) expect(their.body).not.toContain(v);
    expect(their.json().items[0].entries.every((e: Record<string, unknown>) => !('value' in e) && 'withheld' in e)).toBe(true);
    expect(their.body).toContain(WHAT);
    const aloneText = flat(pdfPagesText((await as(world, leadOnly).get(`/api/disclosures/${d}/pack.pdf`)).rawPayload).join('\n'));
    for (const v of Object.values(VALUES)) expect(aloneText).not.toContain(v);
    const aloneRead = (await audit((e) => e.actor_id === leadOnly.id && e.action === 'disclosure.pack' && e.resource_id === d))[0];
    expect([aloneRead.decision, aloneRead.rule_id]).toEqual(['allow', 'safeguarding/referral-pack-need-to-know']);
    expect(detail(aloneRead)).toMatchObject({
      copy: 'reader', shown: [{ item: 'concern', rule: 'safeguarding/leads-and-management' }],
      withheld: ['givenName', 'dateOfBirth', 'healthNotes', 'safeguardingNotes'].map((f) => ({ item: `personFields.${f}`, rule: 'default/deny', clause: '3.3, 3.4, 4.2' })),
    });
  });

  it('4.3 third-party-disclosure disclosure/management-releases: management and the manager who released it read the pack whole, exactly as it went out (its SHA-256 the register\'s), audited with every item shown and none withheld', async () => {
    const { disclosure: d } = await refer(leadManager, { personFields: ['givenName', 'healthNotes', 'safeguardingNotes'], concern: true });
    const register = (await as(world, manager2).get(`/api/disclosures/${d}`)).json();
    expect(register.pack).toEqual({ copy: 'as-released', withheld: [] });
    for (const u of [manager2, leadManager]) {
      const pdf = await as(world, u).get(`/api/disclosures/${d}/pack.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-disposition']).not.toContain('your-copy');
      expect(sha(pdf.rawPayload)).toBe(register.data.packSha256);
      const json = await as(world, u).get(`/api/disclosures/${d}/pack.json`);
      expect(sha(json.body)).toBe(register.data.packJsonSha256);
      expect(json.body).toContain(VALUES.safeguardingNotes);
      expect(json.json()).not.toHaveProperty('withheld');
    }
    const reads = await audit((e) => e.action === 'disclosure.pack' && e.resource_id === d);
    expect(reads.map((e) => [e.actor_id, e.decision, e.rule_id, e.clause])).toEqual([
      [manager2.id, 'allow', 'disclosure/management-releases', '4.3, 1.2'], [manager2.id, 'allow', 'disclosure/management-releases', '4.3, 1.2'],
      [leadManager.id, 'allow', 'disclosure/management-releases', '4.3, 1.2'], [leadManager.id, 'allow', 'disclosure/management-releases', '4.3, 1.2'],
    ]);
    for (const e of reads) {
      expect(detail(e)).toMatchObject({ copy: 'as-released', withheld: [], classes: { shown: ['general', 'safeguarding', 'special'], withheld: [] } });
      expect((detail(e).shown as { item: string; rule: string }[]).map((s) => [s.item, s.rule])).toEqual([
        ['personFields.givenName', 'disclosure/management-releases'], ['personFields.healthNotes', 'disclosure/management-releases'],
        ['personFields.safeguardingNotes', 'disclosure/management-releases'], ['concern', 'disclosure/management-releases'],
      ]);
    }
  });

  it('3.4 need-to-know, practice 2: a note and a document in a referral\'s pack are each decided by their own read — a lead who is staff on the team reads the session note (at the person\'s request) but not management\'s safeguarding document, whose name, hash and file stay out of the PDF and the JSON', async () => {
    const note = await makeNote(world, caseId, lead.id, NOTE_BODY);
    const doc = await upload(teamManager, 'safeguarding');
    const { disclosure: d } = await refer(teamManager, { personFields: ['givenName'], notes: [note], attachments: [doc] }, { clientRequest: { detail: REQUEST } });
    // On the case itself: the lead reads the note, and the document is not theirs to open.
    expect((await as(world, lead).get(`/api/notes/${note}`)).json().data.body).toBe(NOTE_BODY);
    expect((await as(world, lead).get(`/api/attachments/${doc}/content`)).statusCode).toBeGreaterThanOrEqual(403);

    const view = (await as(world, lead).get(`/api/disclosures/${d}`)).json();
    expect(view.pack.withheld).toEqual([{ item: `attachments.${doc}`, label: 'Document 1', classes: ['safeguarding'], reason: expect.any(String) }]);
    const json = await as(world, lead).get(`/api/disclosures/${d}/pack.json`);
    expect(json.statusCode).toBe(200);
    const pack = json.json();
    expect(JSON.stringify(pack.items)).toContain(NOTE_BODY);
    expect(pack.documents).toEqual([{ label: 'Document 1', withheld: { classes: ['safeguarding'], reason: view.pack.withheld[0].reason } }]);
    expect(json.body).not.toContain('strategy-minutes');
    expect(json.body).not.toContain(sha(DOCUMENT));
    expect(json.body).not.toContain(DOCUMENT.toString('base64'));
    const pdf = (await as(world, lead).get(`/api/disclosures/${d}/pack.pdf`)).rawPayload;
    const text = flat(pdfPagesText(pdf).join('\n'));
    expect(text).toContain(NOTE_BODY);
    expect(text).not.toContain('strategy-minutes');
    expect(text).not.toContain(sha(DOCUMENT));
    expect(embeddedFiles(pdf)).not.toContain('strategy-minutes');
    const read = (await audit((e) => e.actor_id === lead.id && e.action === 'disclosure.pack' && e.resource_id === d))[0];
    expect(detail(read)).toMatchObject({
      copy: 'reader',
      shown: [{ item: 'personFields.givenName', rule: 'need-to-know/case-team' }, { item: `notes.${note}`, classes: ['general', 'session'], rule: 'need-to-know/case-team' }],
      withheld: [{ item: `attachments.${doc}`, classes: ['safeguarding'], rule: 'default/deny', clause: '3.3, 3.4, 4.2' }],
    });
    // The manager who released it reads it whole, the document embedded as it went out.
    const whole = (await as(world, teamManager).get(`/api/disclosures/${d}/pack.pdf`)).rawPayload;
    expect(sha(whole)).toBe(view.data.packSha256);
    expect(embeddedFiles(whole)).toContain('strategy-minutes.pdf');
  });
});
