// Browser test of the console's Exports section on the demo event: an
// organiser downloads the attendee list through its link (a CSV whose first
// bytes are the UTF-8 BOM, headed in the language chosen, with the
// separator chosen), and a sign-up list as an Excel workbook; the file
// names come from the server; axe-core finds nothing in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, axeViolations,
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

function person(n) {
  return { first_name: 'Zoë', last_name: `Ødegård-Łukasiewicz ${n}`, email: `zoe${n}@example.se`, company: '=Pressverk AB' };
}

/** Click a download link; the file's name and bytes. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const bytes = fs.readFileSync(await dl.path());
  return { name: dl.suggestedFilename(), bytes };
}

test('an organiser downloads the exports through their links', async () => {
  const body = {
    ticket_type: 1, privacy_accepted: true, contact: { ...person(1), company: 'Pressverk AB' },
    attendees: [{ ...person(1), sessions: [9] }, person(2)],
  };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[href="#/exports"]').click();
    await page.locator('#export-list').waitFor();
    assert.match(page.url(), /#\/events\/1\/exports$/);
    assert.deepEqual(await page.locator('#export-list > li').evaluateAll((lis) => lis.map((li) => li.dataset.exportKind)),
      ['attendees', 'catering', 'checkins', 'invoices', 'signups', 'signups']);
    assert.match(await page.locator('[data-session-id="9"] h2').textContent(), /^Sign-up list: Studiebesök/);

    // In English by default (the console's language), with semicolons.
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
    const en = await download(page, '[data-export-kind="attendees"] a[data-export="attendees.csv"]');
    assert.equal(en.name, `techtank-2027-attendees-${today}.csv`);
    assert.deepEqual([...en.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the file starts with the BOM');
    const enText = en.bytes.subarray(3).toString('utf8');
    assert.ok(enText.startsWith('ID;Registration;First name;Last name;'), enText.slice(0, 80));
    assert.match(enText, /;'=Pressverk AB;/);
    assert.equal(enText.split('\r\n').length, 4);

    // Swedish headings and commas, as chosen on the page.
    await page.check('#export-lang-sv');
    await page.check('#export-sep-comma');
    const sv = await download(page, '[data-export-kind="attendees"] a[data-export="attendees.csv"]');
    assert.equal(sv.name, `techtank-2027-deltagare-${today}.csv`);
    assert.deepEqual([...sv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(sv.bytes.subarray(3).toString('utf8').startsWith('ID,Anmälan,Förnamn,Efternamn,'));

    const xlsx = await download(page, '[data-session-id="9"] a[data-export="signups.xlsx"]');
    // Chromium takes the UTF-8 name (filename*), not the ASCII one.
    assert.equal(xlsx.name, `techtank-2027-anmälda-Studiebesök-presslinjen-hos-Pressverk-O-${today}.xlsx`);
    assert.equal(xlsx.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip: the workbook');
    await page.screenshot({ path: path.join(outDir, 'console-exports.png'), fullPage: true });

    for (const lang of ['en', 'sv']) {
      await page.click(`.lang-switch button[data-lang="${lang}"]`);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      if (lang === 'sv') {
        assert.equal(await page.locator('.console-nav a[href="#/exports"]').textContent(), 'Exporter');
        assert.equal(await page.locator('[data-export-kind="catering"] h2').textContent(), 'Måltider');
      }
      assert.deepEqual(await axeViolations(page), [], `axe, ${lang}`);
    }
    // The page asks who is signed in before the sign-in: that one 401.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  } finally {
    await context.close();
  }
});

test('the link of the current event opens without an event chosen', async () => {
  const { context, page } = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    await page.goto('/console/#/exports');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#export-list').waitFor();
    assert.match(page.url(), /#\/events\/1\/exports$/);
    assert.equal(await page.locator('#view h1').textContent(), 'Exporter');
    assert.ok(await page.locator('#export-lang-sv').isChecked(), 'the files in the console\'s language');
  } finally {
    await context.close();
  }
});
