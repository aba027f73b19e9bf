// Browser tests of invitation links, on the demo event (its "Speaker"
// ticket type is hidden): an organiser finds the link of a hidden ticket
// type in the console and copies it; a speaker opens it on a phone, sees
// only that ticket and registers; a new link made in the console revokes
// the old one, whose page then says so in Swedish and English, and a form
// opened before the new link was made is refused beside the ticket; and
// axe-core finds nothing on these views in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
} from './harness.mjs';

const ORGANISER_PASSWORD = 'organiser password';
const SPEAKER = 4; // the demo's hidden ticket type
let d = null;
let browser = null;
let olle = null; // the organiser's API session, for what the test checks behind the pages

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', ORGANISER_PASSWORD);
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

async function signIn(page) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', ORGANISER_PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function openTicketTypes(page) {
  await page.evaluate(() => { location.hash = '#/events/1/ticket-types'; });
  await page.locator(`#invitation-${SPEAKER}-link`).waitFor();
}

async function code() {
  const r = await olle.call('GET', `/api/v1/admin/ticket-types/${SPEAKER}`);
  assert.equal(r.status, 200);
  return r.body.invitation_code;
}

function email(local) {
  return `${local}.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

/** Fill the registration form for one person, the contact attending. */
async function fillForm(page, first, last, address) {
  await page.fill('#contact-first_name', first);
  await page.fill('#contact-last_name', last);
  await page.fill('#contact-email', address);
  await page.fill('#contact-company', 'Formtech Research Institute');
  await page.check('#privacy_accepted');
}

test('the console shows a hidden type\'s link; a speaker registers through it on a phone', async () => {
  const organiser = await newPage(browser, d.baseURL);
  const speaker = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    const { page } = organiser;
    await organiser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.baseURL });
    await signIn(page);
    await openTicketTypes(page);
    // Only the hidden ticket type has a link shown.
    assert.equal(await page.locator('.invitation').count(), 1);
    const card = page.locator(`[data-ticket-type-id="${SPEAKER}"]`);
    const link = await card.locator('input.invitation-link').inputValue();
    assert.equal(link, `${d.baseURL}/register.html?invitation=${await code()}`);
    assert.equal(await page.locator('[data-ticket-type-id="1"] .invitation').count(), 0);
    await card.locator(`#invitation-${SPEAKER}-copy`).click();
    await page.locator(`#invitation-${SPEAKER}-status:not(:empty)`).waitFor();
    assert.equal((await page.textContent(`#invitation-${SPEAKER}-status`)).trim(), 'The link is copied.');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await page.screenshot({ path: path.join(outDir, 'console-invitation.png'), fullPage: true });

    // The speaker's phone, in Swedish: only the invited ticket, chosen.
    const p = speaker.page;
    await p.goto(link);
    await p.locator('#invitation-note:not([hidden])').waitFor();
    assert.match(await p.textContent('#invitation-note'), /med en inbjudan/);
    const options = p.locator('#ticket-list input[type="radio"]');
    await options.first().waitFor();
    assert.equal(await options.count(), 1);
    assert.equal(await options.first().getAttribute('value'), String(SPEAKER));
    assert.equal(await options.first().isChecked(), true);
    assert.match(await p.textContent('#ticket-list'), /Speaker/);
    assert.equal(await p.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling on a phone');
    const address = email('leila');
    await fillForm(p, 'Leila', 'Haddad', address);
    await Promise.all([
      p.waitForURL(/\/manage\.html\?lang=(sv|en)#t=[^&]+&new=1$/),
      p.click('#submit-button'),
    ]);
    const token = new URL(p.url()).hash.match(/t=([^&]+)/)[1];
    const reg = await apiCall(d.baseURL, 'GET', `/api/v1/registrations/${token}`);
    assert.equal(reg.status, 200);
    assert.equal(reg.body.ticket_type.id, SPEAKER);
    assert.equal(reg.body.status, 'confirmed');
    assert.equal(reg.body.attendees[0].email, address);
    await p.locator('#attendee-list .attendee-card .pass-code').first().waitFor();
    await p.screenshot({ path: path.join(outDir, 'invitation-registered.png'), fullPage: true });
    assert.deepEqual(real(organiser.problems), []);
    assert.deepEqual(real(speaker.problems), []);
  } finally {
    await organiser.context.close();
    await speaker.context.close();
  }
});

