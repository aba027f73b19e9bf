// Browser tests: changes to a registration after it was made. An attendee
// corrects the spelling of their name from "my registration" in Swedish,
// a personal link shows its attendee alone, the page is read-only after
// the change deadline; an organiser cancels one colleague of a group in
// the console and the others keep their seats. axe-core on each page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startDaemon, launch, newPage as harnessPage, apiCall, addUser, staffLogin, axeViolations,
  real, setLang, openView,
} from './harness.mjs';

let d = null;
let browser = null;
let olle = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', 'correct horse battery');
  olle = await staffLogin(d.baseURL, 'olle', 'correct horse battery');
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

function newPage(opts) {
  return harnessPage(browser, d.baseURL, opts);
}

function email(local) {
  return `${local}.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

async function group(people) {
  const attendees = people.map(([first, last]) => ({ first_name: first, last_name: last, email: email('p'), company: 'Pressverk AB' }));
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: attendees[0], attendees,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function setDeadline(iso) {
  const ev = await olle.call('GET', '/api/v1/admin/events/1');
  const r = await olle.call('PATCH', '/api/v1/admin/events/1', { version: ev.body.version, changes_until: iso });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

test('an attendee corrects the spelling of their name from "my registration" in Swedish', async () => {
  const reg = await group([['Asa', 'Lindstrom-Oberg'], ['Björn', 'Håkansdotter']]);
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.locator('#attendee-list .attendee-name').first().waitFor();
    await setLang(page, 'sv');
    assert.match(await page.textContent('#changes-until'), /Du kan ändra anmälan till och med/);
    await page.getByRole('button', { name: 'Rätta uppgifter' }).first().click();
    await page.getByRole('heading', { name: 'Rätta uppgifterna för Asa Lindstrom-Oberg' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    // A name left empty is refused beside its field, in Swedish.
    await page.getByLabel('Förnamn').fill('');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await page.locator('#edit-0-first_name-error', { hasText: 'Fyll i det här.' }).waitFor();
    assert.equal(await page.getAttribute('#edit-0-first_name', 'aria-invalid'), 'true');

    await page.getByLabel('Förnamn').fill('Åsa');
    await page.getByLabel('Efternamn').fill('Lindström-Öberg');
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await page.locator('#page-status', { hasText: 'Uppgifterna för Åsa Lindström-Öberg är sparade.' }).waitFor();
    assert.equal((await page.locator('#attendee-list .attendee-name').first().textContent()).trim(), 'Åsa Lindström-Öberg');
    assert.equal((await page.locator('#attendee-list .attendee-name').nth(1).textContent()).trim(), 'Björn Håkansdotter');
    assert.deepEqual(await axeViolations(page), []);

    const now = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.equal(now.body.attendees[0].first_name, 'Åsa');
    assert.equal(now.body.attendees[0].last_name, 'Lindström-Öberg');
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }
});

test('a stale edit shows that someone else changed it, keeping what was typed', async () => {
  const reg = await group([['Karin', 'Angstrom']]);
  const { context, page, problems } = await newPage();
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.getByRole('button', { name: 'Correct details' }).click();
    // Changed elsewhere meanwhile.
    const a = reg.attendees[0];
    const r = await apiCall(d.baseURL, 'PATCH', `/api/v1/registrations/${reg.manage_token}/attendees/${a.id}`,
      { version: a.version, company: 'SSAB' });
    assert.equal(r.status, 200);
    await page.getByLabel('Last name').fill('Ängström');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#edit-0-alert', { hasText: 'changed elsewhere' }).waitFor();
    assert.equal(await page.inputValue('#edit-0-last_name'), 'Ängström');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#page-status', { hasText: 'are saved' }).waitFor();
    const now = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.equal(now.body.attendees[0].last_name, 'Ängström');
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('the contact adds a colleague and cancels one; a personal link shows its attendee alone', async () => {
  const reg = await group([['Lena', 'Öberg'], ['Olof', 'Åberg']]);
  const { context, page, problems } = await newPage();
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.getByRole('button', { name: 'Add a colleague…' }).click();
    await page.fill('#add-first_name', 'Zoë');
    await page.fill('#add-last_name', 'Ødegård-Łukasiewicz');
    await page.fill('#add-email', email('zoe'));
    await page.getByRole('button', { name: 'Add to the registration' }).click();
    await page.locator('#page-status', { hasText: 'Zoë Ødegård-Łukasiewicz is added' }).waitFor();
    assert.equal(await page.locator('#attendee-list > li').count(), 3);

    await page.locator('#cancel-one-1').click();
    await page.locator('#cancel-dialog-title', { hasText: 'Olof Åberg' }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#cancel-confirm');
    await page.locator('#page-status', { hasText: 'The place of Olof Åberg is cancelled' }).waitFor();
    const now = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.deepEqual(now.body.attendees.map((a) => a.status), ['confirmed', 'cancelled', 'confirmed']);

    const personal = now.body.attendees[2].manage_token;
    await page.goto(`/manage.html#t=${personal}`);
    await page.waitForFunction(() => document.querySelectorAll('#attendee-list > li').length === 1);
    assert.match(await page.textContent('#attendee-list'), /Zoë Ødegård-Łukasiewicz/);
    // The colleagues are not shown; the contact only as who registered
    // (the study visit at Pressverk Olofström names no one).
    assert.doesNotMatch(await page.textContent('#attendee-list'), /Lena|Olof(?!ström)/);
    assert.doesNotMatch(await page.textContent('#content'), /Olof(?!ström)|Åberg/);
    assert.equal(await page.locator('#add-panel').count(), 0);
    assert.ok(await page.getByRole('button', { name: 'Cancel my place…' }).isVisible());
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('after the change deadline the page is read-only and says so', async () => {
  const reg = await group([['Anna', 'Zander']]);
  await setDeadline('2020-01-01T12:00:00+01:00');
  const { context, page, problems } = await newPage({ locale: 'sv-SE' });
  try {
    await page.goto(`/manage.html#t=${reg.manage_token}`);
    await page.locator('#changes-until').waitFor();
    await setLang(page, 'sv');
    assert.match(await page.textContent('#changes-until'), /Sista dag för ändringar var .*kontakta arrangörerna/);
    assert.equal(await page.locator('#content button:has-text("Rätta uppgifter")').count(), 0);
    assert.equal(await page.locator('#cancel-open, #add-open').count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
    await setDeadline(null);
  }
});

test('an organiser cancels one colleague of a group in the console; the others keep their seats', async () => {
  const reg = await group([['Jürgen', 'Müller'], ['Łucja', 'Wiśniewska'], ['İsmail', 'Işık']]);
  const victim = reg.attendees[1];
  const { context, page, problems } = await newPage({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });
  try {
    await page.goto('/console/');
    await page.fill('#login-username', 'olle');
    await page.fill('#login-password', 'correct horse battery');
    await page.click('#login-submit');
    await page.locator('.console-nav a[aria-current="page"]').waitFor();
    await openView(page, `#/attendees/${victim.id}`, '#attendee-cancel');
    await page.click('#attendee-cancel');
    await page.locator('#attendee-cancel-dialog[open]').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#attendee-cancel-confirm');
    await page.locator('#attendee-status', { hasText: 'Cancelled' }).waitFor();
    const now = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.deepEqual(now.body.attendees.map((a) => a.status), ['confirmed', 'cancelled', 'confirmed']);
    assert.equal(now.body.status, 'confirmed');
    assert.ok(now.body.attendees[0].pass_code && now.body.attendees[2].pass_code);

    // Edit every field, in the console's form.
    await openView(page, `#/attendees/${reg.attendees[0].id}`, '#attendee-edit');
    await page.click('#attendee-edit');
    await page.fill('#attendee-form-first-name', 'Jürgen');
    await page.fill('#attendee-form-email', email('jurgen'));
    await page.fill('#attendee-form-dietary', 'vegetarisk');
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#attendee-form-save');
    await page.locator('#attendee-saved', { hasText: 'Saved.' }).waitFor();
    const after = await olle.call('GET', `/api/v1/admin/attendees/${reg.attendees[0].id}`);
    assert.equal(after.body.dietary, 'vegetarisk');
    assert.equal(after.body.version, 2);

    // And the contact person's, with the registration's version.
    await page.click('#contact-edit');
    await page.fill('#contact-form-phone', '+46 454 123 45');
    await page.click('#contact-form-save');
    await page.locator('#contact-saved', { hasText: 'Saved.' }).waitFor();
    assert.match(await page.textContent('#attendee-registration'), /\+46 454 123 45/);
    const contact = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${reg.manage_token}`);
    assert.equal(contact.body.contact.phone, '+46 454 123 45');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});
