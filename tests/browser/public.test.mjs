// Browser tests of the public side in Swedish and in English: the
// confirmation with each attendee's QR code (read back by zbarimg from a
// screenshot), the price and total, the downloads named after the person,
// the seats a visitor can book on the home page with correct plurals, the
// server's errors worded by the page, the English names organisers give,
// and the public attendee list; axe-core finds nothing on these pages.
//
//   node --test tests/browser/public.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real,
} from './harness.mjs';

const PASSWORD = 'correct horse battery';
let d = null;
let browser = null;
let olle = null;

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
  // The texts in Swedish with their English beside them, as organisers give them.
  const ev = (await olle.call('GET', '/api/v1/admin/events/1')).body;
  let r = await olle.call('PATCH', '/api/v1/admin/events/1', {
    version: ev.version, name: 'Techtankkonferensen 2027', name_en: 'Techtank Conference 2027',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tt = (await olle.call('GET', '/api/v1/admin/ticket-types/1')).body;
  r = await olle.call('PATCH', '/api/v1/admin/ticket-types/1', {
    version: tt.version, name: 'Medlem', name_en: 'Member',
    description: 'Anställda hos Techtanks medlemsföretag', description_en: 'Employees of Techtank members',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

const LOCALES = { sv: 'sv-SE', en: 'en-GB' };

function page(lang) {
  return newPage(browser, d.baseURL, { locale: LOCALES[lang] });
}

function email(local) {
  return `${local}.${crypto.randomBytes(5).toString('hex')}@example.se`;
}

function attendee(first, last, extra = {}) {
  return { first_name: first, last_name: last, email: email('a'), company: 'Pressverk AB', ...extra };
}

async function register(ticketType, attendees) {
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: ticketType, privacy_accepted: true, contact: attendees[0], attendees,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** What zbarimg reads in a screenshot of an element. */
async function decodeQR(locator, name) {
  const file = path.join(outDir, name);
  await locator.screenshot({ path: file });
  const z = spawnSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' });
  assert.equal(z.status, 0, `zbarimg found no code in ${file}: ${z.stderr}`);
  return z.stdout.trim();
}

async function typeVersion(id) {
  return (await olle.call('GET', `/api/v1/admin/ticket-types/${id}`)).body.version;
}

async function setQuota(id, quota, waitlist = false) {
  const r = await olle.call('PATCH', `/api/v1/admin/ticket-types/${id}`, { version: await typeVersion(id), quota, waitlist });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const WORDS = {
  sv: {
    heading: 'Tack – du är anmäld!', each: '2 500 kr exkl. moms', subtotal: '5 000 kr', vat: '1 250 kr',
    total: '6 250 kr', confirmed: '2 bekräftade deltagare', vatLine: 'Moms 25 %', ticket: 'Medlem',
    event: 'Techtankkonferensen 2027', free: 'Kostnadsfri', pdf: 'Passerkort att skriva ut (PDF)',
  },
  en: {
    heading: 'Thank you – you are registered!', each: 'SEK 2,500 excl. VAT', subtotal: 'SEK 5,000', vat: 'SEK 1,250',
    total: 'SEK 6,250', confirmed: '2 confirmed attendees', vatLine: 'VAT 25 %', ticket: 'Member',
    event: 'Techtank Conference 2027', free: 'Free', pdf: 'Pass to print (PDF)',
  },
};

for (const lang of ['sv', 'en']) {
  test(`${lang}: the confirmation shows each QR code, the price and the total, downloads named after the person`, async () => {
    const reg = await register(1, [attendee('Åsa', 'Lindström-Öberg'), attendee('Zoë', 'Ødegård-Łukasiewicz')]);
    const w = WORDS[lang];
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto(`/manage.html#t=${encodeURIComponent(reg.manage_token)}&new=1`);
      const cards = p.locator('#attendee-list .attendee-card');
      await cards.nth(1).locator('.pass-qr').waitFor();
      assert.equal((await p.locator('#page-title').textContent()).trim(), w.heading);
      for (let i = 0; i < 2; i++) {
        const card = cards.nth(i);
        const code = (await card.locator('.pass-code').textContent()).trim();
        assert.equal(code, reg.attendees[i].pass_code);
        await p.waitForFunction((el) => el.complete && el.naturalWidth > 0, await card.locator('.pass-qr').elementHandle());
        assert.equal(await decodeQR(card.locator('.pass-qr'), `qr-${lang}-${i}.png`), code);
        assert.match(await card.locator('.pass-qr').getAttribute('alt'), new RegExp(code));
      }
      // The price: each, how many, VAT, total, in the page's way of writing kronor.
      const price = await p.locator('#price').innerText();
      for (const s of [w.each, w.confirmed, w.subtotal, w.vatLine, w.vat, w.total]) assert.ok(price.includes(s), `${s} in ${price}`);
      assert.equal((await p.locator('#price-total').textContent()).trim(), w.total);
      const summary = await p.locator('.summary').innerText();
      assert.ok(summary.includes(w.ticket) && summary.includes(w.event), summary);

      // The download is saved under the person's name.
      const [download] = await Promise.all([
        p.waitForEvent('download'),
        cards.first().getByRole('link', { name: w.pdf }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'pass-Åsa-Lindström-Öberg.pdf');
      await p.screenshot({ path: path.join(outDir, `confirmation-${lang}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(p), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('a free ticket says so and has no VAT line', async () => {
  const students = (await olle.call('GET', '/api/v1/admin/ticket-types/3')).body;
  let r = await olle.call('PATCH', '/api/v1/admin/ticket-types/3', { version: students.version, price_ore: 0 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const reg = await register(3, [attendee('Björn', 'Håkansdotter')]);
  for (const lang of ['sv', 'en']) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto(`/manage.html#t=${encodeURIComponent(reg.manage_token)}`);
      await p.locator('#price-total').waitFor();
      assert.equal((await p.locator('#price-total').textContent()).trim(), WORDS[lang].free);
      assert.ok(!/moms|VAT/.test(await p.locator('#price').innerText()));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
  r = await olle.call('PATCH', '/api/v1/admin/ticket-types/3', { version: await typeVersion(3), price_ore: students.price_ore });
  assert.equal(r.status, 200);
});

test('attendees moved to another ticket are priced a line a ticket', async () => {
  const reg = await register(1, [attendee('Åsa', 'Lindström-Öberg'), attendee('Zoë', 'Ødegård-Łukasiewicz')]);
  const aid = reg.attendees[1].id;
  const cur = (await olle.call('GET', `/api/v1/admin/attendees/${aid}`)).body;
  const r = await olle.call('POST', `/api/v1/admin/attendees/${aid}/move`, { ticket_type: 3, version: cur.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const students = (await olle.call('GET', '/api/v1/admin/ticket-types/3')).body;
  const want = {
    sv: ['Medlem', '1 × 2 500 kr = 2 500 kr exkl. moms', students.name, 'Moms 25 %', 'Att betala'],
    en: ['Member', '1 × SEK 2,500 = SEK 2,500 excl. VAT', students.name_en || students.name, 'VAT 25 %', 'Total'],
  };
  for (const lang of ['sv', 'en']) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto(`/manage.html#t=${encodeURIComponent(reg.manage_token)}`);
      await p.locator('#price-total').waitFor();
      const price = await p.locator('#price').innerText();
      for (const s of want[lang]) assert.ok(price.includes(s), `${s} in ${price}`);
      assert.ok(!/Pris per deltagare|Price per attendee/.test(price), price);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

test('the only ticket type on sale is chosen already', async () => {
  const ev = (await apiCall(d.baseURL, 'GET', '/api/v1/event')).body;
  const others = ev.ticket_types.filter((tt) => tt.id !== 1).map((tt) => tt.id);
  const hide = async (hidden) => {
    for (const id of others) {
      const r = await olle.call('PATCH', `/api/v1/admin/ticket-types/${id}`, { version: await typeVersion(id), hidden });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  };
  await hide(true);
  try {
    const { context, page: p, problems } = await page('sv');
    try {
      await p.goto('/register.html');
      const radios = p.locator('#ticket-list input[type="radio"]');
      await radios.first().waitFor();
      assert.equal(await radios.count(), 1);
      assert.equal(await radios.first().isChecked(), true);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  } finally {
    await hide(false);
  }
});

test('the home page shows the seats a visitor can book, in words that count right', async () => {
  const ev = (await apiCall(d.baseURL, 'GET', '/api/v1/event')).body;
  // A hidden type with room to spare changes nothing a visitor can book.
  const hidden = await olle.call('POST', '/api/v1/admin/events/1/ticket-types',
    { name: 'Talare', name_en: 'Speaker', role: 'speaker', hidden: true, quota: 40, price_ore: 0 });
  assert.equal(hidden.status, 201, JSON.stringify(hidden.body));
  const seats = async (lang) => {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/');
      await p.locator('#event-seats:not(:empty)').waitFor();
      const text = (await p.locator('#event-seats').textContent()).trim();
      const name = (await p.locator('#event-name').textContent()).trim();
      assert.deepEqual(problems, []);
      return { text, name, page: p, context };
    } catch (e) {
      await context.close();
      throw e;
    }
  };
  const offered = ev.ticket_types.reduce((n, t) => n + t.remaining, 0);
  let sv = await seats('sv');
  assert.equal(sv.text, `${Math.min(offered, ev.remaining)} platser kvar`);
  assert.equal(sv.name, 'Techtankkonferensen 2027');
  assert.deepEqual(await axeViolations(sv.page), []);
  // The list of attendees is one link away.
  await Promise.all([sv.page.waitForURL(/attendees\.html\?lang=sv$/), sv.page.click('#attendees-link')]);
  await sv.context.close();
  let en = await seats('en');
  assert.equal(en.name, 'Techtank Conference 2027');
  assert.equal(en.text, `${Math.min(offered, ev.remaining)} seats left`);
  await en.context.close();

  // One seat left of all: "1 plats kvar", "1 seat left".
  const now = (await apiCall(d.baseURL, 'GET', '/api/v1/event')).body;
  const t1 = now.ticket_types.find((t) => t.id === 1);
  const taken1 = (await olle.call('GET', '/api/v1/admin/ticket-types/1')).body.confirmed;
  const keep = {};
  for (const t of now.ticket_types) keep[t.id] = (await olle.call('GET', `/api/v1/admin/ticket-types/${t.id}`)).body;
  await setQuota(1, taken1 + 1);
  for (const t of now.ticket_types) if (t.id !== 1) await setQuota(t.id, keep[t.id].confirmed);
  sv = await seats('sv');
  assert.equal(sv.text, '1 plats kvar');
  await sv.context.close();
  en = await seats('en');
  assert.equal(en.text, '1 seat left');
  await en.context.close();

  // Two attendees where one seat is left: the page says how many, in its language.
  for (const [lang, want] of [['sv', 'Det finns bara 1 plats kvar på den här biljetten.'], ['en', 'Only 1 seat is left on this ticket.']]) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/register.html');
      await p.locator('#ticket-1').waitFor();
      assert.match(await p.locator('label[for="ticket-1"]').innerText(), lang === 'sv' ? /Medlem[\s\S]*1 plats kvar/ : /Member[\s\S]*1 seat left/);
      await p.check('#ticket-1');
      await p.fill('#contact-first_name', 'Åsa');
      await p.fill('#contact-last_name', 'Lindström-Öberg');
      await p.fill('#contact-email', email('asa'));
      await p.click('#add-attendee');
      const second = p.locator('#attendee-list .attendee').nth(1);
      await second.locator('[data-name="first_name"]').fill('Björn');
      await second.locator('[data-name="last_name"]').fill('Håkansdotter');
      await second.locator('[data-name="email"]').fill(email('bjorn'));
      await p.check('#privacy_accepted');
      await p.click('#submit-button');
      await p.locator('#form-alert:not(:empty)').waitFor();
      assert.ok((await p.locator('#form-alert').textContent()).startsWith(want), await p.locator('#form-alert').textContent());
      assert.deepEqual(real(problems, 409), []);
    } finally {
      await context.close();
    }
  }
  await setQuota(1, t1.remaining + taken1, true);
  for (const t of now.ticket_types) if (t.id !== 1) await setQuota(t.id, keep[t.id].quota, keep[t.id].waitlist);
});

test('field errors from the server are worded by the page, in Swedish and English', async () => {
  const taken = email('taken');
  await register(1, [attendee('Åsa', 'Först', { email: taken })]);
  for (const [lang, want] of [['sv', 'Någon med den här e-postadressen är redan anmäld.'], ['en', 'Someone with this email address is already registered.']]) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/register.html');
      await p.locator('#ticket-1').waitFor();
      await p.check('#ticket-1');
      await p.fill('#contact-first_name', 'Åsa');
      await p.fill('#contact-last_name', 'Igen');
      await p.fill('#contact-email', taken);
      await p.check('#privacy_accepted');
      await p.click('#submit-button');
      const error = p.locator('#attendee-list .attendee').first().locator('.field-error:not([hidden])');
      await error.waitFor();
      assert.equal((await error.textContent()).trim(), want);
      assert.deepEqual(real(problems, 422), []);
    } finally {
      await context.close();
    }
  }
});

test('the attendee list shows the confirmed who consented, in Swedish order', async () => {
  const people = [['Örjan', 'Öst'], ['Åsa', 'Åberg'], ['Ärla', 'Ärlig'], ['Zoë', 'Zetterlund'], ['Adam', 'Andersson']];
  for (const [first, last] of people) await register(2, [attendee(first, last, { listed: true, company: `${last} AB` })]);
  await register(2, [attendee('Hemlig', 'Hansson', { listed: false })]);
  const listedNow = (await apiCall(d.baseURL, 'GET', '/api/v1/attendees?limit=200')).body;
  for (const [lang, heading, count] of [['sv', 'Deltagare', 'deltagare'], ['en', 'Attendees', 'attendees']]) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/attendees.html');
      await p.locator('#attendee-rows tr').first().waitFor();
      assert.equal((await p.locator('h1').textContent()).trim(), heading);
      const names = await p.locator('#attendee-rows td:first-child').allTextContents();
      const ours = names.filter((n) => people.some(([f, l]) => n === `${f} ${l}`));
      assert.deepEqual(ours, ['Adam Andersson', 'Zoë Zetterlund', 'Åsa Åberg', 'Ärla Ärlig', 'Örjan Öst']);
      assert.ok(!names.some((n) => n.includes('Hemlig')));
      assert.equal((await p.locator('#attendees-count').textContent()).trim(), `${listedNow.total} ${count}`);
      const text = await p.locator('main').innerText();
      assert.ok(!text.includes('@'), 'no address on the public list');
      await p.screenshot({ path: path.join(outDir, `attendees-${lang}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(p), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

test('the words for codes: plurals by language, the server\'s message for a code the page does not know', async () => {
  for (const [lang, one, two, none] of [
    ['sv', 'Det finns bara 1 plats kvar', 'Det finns bara 2 platser kvar', 'Tyvärr är den här biljettypen fullbokad.'],
    ['en', 'Only 1 seat is left', 'Only 2 seats are left', 'Sorry, this ticket type is fully booked.'],
  ]) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/attendees.html');
      await p.waitForFunction((l) => document.documentElement.lang === l, lang);
      // The page's lang attribute is in its HTML before the words are
      // loaded: wait for them (setLang resolves once they are).
      const got = await p.evaluate(async (l) => {
        await (await import('/js/i18n.js')).setLang(l, { persist: false });
        const { errorText, fieldText } = await import('/js/errors.js');
        const full = (left) => errorText({ status: 409, body: { error: { code: 'full', message: 'x', params: { left } } } });
        return {
          one: full(1),
          two: full(2),
          none: full(0),
          unknown: errorText({ status: 418, body: { error: { code: 'brand_new', message: 'A new kind of error' } } }),
          bare: errorText({ status: 502, body: null }),
          offline: errorText({ status: 0, body: null }),
          long1: fieldText('attendees.0.company', 'too_long', { max: 1 }),
          long150: fieldText('attendees.0.company', 'too_long', { max: 150 }),
          odd: fieldText('attendees.0.company', 'no_such_code'),
        };
      }, lang);
      assert.ok(got.one.startsWith(one), got.one);
      assert.ok(got.two.startsWith(two), got.two);
      assert.equal(got.none, none);
      assert.equal(got.unknown, 'A new kind of error');
      assert.match(got.bare, /502/);
      assert.ok(got.offline && !/502/.test(got.offline));
      assert.equal(got.long1, lang === 'sv' ? 'Högst 1 tecken.' : 'At most 1 character.');
      assert.equal(got.long150, lang === 'sv' ? 'Högst 150 tecken.' : 'At most 150 characters.');
      assert.equal(got.odd, lang === 'sv' ? 'Kontrollera det här fältet.' : 'Please check this field.');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

test('the demo programme is in Swedish on the Swedish page and in English on the English one', async () => {
  const prog = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  const sessions = prog.days.flatMap((day) => day.sessions);
  assert.equal(sessions.length, 17);
  for (const s of sessions) {
    assert.ok(s.title_en, `session ${s.id} has an English title`);
    // Only "Lunch" is the same word in both languages.
    if (s.title !== 'Lunch') assert.notEqual(s.title, s.title_en, `session ${s.id}`);
  }
  const byId = new Map(sessions.map((s) => [s.id, s]));
  assert.equal(byId.get(9).title, 'Studiebesök: presslinjen hos Pressverk Olofström');
  assert.equal(byId.get(11).title, 'Konferensmiddag');
  for (const lang of ['sv', 'en']) {
    const { context, page: p, problems } = await page(lang);
    try {
      await p.goto('/');
      await p.locator('#session-17').waitFor();
      const shown = await p.locator('li.session').evaluateAll((lis) => lis.map((li) => [Number(li.id.slice(8)), li.querySelector('.session-title').textContent]));
      assert.equal(shown.length, sessions.length);
      for (const [id, title] of shown) assert.equal(title, lang === 'sv' ? byId.get(id).title : byId.get(id).title_en);
      const abstract = await p.locator('#session-3 .session-abstract p').textContent();
      assert.equal(abstract, lang === 'sv' ? byId.get(3).abstract : byId.get(3).abstract_en);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});
