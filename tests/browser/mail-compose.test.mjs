// Browser test of an organiser's message from the console's Mail section:
// two registrations (Swedish and English) wait with their confirmations in
// the outbox (no --smtp-url); the organiser writes in both languages,
// previews (the count, the recipients, the first one's message in
// Swedish), sends, and a second press sends nothing more; axe-core finds
// nothing on the view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  startDaemon, addUser, launch, newPage, apiCall, axeViolations, real, setLang, openView,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

function organiserRows() {
  return execFileSync('sqlite3', [d.db, "SELECT recipient || ' ' || lang FROM outbox WHERE kind = 'organiser' ORDER BY id"])
    .toString().split('\n').filter((l) => l);
}

test('an organiser previews a message to everyone and sends it once', async () => {
  const stamp = Date.now();
  const people = [['Åsa', 'sv'], ['Bob', 'en']].map(([first, lang]) => ({
    person: { first_name: first, last_name: 'Lindström', email: `${first === "Åsa" ? "asa" : "bob"}.${stamp}@example.se`, company: 'Pressverk AB' }, lang,
  }));
  for (const { person, lang } of people) {
    const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
      ticket_type: 1, privacy_accepted: true, lang, contact: person, attendees: [person],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await openView(page, '#/mail', '#mail-compose');
    await page.click('#mail-compose');
    await page.locator('#compose-form').waitFor();
    assert.equal(await page.locator('#compose-send').isDisabled(), true);

    // Nothing typed: the server's codes, in the page's words.
    await page.click('#compose-preview');
    await page.locator('#compose-subject-error:not([hidden])').waitFor();
    assert.match(await page.locator('#compose-subject-error').textContent(), /\S/);

    await page.fill('#compose-subject', 'Välkommen <snart>');
    await page.fill('#compose-body', 'Dörrarna öppnar 08:00.\n\n<b>Ta med passet.</b>');
    await page.fill('#compose-subject-en', 'Welcome <soon>');
    await page.fill('#compose-body-en', 'The doors open at 08:00.');
    await page.selectOption('#compose-segment', 'everyone');
    await page.click('#compose-preview');
    await page.locator('#compose-sample-text').waitFor();
    assert.match(await page.locator('#compose-count').textContent(), /2/);
    const list = await page.locator('#compose-recipients').textContent();
    assert.match(list, new RegExp(`asa\\.${stamp}@example\\.se`));
    assert.match(list, new RegExp(`bob\\.${stamp}@example\\.se`));
    assert.match(await page.locator('#compose-sample-subject').textContent(), /Välkommen <snart>/);
    const sample = await page.locator('#compose-sample-text').textContent();
    assert.match(sample, /^Hej Åsa!/);
    assert.match(sample, /<b>Ta med passet\.<\/b>/);
    assert.equal(await page.locator('#compose-result b').count(), 0);
    assert.equal(organiserRows().length, 0);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.match(await page.locator('#compose-count').textContent(), /mottagare/);
    await setLang(page, 'en');

    // Changing the words asks for a new preview.
    await page.fill('#compose-body-en', 'The doors open at 08:00. Bring your pass.');
    assert.equal(await page.locator('#compose-send').isDisabled(), true);
    await page.click('#compose-preview');
    await page.locator('#compose-sample-text').waitFor();
    await page.locator('#compose-send:not([disabled])').waitFor();
    await page.click('#compose-send');
    await page.locator('#mail-table').waitFor();
    const rows = organiserRows();
    assert.deepEqual(rows, [`asa.${stamp}@example.se sv`, `bob.${stamp}@example.se en`]);
    assert.match(await page.locator('#mail-table').textContent(), /Message from the organisers/);
    // The empty preview was refused (422), as it should be.
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});
