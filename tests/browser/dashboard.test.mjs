// Browser test of the console's dashboard on the demo event: it shows the
// seats, sign-ups, check-ins and dietary needs, and changes by itself when
// a registration arrives from another client, within two seconds, without
// a reload; axe-core finds nothing on it in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

function person(n, dietary) {
  return { first_name: 'Zoë', last_name: `Ødegård-Łukasiewicz ${n}`, email: `zoe${n}@example.se`, dietary };
}

test('the dashboard follows a registration made elsewhere without a reload', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('.console-nav a[href="#/dashboard"]').click();
    await page.locator('#dash-confirmed').waitFor();
    assert.equal(await page.locator('#dash-event').textContent(), 'Techtank Conference 2027');
    assert.match(await page.locator('#dash-confirmed').textContent(), /Confirmed attendees: 0 of 120/);
    assert.match(await page.locator('#dash-dietary').textContent(), /Nobody has given dietary needs yet/);
    const urlBefore = page.url();

    // Another client registers two colleagues, one of them for the visit.
    const body = {
      ticket_type: 1, privacy_accepted: true, contact: person(1),
      attendees: [{ ...person(1, 'vegetarisk'), sessions: [9] }, person(2, 'Vegetarisk')],
    };
    const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const t0 = Date.now();
    await page.locator('#dash-confirmed', { hasText: 'Confirmed attendees: 2 of 120' }).waitFor({ timeout: 3000 });
    const waited = Date.now() - t0;
    assert.ok(waited < 2500, `the dashboard took ${waited} ms to follow`);
    assert.equal(page.url(), urlBefore, 'no reload, no navigation');
    assert.match(await page.locator('#dash-types').textContent(), /Member2 of/);
    assert.match(await page.locator('#dash-sessions').textContent(), /1 of 30/);
    assert.match(await page.locator('#dash-dietary').textContent(), /vegetarisk2/);
    assert.equal(await page.locator('#dash-days-chart rect').count(), 1);
    // Labelled where no pointer can hover (a phone): the bar's count, the
    // scale and the day; and every figure in the table under it.
    await page.setViewportSize({ width: 360, height: 740 });
    const labels = await page.locator('#dash-days-chart text').allTextContents();
    assert.deepEqual(labels.slice(0, 3), ['1', '1', '0'], labels.join('|'));
    assert.ok(labels.some((l) => /^\d{1,2} [A-Z][a-z]+$/.test(l)), labels.join('|'));
    const size = await page.locator('#dash-days-chart text').first().evaluate((n) => n.getBoundingClientRect().height);
    assert.ok(size >= 7, `chart labels ${size}px high on a phone`);
    await page.locator('.chart-figures summary').click();
    assert.match(await page.locator('#dash-days tbody').textContent(), /December1$/);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: path.join(outDir, 'console-dashboard.png'), fullPage: true });
    for (const lang of ['en', 'sv']) {
      await page.click(`.lang-switch button[data-lang="${lang}"]`);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      if (lang === 'sv') assert.match(await page.locator('#dash-confirmed').textContent(), /Bekräftade deltagare: 2 av 120/);
      assert.deepEqual(await axeViolations(page), [], `axe, ${lang}`);
    }
    // The page asks who is signed in before the sign-in: that one 401.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), []);
  } finally {
    await context.close();
  }
});
