// Browser tests of releases on the demo: an organiser sees what publishing
// would change and publishes from the console (the attendees to tell
// listed); the public programme shows the new release, a cancelled
// session struck through, a moved session at its new time and on the
// change list page; filters by room and kind stay in the address; the
// now-and-next view at a given moment; axe-core finds nothing on the
// public page, the change list and the now view in Swedish and English;
// and at 375 px nothing runs off the side.
//
//   node --test tests/browser/releases.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
} from './harness.mjs';

const PASSWORD = 'organiser password';
const DESKTOP = { viewport: { width: 1280, height: 1000 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
const NARROW = { viewport: { width: 375, height: 812 } };
let d = null;
let browser = null;
let olle = null;
// The English title of session 7 as the draft gives it: the English
// pages show it.
const twinsTitle = /^Digital twins the operators trust/;

async function edit(id, body) {
  const cur = (await olle.call('GET', `/api/v1/admin/sessions/${id}`)).body;
  const r = await olle.call('PATCH', `/api/v1/admin/sessions/${id}`, { ...body, version: cur.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
  // Someone signed up to the study visit, which is about to move.
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true,
    contact: { first_name: 'Åsa', last_name: 'Lindström-Öberg', email: 'asa@example.se', company: 'Pressverk AB', phone: '+46 70 123 45 67' },
    attendees: [{ first_name: 'Åsa', last_name: 'Lindström-Öberg', email: 'asa@example.se', company: 'Pressverk AB', sessions: [9] }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // The draft: one session moved, one cancelled, the study visit later,
  // one with its title in English.
  await edit(5, { starts_at: '2027-11-30T13:30:00+01:00', ends_at: '2027-11-30T14:15:00+01:00' });
  await edit(14, { cancelled: true });
  await edit(9, { starts_at: '2027-11-30T13:30:00+01:00', ends_at: '2027-11-30T16:00:00+01:00' });
  await edit(7, { title: 'Digitala tvillingar som operatörerna litar på', title_en: 'Digital twins the operators trust' });
  const doc = (await olle.call('GET', '/api/v1/admin/events/1/schedule/draft-changes')).body;
  assert.equal(doc.changes.find((c) => c.session.id === 7).session.title_en, 'Digital twins the operators trust');
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
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

test('the draft stays private until the organiser publishes it from the console', async () => {
  const before = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  assert.equal(before.release.number, 1);
  const { context, page, problems } = await newPage(browser, d.baseURL, { ...DESKTOP, locale: 'en-GB' });
  try {
    await signIn(page);
    await page.evaluate(() => { location.hash = '#/events/1/programme'; });
    // The grid shows the cancelled session as cancelled, still in its place.
    await page.locator('#grid-day').waitFor();
    await page.selectOption('#grid-day', '2027-12-01');
    const cancelled = page.locator('a.grid-session[data-session-id="14"]').first();
    await cancelled.waitFor();
    assert.match(await cancelled.getAttribute('class'), /is-cancelled/);
    assert.match(await cancelled.textContent(), /^Cancelled: Kvalitetskontroll med maskinseende/);
    await page.click('#open-publish');
    await page.locator('#draft-changes').waitFor();
    const draft = await page.locator('#draft-changes').textContent();
    assert.match(draft, /Moved: Varmformning av 7xxx-aluminium/);
    assert.match(draft, /Cancelled: Kvalitetskontroll med maskinseende/);
    assert.match(draft, /Changed: Digitala tvillingar/);
    // The study visit has no room: the change says so rather than leave a gap.
    const visit = await page.locator('#draft-changes li[data-session="9"]').textContent();
    assert.match(visit, /Was: 30 November 2027, 13:00–15:30, no room → 30 November 2027, 13:30–16:00, no room$/);
    await setLang(page, 'sv');
    assert.match(await page.locator('#draft-changes li[data-session="9"]').textContent(), /Var: 30 november 2027, 13:00–15:30, ingen sal → 30 november 2027, 13:30–16:00, ingen sal$/);
    await setLang(page, 'en');
    assert.equal(await page.locator('#publish-button').isDisabled(), false);
    assert.equal(await page.locator('#publish-reason').count(), 0);
    assert.equal((await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body.release.number, 1);

    await page.click('#publish-button');
    await page.locator('#publish-dialog').waitFor();
    assert.match(await page.locator('#publish-dialog h2').textContent(), /Publish version 2\?/);
    await page.click('#publish-confirm');
    await page.locator('#publish-status:has-text("Version 2 is published")').waitFor();
    await page.locator('#draft-same').waitFor();
    assert.match(await page.locator('#draft-same').textContent(), /same as version 2/);
    // Nothing to publish: the button is off and says why, until a change is made.
    const button = page.locator('#publish-button');
    assert.equal(await button.isDisabled(), true);
    assert.equal(await button.getAttribute('aria-describedby'), 'publish-reason');
    assert.equal((await page.locator('#publish-reason').textContent()).trim(), 'Nothing has changed since the latest version.');
    await setLang(page, 'sv');
    assert.equal((await page.locator('#publish-reason').textContent()).trim(), 'Inget har ändrats sedan den senaste versionen.');
    await setLang(page, 'en');
    assert.deepEqual(await axeViolations(page), []);
    const closing = (await olle.call('GET', '/api/v1/admin/sessions/16')).body;
    await edit(16, { ends_at: '2027-12-01T11:45:00+01:00' });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.locator('#publish-button:not([disabled])').waitFor();
    assert.equal(await page.locator('#publish-reason').count(), 0);
    assert.match(await page.locator('#draft-changes').textContent(), /Changed|Moved/);
    // Back as published: off again.
    await edit(16, { ends_at: closing.ends_at });
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.locator('#publish-button[disabled]').waitFor();
    await page.evaluate(() => { location.hash = '#/events/1/programme'; });
    await page.locator('#open-publish').waitFor();
    await page.click('#open-publish');
    await page.locator('#publish-reason').waitFor();
    assert.equal(await page.locator('#publish-button').isDisabled(), true);

    // The release in the list, with the attendee to tell.
    await page.click('#release-2 summary');
    await page.locator('#affected-2').waitFor();
    const affected = await page.locator('#affected-2').textContent();
    assert.match(affected, /Åsa Lindström-Öberg/);
    assert.match(affected, /asa@example\.se/);
    assert.match(affected, /Studiebesök: presslinjen hos Pressverk Olofström/);
    assert.match(await page.locator('#release-2-changes').textContent(), /Moved: Varmformning/);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'releases-console.png'), fullPage: true });
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
  const after = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  assert.equal(after.release.number, 2);
});

test('the public page shows the release, the cancelled session and the moved one on the change list', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { locale: 'en-GB' });
  try {
    await page.goto('/');
    await page.locator('.release-line:has-text("Version 2")').waitFor();
    const cancelled = page.locator('#session-14');
    assert.match(await cancelled.getAttribute('class'), /session--cancelled/);
    assert.match(await cancelled.textContent(), /Cancelled/);
    assert.equal(await cancelled.locator('.session-title s').count(), 1);
    assert.match(await page.locator('#session-5 .session-time').textContent(), /13:30–14:15/);
    // The English title where it is given.
    assert.match(await page.locator('#session-7 .session-title').textContent(), twinsTitle);
    assert.equal(await page.locator('a[href="/api/v1/programme.ics?lang=en"]').count(), 1);
    assert.equal(await page.locator('a[href="/api/v1/schedule.xml?lang=en"]').count(), 1);
    assert.equal(await page.locator('a[href="/api/v1/schedule.json?lang=en"]').count(), 1);
    assert.equal(await page.locator('a[href="/api/v1/programme/changes.atom?lang=en"]').count(), 1);

    await page.click('a[href^="changes.html"]');
    await page.locator('#release-2').waitFor();
    const r2 = await page.locator('#release-2').textContent();
    assert.match(r2, /Moved/);
    assert.match(r2, /Hot forming of 7xxx aluminium/);
    assert.match(r2, /Was: 30 November 2027, 10:30–11:15, Sal Ronneby/);
    assert.match(r2, /Now: 30 November 2027, 13:30–14:15, Sal Ronneby/);
    assert.match(r2, /Cancelled/);
    assert.match(await page.locator('#release-1').textContent(), /New/);

    // In Swedish, by the address.
    await page.goto('/changes.html?lang=sv');
    await page.locator('#release-2:has-text("Flyttat")').waitFor();
    assert.match(await page.locator('#release-2').textContent(), /Tidigare: 30 november 2027, 10:30–11:15/);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('in English every calendar and schedule link asks for the English file, in Swedish the Swedish one', async () => {
  for (const [lang, locale] of [['en', 'en-GB'], ['sv', 'sv-SE']]) {
    const { context, page, problems } = await newPage(browser, d.baseURL, { locale });
    try {
      await page.goto('/');
      await page.locator('.release-line').waitFor();
      const hrefs = await page.locator('a[href*=".ics"], a[href*="schedule."], a[href*=".atom"]')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      // The three exports, the feed and a calendar link per session not cancelled.
      assert.ok(hrefs.length >= 10, hrefs.join(' '));
      for (const h of hrefs) assert.match(h, new RegExp(`\\?lang=${lang}$`), h);
      const own = await page.locator('#session-5 .session-calendar a').getAttribute('href');
      assert.match(own, new RegExp(`^/api/v1/sessions/[^/?]+\\.ics\\?lang=${lang}$`));
      // The file behind the link is in the page's language.
      const ics = await (await fetch(`${d.baseURL}${own}`)).text();
      const demo = (await olle.call('GET', '/api/v1/admin/sessions/5')).body;
      const title = lang === 'en' && demo.title_en ? demo.title_en : demo.title;
      assert.ok(ics.replace(/\r\n[ \t]/g, '').includes(`SUMMARY:${title}`), `${title} in\n${ics}`);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('the language chosen stays in the address, through a reload, a shared link and the links followed', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    // Come in by a Swedish link with a filter, and choose English.
    await page.goto('/?room=2&lang=sv');
    await page.locator('#filter-room').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'sv');
    await setLang(page, 'en');
    assert.equal(new URL(page.url()).search, '?room=2&lang=en');
    assert.equal(await page.locator('#register-link').getAttribute('href'), 'register.html?lang=en');
    assert.equal(await page.locator('a[href^="now.html"]').getAttribute('href'), 'now.html?lang=en');
    assert.equal(await page.locator('a[href^="changes.html"]').getAttribute('href'), 'changes.html?lang=en');
    assert.equal(await page.locator('#attendees-link').getAttribute('href'), 'attendees.html?lang=en');
    await page.reload();
    await page.locator('#filter-room').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#filter-room').inputValue(), '2');

    // The address shared with someone whose browser is Swedish.
    const shared = page.url();
    const other = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
    try {
      await other.page.goto(shared);
      await other.page.locator('.release-line').waitFor();
      assert.equal(await other.page.evaluate(() => document.documentElement.lang), 'en');
      assert.deepEqual(real(other.problems), []);
    } finally {
      await other.context.close();
    }

    // The links followed keep it: the screen view, then the registration page.
    await Promise.all([page.waitForURL(/now\.html\?lang=en$/), page.click('a[href^="now.html"]')]);
    await page.locator('#now-loading').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.goto('/?lang=en');
    await page.locator('#register-cta:not([hidden])').waitFor();
    await Promise.all([page.waitForURL(/register\.html\?lang=en$/), page.click('#register-link')]);
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    // Back in Swedish: the switch changes the links again.
    await page.goto('/?lang=en');
    await page.locator('.release-line').waitFor();
    await setLang(page, 'sv');
    assert.equal(new URL(page.url()).search, '?lang=sv');
    assert.equal(await page.locator('#register-link').getAttribute('href'), 'register.html?lang=sv');
    assert.equal(await page.locator('a[href*="schedule.xml"]').getAttribute('href'), '/api/v1/schedule.xml?lang=sv');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the event\'s dates are written the same way at both ends of the range', async () => {
  for (const [locale, want] of [['en-GB', 'Tuesday 30 November – Wednesday 1 December 2027'],
    ['sv-SE', 'Tisdag 30 november – onsdag 1 december 2027']]) {
    const { context, page, problems } = await newPage(browser, d.baseURL, { locale });
    try {
      await page.goto('/');
      await page.locator('#event-when:not(:empty)').waitFor();
      const when = (await page.locator('#event-when').textContent()).replace(/^\S+\s/, '').trim();
      assert.equal(when, want);
      assert.match(await page.locator('.day-heading').first().textContent(), locale === 'en-GB' ? /^Tuesday 30 November 2027$/ : /^Tisdag 30 november 2027$/);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('filters by room and kind are kept in the address', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { locale: 'en-GB' });
  try {
    await page.goto('/?room=2');
    await page.locator('#filter-room').waitFor();
    assert.equal(await page.locator('#filter-room').inputValue(), '2');
    const rooms = await page.locator('li.session .session-room').allTextContents();
    assert.ok(rooms.length >= 3);
    for (const r of rooms) assert.match(r, /Sal Ronneby/);
    assert.equal(await page.locator('li.session').count(), rooms.length);

    await page.selectOption('#filter-room', '');
    await page.selectOption('#filter-kind', 'keynote');
    await page.waitForFunction(() => location.search === '?kind=keynote');
    assert.equal(await page.locator('li.session').count(), 2);
    await page.reload();
    await page.locator('#filter-kind').waitFor();
    assert.equal(await page.locator('#filter-kind').inputValue(), 'keynote');
    assert.equal(await page.locator('li.session').count(), 2);
    await page.selectOption('#filter-room', '3');
    await page.locator('#programme-none').waitFor();
    assert.match(await page.locator('#programme-none').textContent(), /No sessions match/);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('now and next at a given moment', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { ...DESKTOP, locale: 'en-GB' });
  try {
    await page.goto('/now.html?at=2027-11-30T11:20:00%2B01:00');
    const ronneby = page.locator('section.now-room[data-room="2"]');
    await ronneby.waitFor();
    assert.match(await page.locator('#now-clock').textContent(), /11:20/);
    assert.match((await ronneby.locator('.now-current .now-title').textContent()), twinsTitle);
    // 5 moved to the afternoon: it is what comes next in that room.
    assert.match(await ronneby.locator('.now-next').textContent(), /13:30–14:15.*Hot forming/);
    const stora = page.locator('section.now-room[data-room="1"]');
    assert.match(await stora.locator('.now-current').textContent(), /Nothing right now/);
    assert.match(await stora.locator('.now-next').textContent(), /Lightweight materials/);
    // The cancelled session is on nowhere.
    await page.goto('/now.html?at=2027-12-01T10:20:00%2B01:00');
    await page.locator('section.now-room[data-room="2"]').waitFor();
    assert.doesNotMatch(await page.locator('#now-rooms').textContent(), /Quality inspection/);
    await page.screenshot({ path: path.join(outDir, 'releases-now.png') });
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('axe-core finds nothing on the programme, the change list and the now view, in sv and en', async () => {
  for (const lang of ['sv', 'en']) {
    const { context, page, problems } = await newPage(browser, d.baseURL, { locale: lang === 'sv' ? 'sv-SE' : 'en-GB' });
    try {
      for (const [url, ready] of [[`/?lang=${lang}`, '.release-line'], [`/changes.html?lang=${lang}`, '#release-2'],
        [`/now.html?lang=${lang}&at=2027-11-30T11:20:00%2B01:00`, '.now-room']]) {
        await page.goto(url);
        await page.locator(ready).first().waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        assert.deepEqual(await axeViolations(page), [], `${url}`);
      }
      // Open an abstract too: what it shows must pass as well.
      await page.goto(`/?lang=${lang}`);
      await page.locator('.session-abstract summary').first().click();
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('at 375 px the programme fits the phone', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { ...NARROW, locale: 'sv-SE' });
  try {
    await page.goto('/');
    await page.locator('.release-line').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `page is ${width} px wide`);
    assert.match(await page.locator('#session-14').textContent(), /Inställt/);
    await page.screenshot({ path: path.join(outDir, 'releases-375.png'), fullPage: false });
    await page.goto('/changes.html');
    await page.locator('#release-2').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});
