// Browser tests of the organiser console (/console/) on a daemon started
// with an empty database (--no-demo): an organiser sets up an event with
// two ticket types and makes it current, and another browser sees it on
// the public pages; a stale edit shows the conflict and the current copy
// loads; quotas and capacities below the confirmed seats show the
// numbers; copying to next year and archiving; a door account sees only
// the way to the door page; the public pages with no event say that
// registration is not open; and axe-core finds nothing on any console
// view in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

const ORGANISER_PASSWORD = 'organiser password';
const DOOR_PASSWORD = 'door staff password';
let d = null;
let browser = null;
let olle = null; // the organiser's API session, for changes behind the page's back

async function signIn(page, username, password) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

async function signInOrganiser(page) {
  await signIn(page, 'olle', ORGANISER_PASSWORD);
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function makeEvent(over = {}) {
  const r = await olle.call('POST', '/api/v1/admin/events', {
    slug: `seminar-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Seminarium om presshärdning 2027',
    name_en: 'Press hardening seminar 2027',
    starts_at: '2027-03-01T09:00:00+01:00',
    ends_at: '2027-03-01T16:00:00+01:00',
    venue_city: 'Olofström',
    ...over,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function makeType(eventId, over = {}) {
  const r = await olle.call('POST', `/api/v1/admin/events/${eventId}/ticket-types`,
    { name: 'Medlem', name_en: 'Member', price_ore: 250000, ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  d = await startDaemon({ demo: false });
  addUser(d, 'olle', 'organiser', ORGANISER_PASSWORD);
  addUser(d, 'anna', 'door', DOOR_PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', ORGANISER_PASSWORD);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('the public pages with no event say registration is not open, with no Register button', async () => {
  const empty = await startDaemon({ demo: false });
  const { context, page, problems } = await newPage(browser, empty.baseURL);
  try {
    await page.goto('/');
    await page.locator('#not-open').waitFor();
    assert.equal((await page.locator('#not-open h2').textContent()).trim(), 'Registration is not open yet');
    assert.equal(await page.locator('#register-link').isVisible(), false);
    assert.equal(await page.getByRole('link', { name: /regist/i }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /regist/i }).count(), 0);
    assert.equal(await page.locator('#page-alert').textContent(), '', 'no error, and not the server\'s English');
    assert.equal(await page.locator('#programme-section').isVisible(), false);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.equal((await page.locator('#not-open h2').textContent()).trim(), 'Anmälan har inte öppnat än');
    assert.equal(await page.getByRole('link', { name: /anmäl/i }).count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'public-not-open.png'), fullPage: true });

    await page.goto('/register.html');
    await page.locator('#not-open').waitFor();
    assert.equal((await page.locator('#not-open h2').textContent()).trim(), 'Anmälan har inte öppnat än');
    assert.equal(await page.locator('#reg-form').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: /anmäl|regist/i }).count(), 0);
    assert.equal(await page.locator('#form-alert').textContent(), '');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'en');
    assert.equal((await page.locator('#not-open h2').textContent()).trim(), 'Registration is not open yet');
    assert.equal(await page.getByRole('button', { name: /regist/i }).count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems, 404), []);
  } finally {
    await context.close();
    await empty.stop();
  }
});

test('an organiser sets up an event with two ticket types, makes it current, and the public page shows it', async () => {
  // Far from Stockholm: the inputs are the event's wall clock, not the browser's.
  const { context, page, problems } = await newPage(browser, d.baseURL, { timezoneId: 'America/Los_Angeles' });
  try {
    await signInOrganiser(page);
    assert.equal((await page.locator('#user-name').textContent()), 'olle');
    await page.locator('.empty').waitFor();
    assert.match(await page.locator('.empty').textContent(), /No events yet/);

    await page.click('#new-event');
    await page.locator('#event-form').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'the focus moves to the new view');
    await page.fill('#event-name', 'Techtank Conference 2027');
    await page.fill('#event-name-en', 'Techtank Conference 2027');
    await page.fill('#event-slug', 'techtank-2027');
    await page.fill('#event-starts-at', '2027-11-30T08:30');
    await page.fill('#event-ends-at', '2027-12-01T16:00');
    await page.fill('#event-venue-name', 'Väggaparken');
    await page.fill('#event-venue-city', 'Karlshamn');
    await page.fill('#event-capacity', 'many');
    await page.fill('#event-registration-opens-at', '2027-06-01T09:00'); // summer time
    // The deadline for the attendees' own changes on "my registration".
    await page.fill('#event-changes-until', '2027-11-23T23:59');
    await page.fill('#event-contact-email', 'info@techtank.example');
    await page.click('#event-save');
    // Found in the page: beside the field, with the focus on it.
    await page.locator('#event-capacity-error').waitFor();
    assert.equal(await page.locator('#event-capacity-error').textContent(), 'Enter a whole number.');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'event-capacity');
    await page.fill('#event-capacity', '150');
    await page.click('#event-save');
    await page.locator('#make-current').waitFor();
    assert.equal(await page.locator('#console-status').textContent(), 'The event Techtank Conference 2027 is created.');
    const eventId = Number(/#\/events\/(\d+)$/.exec(page.url())[1]);
    const stored = (await olle.call('GET', `/api/v1/admin/events/${eventId}`)).body;
    assert.equal(stored.starts_at, '2027-11-30T08:30:00+01:00');
    assert.equal(stored.ends_at, '2027-12-01T16:00:00+01:00');
    assert.equal(stored.registration_opens_at, '2027-06-01T09:00:00+02:00');
    assert.equal(stored.changes_until, '2027-11-23T23:59:00+01:00');
    assert.equal(stored.capacity, 150);
    assert.equal(stored.venue_name, 'Väggaparken');
    assert.equal(await page.inputValue('#event-starts-at'), '2027-11-30T08:30');

    await page.click('#ticket-types-link');
    await page.locator('#new-ticket-type').waitFor();
    assert.equal(await page.locator('.console-nav a[aria-current="page"]').textContent(), 'Ticket types');
    for (const [name, nameEn, price, quota] of [['Medlem', 'Member', '2 500,50', '100'], ['Ej medlem', 'Non-member', '3500', '']]) {
      await page.click('#new-ticket-type');
      await page.locator('#tt-form').waitFor();
      await page.fill('#tt-name', name);
      await page.fill('#tt-name-en', nameEn);
      await page.fill('#tt-price-ore', price);
      await page.fill('#tt-quota', quota);
      await page.fill('#tt-sort', name === 'Medlem' ? '1' : '2');
      await page.click('#tt-save');
      await page.locator('#ticket-type-list .card-title', { hasText: name }).waitFor();
    }
    assert.equal(await page.locator('#ticket-type-list .card').count(), 2);
    assert.deepEqual(await page.locator('#ticket-type-list .ticket-price').allTextContents(), ['2 500,50 kr', '3 500 kr']);
    const types = (await olle.call('GET', `/api/v1/admin/events/${eventId}/ticket-types`)).body.items;
    assert.deepEqual(types.map((x) => [x.name, x.name_en, x.price_ore, x.quota, x.vat_rate]),
      [['Medlem', 'Member', 250050, 100, 25], ['Ej medlem', 'Non-member', 350000, null, 25]]);

    await page.click('.breadcrumb a');
    await page.locator('#make-current').waitFor();
    await page.click('#make-current');
    await page.locator('#console-status', { hasText: 'is now the current event' }).waitFor();
    assert.deepEqual((await olle.call('GET', '/api/v1/admin/current-event')).body, { current_event: eventId });
    await page.screenshot({ path: path.join(outDir, 'console-event.png'), fullPage: true });

    await openView(page, '#/events', '#event-list');
    const card = page.locator(`#event-list [data-event-id="${eventId}"]`);
    assert.equal(await card.locator('.badge--current').textContent(), 'Current event');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
    // The sections are one row on a phone: the bar leaves the screen to the content.
    const bar = await page.locator('#console-bar').boundingBox();
    assert.ok(bar.height < 844 * 0.2, `the console bar is ${bar.height} px high`);
    const navLinks = page.locator('#console-nav a');
    const tops = new Set();
    for (let i = 0; i < await navLinks.count(); i++) tops.add(Math.round((await navLinks.nth(i).boundingBox()).y));
    assert.equal(tops.size, 1, 'one row of sections');
    // The row starts at its beginning: the first section is not cut off.
    assert.equal(await page.locator('.console-nav').evaluate((n) => n.scrollLeft), 0);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }

  const pub = await newPage(browser, d.baseURL);
  try {
    await pub.page.goto('/');
    await pub.page.locator('#register-link').waitFor();
    assert.equal(await pub.page.locator('#event-name').textContent(), 'Techtank Conference 2027');
    assert.equal(await pub.page.locator('#not-open').isVisible(), false);
    await pub.page.click('#register-link');
    await pub.page.locator('.ticket-option').first().waitFor();
    const options = await pub.page.locator('.ticket-option label').allTextContents();
    assert.equal(options.length, 2);
    // The English page: the English names the organiser gave, kronor the English way.
    assert.match(options[0], /^Member.*SEK 2,500\.50 excl\. VAT/);
    assert.match(options[1], /^Non-member.*SEK 3,500 excl\. VAT/);
    assert.match(await pub.page.locator('#event-summary').textContent(), /Techtank Conference 2027 · 30 November – 1 December 2027 · Karlshamn/);
    assert.deepEqual(real(pub.problems), []);
  } finally {
    await pub.context.close();
  }
});

test('a stale edit shows the conflict; the current version loads with what was typed beside it', async () => {
  const ev = await makeEvent({ venue_city: 'Karlskrona' });
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.fill('#event-venue-city', 'Olofström');
    await page.fill('#event-description', 'Om presshärdning för Åsa Lindström-Öberg och kollegor.');
    // Someone else saves first.
    const theirs = await olle.call('PATCH', `/api/v1/admin/events/${ev.id}`,
      { version: ev.version, name: 'Presshärdningsdagen 2027', venue_city: 'Ronneby' });
    assert.equal(theirs.status, 200);
    await page.click('#event-save');
    const panel = page.locator('#event-conflict');
    await panel.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'event-conflict');
    assert.equal((await panel.locator('h2').textContent()), 'Someone else changed this while you were editing');
    const listed = await panel.locator('.conflict-list li').allTextContents();
    assert.deepEqual(listed, ['Name (Swedish): Presshärdningsdagen 2027', 'City: Ronneby']);
    await setLang(page, 'sv');
    assert.equal((await panel.locator('h2').textContent()), 'Någon annan har ändrat det här medan du redigerade');
    await setLang(page, 'en');
    assert.equal(await page.inputValue('#event-venue-city'), 'Olofström', 'the typing is still there');
    await page.screenshot({ path: path.join(outDir, 'console-conflict.png'), fullPage: true });

    await page.click('#event-load-current');
    assert.equal(await page.inputValue('#event-name'), 'Presshärdningsdagen 2027');
    assert.equal(await page.inputValue('#event-venue-city'), 'Ronneby');
    assert.equal(await page.inputValue('#event-description'), 'Om presshärdning för Åsa Lindström-Öberg och kollegor.',
      'a field only I changed keeps my typing');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'event-loaded');
    const yoursCity = page.locator('#event-venue-city-yours');
    assert.match(await yoursCity.textContent(), /You had typed: Olofström/);
    assert.equal(await page.locator('#event-description-yours').isVisible(), false, 'no conflict there');
    assert.equal(await page.locator('#event-name-yours').isVisible(), false, 'nothing typed there');
    await yoursCity.getByRole('button', { name: 'Use mine' }).click();
    assert.equal(await page.inputValue('#event-venue-city'), 'Olofström');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'event-venue-city');
    await page.click('#event-save');
    await page.locator('#event-save-status', { hasText: 'Saved.' }).waitFor();
    const now = (await olle.call('GET', `/api/v1/admin/events/${ev.id}`)).body;
    assert.equal(now.version, ev.version + 2);
    assert.equal(now.name, 'Presshärdningsdagen 2027');
    assert.equal(now.venue_city, 'Olofström');
    assert.equal(now.description, 'Om presshärdning för Åsa Lindström-Öberg och kollegor.');
    assert.equal(await page.locator('#event-venue-city-yours').isVisible(), false);
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('a quota or capacity below the confirmed seats shows both numbers; a ticket type in use stays', async () => {
  const ev = await makeEvent({ capacity: 10 });
  const tt = await makeType(ev.id, { quota: 5 });
  assert.equal((await olle.call('POST', `/api/v1/admin/events/${ev.id}/current`)).status, 200);
  const person = (first, last) => ({ first_name: first, last_name: last, email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}@example.se`, company: 'Pressverk AB' });
  const reg = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: tt.id, privacy_accepted: true, contact: person('Åsa', 'Lindström-Öberg'),
    attendees: [person('Åsa', 'Lindström-Öberg'), person('Björn', 'Håkansdotter')],
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, `#/ticket-types/${tt.id}`, '#tt-form');
    assert.match(await page.locator('.card-meta').textContent(), /2 confirmed of a quota of 5/);
    await page.fill('#tt-quota', '1');
    await page.click('#tt-save');
    const err = page.locator('#tt-quota-error');
    await err.waitFor();
    assert.equal(await err.textContent(), '2 seats of this ticket type are already confirmed: the quota cannot be lower than that (you asked for 1).');
    assert.equal(await page.getAttribute('#tt-quota', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tt-quota');
    await setLang(page, 'sv');
    assert.equal(await err.textContent(), '2 platser av den här biljettypen är redan bekräftade: kvoten kan inte vara lägre än så (du angav 1).');
    await setLang(page, 'en');

    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.fill('#event-capacity', '1');
    await page.click('#event-save');
    await page.locator('#event-capacity-error').waitFor();
    assert.equal(await page.locator('#event-capacity-error').textContent(),
      '2 seats are already confirmed: the capacity cannot be lower than that (you asked for 1).');

    await openView(page, `#/events/${ev.id}/ticket-types`, '#ticket-type-list');
    await page.locator(`[data-delete="${tt.id}"]`).click();
    const dialog = page.locator('#delete-dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'delete-cancel', 'the safe choice has the focus');
    await page.click('#delete-confirm');
    await dialog.locator('.alert', { hasText: 'cannot be deleted' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.delete), String(tt.id), 'the focus is back on the button');
    assert.equal((await olle.call('GET', `/api/v1/admin/ticket-types/${tt.id}`)).status, 200);

    // One nobody registered for goes, after asking.
    const spare = await makeType(ev.id, { name: 'Utställare', name_en: 'Exhibitor' });
    await openView(page, `#/ticket-types/${spare.id}`, '#tt-form');
    await page.click('#tt-delete');
    await page.click('#delete-confirm');
    await page.locator('#console-status', { hasText: 'The ticket type Utställare is deleted.' }).waitFor();
    assert.equal((await olle.call('GET', `/api/v1/admin/ticket-types/${spare.id}`)).status, 404);
    await page.locator(`#ticket-type-list [data-ticket-type-id="${tt.id}"]`).waitFor();
    assert.equal(await page.locator('#ticket-type-list .card').count(), 1);
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('copy an event to next year, then archive it and bring it back', async () => {
  const ev = await makeEvent({ slug: 'member-day-2027', name: 'Medlemsdag 2027', name_en: 'Member Day 2027' });
  await makeType(ev.id);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.click('#copy-event');
    const dialog = page.locator('#copy-dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'copy-slug');
    await page.click('#copy-submit');
    await page.locator('h1', { hasText: 'Medlemsdag 2028' }).waitFor();
    assert.match(await page.locator('#console-status').textContent(), /^Copied: this is Medlemsdag 2028\./);
    assert.equal(await page.inputValue('#event-slug'), 'member-day-2028');
    assert.equal(await page.inputValue('#event-starts-at'), '2028-03-01T09:00');
    const copyId = Number(/#\/events\/(\d+)$/.exec(page.url())[1]);
    const copiedTypes = (await olle.call('GET', `/api/v1/admin/events/${copyId}/ticket-types`)).body.items;
    assert.deepEqual(copiedTypes.map((x) => x.name), ['Medlem']);

    // Again from the original: the suggested address is taken now.
    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.locator('h1', { hasText: 'Medlemsdag 2027' }).waitFor();
    await page.click('#copy-event');
    await dialog.waitFor();
    await page.click('#copy-submit');
    await page.locator('#copy-slug-error').waitFor();
    assert.equal(await page.locator('#copy-slug-error').textContent(), 'Another event already has this web address.');
    await page.fill('#copy-slug', 'member-day-autumn-2027');
    await page.fill('#copy-name', 'Medlemsdag hösten 2027');
    await page.click('#copy-submit');
    await page.locator('h1', { hasText: 'Medlemsdag hösten 2027' }).waitFor();

    await page.click('#archive-event');
    await page.locator('#console-status', { hasText: 'is archived' }).waitFor();
    assert.equal(await page.locator('#archive-event').textContent(), 'Restore from the archive');
    assert.equal(await page.locator('.event-head .badge--archived').textContent(), 'Archived');
    assert.equal(await page.locator('#make-current').isVisible(), false);
    await page.click('#archive-event');
    await page.locator('#console-status', { hasText: 'is restored from the archive' }).waitFor();
    assert.equal(await page.locator('#archive-event').textContent(), 'Archive');
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

test('a session that runs out during an edit keeps what was typed; after signing in again it saves', async () => {
  const ev = await makeEvent();
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.fill('#event-venue-name', 'Kulturhuset Vågen');
    // The session ends behind the page's back (as when it times out).
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const s = await apiCall(d.baseURL, 'GET', '/api/v1/session', undefined, { Cookie: cookie });
    await apiCall(d.baseURL, 'DELETE', '/api/v1/session', undefined, { Cookie: cookie, 'X-CSRF-Token': s.body.csrf_token });
    await page.click('#event-save');
    await page.locator('#login-form').waitFor();
    assert.match(await page.locator('#console-alert').textContent(), /Sign in again: what you typed is kept/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username');
    assert.equal(await page.locator('#event-form').isVisible(), false);
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', ORGANISER_PASSWORD);
    await page.click('#login-submit');
    await page.locator('#event-form').waitFor();
    assert.equal(await page.inputValue('#event-venue-name'), 'Kulturhuset Vågen');
    assert.match(await page.title(), /^Event: Seminarium om presshärdning 2027 – /);
    await page.click('#event-save');
    await page.locator('#event-save-status', { hasText: 'Saved.' }).waitFor();
    assert.equal((await olle.call('GET', `/api/v1/admin/events/${ev.id}`)).body.venue_name, 'Kulturhuset Vågen');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the sign-in page asks who is signed in without a failed request in the browser console', async () => {
  for (const locale of ['en-GB', 'sv-SE']) {
    const { context, page, problems } = await newPage(browser, d.baseURL, { locale });
    try {
      const asked = [];
      page.on('response', (r) => { if (r.url().includes('/api/v1/session')) asked.push(r.status()); });
      await page.goto('/console/');
      await page.locator('#login-form').waitFor();
      assert.equal(await page.locator('#console-alert').textContent(), '');
      assert.deepEqual(asked, [200]);
      // Every problem counts here, a 401 too.
      assert.deepEqual(problems, []);
      // Signed in, a reload goes straight to the console through the same probe.
      await page.fill('#login-username', 'olle');
      await page.fill('#login-password', ORGANISER_PASSWORD);
      await page.click('#login-submit');
      await page.locator('.console-nav a[aria-current="page"]').waitFor();
      await page.reload();
      await page.locator('.console-nav a[aria-current="page"]').waitFor();
      assert.equal(await page.locator('#login-form').isVisible(), false);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

test('a door account signing in to the console sees only the way to the door page', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page, 'anna', DOOR_PASSWORD);
    await page.locator('#door-only').waitFor();
    assert.equal(await page.locator('#door-link').getAttribute('href'), '/door.html');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'door-only-heading');
    assert.equal(await page.locator('.console-nav').isVisible(), false);
    assert.equal(await page.locator('#view').evaluate((v) => v.childElementCount), 0);
    await page.evaluate(() => { location.hash = '#/events/new'; });
    await page.waitForTimeout(200);
    assert.equal(await page.locator('#view').evaluate((v) => v.childElementCount), 0);
    assert.equal(await page.locator('#event-form').count(), 0);
    const visibleLinks = await page.locator('main a:visible').allTextContents();
    assert.deepEqual(visibleLinks, ['Go to door check-in']);
    await setLang(page, 'sv');
    assert.equal(await page.locator('#door-link').textContent(), 'Gå till incheckningen');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('axe-core finds no violations on any console view, in Swedish and in English', async () => {
  const ev = await makeEvent({ slug: 'axe-2027', name: 'Tillgänglighetsdagen 2027' });
  const tt = await makeType(ev.id, { sale_starts_at: '2027-01-10T09:00:00+01:00', quota: 30 });
  const found = [];
  // A modal dialog keeps the language switch out of reach, as it should:
  // open() opens it again after each switch, close() closes it.
  const check = async (page, view, { open, close } = {}) => {
    for (const lang of ['sv', 'en']) {
      await setLang(page, lang);
      if (open) await open();
      for (const v of await axeViolations(page)) found.push(`${view} (${lang}): ${v}`);
      if (close) await close();
    }
  };
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await page.goto('/console/');
    await page.locator('#login-form').waitFor();
    await check(page, 'sign-in');
    await page.click('#login-submit'); // empty: the alert says what is missing
    await page.locator('#console-alert:not(:empty)').waitFor();
    await check(page, 'sign-in with an error');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', ORGANISER_PASSWORD);
    await page.click('#login-submit');
    await page.locator('#event-list').waitFor();
    await check(page, 'events');

    await openView(page, '#/events/new', '#event-form');
    await check(page, 'new event');
    await page.click('#event-save');
    await page.locator('#event-name-error:not([hidden])').waitFor();
    await check(page, 'new event with errors');

    await openView(page, `#/events/${ev.id}`, '#make-current');
    await check(page, 'event');
    await page.fill('#event-venue-city', 'Sölvesborg');
    const r = await olle.call('PATCH', `/api/v1/admin/events/${ev.id}`, { version: ev.version, venue_city: 'Bromölla' });
    assert.equal(r.status, 200);
    await page.click('#event-save');
    await page.locator('#event-conflict').waitFor();
    await check(page, 'event in conflict');
    await page.click('#event-load-current');
    await page.locator('#event-venue-city-yours:not([hidden])').waitFor();
    await check(page, 'event with the current version loaded');

    await check(page, 'copy dialog', {
      open: async () => {
        await page.click('#copy-event');
        await page.locator('#copy-dialog').waitFor();
      },
      close: async () => {
        await page.keyboard.press('Escape');
        await page.locator('#copy-dialog').waitFor({ state: 'detached' });
      },
    });

    await openView(page, `#/events/${ev.id}/ticket-types`, '#ticket-type-list');
    await check(page, 'ticket types');
    await check(page, 'delete dialog', {
      open: async () => {
        await page.locator(`[data-delete="${tt.id}"]`).click();
        await page.locator('#delete-dialog').waitFor();
      },
      close: async () => {
        await page.click('#delete-cancel');
        await page.locator('#delete-dialog').waitFor({ state: 'detached' });
      },
    });

    await openView(page, `#/events/${ev.id}/ticket-types/new`, '#tt-form');
    await check(page, 'new ticket type');
    await page.fill('#tt-price-ore', '12,345');
    await page.click('#tt-save');
    await page.locator('#tt-price-ore-error:not([hidden])').waitFor();
    await check(page, 'new ticket type with errors');

    await openView(page, `#/ticket-types/${tt.id}`, '#tt-delete');
    await check(page, 'ticket type');
    await page.screenshot({ path: path.join(outDir, 'console-ticket-type.png'), fullPage: true });
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }

  const door = await newPage(browser, d.baseURL);
  try {
    await signIn(door.page, 'anna', DOOR_PASSWORD);
    await door.page.locator('#door-only').waitFor();
    await check(door.page, 'door account');
    assert.deepEqual(real(door.problems), []);
  } finally {
    await door.context.close();
  }
  assert.deepEqual(found, []);
});

test('leaving a form with typing not saved asks first; staying keeps the typing, saving does not ask', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, '#/events/new', '#event-form');
    await page.fill('#event-name', 'Halvfärdigt evenemang');
    // The menu: asked, and staying keeps the view and what was typed.
    await page.locator('.console-nav a[href="#/team"]').click();
    const asked = page.locator('#unsaved-dialog');
    await asked.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Stay here');
    assert.deepEqual(await axeViolations(page), [], 'axe, the question');
    await page.keyboard.press('Escape');
    await asked.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => location.hash), '#/events/new');
    assert.equal(await page.inputValue('#event-name'), 'Halvfärdigt evenemang');
    // Back, in Swedish: asked again; leaving goes where it was asked to.
    await setLang(page, 'sv');
    await page.evaluate(() => { location.hash = '#/audit'; });
    await asked.waitFor();
    assert.match(await asked.textContent(), /Lämna utan att spara\?/);
    await page.click('#unsaved-leave');
    await page.locator('#audit-user').waitFor();
    assert.equal(await page.evaluate(() => location.hash), '#/audit');
    await setLang(page, 'en');
    // A form saved, or not touched, leaves without a question.
    const ev = await makeEvent();
    await openView(page, `#/events/${ev.id}`, '#event-form');
    await page.fill('#event-venue-city', 'Sölvesborg');
    await page.click('#event-save');
    await page.locator('#event-save-status', { hasText: 'Saved' }).waitFor();
    await page.evaluate(() => { location.hash = '#/team'; });
    await page.locator('.console-nav a[href="#/team"][aria-current="page"]').waitFor();
    assert.equal(await asked.count(), 0);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});
