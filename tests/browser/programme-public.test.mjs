// Browser tests of what the public pages (the programme, the change list,
// now and next) say about a session, in Swedish and English, on the demo
// with a few sessions changed and a release published.
//
//   node --test tests/browser/programme-public.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real,
} from './harness.mjs';

const PASSWORD = 'organiser password';
const DESKTOP = { viewport: { width: 1280, height: 1000 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
const LOCALES = { sv: 'sv-SE', en: 'en-GB' };
let d = null;
let browser = null;
let olle = null;

async function edit(id, body) {
  const cur = (await olle.call('GET', `/api/v1/admin/sessions/${id}`)).body;
  const r = await olle.call('PATCH', `/api/v1/admin/sessions/${id}`, { ...body, version: cur.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function signUp(local, sessions) {
  const person = { first_name: 'Åsa', last_name: 'Lindström-Öberg', email: `${local}@example.se`, company: 'Pressverk AB' };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: { ...person, phone: '+46 70 123 45 67' }, attendees: [{ ...person, sessions }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

function open(lang, opts = {}) {
  return newPage(browser, d.baseURL, { locale: LOCALES[lang], ...opts });
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
  // The keynote held in English, a workshop, the dinner one seat with a
  // waitlist and the study visit one seat without, both taken; a talk
  // moved, so the release has a change to list.
  await edit(3, { language: 'en' });
  await edit(15, { kind: 'workshop' });
  await edit(11, { seats: 1, waitlist: true });
  await edit(9, { seats: 1, waitlist: false });
  await signUp('dinner', [11]);
  await signUp('visit', [9]);
  await edit(6, { starts_at: '2027-11-30T13:30:00+01:00', ends_at: '2027-11-30T14:15:00+01:00' });
  const r = await olle.call('POST', '/api/v1/admin/events/1/releases', {});
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

async function programmePage(lang) {
  const p = await open(lang);
  await p.page.goto(`/?lang=${lang}`);
  await p.page.locator('#session-17').waitFor();
  return p;
}

test('every session has a badge for its kind, in both languages, and axe-core finds nothing', async () => {
  const want = {
    sv: { 1: 'Paus', 2: 'Föredrag', 3: 'Huvudtalare', 8: 'Måltid', 9: 'Studiebesök', 10: 'Paneldiskussion', 11: 'Måltid', 15: 'Workshop' },
    en: { 1: 'Break', 2: 'Talk', 3: 'Keynote', 8: 'Meal', 9: 'Study visit', 10: 'Panel discussion', 11: 'Meal', 15: 'Workshop' },
  };
  for (const lang of ['sv', 'en']) {
    const { context, page, problems } = await programmePage(lang);
    try {
      const sessions = page.locator('li.session');
      const n = await sessions.count();
      assert.equal(await page.locator('li.session .session-kind').count(), n, 'one badge a session');
      for (const [id, word] of Object.entries(want[lang])) {
        const badge = page.locator(`#session-${id} .session-kind`);
        assert.equal(await badge.textContent(), word, `session ${id}`);
      }
      // Each kind its own colour: talk, workshop, break and meal too.
      const colours = await page.evaluate(() => {
        const out = {};
        for (const b of document.querySelectorAll('.session-kind')) {
          const kind = [...b.classList].find((c) => c.startsWith('session-kind--')).slice(14);
          out[kind] = getComputedStyle(b).backgroundColor;
        }
        return out;
      });
      for (const k of ['talk', 'keynote', 'panel', 'workshop', 'visit']) {
        for (const o of ['talk', 'keynote', 'panel', 'workshop', 'visit']) {
          if (k !== o) assert.notEqual(colours[k], colours[o], `${k} and ${o}`);
        }
      }
      assert.notEqual(colours.break, colours.talk);
      assert.deepEqual(await axeViolations(page), [], lang);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('a session held in another language than the page says so, a break does not', async () => {
  for (const [lang, other, label] of [['sv', 3, 'På engelska'], ['en', 2, 'In Swedish']]) {
    const { context, page, problems } = await programmePage(lang);
    try {
      assert.equal(await page.locator(`#session-${other} .session-language`).textContent(), label);
      const same = lang === 'sv' ? 2 : 3;
      assert.equal(await page.locator(`#session-${same} .session-language`).count(), 0, `session ${same}`);
      // Coffee and lunch are for everyone, whatever their language.
      for (const id of [1, 8, 11]) assert.equal(await page.locator(`#session-${id} .session-language`).count(), 0);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('speakers are named with their title and company', async () => {
  const prog = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  const anna = prog.speakers.find((sp) => sp.name === 'Anna Wiśniewska');
  assert.ok(anna && anna.title, JSON.stringify(anna));
  const { context, page, problems } = await programmePage('en');
  try {
    const li = page.locator('#session-5 .session-speakers li', { hasText: 'Anna Wiśniewska' });
    assert.equal(await li.textContent(), `Anna Wiśniewska, ${anna.title}, ${anna.company}`);
    assert.equal(await li.locator('.speaker-title').textContent(), `, ${anna.title}`);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a full session with a waitlist says the waitlist is open, one without says it is full', async () => {
  const prog = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  const byId = new Map(prog.days.flatMap((day) => day.sessions).map((s) => [s.id, s]));
  assert.deepEqual([byId.get(11).remaining, byId.get(11).waitlist], [0, true]);
  assert.deepEqual([byId.get(9).remaining, byId.get(9).waitlist], [0, false]);
  for (const [lang, waitlist, full] of [['sv', 'Fullbokat – väntelistan är öppen', 'Fullbokat'],
    ['en', 'Fully booked – waitlist open', 'Fully booked']]) {
    const { context, page, problems } = await programmePage(lang);
    try {
      assert.equal(await page.locator('#session-11 .session-signup-seats--full').textContent(), waitlist);
      assert.equal(await page.locator('#session-9 .session-signup-seats--full').textContent(), full);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('the schedule files download rather than open as text', async () => {
  const { context, page, problems } = await programmePage('en');
  try {
    for (const [href, name] of [['/api/v1/schedule.xml?lang=en', /^schedule\.xml$/], ['/api/v1/schedule.json?lang=en', /^schedule\.json$/],
      ['/api/v1/programme.ics?lang=en', /\.ics$/]]) {
      const a = page.locator(`.programme-links a[href="${href}"]`);
      assert.equal(await a.getAttribute('download'), '', href);
      const [file] = await Promise.all([page.waitForEvent('download'), a.click()]);
      assert.match(file.suggestedFilename(), name);
      assert.equal(new URL(page.url()).pathname, '/');
    }
    // The feed and the pages stay links to follow.
    assert.equal(await page.locator('.programme-links a[href^="changes.html"]').getAttribute('download'), null);
    assert.equal(await page.locator('.programme-links a[href*=".atom"]').getAttribute('download'), null);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the change list says where a moved session was: "Tidigare" in Swedish, "Was" in English', async () => {
  for (const [lang, was, now] of [['sv', 'Tidigare: 30 november 2027, 10:30–11:15, Sal Karlshamn', 'Nu: 30 november 2027, 13:30–14:15, Sal Karlshamn'],
    ['en', 'Was: 30 November 2027, 10:30–11:15, Sal Karlshamn', 'Now: 30 November 2027, 13:30–14:15, Sal Karlshamn']]) {
    const { context, page, problems } = await open(lang);
    try {
      await page.goto(`/changes.html?lang=${lang}`);
      await page.locator('#release-2 .change-was').waitFor();
      assert.equal(await page.locator('#release-2 .change-was').textContent(), was);
      assert.equal(await page.locator('#release-2 .change-now').textContent(), now);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('now and next: a session on another day has its day before its time', async () => {
  for (const [lang, day] of [['sv', 'Onsdag 1 december'], ['en', 'Wednesday 1 December']]) {
    const { context, page, problems } = await open(lang, DESKTOP);
    try {
      await page.goto(`/now.html?lang=${lang}&at=2027-11-30T16:40:00%2B01:00`);
      const stora = page.locator('section.now-room[data-room="1"]');
      await stora.waitFor();
      assert.equal(await stora.locator('.now-next .now-day').textContent(), `${day} `);
      assert.equal(await stora.locator('.now-next .now-time').textContent(), `${day} 09:00–09:45`);
      // The dinner is the same evening: its time alone.
      const elsewhere = page.locator('section.now-room[data-room="null"]');
      assert.equal(await elsewhere.locator('.now-next .now-day').count(), 0);
      assert.equal(await elsewhere.locator('.now-next .now-time').textContent(), '19:00–22:00');
      // On a day of the programme the heading has the time alone.
      assert.equal(await page.locator('#now-clock').textContent(), '16:40');
      assert.deepEqual(await axeViolations(page), [], lang);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});

test('now and next on a day with no programme has the date in its heading, and the Swedish words are "Nu och härnäst"', async () => {
  for (const [lang, heading, clock, next, title] of [
    ['sv', 'Nu och härnäst', 'söndag 14 mars 2027 kl. 03:00', 'Härnäst', 'Techtank Conference – nu och härnäst'],
    ['en', 'Now and next', 'Sunday 14 March 2027, 03:00', 'Next', 'Techtank Conference – now and next']]) {
    const { context, page, problems } = await open(lang, DESKTOP);
    try {
      await page.goto(`/now.html?lang=${lang}&at=2027-03-14T03:00:00%2B01:00`);
      await page.locator('section.now-room[data-room="1"]').waitFor();
      assert.equal(await page.locator('#now-clock').textContent(), clock);
      assert.equal(await page.locator('.now-heading [data-i18n="now.heading"]').textContent(), heading);
      assert.equal(await page.title(), title);
      assert.equal(await page.locator('section.now-room[data-room="1"] .now-next .now-label').textContent(), next);
      assert.equal(await page.locator('section.now-room[data-room="1"] .now-next .now-time').textContent(),
        `${lang === 'sv' ? 'Tisdag 30 november' : 'Tuesday 30 November'} 09:00–09:20`);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
  // Today, with no moment given: months from the event, the date is there.
  const { context, page, problems } = await open('en', DESKTOP);
  try {
    await page.goto('/now.html?lang=en');
    await page.locator('section.now-room').first().waitFor();
    const year = new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'Europe/Stockholm' }).format(new Date());
    assert.match(await page.locator('#now-clock').textContent(), new RegExp(`^\\w+day \\d{1,2} \\w+ ${year}, \\d{2}:\\d{2}$`));
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a moment given without an offset is the event\'s wall clock, in a browser in another zone; a bad one is said', async () => {
  const { context, page, problems } = await open('en', { ...DESKTOP, timezoneId: 'UTC' });
  try {
    await page.goto('/now.html?lang=en&at=2027-11-30T16:40');
    await page.locator('section.now-room').first().waitFor();
    assert.equal(await page.locator('#now-clock').textContent(), '16:40');
    await page.goto('/now.html?lang=en&at=soon');
    await page.locator('#now-rooms .notice').waitFor();
    assert.match(await page.locator('#now-rooms .notice').textContent(), /“soon” in the address is not a time/);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('who the speakers are, in the page\'s language, under the session they speak in', async () => {
  const prog = (await apiCall(d.baseURL, 'GET', '/api/v1/programme')).body;
  const session = prog.days.flatMap((day) => day.sessions).find((s) => s.speakers && s.speakers.length);
  const sp = session.speakers[0];
  const cur = (await olle.call('GET', `/api/v1/admin/speakers/${sp.id}`)).body;
  let r = await olle.call('PATCH', `/api/v1/admin/speakers/${sp.id}`, {
    version: cur.version, bio: 'Leder <b>presshärdningen</b> på verket.', bio_en: 'Leads press hardening at the works.',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await olle.call('POST', '/api/v1/admin/events/1/releases', {});
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const want = {
    sv: ['Om talaren', `${sp.name}: Leder <b>presshärdningen</b> på verket.`],
    en: ['About the speaker', `${sp.name}: Leads press hardening at the works.`],
  };
  for (const lang of ['sv', 'en']) {
    const { context, page, problems } = await programmePage(lang);
    try {
      const bios = page.locator(`#session-${session.id} .session-bios`);
      assert.equal((await bios.locator('summary').textContent()).trim(), want[lang][0]);
      await bios.locator('summary').click();
      assert.equal((await bios.locator('p').first().textContent()).trim(), want[lang][1]);
      assert.equal(await bios.locator('b').count(), 0, 'the bio is text, never markup');
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(real(problems), []);
    } finally {
      await context.close();
    }
  }
});