test('a new link revokes the old one: its page says so, and a form opened before is refused', async () => {
  const organiser = await newPage(browser, d.baseURL);
  const early = await newPage(browser, d.baseURL); // opened the old link before the new one was made
  const late = await newPage(browser, d.baseURL); // opens the old link afterwards
  try {
    const { page } = organiser;
    const old = await code();
    // Someone has registered through it, so it cannot be deleted.
    const person = { first_name: 'Karin', last_name: 'Bergqvist', email: email('karin') };
    const reg = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
      ticket_type: SPEAKER, invitation: old, privacy_accepted: true, contact: person, attendees: [person],
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const oldLink = `${d.baseURL}/register.html?invitation=${old}`;
    await early.page.goto(oldLink);
    await early.page.locator('#ticket-list input[type="radio"]:checked').waitFor();
    await fillForm(early.page, 'Tobias', 'Grönberg', email('tobias'));

    await signIn(page);
    await openTicketTypes(page);
    const card = page.locator(`[data-ticket-type-id="${SPEAKER}"]`);
    assert.equal(await card.locator('input.invitation-link').inputValue(), oldLink);
    // Cancelling the question changes nothing.
    await card.locator(`#invitation-${SPEAKER}-renew`).click();
    await page.locator('#renew-dialog').waitFor({ state: 'visible' });
    await page.click('#renew-cancel');
    await page.locator('#renew-dialog').waitFor({ state: 'detached' });
    assert.equal(await code(), old);
    // Confirmed: a new link, shown at once.
    await card.locator(`#invitation-${SPEAKER}-renew`).click();
    await page.locator('#renew-dialog').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#renew-dialog'), /stops working at once/);
    await page.click('#renew-confirm');
    await page.locator('#renew-dialog').waitFor({ state: 'detached' });
    await page.locator(`#invitation-${SPEAKER}-status:not(:empty)`).waitFor();
    const fresh = await code();
    assert.notEqual(fresh, old);
    assert.equal(await card.locator('input.invitation-link').inputValue(), `${d.baseURL}/register.html?invitation=${fresh}`);
    assert.match(await page.textContent(`#invitation-${SPEAKER}-status`), /The old one no longer works/);
    // The card knows the new version: deleting it now is refused for
    // registrations (in use), not for a stale version.
    await card.locator(`[data-delete="${SPEAKER}"]`).click();
    await page.click('#delete-confirm');
    await page.locator('#delete-dialog .alert:not(:empty)').waitFor();
    assert.match(await page.textContent('#delete-dialog .alert'), /registered for this ticket type/);
    await page.click('#delete-cancel');

    // The form opened before: refused beside the ticket, nothing written.
    await early.page.click('#submit-button');
    await early.page.locator('#invitation-error:not([hidden])').waitFor();
    assert.match(await early.page.textContent('#invitation-error'), /no longer works/);
    assert.equal(await early.page.evaluate(() => document.activeElement.id), 'invitation-error');
    assert.match(early.page.url(), /register\.html/);

    // The old link opened now: a clear message in both languages, no form.
    const p = late.page;
    await p.goto(oldLink);
    await p.locator('#bad-invitation:not([hidden])').waitFor();
    assert.equal(await p.locator('#reg-form').isVisible(), false);
    assert.equal(await p.locator('#submit-button').isVisible(), false);
    await setLang(p, 'en');
    assert.equal((await p.textContent('#bad-invitation-heading')).trim(), 'This invitation link is not valid');
    await setLang(p, 'sv');
    assert.equal((await p.textContent('#bad-invitation-heading')).trim(), 'Inbjudningslänken gäller inte');
    await p.screenshot({ path: path.join(outDir, 'invitation-bad.png'), fullPage: true });
    // So does a code that never was, and a mangled one.
    for (const bad of ['aaaaaaaaaaaaaaaaaaaaaaaa', `${fresh}x`, '%3Cscript%3E', '']) {
      await p.goto(`/register.html?invitation=${bad}`);
      await p.locator('#bad-invitation:not([hidden])').waitFor();
    }
    // The new link works.
    await p.goto(`/register.html?invitation=${fresh}`);
    await p.locator('#ticket-list input[type="radio"]:checked').waitFor();
    assert.equal(await p.locator('#bad-invitation').isHidden(), true);

    const audit = await olle.call('GET', '/api/v1/admin/audit?action=ticket_type.renew');
    assert.equal(audit.status, 200);
    assert.equal(audit.body.items.length, 1);
    assert.deepEqual(real(organiser.problems, 409), []);
    assert.deepEqual(real(early.problems, 422), []);
    assert.deepEqual(real(late.problems, 404), []);
  } finally {
    await organiser.context.close();
    await early.context.close();
    await late.context.close();
  }
});

