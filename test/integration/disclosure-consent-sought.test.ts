import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPagesText } from '../support/pdf';
import { approvedStatutoryPurpose, as, auditRows, makeCase, makeOrganisation, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

/** Text with its line breaks and runs of spaces made single spaces (pdftotext wraps lines). */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Free text of the request: it must never reach the audit, and never become "agreed" or "refused" in any words. */
const REASON = 'A statutory request under the Crime and Disorder Act; Jo said she agreed to help the police but not to this.';

/** Each answer an exception can record (1.3, 4.1), the sentence its terms carry, and the person's words for it. */
const ANSWERS = [
  {
    answer: { consentSought: true, consentAnswer: 'refused' },
    terms: 'The person it concerns was asked for their consent first and refused it.',
    person: 'because the law or a risk of harm required it; we asked you first and you said no',
    csv: ',crime,true,refused,,',
  },
  {
    answer: { consentSought: false, notSoughtBecause: 'not_possible' },
    terms: 'The person it concerns was not asked first: seeking their consent was not possible.',
    person: 'without asking you first, because the law or a risk of harm required it and asking you was not possible',
    csv: ',crime,false,,not_possible,',
  },
  {
    answer: { consentSought: false, notSoughtBecause: 'not_safe' },
    terms: 'The person it concerns was not asked first: seeking their consent was not safe, or would have prejudiced the purpose of sharing it.',
    person: 'without asking you first, because the law or a risk of harm required it and asking you could have put someone at risk or harmed an investigation',
    csv: ',crime,false,,not_safe,',
  },
  {
    answer: { consentSought: false, notSoughtBecause: 'emergency' },
    terms: 'The person it concerns was not asked first: in an emergency there was no time to seek their consent.',
    person: 'without asking you first, because the law or a risk of harm required it and in an emergency there was no time to ask you',
    csv: ',crime,false,,emergency,',
  },
] as const;

/**
 * An ordinary exception disclosure (1.3: a legal duty, an emergency, the prevention or detection of crime; decided by
 * a manager) records whether the person was asked for their consent first (1.3, 4.1: consent is sought where that is
 * possible and safe): required with the request, and then said as recorded — on the acknowledgement page and in the
 * pack (4.3), in the register and the audit, and in the person's "How your information is used" summary.
 */
describe.each(dialects())('an exception disclosure says whether the person was asked for their consent first (%s)', (dialect) => {
  let world: World;
  let manager: TestUser, manager2: TestUser, staff: TestUser;
  let police: string, purpose: string;
  const db = () => world.services.db.kysely;
  const today = () => world.clock.now().toISOString().slice(0, 10);
  const disclosures = async () => Number((await db().selectFrom('disclosures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  /** Someone on the staff member's case team, about whom nothing was shared yet. */
  const newPerson = async () => {
    const person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    await makeCase(world, person, { [staff.id]: 'lead' });
    return person;
  };
  const request = (person: string, exception: Record<string, unknown>) => ({
    personIds: [person], recipient: { organisationId: police, name: 'DC Jones', role: 'Detective constable', email: 'jones@police.example' }, purposeId: purpose,
    reason: REASON, items: { personFields: ['givenName', 'familyName'] }, exception: { ground: 'crime', ...exception },
  });
  const auditOf = async (id: string, action: string) => (await auditRows(world)).filter((r) => r.resource_id === id && r.action === action && r.decision === 'allow');

  /**
   * From an awaiting request on: another manager approves it (the person to be told), the recipient reads the terms
   * and accepts them, the pack is released and read (PDF and JSON), the person is told, and their summary read.
   */
  async function decidedAndReleased(id: string, person: string) {
    const approved = await as(world, manager2).post(`/api/disclosures/${id}/approval`, { decision: 'approve', justification: 'A statutory request, reference checked.', tellPerson: true });
    expect(approved.statusCode, approved.body).toBe(200);
    const link = await as(world, staff).post(`/api/disclosures/${id}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const token = new URL(link.json().url).pathname.split('/').at(-1)!;
    const shown = await as(world).get(`/api/disclosure-acknowledgements/${token}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect((await as(world).post(`/api/disclosure-acknowledgements/${token}`, { typedName: 'DC Jones', date: today() })).statusCode).toBe(200);
    const released = await as(world, staff).post(`/api/disclosures/${id}/release`, {});
    expect(released.statusCode, released.body).toBe(200);
    const pdf = flat(pdfPagesText((await as(world, staff).get(`/api/disclosures/${id}/pack.pdf`)).rawPayload).join('\n'));
    const json = JSON.parse((await as(world, staff).get(`/api/disclosures/${id}/pack.json`)).body) as { terms: string };
    const told = await as(world, staff).post(`/api/disclosures/${id}/person-told`, { toldAt: world.clock.now().toISOString() });
    expect(told.statusCode, told.body).toBe(200);
    const summary = await as(world, staff).get(`/api/people/${person}/information-use`);
    expect(summary.statusCode, summary.body).toBe(200);
    const lines = summary.json().disclosures.items as { basis: string; sentence: string }[];
    expect(lines).toHaveLength(1);
    return { page: shown.json().terms as string, pdf, json, line: lines[0] };
  }

  beforeAll(async () => {
    world = await createWorld(dialect);
    manager = await makeUser(world, ['manager']);
    manager2 = await makeUser(world, ['manager']);
    staff = await makeUser(world, ['staff']);
    const guardian = await makeUser(world, ['guardian']);
    const guardian2 = await makeUser(world, ['guardian']);
    police = await makeOrganisation(world, { name: 'Riverside Police', kind: 'police' });
    purpose = await approvedStatutoryPurpose(world, manager, guardian.id, guardian2);
  });
  afterAll(() => world.close());

  it('1.3 exceptions, 4.1 informed-consent: an exception asked for without saying whether the person was asked first, or with a contradictory answer, is a 400 problem naming the field — asked and agreed is their consent, not an exception; nothing written, nothing audited as asked', async () => {
    const person = await newPerson();
    const before = await disclosures();
    const seq = (await auditRows(world)).length;
    const cases: [Record<string, unknown>, string, string][] = [
      [{}, 'body.exception.consentSought', 'say whether the person was asked for their consent first (1.3, 4.1)'],
      [{ consentSought: true }, 'body.exception.consentAnswer', 'say what they answered when they were asked'],
      [{ consentSought: true, consentAnswer: 'agreed' }, 'body.exception.consentAnswer', 'they agreed: record their consent and share on it, not on an exception (1.3, 4.1)'],
      [{ consentSought: true, consentAnswer: 'refused', notSoughtBecause: 'not_safe' }, 'body.exception.notSoughtBecause', 'only when they were not asked'],
      [{ consentSought: false }, 'body.exception.notSoughtBecause', 'say why they were not asked: not possible, not safe, or an emergency'],
      [{ consentSought: false, notSoughtBecause: 'emergency', consentAnswer: 'refused' }, 'body.exception.consentAnswer', 'only when they were asked'],
      [{ consentSought: false, notSoughtBecause: 'busy' }, 'body.exception.notSoughtBecause', 'must be one of: not_possible, not_safe, emergency'],
    ];
    for (const [answer, path, message] of cases) {
      const res = await as(world, staff).post('/api/disclosures', request(person, answer));
      expect(res.statusCode, `${JSON.stringify(answer)} ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([{ path, message }]);
    }
    expect(await disclosures()).toBe(before);
    expect((await auditRows(world)).slice(seq).filter((r) => r.action === 'disclosure.request' && r.decision === 'allow')).toEqual([]);
  });

  it('1.3 exceptions, 4.3 disclosure, 4.1 informed-consent: each answer — asked and refused, not asked as not possible, not safe or an emergency — is recorded with the request and its audit entry, and the manager\'s decision is audited with it (never the reason\'s text); the acknowledgement page and the PDF and JSON pack say "without the consent" and whether they were asked, in its own words, never "agreed"; the register and its CSV carry it; the person\'s summary says it in their words', async () => {
    for (const a of ANSWERS) {
      const person = await newPerson();
      const res = await as(world, staff).post('/api/disclosures', request(person, a.answer));
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().data.id as string;
      const recorded = { consentSought: a.answer.consentSought, consentAnswer: 'consentAnswer' in a.answer ? a.answer.consentAnswer : null, notSoughtBecause: 'notSoughtBecause' in a.answer ? a.answer.notSoughtBecause : null };
      expect(res.json().data).toMatchObject({ basis: 'exception', exceptionGround: 'crime', status: 'awaiting_approval', ...recorded });

      const { page, pdf, json, line } = await decidedAndReleased(id, person);
      expect(json.terms).toBe(page);
      for (const text of [page, pdf]) {
        expect(text).toContain('CONFIDENTIAL — shared by');
        expect(text).toContain('without the consent of the person it concerns, under the prevention or detection of crime');
        expect(text).toContain(a.terms);
        expect(text).not.toMatch(/agreed|said she/);
      }
      expect(line.basis).toBe(a.person);
      expect(line.sentence).toContain(`with Riverside Police, for statutory requests, ${a.person}.`);
      expect(line.sentence).not.toMatch(/agreed to|you agreed|said she/);

      // The audit: the request and the manager's decision, each with the structured answer and nothing of the reason.
      const [asked] = await auditOf(id, 'disclosure.request');
      const [approved] = await auditOf(id, 'disclosure.approve');
      expect(JSON.parse(asked.detail)).toMatchObject({ basis: 'exception', ground: 'crime', approval: 'awaiting', ...Object.fromEntries(Object.entries(recorded).filter(([, v]) => v !== null)) });
      expect(JSON.parse(approved.detail)).toMatchObject({ decision: 'approve', ground: 'crime', tellPerson: true, ...Object.fromEntries(Object.entries(recorded).filter(([, v]) => v !== null)) });
      for (const entry of [asked, approved]) expect(entry.detail).not.toContain('Crime and Disorder');

      // The register (management) and its CSV say what was recorded.
      const register = (await as(world, manager).get('/api/disclosures?basis=exception')).json().items.find((i: { id: string }) => i.id === id);
      expect(register).toMatchObject(recorded);
      const csv = await as(world, manager).get('/api/disclosures?format=csv&basis=exception');
      expect(csv.body.split('\r\n')[0]).toContain(',exceptionGround,consentSought,consentAnswer,notSoughtBecause,');
      expect(csv.body.split('\r\n').find((l) => l.includes(res.json().data.reference as string))).toContain(a.csv);
    }
  });

  it('1.3 exceptions: an exception asked for before the answer was recorded reads as "not recorded" — null in the API and the audit of its decision — and its terms and the person\'s summary claim nothing either way: neither "without the consent" nor that they were asked', async () => {
    const person = await newPerson();
    const res = await as(world, staff).post('/api/disclosures', request(person, { consentSought: false, notSoughtBecause: 'not_safe' }));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().data.id as string;
    // As a request made before migration 0029 stands: nothing recorded.
    await db().updateTable('disclosures').set({ consent_sought: null, consent_answer: null, not_sought_because: null }).where('id', '=', id).execute();
    expect((await as(world, manager2).get(`/api/disclosures/${id}`)).json().data).toMatchObject({ consentSought: null, consentAnswer: null, notSoughtBecause: null });

    const { page, pdf, json, line } = await decidedAndReleased(id, person);
    expect(json.terms).toBe(page);
    for (const text of [page, pdf]) {
      expect(text).toContain('CONFIDENTIAL — shared by');
      expect(text).toContain('under the prevention or detection of crime, as its Confidentiality Policy allows: it rests on that exception, not on the consent of the person it concerns.');
      expect(text).not.toMatch(/without the consent|asked/);
    }
    expect(line.basis).toBe('because the law or a risk of harm required it');
    const [approved] = await auditOf(id, 'disclosure.approve');
    expect(JSON.parse(approved.detail)).toMatchObject({ decision: 'approve', ground: 'crime', consentSought: null });
  });
});
