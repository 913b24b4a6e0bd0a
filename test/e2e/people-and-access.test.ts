import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makeCase, makeNote, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, type World } from '../support/world';
import { browserAvailable, checkpoint, focused, newPage, startBrowser, signIn } from './browser';

describe.runIf(browserAvailable)('people, notes and access in a real browser', () => {
  let world: World;
  let browser: Browser;
  let base: string;
  let staff: TestUser;
  let colleague: TestUser;
  let manager: TestUser;
  let adaId: string;
  let noteId: string;
  let caseId: string;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    staff = await makeUser(world, ['staff'], { username: 'sam.patel' });
    colleague = await makeUser(world, ['staff'], { username: 'jo.lind' });
    manager = await makeUser(world, ['manager'], { username: 'morgan.reyes' });
    await makeUser(world, ['guardian'], { username: 'gus.ward' });
    const db = world.services.db.kysely;
    for (const [u, name] of [[staff, 'Sam Patel'], [colleague, 'Jo Lindqvist'], [manager, 'Morgan Reyes']] as const) {
      await db.updateTable('users').set({ display_name: name }).where('id', '=', u.id).execute();
    }
    adaId = await makePerson(world, { givenName: 'Ada', familyName: 'Lovelace', safeguardingNotes: 'Known to the local authority since 2024' });
    caseId = await makeCase(world, adaId, { [staff.id]: 'lead', [colleague.id]: 'worker' });
    noteId = await makeNote(world, caseId, colleague.id, 'Talked about the band night');
    // Enough people on Sam's teams for a second page.
    for (let i = 0; i < 27; i++) await makeCase(world, await makePerson(world, { givenName: `Client${i}`, familyName: `Zimmer${String(i).padStart(2, '0')}` }), { [staff.id]: 'lead' });
    await makePerson(world, { givenName: 'Bea', familyName: 'Nolan' }); // not on Sam's teams
    ({ browser, base } = await startBrowser(world));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });


  it('3.4 need-to-know: staff find a person, add a session note, are refused a restricted field, ask for access, and a manager approves it from the inbox', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel');
    await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('28 people in all');
    expect(await page.locator('.people-list > li').count()).toBe(25); // the server pages
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.locator('.people-list > li').count()).toBe(3);
    expect(await page.locator('.people-list').textContent()).not.toContain('Nolan'); // not on Sam's teams

    await page.getByLabel('Search by name').fill('Love');
    await expect.poll(() => page.locator('.people-list > li').count()).toBe(1);
    await checkpoint(page, 'people-01-search');
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    expect(await focused(page).then((f) => f.tag)).toBe('H1');
    expect(await page.locator('.field-row', { hasText: 'Safeguarding notes' }).textContent()).toMatch(/Restricted/);
    expect(await page.locator('body').textContent()).not.toContain('Known to the local authority');
    await checkpoint(page, 'people-02-person-restricted');

    // Why can't I see this? — the API's reason and clause.
    await page.getByRole('button', { name: /Why can.t I see this\? \(Safeguarding notes\)/ }).click();
    const why = page.getByRole('dialog');
    await expect.poll(() => why.textContent()).toMatch(/Your role does not give access to safeguarding information/);
    expect(await why.textContent()).toMatch(/Policy clause\s*3\.3, 3\.4, 4\.2/);
    expect(await why.textContent()).toMatch(/You are on the case team \(lead\)/);
    await checkpoint(page, 'people-03-why');
    await why.getByRole('button', { name: 'Request access' }).click();
    const request = page.getByRole('dialog', { name: /Request access to safeguarding notes/ });
    // The choices are what a person's record holds: no business information ("Commercial") nor session details.
    const choices = await request.locator('label.checkbox').allTextContents();
    expect(choices).toHaveLength(3);
    expect(choices.map((t, i) => t.startsWith(['Personal', 'Special category', 'Safeguarding'][i]))).toEqual([true, true, true]);
    expect(choices.join(' ')).not.toMatch(/Commercial|business information|Session details/);
    await request.getByLabel('Why you need to know').fill('short');
    await request.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => request.getByLabel('Why you need to know').getAttribute('aria-invalid')).toBe('true');
    await checkpoint(page, 'people-04-request-error');
    await request.getByLabel('Why you need to know').fill('Planning a joint visit with the school next week');
    await request.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => request.getByRole('status').textContent()).toMatch(/Your request was sent/);
    await checkpoint(page, 'people-05-request-sent');
    await request.getByRole('button', { name: 'Close' }).click();
    const asked = (await auditRows(world)).reverse().find((r) => r.action === 'grant.request');
    expect(asked).toMatchObject({ actor_id: staff.id, decision: 'change', subject_person_id: adaId });

    // A session note on the case.
    await page.getByRole('link', { name: 'Music mentoring' }).click();
    await page.getByRole('heading', { name: 'Music mentoring', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add a note' }).click();
    const note = page.getByRole('dialog', { name: 'Add a note' });
    await note.getByLabel('Title').fill('Drum session: fills');
    await note.getByLabel('What happened').fill('Worked on fills for the band night; Ada led the warm-up.');
    await checkpoint(page, 'people-06-add-note');
    await note.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('link', { name: 'Drum session: fills' }).waitFor();
    expect(await page.locator('.timeline').textContent()).toMatch(/by Sam Patel[\s\S]*by Jo Lindqvist/);
    await checkpoint(page, 'people-07-case-with-note');
    const created = (await auditRows(world)).reverse().find((r) => r.action === 'note.create');
    expect(created).toMatchObject({ actor_id: staff.id, decision: 'change', subject_person_id: adaId });
    expect(created!.detail).not.toContain('Ada led the warm-up'); // which fields, never their values

    // The manager decides the request from the inbox.
    const boss = await newPage(browser, { width: 390 });
    await signIn(boss.page, base, 'morgan.reyes', '/access');
    await boss.page.getByRole('heading', { name: 'Access requests' }).waitFor();
    const card = boss.page.locator('.request-card', { hasText: 'Sam Patel' });
    await expect.poll(() => card.textContent()).toMatch(/Sam Patel asks to see safeguarding information about Ada Lovelace[\s\S]*Planning a joint visit/);
    await checkpoint(boss.page, 'people-08-inbox-390px');
    await card.getByRole('button', { name: 'Approve…' }).click();
    await card.getByLabel('Access lasts (hours)').fill('24');
    await card.getByRole('button', { name: 'Approve access' }).click();
    await expect.poll(() => boss.page.getByRole('status').first().textContent()).toMatch(/Sam Patel: Approved for 24 hours/);
    await boss.page.getByText('No requests waiting.').waitFor();
    await checkpoint(boss.page, 'people-09-approved');
    const decided = (await auditRows(world)).reverse().find((r) => r.action === 'grant.decide');
    expect(decided).toMatchObject({ actor_id: manager.id, decision: 'allow', subject_person_id: adaId });
    expect(boss.problems).toEqual([]);

    // Sam now sees the safeguarding notes.
    await page.goto(`${base}/people/${adaId}`);
    await expect.poll(() => page.locator('.field-row', { hasText: 'Safeguarding notes' }).textContent()).toContain('Known to the local authority since 2024');
    await checkpoint(page, 'people-10-granted');

    // Sam withdraws a request made by mistake, and gives up the access once the visit is planned (3.4: need to know
    // as short as it can be). Both leave the managers' hands; both are audited under their own rules.
    const mistaken = await as(world, staff).post('/api/access/requests', { resourceType: 'person', resourceId: adaId, classifications: ['special'], reason: 'Meant to ask about another client' });
    expect(mistaken.statusCode).toBe(202);
    await page.goto(`${base}/access`);
    await page.getByRole('heading', { name: 'Your requests and access' }).waitFor();
    const waitingCard = page.locator('.card', { hasText: 'special category information' });
    await waitingCard.getByRole('button', { name: 'Withdraw request' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Request withdrawn/);
    await expect.poll(() => waitingCard.textContent()).toMatch(/Withdrawn/);
    const grantedCard = page.locator('.card', { hasText: 'safeguarding information' });
    await grantedCard.getByRole('button', { name: 'Give up access' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Access given up/);
    await expect.poll(() => grantedCard.textContent()).toMatch(/Ended/);
    await checkpoint(page, 'people-11-withdrawn-and-given-up');
    const own = (await auditRows(world)).filter((r) => r.actor_id === staff.id && (r.action === 'grant.withdraw' || r.action === 'grant.revoke')).map((r) => [r.action, r.decision, r.rule_id]);
    expect(own).toEqual([['grant.withdraw', 'allow', 'grants/withdraw-own'], ['grant.revoke', 'allow', 'grants/own']]);
    await page.goto(`${base}/people/${adaId}`);
    await expect.poll(() => page.locator('.field-row', { hasText: 'Safeguarding notes' }).textContent()).not.toContain('Known to the local authority since 2024');
    expect(problems).toEqual([]);
  }, 240_000);

  it('3.4 need-to-know: a stale edit (412) shows what the other person changed and keeps what was typed', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/people/${adaId}/edit`);
    await page.getByRole('heading', { name: 'Edit Ada Lovelace' }).waitFor();
    await page.getByLabel('Phone').fill('07700 900123');
    await page.getByLabel('Pronouns').fill('she/her');

    // Meanwhile Jo saves a change to the pronouns and the address.
    const current = await as(world, colleague).get(`/api/people/${adaId}`);
    const saved = await as(world, colleague).patch(`/api/people/${adaId}`, { pronouns: 'they/them', address: '1 Riverside Walk' }, { 'if-match': current.headers.etag as string });
    expect(saved.statusCode).toBe(200);

    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.locator('#edit-conflict');
    await expect.poll(() => conflict.textContent()).toMatch(/Someone else saved this record/);
    expect(await focused(page).then((f) => f.id)).toBe('edit-conflict');
    const table = await conflict.locator('table').textContent();
    expect(table).toMatch(/Pronouns\s*they\/them\s*she\/her/);
    expect(table).toMatch(/Address\s*1 Riverside Walk/);
    expect(await page.getByLabel('Phone').inputValue()).toBe('07700 900123'); // what Sam typed is kept
    expect(await page.getByLabel('Pronouns').inputValue()).toBe('she/her');
    expect(await page.getByLabel('Address').inputValue()).toBe('1 Riverside Walk'); // untouched fields take the saved value
    await checkpoint(page, 'people-11-stale-edit');

    await page.getByRole('button', { name: 'Save my version' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    // The heading is on the edit page too: wait for the save itself, not for the page.
    await expect.poll(async () => (await as(world, staff).get(`/api/people/${adaId}`)).json().data.phone).toBe('07700 900123');
    const after = (await as(world, staff).get(`/api/people/${adaId}`)).json().data;
    expect(after).toMatchObject({ phone: '07700 900123', pronouns: 'she/her', address: '1 Riverside Walk' });
    const refused = (await auditRows(world)).filter((r) => r.action === 'person.update' && r.actor_id === staff.id);
    expect(refused.length).toBe(1); // the stale attempt wrote nothing; the second save is the one change
    expect(problems).toEqual([]);
  }, 120_000);

  it('3.7 secure-conditions, practice 2 session-staff-team-only: the tab title names the kind of page, never a client or a note, so the browser history of a shared computer holds neither', async () => {
    const { page, problems } = await newPage(browser);
    const titles: string[] = [];
    const visit = async (path: string, heading: string | RegExp) => {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      titles.push(await page.title());
    };
    await signIn(page, base, 'sam.patel', `/people/${adaId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    titles.push(await page.title());
    await visit(`/people/${adaId}/edit`, 'Edit Ada Lovelace');
    await visit(`/cases/${caseId}`, 'Music mentoring');
    await visit(`/notes/${noteId}`, 'Drum session');
    await visit(`/people/${adaId}/consents/new`, 'Record consent for Ada Lovelace');
    await visit(`/people/${adaId}/first-contact`, /Tell Ada Lovelace/);
    expect(titles).toEqual([
      'Person — Confide', 'Edit a person’s details — Confide', 'Case — Confide', 'Session note — Confide', 'Record consent — Confide', 'Record first contact — Confide',
    ]);
    expect(titles.join(' ')).not.toMatch(/Ada|Lovelace|Drum|Music mentoring/);
    expect(problems).toEqual([]);
  }, 120_000);

  it('practice 2 session-staff-team-only: the add-note form says beside the title that everyone who can see the case reads it, and beside what happened that only the staff team do', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'sam.patel', `/cases/${caseId}`);
    await page.getByRole('heading', { name: 'Music mentoring', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add a note' }).click();
    const note = page.getByRole('dialog', { name: 'Add a note' });
    const hintOf = async (label: string) => {
      const ids = ((await note.getByLabel(label).getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
      return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
    };
    expect(await hintOf('Title')).toMatch(/Everyone who can see this case sees the title, including volunteers, students and the guardian\. Keep session details out of it/);
    expect(await hintOf('What happened')).toMatch(/Confidential to the staff team working with this client/);
    await checkpoint(page, 'people-12-note-title-hint');
    expect(problems).toEqual([]);
  }, 120_000);

  it('3.4 need-to-know: the people list says truly whom it holds — everyone for a manager, everyone by name and status for the guardian, the case teams for staff', async () => {
    // Bea Nolan is on nobody's team: whether the list finds her shows whom it really holds.
    const lede = async (username: string, seesNolan: boolean) => {
      const { page, problems } = await newPage(browser);
      await signIn(page, base, username);
      await page.getByRole('heading', { name: 'People', level: 1 }).waitFor();
      await page.getByLabel('Search by name').fill('Nolan');
      await expect.poll(() => page.getByRole('status').first().textContent()).toBe(seesNolan ? '1 person matches “Nolan”.' : '0 people match “Nolan”.');
      await expect.poll(() => page.locator('.people-list > li').count()).toBe(seesNolan ? 1 : 0);
      expect(problems).toEqual([]);
      return { text: await page.locator('.lede').textContent(), page };
    };
    const boss = await lede('morgan.reyes', true);
    expect(boss.text).toBe('Everyone we work with. Managers oversee every case, so that concerns can be acted on at once.');
    const guardian = await lede('gus.ward', true);
    expect(guardian.text).toMatch(/^Everyone we work with, by name and status only: as guardian you review how information is used/);
    await checkpoint(guardian.page, 'people-13-guardian-list');
    const sam = await lede('sam.patel', false);
    expect(sam.text).toBe('Only the people you need to know about: those on your case teams, and those a manager granted you access to.');
  }, 120_000);

  it('3.1 justify-purpose information-use/guardian-review: the guardian opens "How their information is used" from the person page and reads it — the parts left out said, no copy to hand over offered', async () => {
    const { page, problems } = await newPage(browser);
    await signIn(page, base, 'gus.ward', `/people/${adaId}`);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'How their information is used' }).click();
    await page.getByRole('heading', { name: 'How your information is used', level: 1 }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(/Your role does not allow this/);
    await expect.poll(() => page.getByRole('note').textContent()).toMatch(/Some parts are left out because you may not read them[\s\S]*general level/);
    expect(await page.getByRole('link', { name: 'Download PDF' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Print' }).count()).toBe(0);
    await checkpoint(page, 'people-14-guardian-information-use');
    expect(problems).toEqual([]);
  }, 120_000);
});
