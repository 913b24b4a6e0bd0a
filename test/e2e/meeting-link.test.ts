import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_LINK_DAYS } from '../../src/acknowledgement/link';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, signIn, startBrowser } from './browser';

const NOTES = 'Agreed a referral to CAMHS; Jo will be told by the lead worker on Friday.';

describe.runIf(browserAvailable)('an external meeting attendee\'s one-time link in a real browser (practice 3)', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let caseId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    world.clock.set(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000));
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    const person = await makePerson(world, { givenName: 'Jo', familyName: 'Bloggs' });
    caseId = await makeCase(world, person, { [staff.id]: 'lead' });
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('practice 3 third-party-meetings: the attendee sees the terms and nothing of the meeting; a name that is not theirs is refused on the field, nothing shown; accepting with their name as recorded, they read the notes once with the CONFIDENTIAL PDF to keep; the link then does not work', async () => {
    const m = await as(world, staff).post('/api/meetings', {
      about: 'case', caseId, title: 'Review of the CAMHS referral', heldAt: new Date(Date.now() - 3_600_000).toISOString(), notes: NOTES, notesClassification: 'personal',
      userIds: [staff.id], external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }],
    });
    expect(m.statusCode, m.body).toBe(201);
    const meeting = m.json().data as { id: string; attendees: { id: string; kind: string }[] };
    const attendee = meeting.attendees.find((a) => a.kind === 'external')!.id;
    const link = await as(world, staff).post(`/api/meetings/${meeting.id}/attendees/${attendee}/acknowledgement-link`, {});
    expect(link.statusCode, link.body).toBe(201);
    const url = new URL(link.json().url);
    expect(url.pathname).toMatch(/^\/meeting-acknowledge\/[A-Za-z0-9_-]{43}$/);

    const { page, problems } = await newPage(browser);
    await page.goto(`${base}${url.pathname}`);
    await page.getByRole('heading', { name: 'Accept the confidentiality of the meeting', level: 1 }).waitFor();
    const shown = (await page.locator('body').textContent()) ?? '';
    expect(shown).toContain('Dr A. Nurse');
    for (const secret of ['Bloggs', 'CAMHS', 'Review of the', 'Jo ']) expect(shown).not.toContain(secret);
    await page.getByRole('button', { name: 'I accept these terms' }).click();
    await expect.poll(() => page.getByLabel('Type your full name to accept').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(async () => (await focused(page)).name).toBe('typedName');
    await checkpoint(page, 'meeting-link-01-terms');
    await page.getByLabel('Type your full name to accept').fill('Mickey Mouse');
    await page.getByRole('button', { name: 'I accept these terms' }).click();
    await page.getByText("type your name as the meeting's organiser recorded it").first().waitFor();
    expect(await page.getByLabel('Type your full name to accept').getAttribute('aria-invalid')).toBe('true');
    expect((await page.locator('body').textContent()) ?? '').not.toContain('CAMHS');
    await checkpoint(page, 'meeting-link-01b-not-their-name');
    await page.getByLabel('Type your full name to accept').fill('dr a nurse');
    await page.getByRole('button', { name: 'I accept these terms' }).click();
    await page.getByText('You have accepted the confidentiality terms').waitFor();
    expect(await page.locator('.note-body').textContent()).toBe(NOTES);
    const download = page.getByRole('link', { name: /Download the notes/ });
    expect(await download.getAttribute('download')).toBe(`meeting-notes-${meeting.id}.pdf`);
    await checkpoint(page, 'meeting-link-02-notes');
    await page.reload();
    await page.getByRole('heading', { name: 'This link does not work', level: 1 }).waitFor();
    expect(problems).toEqual([]);
    const rows = (await auditRows(world)).filter((r) => r.resource_id === meeting.id).map((r) => [r.action, r.decision]);
    expect(rows).toEqual([['meeting.record', 'allow'], ['meeting.acknowledgement-link', 'allow'], ['meeting.acknowledge', 'deny'], ['meeting.acknowledge', 'allow'], ['meeting.share', 'allow']]);
  });

  it('practice 3 third-party-meetings: staff send an attendee who has not acknowledged a link from the meeting page, shown to copy with when it expires; the attendee opens it, accepts with their name and gets the notes; the page then shows the name they typed', async () => {
    const m = await as(world, staff).post('/api/meetings', {
      about: 'case', caseId, title: 'Planning meeting', heldAt: new Date(Date.now() - 3_600_000).toISOString(), notes: NOTES, notesClassification: 'personal',
      userIds: [staff.id], external: [{ name: 'Dr A. Nurse', organisation: 'Riverside GP', role: 'health_professional' }, { name: 'B. Student', organisation: 'City University', role: 'student' }],
    });
    expect(m.statusCode, m.body).toBe(201);
    const meeting = m.json().data as { id: string; attendees: { id: string; name: string }[] };
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/meetings/${meeting.id}`);
    await page.getByRole('heading', { name: 'Planning meeting', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /^Send them a link/ }).count()).toBe(2); // one per external attendee who has not acknowledged

    const sendTo = (name: string) => page.getByRole('button', { name: new RegExp(`^Send them a link\\W+${name.replace('.', '\\.')}$`) });
    await sendTo('Dr A. Nurse').click();
    const box = page.getByRole('group', { name: 'Link for Dr A. Nurse' });
    await box.waitFor();
    await expect.poll(async () => (await focused(page)).tag).toBe('DIV'); // focus moves to the link to copy
    const url = new URL(await box.getByLabel('Acknowledgement link').inputValue());
    expect(url.pathname).toMatch(/^\/meeting-acknowledge\/[A-Za-z0-9_-]{43}$/);
    const stored = await world.services.db.kysely.selectFrom('meeting_attendees').select('link_expires_at').where('id', '=', meeting.attendees.find((a) => a.name === 'Dr A. Nurse')!.id).executeTakeFirstOrThrow();
    expect(Date.parse(stored.link_expires_at!) - world.clock.now().getTime()).toBe(ACK_LINK_DAYS * 86_400_000);
    const expiry = new Date(stored.link_expires_at!);
    expect(await box.textContent()).toMatch(new RegExp(`Works once, until ${expiry.getDate()} \\w+ ${expiry.getFullYear()}, \\d\\d:\\d\\d`));
    await checkpoint(page, 'meeting-link-03-send-link');

    const { page: attendee, problems: attendeeProblems } = await newPage(browser);
    await attendee.goto(`${base}${url.pathname}`);
    await attendee.getByRole('heading', { name: 'Accept the confidentiality of the meeting', level: 1 }).waitFor();
    expect((await attendee.locator('body').textContent()) ?? '').not.toContain('Planning meeting');
    await attendee.getByLabel('Type your full name to accept').fill('Dr A Nurse');
    await attendee.getByRole('button', { name: 'I accept these terms' }).click();
    await attendee.getByText('You have accepted the confidentiality terms').waitFor();
    expect(await attendee.locator('.note-body').textContent()).toBe(NOTES);

    await page.reload();
    await page.getByText('Accepted through their link as “Dr A Nurse”').waitFor();
    expect(await sendTo('Dr A. Nurse').count()).toBe(0);
    expect(await sendTo('B. Student').count()).toBe(1);
    await checkpoint(page, 'meeting-link-04-accepted');
    expect([...problems, ...attendeeProblems]).toEqual([]);
    const rows = (await auditRows(world)).filter((r) => r.resource_id === meeting.id).map((r) => [r.action, r.decision]);
    expect(rows).toEqual([['meeting.record', 'allow'], ['meeting.read', 'allow'], ['meeting.acknowledgement-link', 'allow'], ['meeting.read', 'allow'], ['meeting.acknowledge', 'allow'], ['meeting.share', 'allow'], ['meeting.read', 'allow']]);
  });
});
