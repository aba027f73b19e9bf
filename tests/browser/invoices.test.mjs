// Browser test of billing, as a company and an organiser meet it: the
// organiser has named the seller; a contact at Pressverk registers three
// people on the Swedish form, which asks who pays because the ticket
// costs something, with the organisation number and a PO reference; the
// organiser opens Invoices in the console, sees the invoice unpaid, reads
// in the bank's BgMax file and sees it paid. A mistyped organisation
// number is refused beside its field first. axe-core on both pages.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  startDaemon, launch, newPage, addUser, staffLogin, axeViolations, real, setLang, openView, apiCall,
} from './harness.mjs';

const PASSWORD = 'organiser password';
let d = null;
let browser = null;
let olle = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  const ev = await olle.call('GET', '/api/v1/admin/events/1');
  const r = await olle.call('PATCH', '/api/v1/admin/events/1', {
    version: ev.body.version, seller_name: 'Techtank Ideell Förening', seller_org_number: '802456-1238',
    seller_vat_number: 'SE802456123801', seller_address: 'Box 12\n293 21 Olofström', seller_bankgiro: '5050-1055',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

/** A BgMax file as Bankgirot writes it: one deposit of these payments. */
function bgmax(payments) {
  const rec = (...f) => f.join('').padEnd(80, ' ');
  const lines = [rec('01', 'BGMAX'.padEnd(20), '01', '20271015120000000000', 'P'),
    rec('05', '0050501055', ' '.repeat(10), 'SEK')];
  payments.forEach(([ref, ore, name], i) => {
    lines.push(rec('20', '0003783511', ref.padStart(25), String(ore).padStart(18, '0'), '2', '1',
      String(i + 1).padStart(12, '0'), '0'));
    lines.push(rec('26', name.padEnd(35)));
  });
  const sum = payments.reduce((a, p) => a + p[1], 0);
  lines.push(rec('15', '0'.repeat(35), '20271015', '00001', String(sum).padStart(18, '0'), 'SEK',
    String(payments.length).padStart(8, '0')));
  lines.push(rec('70', String(payments.length).padStart(8, '0'), '0'.repeat(16), '00000001'));
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

async function signIn(page) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

test('a company registers three with its organisation number; the organiser reads in the bank file and sees the invoice paid', async () => {
  const visitor = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  const tag = crypto.randomBytes(4).toString('hex');
  let manageUrl = null;
  try {
    const page = visitor.page;
    await page.goto('/register.html');
    await setLang(page, 'sv');
    const ticket = page.locator('#ticket-list input[type="radio"]:not([disabled])').first();
    await ticket.waitFor();
    assert.equal(await page.locator('#billing-fieldset').isVisible(), false, 'no billing before a ticket is chosen');
    await ticket.check();
    await page.locator('#billing-fieldset').waitFor();
    assert.equal(await page.textContent('#cancel-policy'), 'Avbokning är kostnadsfri.');
    await page.fill('#contact-first_name', 'Åsa');
    await page.fill('#contact-last_name', 'Lindström-Öberg');
    await page.fill('#contact-email', `asa.${tag}@pressverk.example`);
    await page.fill('#contact-company', 'Pressverk AB');
    const people = [['Åsa', 'Lindström-Öberg'], ['Björn', 'Håkansdotter'], ['Zoë', 'Ødegård']];
    for (const [i, [first, last]] of people.entries()) {
      if (i > 0) await page.click('#add-attendee');
      const a = page.locator('#attendee-list .attendee').nth(i);
      await a.locator('[data-name="first_name"]').fill(first);
      await a.locator('[data-name="last_name"]').fill(last);
      await a.locator('[data-name="email"]').fill(`p${i}.${tag}@pressverk.example`);
      await a.locator('[data-name="company"]').fill('Pressverk AB');
    }
    await page.fill('#billing-organisation', 'Pressverk AB');
    await page.fill('#billing-org_number', '556016-0681');
    await page.fill('#billing-address', 'Verkstadsgatan 4\n293 38 Olofström');
    await page.fill('#billing-reference', 'PO 4711');
    await page.check('#privacy_accepted');
    assert.deepEqual(await axeViolations(page), []);
    // A mistyped number: refused beside its field, in Swedish.
    await page.click('#submit-button');
    const err = page.locator('#billing-org_number-error');
    await err.waitFor();
    assert.match(await err.textContent(), /Kontrollsiffran stämmer inte/);
    await page.fill('#billing-org_number', '556016-0680');
    await Promise.all([page.waitForURL(/\/manage\.html\?lang=(sv|en)#t=/), page.click('#submit-button')]);
    manageUrl = page.url();
    assert.deepEqual(real(visitor.problems, 422), []);
  } finally {
    await visitor.context.close();
  }

  const listed = await olle.call('GET', '/api/v1/admin/events/1/invoices');
  const inv = listed.body.items.find((x) => x.buyer === 'Pressverk AB');
  assert.ok(inv, JSON.stringify(listed.body));
  assert.equal(inv.total_ore, 3 * 250000 * 1.25);

  // The contact finds it on "my registration", as a PDF.
  const contact = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    const page = contact.page;
    await page.goto(manageUrl.replace(/&new=1$/, ''));
    await setLang(page, 'sv');
    const item = page.locator(`#invoice-panel li[data-invoice="${inv.number}"]`);
    await item.waitFor();
    assert.match(await item.textContent(), new RegExp(`Faktura ${inv.number} \\(PDF\\).*9 375 kr.*OCR-nummer ${inv.ocr}`));
    assert.match(await page.textContent('#invoice-owed'), /9 375 kr inklusive moms/);
    const href = await item.locator('a').getAttribute('href');
    const pdf = await fetch(new URL(href, d.baseURL));
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(await axeViolations(page), []);
  } finally {
    await contact.context.close();
  }

  const org = await newPage(browser, d.baseURL, { locale: 'sv-SE' });
  try {
    const page = org.page;
    await signIn(page);
    await setLang(page, 'sv');
    await openView(page, '#/invoices', '#invoice-table');
    assert.match(page.url(), /#\/events\/1\/invoices$/);
    const row = page.locator(`#invoice-table tr[data-invoice="${inv.number}"]`);
    assert.equal(await row.getAttribute('data-state'), 'unpaid');
    assert.match(await row.textContent(), /Obetald/);
    assert.match(await row.textContent(), /9 375 kr/);
    assert.deepEqual(await axeViolations(page), []);

    await page.setInputFiles('#bank-file', {
      name: 'bgmax.txt', mimeType: 'text/plain', buffer: bgmax([[inv.ocr, inv.total_ore, 'Pressverk AB']]),
    });
    await page.click('#bank-send');
    await page.locator('#bank-booked').waitFor();
    assert.match(await page.textContent('#bank-booked'), /1 betalningar på 9 375 kr bokförda, 1 kopplade/);
    await page.locator(`#invoice-table tr[data-invoice="${inv.number}"][data-state="paid"]`).waitFor();
    assert.match(await row.textContent(), /Betald/);
    // The same file again books nothing.
    await page.click('#bank-send');
    await page.locator('#bank-result .notice').waitFor();
    assert.match(await page.textContent('#bank-result'), /redan inläst/);

    // Another company pays by hand: the first press asks, the second books.
    const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
      ticket_type: 1, privacy_accepted: true, lang: 'sv',
      contact: { first_name: 'Karin', last_name: 'Ek', email: `karin.${tag}@ssab.example`, company: 'SSAB' },
      attendees: [{ first_name: 'Karin', last_name: 'Ek', email: `karin.${tag}@ssab.example`, company: 'SSAB' }],
      billing: { organisation: 'SSAB', email: `ap.${tag}@ssab.example` },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await page.reload();
    const other = page.locator('#invoice-table tr[data-state="unpaid"]').first();
    await other.waitFor();
    const pay = other.locator('button[data-pay]');
    await pay.click();
    assert.match(await pay.textContent(), /Bokför 3 125 kr som betalt i dag\?/);
    assert.equal(await other.getAttribute('data-state'), 'unpaid', 'one press books nothing');
    await pay.click();
    await page.locator('#invoice-table tr[data-state="unpaid"]').waitFor({ state: 'detached' });
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(org.problems), []);
  } finally {
    await org.context.close();
  }
});
