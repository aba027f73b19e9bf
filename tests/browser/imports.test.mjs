// Browser test of the console's Import section on the demo event: an
// organiser chooses a CSV file in Windows-1252 with semicolons whose
// last row has an address that is not one, sees that cell marked and
// worded (in English and in Swedish) with nothing saved, drops the
// corrected file (in UTF-8, with a name in Arabic, shown dir=auto) on the
// page, and imports it: the attendees are there with their names exact.
// axe-core finds nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, staffLogin, axeViolations, real, setLang,
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

/** Text as Windows-1252 bytes (the letters this test uses). */
function cp1252(s) {
  const high = { '€': 0x80, '–': 0x96, '’': 0x92 };
  return Buffer.from([...s].map((c) => high[c] ?? c.codePointAt(0)));
}

/** The file: in Windows-1252 as Excel saves it, or in UTF-8 with a name in Arabic. */
function file(third, { utf8 = false } = {}) {
  const text = 'Förnamn;Efternamn;E-post;Företag;Biljettyp\r\n'
    + 'Åsa;Lindström-Öberg;asa.import@example.se;Pressverk i Olofström AB;Member\r\n'
    + `${utf8 ? 'سارا;العلي' : 'Zoë;Ødegård'};second.import@example.se;Gjuteri – Smide;Member\r\n`
    + `Björn;Håkansdotter;${third};;Student\r\n`;
  return utf8 ? Buffer.from(text, 'utf8') : cp1252(text);
}

async function attendeeCount() {
  const s = await staffLogin(d.baseURL, 'olle', PASSWORD);
  const r = await s.call('GET', '/api/v1/admin/events/1/attendees?limit=1');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.total;
}

test('an organiser imports a file with an error, sees it marked, fixes it and imports', async () => {
  const before = await attendeeCount();
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[href="#/imports"]').click();
    await page.locator('#import-file').waitFor();
    assert.match(page.url(), /#\/events\/1\/imports$/);
    assert.ok(await page.locator('#import-kind-attendees').isChecked());

    await page.setInputFiles('#import-file', { name: 'deltagare.csv', mimeType: 'text/csv', buffer: file('bjorn-at-example.se') });
    await page.locator('#import-table').waitFor();
    assert.match(await page.locator('#import-summary').textContent(), /Rows read: 3 \(Windows-1252, separated by semicolons\)\. Rows that need attention: 1\./);
    const bad = page.locator('tr[data-line="4"] td[data-column="email"]');
    assert.equal(await bad.getAttribute('data-error'), 'invalid');
    assert.equal(await bad.locator('.import-problem').textContent(), 'Check this value: it is not valid here.');
    assert.equal(await page.locator('td.import-bad').count(), 1, 'only the one cell is marked');
    assert.ok(await page.locator('#import-submit').isHidden(), 'no import while a row needs attention');
    // Names as typed, each with its own direction.
    assert.equal(await page.locator('tr[data-line="2"] td[data-column="last_name"] .import-value').textContent(), 'Lindström-Öberg');
    assert.equal(await page.locator('tr[data-line="3"] td[data-column="last_name"] .import-value').textContent(), 'Ødegård');
    assert.equal(await page.locator('tr[data-line="3"] td[data-column="company"] .import-value').textContent(), 'Gjuteri – Smide');
    assert.equal(await page.locator('tr[data-line="2"] .import-result').textContent(), 'Gets a seat');
    assert.deepEqual(await axeViolations(page), [], 'axe, en, with an error');

    await setLang(page, 'sv');
    assert.equal(await page.locator('.console-nav a[href="#/imports"]').textContent(), 'Import');
    assert.equal(await bad.locator('.import-problem').textContent(), 'Kontrollera värdet: det är inte giltigt här.');
    assert.match(await page.locator('#import-summary').textContent(), /Rader som behöver åtgärdas: 1\./);
    assert.deepEqual(await axeViolations(page), [], 'axe, sv, with an error');
    await page.screenshot({ path: path.join(outDir, 'console-import-error.png'), fullPage: true });
    assert.equal(await attendeeCount(), before, 'the preview saved nothing');

    // The corrected file, saved as UTF-8 this time, dropped on the page.
    const bytes = [...file('bjorn.import@example.se', { utf8: true })];
    const transfer = await page.evaluateHandle((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'deltagare.csv', { type: 'text/csv' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('#import-drop', 'drop', { dataTransfer: transfer });
    await page.locator('#import-clean').waitFor();
    assert.equal(await page.locator('td.import-bad').count(), 0);
    assert.match(await page.locator('#import-summary').textContent(), /\(UTF-8, åtskilda med semikolon\)/);
    const arabic = page.locator('tr[data-line="3"] td[data-column="first_name"] .import-value');
    assert.equal(await arabic.textContent(), 'سارا');
    assert.equal(await arabic.getAttribute('dir'), 'auto');
    await page.click('#import-submit');
    await page.waitForFunction(() => document.getElementById('console-status').textContent.startsWith('Importerade deltagare'));
    assert.equal(await page.locator('#console-status').textContent(),
      'Importerade deltagare: 3 (3 med plats, 0 på väntelistan).');
    assert.ok(await page.locator('#import-table').count() === 0, 'the preview is gone');
    assert.deepEqual(await axeViolations(page), [], 'axe, sv, imported');
    assert.equal(await attendeeCount(), before + 3);

    const s = await staffLogin(d.baseURL, 'olle', PASSWORD);
    const r = await s.call('GET', '/api/v1/admin/events/1/attendees?q=lindstrom');
    assert.deepEqual(r.body.items.map((a) => [a.first_name, a.last_name, a.company]),
      [['Åsa', 'Lindström-Öberg', 'Pressverk i Olofström AB']]);
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

test('a file that is not CSV at all is worded, not shown as a table', async () => {
  const { context, page } = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    await page.goto('/console/#/imports');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#import-file').waitFor();
    assert.equal(await page.locator('#view h1').textContent(), 'Import');
    await page.check('#import-kind-speakers');
    await page.setInputFiles('#import-file', { name: 'tom.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
    await page.locator('#import-failed').waitFor();
    assert.equal(await page.locator('#import-failed').textContent(), 'Filen är tom.');
    assert.equal(await page.locator('#import-table').count(), 0);
  } finally {
    await context.close();
  }
});
