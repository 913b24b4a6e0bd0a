import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, startBrowser } from './browser';

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
    expect((await focused(page)).name).toBe('typedName');
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
});
