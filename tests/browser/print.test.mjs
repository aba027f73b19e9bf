// Browser test of the console's Print section ("Utskrift") on the demo
// event: an organiser makes the name tags of those not yet printed, watches
// the job finish, downloads the PDF through its link, and then the count of
// those not yet printed is 0; chosen attendees come in from the URL
// ("#/print?ids=..."), a walk-in's tag and the programme are made, a bad
// number is worded on the page; axe-core finds nothing in Swedish or English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, axeViolations, real, setLang,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
const people = [];

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  browser = await launch();
  for (let n = 1; n <= 3; n++) {
    const p = { first_name: 'Åsa', last_name: `Lindström-Öberg ${n}`, email: `asa${n}@example.se`, company: 'Pressverk AB' };
    const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
      ticket_type: 1, privacy_accepted: true, contact: p, attendees: [p],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    people.push(r.body.attendees[0]);
  }
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

async function signIn(page, hash) {
  await page.goto(`/console/${hash}`);
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
}

/** Click a download link; the file's name and bytes. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(await dl.path()) };
}

test('an organiser downloads the tags of those not yet printed, and then none are left', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page, '');
    await page.locator('.console-nav a[href="#/print"]').click();
    await page.locator('#print-tags-form').waitFor();
    assert.match(page.url(), /#\/events\/1\/print$/);
    const counts = page.locator('#print-counts');
    assert.equal(await counts.textContent(), '3 confirmed attendees, of whom 3 have no printed name tag yet.');
    assert.ok(await page.locator('#print-select-not_printed').isChecked(), 'those not yet printed by default');
    await page.selectOption('#print-layout', 'a6x4');
    await page.click('#print-tags');

    const job = page.locator('#print-jobs > li[data-job-kind="tags"]');
    await job.locator('a[data-download="tags"]').waitFor();
    assert.equal(await job.getAttribute('data-job-state'), 'done');
    assert.match(await job.locator('[role="status"]').textContent(), /^Ready: 3 name tags\./);
    const pdf = await download(page, '#print-jobs a[data-download="tags"]');
    assert.equal(pdf.name, 'tags-a6x4.pdf');
    assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    await page.waitForFunction(() => document.getElementById('print-counts').textContent.includes('of whom 0 '));
    assert.equal(await counts.textContent(), '3 confirmed attendees, of whom 0 have no printed name tag yet.');
    await page.screenshot({ path: path.join(outDir, 'console-print.png'), fullPage: true });

    // Nothing left to print is said on the page, not as an error page.
    await page.click('#print-tags');
    await page.locator('#print-tags-error:not([hidden])').waitFor();
    assert.match(await page.locator('#print-tags-error').textContent(), /^There is nothing to print/);

    for (const lang of ['sv', 'en']) {
      await setLang(page, lang);
      if (lang === 'sv') {
        assert.equal(await page.locator('.console-nav a[href="#/print"]').textContent(), 'Utskrift');
        assert.equal(await counts.textContent(), '3 bekräftade deltagare, varav 0 ännu inte har någon utskriven namnbricka.');
        assert.match(await page.locator('#print-layout option[value="a6x4"]').textContent(), /^4 × A6 på vanligt A4-papper/);
      }
      assert.deepEqual(await axeViolations(page), [], `axe, ${lang}`);
    }
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('chosen attendees from the URL, a walk-in tag and the programme', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    const ids = [people[0].id, people[2].id];
    await signIn(page, `#/print?ids=${ids.join(',')}`);
    await page.locator('#print-tags-form').waitFor();
    assert.match(page.url(), new RegExp(`#/events/1/print\\?ids=${ids.join('%2C')}$`));
    assert.equal(await page.locator('#view h1').textContent(), 'Utskrift');
    assert.ok(await page.locator('#print-select-ids').isChecked());
    assert.equal(await page.inputValue('#print-ids'), ids.join(','));
    await page.click('#print-tags');
    const tags = page.locator('#print-jobs > li[data-job-kind="tags"]');
    await tags.locator('a[data-download="tags"]').waitFor();
    assert.match(await tags.locator('[role="status"]').textContent(), /^Klar: 2 namnbrickor\./);

    // A number that is no attendee of this event is worded beside the form.
    await page.fill('#print-ids', '1, 99999');
    await page.click('#print-tags');
    await page.locator('#print-tags-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#print-tags-error').textContent(),
      'Ett av numren är inte en deltagare i det här evenemanget.');
    await page.fill('#print-ids', 'tolv');
    await page.click('#print-tags');
    await page.waitForFunction(() => document.getElementById('print-tags-error').textContent.startsWith('Deltagarnummer är heltal'));

    await page.fill('#walk-in-first-name', 'Zoë');
    await page.fill('#walk-in-last-name', 'Ødegård-Łukasiewicz');
    await page.fill('#walk-in-company', 'Sydkustens Lättmetall AB');
    await page.selectOption('#walk-in-role', 'speaker');
    await page.click('#print-walk-in');
    await page.locator('#print-jobs a[data-download="walk_in"]').waitFor();
    const walkIn = await download(page, '#print-jobs a[data-download="walk_in"]');
    assert.equal(walkIn.name, 'tag-durable-1445-02.pdf');
    assert.equal(walkIn.bytes.subarray(0, 5).toString('latin1'), '%PDF-');

    // A walk-in needs a first name.
    await page.fill('#walk-in-first-name', '');
    await page.click('#print-walk-in');
    await page.locator('#walk-in-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#walk-in-error').textContent(), 'Fyll i det här.');

    await page.click('#print-programme');
    await page.locator('#print-jobs a[data-download="programme"]').waitFor();
    const programme = await download(page, '#print-jobs a[data-download="programme"]');
    assert.equal(programme.name, 'programme.pdf');

    await page.fill('#pass-attendee', String(people[1].id));
    await page.click('#print-pass');
    await page.locator('#print-jobs a[data-download="pass"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe, sv, with jobs');
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});
