// The organiser's whole first day, in Chromium, from an empty database
// (--no-demo): Olle signs in to the console in Swedish, creates the event,
// adds a public and a hidden ticket type, sees that the event is a draft
// the public cannot see, publishes it, registers a speaker on the hidden
// type, and watches the dashboard change when a visitor registers in
// another browser context. Then Stina, a second organiser working in
// English, edits the same ticket type at the same time: whoever saves
// second is shown what the first changed, their own typing in the other
// fields stays, and both changes are kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

const OLLE = 'olles lösenord 2027';
const STINA = 'stinas lösenord 2027';
let d = null;
let browser = null;

async function signIn(page, username, password) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

before(async () => {
  d = await startDaemon({ demo: false });
  addUser(d, 'olle', 'organiser', OLLE);
  addUser(d, 'stina', 'organiser', STINA);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('an organiser sets up an event from an empty database, opens it and watches it fill; a second organiser edits the same ticket type', async () => {
  const olle = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  const visitor = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  const stina = await newPage(browser, d.baseURL, { locale: 'en-GB' });
  const api = await staffLogin(d.baseURL, 'olle', OLLE);
  try {
    const page = olle.page;
    await signIn(page, 'olle', OLLE);
    await setLang(page, 'sv');

    // The event, from the empty list.
    await openView(page, '#/events', '#new-event');
    assert.match(await page.locator('.empty').textContent(), /Inga evenemang än/);
    await page.click('#new-event');
    await page.locator('#event-form').waitFor();
    await page.fill('#event-name', 'Techtank-konferensen 2027');
    await page.fill('#event-name-en', 'Techtank Conference 2027');
    await page.fill('#event-slug', 'techtank-2027');
    await page.fill('#event-starts-at', '2027-11-30T08:30');
    await page.fill('#event-ends-at', '2027-12-01T16:00');
    await page.fill('#event-venue-city', 'Karlshamn');
    await page.fill('#event-capacity', '120');
    await page.fill('#event-contact-email', 'info@techtank.example');
    await page.click('#event-save');
    await page.locator('#make-current').waitFor();
    const eventId = Number(/#\/events\/(\d+)$/.exec(page.url())[1]);
    // A draft: the console says so, and the public pages do not show it.
    assert.equal((await page.locator('.badge--draft').textContent()).trim(), 'Utkast');
    assert.match(await page.locator('#event-draft-note').textContent(), /bara arrangörer ser det/);
    assert.equal((await apiCall(d.baseURL, 'GET', '/api/v1/event')).status, 404);

    // Two ticket types: members, and speakers by invitation only.
    await page.click('#ticket-types-link');
    for (const tt of [
      { name: 'Medlem', en: 'Member', price: '2500', quota: '100', role: 'attendee', hidden: false },
      { name: 'Talare', en: 'Speaker', price: '0', quota: '10', role: 'speaker', hidden: true },
    ]) {
      await page.locator('#new-ticket-type').click();
      await page.locator('#tt-form').waitFor();
      await page.fill('#tt-name', tt.name);
      await page.fill('#tt-name-en', tt.en);
      await page.fill('#tt-price-ore', tt.price);
      await page.fill('#tt-quota', tt.quota);
      await page.selectOption('#tt-role', tt.role);
      if (tt.hidden) await page.check('#tt-hidden');
      await page.click('#tt-save');
      await page.locator('#ticket-type-list .card-title', { hasText: tt.name }).waitFor();
    }
    const types = (await api.call('GET', `/api/v1/admin/events/${eventId}/ticket-types`)).body.items;
    assert.deepEqual(types.map((x) => [x.name, x.price_ore, x.quota, x.role, x.hidden]),
      [['Medlem', 250000, 100, 'attendee', false], ['Talare', 0, 10, 'speaker', true]]);
    const [member, speaker] = types;

    // Opening registration: publish the event.
    await openView(page, `#/events/${eventId}`, '#make-current');
    await page.click('#make-current');
    await page.locator('#console-status', { hasText: 'är nu det aktuella evenemanget' }).waitFor();
    assert.equal(await page.locator('#make-current').isVisible(), false);
    const pub = (await apiCall(d.baseURL, 'GET', '/api/v1/event')).body;
    assert.equal(pub.id, eventId);
    assert.equal(pub.registration_open, true);
    assert.deepEqual(pub.ticket_types.map((x) => x.id), [member.id], 'the hidden type is not offered');

    // A speaker on the hidden type, registered by the organiser.
    await page.locator('.console-nav a[href="#/register"]').click();
    await page.locator('#reg-form').waitFor();
    await page.locator(`label[for="reg-tt-${speaker.id}"]`).click();
    await page.fill('#reg-first-name', 'Zoë');
    await page.fill('#reg-last-name', 'Ødegård-Łukasiewicz');
    await page.fill('#reg-email', 'zoe@forskning.example');
    await page.fill('#reg-company', 'Lättmetallinstitutet');
    await page.check('#reg-privacy-accepted');
    await page.click('#reg-submit');
    await page.locator('#reg-result').waitFor();
    assert.equal(await page.locator('#reg-result-status').getAttribute('data-status'), 'confirmed');
    assert.equal((await page.locator('#reg-result-heading').textContent()).trim(), 'Zoë Ødegård-Łukasiewicz är registrerad');

    // The dashboard, and a visitor registering in another context.
    await page.locator('.console-nav a[href="#/dashboard"]').click();
    await page.locator('#dash-confirmed').waitFor();
    assert.equal(await page.locator('#dash-event').textContent(), 'Techtank-konferensen 2027');
    // The speaker's seat is not one of the capacity's (speakers_in_capacity is off).
    assert.match(await page.locator('#dash-confirmed').textContent(), /Bekräftade deltagare: 0 av 120/);
    const dashURL = page.url();

    const v = visitor.page;
    await v.goto('/');
    await v.locator('#register-link').waitFor();
    await v.click('#register-link');
    await v.locator(`#ticket-list input[value="${member.id}"]`).check();
    await v.fill('#contact-first_name', 'Åsa');
    await v.fill('#contact-last_name', 'Lindström-Öberg');
    await v.fill('#contact-email', 'asa@pressverk.example');
    await v.fill('#contact-company', 'Pressverk AB');
    const att = v.locator('#attendee-list .attendee').first();
    await att.locator('[data-name="first_name"]').fill('Åsa');
    await att.locator('[data-name="last_name"]').fill('Lindström-Öberg');
    await att.locator('[data-name="email"]').fill('asa@pressverk.example');
    await att.locator('[data-name="dietary"]').fill('Vegetarisk');
    await v.check('#privacy_accepted');
    await Promise.all([v.waitForURL(/\/manage\.html\?lang=(sv|en)#t=/), v.click('#submit-button')]);
    const t0 = Date.now();
    await page.locator('#dash-confirmed', { hasText: 'Bekräftade deltagare: 1 av 120' }).waitFor({ timeout: 5000 });
    const waited = Date.now() - t0;
    assert.ok(waited < 2500, `the dashboard took ${waited} ms to follow`);
    assert.equal(page.url(), dashURL, 'no reload');
    assert.match(await page.locator('#dash-dietary').textContent(), /vegetarisk1/i);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'journey-dashboard.png'), fullPage: true });

    // Two organisers on the same ticket type at once.
    const s = stina.page;
    await signIn(s, 'stina', STINA);
    await setLang(s, 'en');
    await openView(s, `#/ticket-types/${member.id}`, '#tt-form');
    await openView(page, `#/ticket-types/${member.id}`, '#tt-form');
    await s.fill('#tt-quota', '110');
    await page.fill('#tt-price-ore', '2 750');
    await s.click('#tt-save');
    await s.locator('#tt-save-status', { hasText: 'Saved.' }).waitFor();
    await page.click('#tt-save');
    const panel = page.locator('#tt-conflict');
    await panel.waitFor();
    assert.equal((await panel.locator('h2').textContent()), 'Någon annan har ändrat det här medan du redigerade');
    assert.match((await panel.locator('.conflict-list').textContent()), /110/);
    await page.click('#tt-load-current');
    assert.equal(await page.inputValue('#tt-quota'), '110', "Stina's quota is loaded");
    assert.equal(await page.inputValue('#tt-price-ore'), '2 750', 'and the price only Olle changed keeps his typing');
    assert.equal(await page.locator('#tt-price-ore-yours').isVisible(), false);
    await page.click('#tt-save');
    await page.locator('#tt-save-status', { hasText: 'Sparat.' }).waitFor();
    const now = (await api.call('GET', `/api/v1/admin/ticket-types/${member.id}`)).body;
    assert.equal(now.quota, 110, "Stina's change is kept");
    assert.equal(now.price_ore, 275000, "and Olle's");
    assert.equal(now.version, member.version + 2);
    // Stina's page is now stale in turn: her next save is refused, not lost.
    await s.fill('#tt-name-en', 'Member (Techtank)');
    await s.click('#tt-save');
    await s.locator('#tt-conflict').waitFor();
    assert.equal((await s.locator('#tt-conflict h2').textContent()), 'Someone else changed this while you were editing');
    assert.deepEqual(await axeViolations(s), []);

    const rows = await api.call('GET', '/api/v1/admin/audit?limit=50');
    assert.equal(rows.status, 200, JSON.stringify(rows.body));
    const updates = rows.body.items.filter((r) => r.action === 'ticket_type.update').map((r) => r.user);
    assert.deepEqual(updates.sort(), ['olle', 'stina']);

    assert.deepEqual(real(olle.problems, 409), []);
    assert.deepEqual(real(stina.problems, 409), []);
    assert.deepEqual(real(visitor.problems, 404), []);
  } finally {
    await olle.context.close();
    await visitor.context.close();
    await stina.context.close();
  }
});
