// Browser test of the console's Attendees section on the demo event: an
// organiser finds an attendee by an unaccented name as they type
// ("lindstrom"), opens their page and sees their registration, pass and
// history (the door's scan); the list is in Swedish order, filters and
// the company view work and keep their place in the address; names in
// right-to-left scripts are shown as such; and axe-core finds nothing on
// the list, the company view or the attendee page in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
let asa = null;

function person(first, last, company, extra = {}) {
  const email = `${first}.${last}`.normalize('NFD').replace(/[^a-zA-Z.]/g, '').toLowerCase();
  return { first_name: first, last_name: last, email: `${email}@example.se`, company, ...extra };
}

async function register(ticketType, people) {
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: ticketType, privacy_accepted: true, contact: people[0], attendees: people,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  addUser(d, 'anna', 'door', 'door password');
  const reg = await register(1, [
    person('Åsa', 'Lindström-Öberg', 'Pressverk AB', { sessions: [9] }),
    person('Björn', 'Håkansdotter', 'Pressverk AB'),
  ]);
  asa = reg.attendees[0];
  await register(2, [person('Zoë', 'Ødegård-Łukasiewicz', 'SSAB')]);
  await register(1, [person('Anna', 'Zander', 'Volvo Cars')]);
  await register(1, [person('Olof', 'Åberg', '')]);
  await register(2, [person('Karin', 'Ängström', 'SSAB')]);
  await register(1, [{ first_name: 'أحمد', last_name: 'إبراهيم', email: 'ahmed@example.sa', company: 'سابك' }]);
  // The door lets Åsa in: her history shows it.
  const door = await staffLogin(d.baseURL, 'anna', 'door password');
  const scan = await door.call('POST', '/api/v1/checkins', { code: asa.pass_code });
  assert.equal(scan.body.result, 'ok');
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

async function signIn(page) {
  await page.goto('/console/');
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function setLang(page, lang) {
  await page.click(`.lang-switch button[data-lang="${lang}"]`);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

async function names(page) {
  return page.locator('#attendee-table tbody .attendee-name').allTextContents();
}

async function axeBoth(page, where) {
  for (const lang of ['sv', 'en']) {
    await setLang(page, lang);
    assert.deepEqual(await axeViolations(page), [], `axe, ${where}, ${lang}`);
  }
}

test('an organiser finds an attendee by an unaccented name and sees their history', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await page.locator('.console-nav a[href="#/attendees"]').click();
    await page.locator('#attendee-table').waitFor();
    assert.match(page.url(), /#\/events\/1\/attendees$/);
    assert.equal(await page.locator('#attendee-count').textContent(), 'Attendees: 7');
    // Names in Swedish order: Å, Ä, Ö after Z; Arabic after Latin.
    assert.deepEqual(await names(page), ['Björn Håkansdotter', 'Åsa Lindström-Öberg', 'Anna Zander',
      'Olof Åberg', 'Karin Ängström', 'Zoë Ødegård-Łukasiewicz', 'أحمد إبراهيم']);
    assert.equal(await page.locator('.attendee-name', { hasText: 'أحمد' }).getAttribute('dir'), 'auto');
    await axeBoth(page, 'list');
    await setLang(page, 'en');

    // Typed without the marks, the list narrows by itself, the box keeps focus.
    await page.locator('#attendee-q').pressSequentially('lindstrom', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 1);
    assert.deepEqual(await names(page), ['Åsa Lindström-Öberg']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'attendee-q');
    assert.match(page.url(), /[?&]q=lindstrom/);
    assert.equal(await page.locator('#attendee-count').textContent(), 'Found: 1');
    // Words in any order, the company too.
    await page.fill('#attendee-q', 'pressverk bjorn');
    await page.waitForFunction(() => document.querySelector('#attendee-table .attendee-name')?.textContent === 'Björn Håkansdotter');
    await page.fill('#attendee-q', 'nobody here');
    await page.locator('#attendee-none').waitFor();
    await page.fill('#attendee-q', 'lindstrom');
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 1);

    await page.click('#attendee-table .attendee-name');
    await page.locator('#attendee-heading').waitFor();
    assert.equal(await page.locator('#attendee-heading').textContent(), 'Åsa Lindström-Öberg');
    assert.match(page.url(), new RegExp(`#/attendees/${asa.id}$`));
    assert.equal(await page.locator('#attendee-pass .pass-code').textContent(), asa.pass_code);
    assert.match(await page.locator('#attendee-others').textContent(), /Björn Håkansdotter/);
    assert.match(await page.locator('#attendee-sessions').textContent(), /Studiebesök: presslinjen/);
    assert.match(await page.locator('#attendee-checkins').textContent(), /Main entrance.*anna/s);
    const history = page.locator('#attendee-history li[data-action="checkin"]');
    assert.equal(await history.count(), 1);
    assert.match(await history.textContent(), /anna: Let in at Main entrance/);
    await page.screenshot({ path: path.join(outDir, 'console-attendee.png'), fullPage: true });
    await axeBoth(page, 'attendee page');
    await setLang(page, 'sv');
    assert.match(await page.locator('#attendee-history li[data-action="checkin"]').textContent(), /anna: Insläppt vid Huvudentrén/);
    await setLang(page, 'en');

    // Back to the list as it was left: the search is in the address.
    await page.click('#attendee-back');
    await page.locator('#attendee-table').waitFor();
    assert.deepEqual(await names(page), ['Björn Håkansdotter', 'Åsa Lindström-Öberg', 'Anna Zander',
      'Olof Åberg', 'Karin Ängström', 'Zoë Ødegård-Łukasiewicz', 'أحمد إبراهيم']);
    await page.goBack();
    await page.goBack();
    await page.locator('#attendee-table').waitFor();
    assert.equal(await page.locator('#attendee-q').inputValue(), 'lindstrom');
    assert.deepEqual(await names(page), ['Åsa Lindström-Öberg']);
    // The page asks who is signed in before the sign-in: that one 401.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  } finally {
    await context.close();
  }
});

test('filters, the order of a column and the company view', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await page.evaluate(() => { location.hash = '#/events/1/attendees'; });
    await page.locator('#attendee-table').waitFor();
    await setLang(page, 'en');
    // In the order of registration, then newest first, by the column's
    // heading; focus stays on it.
    await page.click('button[data-sort="registered_at"]');
    await page.waitForFunction(() => document.querySelector('#attendee-table .attendee-name')?.textContent === 'Åsa Lindström-Öberg');
    await page.click('button[data-sort="registered_at"]');
    await page.waitForFunction(() => document.querySelector('#attendee-table .attendee-name')?.textContent === 'أحمد إبراهيم');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.sort), 'registered_at');
    assert.equal(await page.locator('th[aria-sort="descending"] button').getAttribute('data-sort'), 'registered_at');
    assert.match(page.url(), /sort=registered_at&order=desc/);

    await page.locator('.attendee-more summary').click();
    await page.selectOption('#attendee-checked-in', 'true');
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 1);
    assert.deepEqual(await names(page), ['Åsa Lindström-Öberg']);
    await page.selectOption('#attendee-checked-in', '');
    await page.selectOption('#attendee-ticket-type', '2');
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 2);
    assert.deepEqual((await names(page)).sort(), ['Karin Ängström', 'Zoë Ødegård-Łukasiewicz']);
    await page.click('#attendee-clear');
    await page.waitForFunction(() => document.querySelectorAll('#attendee-table tbody tr').length === 7);

    // By company; a company opens the list of its people.
    await page.click('#attendee-view-companies');
    await page.locator('#company-table').waitFor();
    assert.deepEqual(await page.locator('#company-table tbody th').allTextContents(),
      ['(no company)', 'Pressverk AB', 'SSAB', 'Volvo Cars', 'سابك']);
    assert.equal(await page.locator('#attendee-count').textContent(), 'Companies: 5');
    await axeBoth(page, 'company view');
    await setLang(page, 'en');
    await page.click('#company-table a.company-link >> text=SSAB');
    await page.locator('#attendee-table').waitFor();
    assert.deepEqual(await names(page), ['Karin Ängström', 'Zoë Ødegård-Łukasiewicz']);
    assert.equal(await page.locator('#attendee-company').inputValue(), 'SSAB');
    await page.screenshot({ path: path.join(outDir, 'console-attendees.png'), fullPage: true });
    assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  } finally {
    await context.close();
  }
});