test('the edit page of a hidden type shows its link, and a new one keeps the form saving', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await page.evaluate((id) => { location.hash = `#/ticket-types/${id}`; }, SPEAKER);
    await page.locator('#tt-invitation-link').waitFor();
    assert.equal(await page.inputValue('#tt-invitation-link'), `${d.baseURL}/register.html?invitation=${await code()}`);
    await page.click('#tt-invitation-renew');
    await page.click('#renew-confirm');
    await page.locator('#renew-dialog').waitFor({ state: 'detached' });
    await page.locator('#tt-invitation-status:not(:empty)').waitFor();
    assert.equal(await page.inputValue('#tt-invitation-link'), `${d.baseURL}/register.html?invitation=${await code()}`);
    // The form names the new version: saving goes through, no conflict.
    await page.fill('#tt-quota', '16');
    await page.click('#tt-save');
    await page.locator('#tt-save-status:not(:empty)').waitFor();
    assert.equal((await page.textContent('#tt-save-status')).trim(), 'Saved.');
    const r = await olle.call('GET', `/api/v1/admin/ticket-types/${SPEAKER}`);
    assert.equal(r.body.quota, 16);
    // A public type has no link to show.
    await page.evaluate(() => { location.hash = '#/ticket-types/1'; });
    await page.waitForFunction(() => document.querySelector('#tt-name') && document.querySelector('#tt-name').value === 'Member');
    assert.equal(await page.locator('#tt-invitation-link').count(), 0);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('axe-core finds no violations on the invitation views, in Swedish and in English', async () => {
  const found = [];
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
    await page.goto(`/register.html?invitation=${await code()}`);
    await page.locator('#ticket-list input[type="radio"]:checked').waitFor();
    await check(page, 'register with an invitation');
    await page.goto('/register.html?invitation=aaaaaaaaaaaaaaaaaaaaaaaa');
    await page.locator('#bad-invitation:not([hidden])').waitFor();
    await check(page, 'a bad invitation');
    await signIn(page);
    await openTicketTypes(page);
    await check(page, 'ticket types with a link');
    await check(page, 'the new-link question', {
      open: async () => {
        await page.click(`#invitation-${SPEAKER}-renew`);
        await page.locator('#renew-dialog').waitFor({ state: 'visible' });
      },
      close: async () => {
        await page.click('#renew-cancel');
        await page.locator('#renew-dialog').waitFor({ state: 'detached' });
      },
    });
    await page.evaluate((id) => { location.hash = `#/ticket-types/${id}`; }, SPEAKER);
    await page.locator('#tt-invitation-link').waitFor();
    await check(page, 'a hidden ticket type');
    assert.deepEqual(found, []);
    assert.deepEqual(real(problems, 404), []);
  } finally {
    await context.close();
  }
});
