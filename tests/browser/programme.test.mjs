// Browser tests of the console's Programme section on an empty database:
// an organiser creates a room, a speaker and a session through the forms,
// moves the session in the day grid by keyboard (Escape undoes, Enter
// saves) and by dragging, sees a clash refused with the clashing session
// named, in the form and in the grid, and sees the clash made behind the
// page's back in the issues list; a phone gets the list; axe-core finds
// nothing in Swedish or English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

const PASSWORD = 'organiser password';
const DESKTOP = { viewport: { width: 1280, height: 1000 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
let d = null;
let browser = null;
let olle = null;
let event = null;

async function signIn(page) {
  await page.goto('/console/');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'olle');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('.console-nav a[aria-current="page"]').waitFor();
}

async function sessionRow(id) {
  const r = await olle.call('GET', `/api/v1/admin/sessions/${id}`);
  assert.equal(r.status, 200);
  return r.body;
}

before(async () => {
  d = await startDaemon({ demo: false });
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
  const r = await olle.call('POST', '/api/v1/admin/events', {
    slug: 'techtank-2027', name: 'Techtank-konferensen 2027', name_en: 'Techtank Conference 2027',
    starts_at: '2027-11-30T08:00:00+01:00', ends_at: '2027-12-01T17:00:00+01:00',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  event = r.body;
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('an organiser builds a programme, moves a session by keyboard and by dragging, and a clash is refused', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, DESKTOP);
  try {
    await signIn(page);
    await page.click('.console-nav a[href="#/programme"]');
    await page.locator('#new-room').waitFor();
    assert.match(await page.locator('#clash-list').textContent(), /No clashes/);

    // A room, through its form.
    await page.click('#new-room');
    await page.fill('#room-name', 'Stora salen');
    await page.fill('#room-seats', '150');
    await page.click('#room-save');
    await page.locator('#room-list').waitFor();
    assert.match(await page.locator('#console-status').textContent(), /Stora salen is added/);
    // A second room and a second speaker behind the page's back.
    const roomB = (await olle.call('POST', `/api/v1/admin/events/${event.id}/rooms`, { name: 'Sal Ronneby', seats: 60, sort: 2 })).body;

    // A speaker, who has no session yet: a warning.
    await page.click('#new-speaker');
    await page.fill('#speaker-name', 'Åsa Lindström-Öberg');
    await page.fill('#speaker-company', 'Nordpress Formning AB');
    await page.fill('#speaker-bio', 'Leder presshärdningen.');
    await page.fill('#speaker-bio-en', 'Leads press hardening.');
    await page.click('#speaker-save');
    await page.locator('#speaker-list').waitFor();
    await page.locator('#warning-list', { hasText: 'Åsa Lindström-Öberg has no session' }).waitFor();

    // A session with that speaker in the first room.
    await page.click('#new-session');
    await page.locator('#session-title').waitFor();
    await page.fill('#session-title', 'Presshärdning i stor skala');
    await page.fill('#session-title-en', 'Press hardening at scale');
    await page.selectOption('#session-kind', 'workshop');
    await page.fill('#session-starts-at', '2027-11-30T09:00');
    await page.fill('#session-ends-at', '2027-11-30T10:00');
    await page.selectOption('#session-room', { label: 'Stora salen' });
    await page.getByLabel(/Åsa Lindström-Öberg/).check();
    await page.click('#session-save');
    await page.locator('#programme-back').waitFor();
    await page.waitForFunction(() => /^#\/sessions\/\d+$/.test(location.hash));
    const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
    let row = await sessionRow(id);
    assert.equal(row.kind, 'workshop');
    assert.equal(row.starts_at, '2027-11-30T09:00:00+01:00');
    assert.equal(row.speakers.length, 1);

    // A second session in the same room at the same time: refused, the clash named.
    const other = (await olle.call('POST', `/api/v1/admin/events/${event.id}/sessions`, {
      title: 'Verktygsslitage', starts_at: '2027-11-30T10:30:00+01:00', ends_at: '2027-11-30T11:00:00+01:00',
      room_id: roomB.id,
    })).body;
    await page.click('#programme-back');
    await page.click('#new-session');
    await page.locator('#session-title').waitFor();
    await page.fill('#session-title', 'Dubbelbokad');
    await page.fill('#session-starts-at', '2027-11-30T09:30');
    await page.fill('#session-ends-at', '2027-11-30T10:30');
    await page.selectOption('#session-room', { label: 'Stora salen' });
    await page.click('#session-save');
    const alert = page.locator('#session-form-alert');
    await alert.locator('a.clash-link').waitFor();
    assert.match(await alert.textContent(), /Clash: Stora salen is taken by Presshärdning i stor skala/);
    assert.equal(await alert.locator('a.clash-link').getAttribute('href'), `#/sessions/${id}`);
    assert.deepEqual(await axeViolations(page), []);
    // With the speaker too: both clashes are named, each with its link.
    await page.getByLabel(/Åsa Lindström-Öberg/).check();
    await page.click('#session-save');
    await alert.locator('.clash-list li').nth(1).waitFor();
    assert.match(await alert.textContent(), /clashes in 2 ways/);
    assert.match(await alert.locator('.clash-list li').nth(1).textContent(), /Åsa Lindström-Öberg speaks in Presshärdning i stor skala/);
    assert.deepEqual(await alert.locator('a.clash-link').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
      [`#/sessions/${id}`, `#/sessions/${id}`]);
    assert.deepEqual(await axeViolations(page), []);

    // The grid: move the session by keyboard, Escape undoes, Enter saves.
    await openView(page, `#/events/${event.id}/programme`, '#day-grid');
    const cell = page.locator(`#day-grid [data-session-id="${id}"]`);
    await cell.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.match(await page.locator('#grid-live').textContent(), /09:10–10:10, Stora salen/);
    await page.keyboard.press('Escape');
    assert.match(await page.locator('#grid-live').textContent(), /was not moved/);
    assert.equal((await sessionRow(id)).starts_at, '2027-11-30T09:00:00+01:00');
    await page.locator(`#day-grid [data-session-id="${id}"]`).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('#grid-live', { hasText: 'is moved to 09:05–10:05, Sal Ronneby' }).waitFor();
    row = await sessionRow(id);
    assert.equal(row.starts_at, '2027-11-30T09:05:00+01:00');
    assert.equal(row.room_id, roomB.id);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.sessionId), String(id));
    // The session fills its rows, so that the focus ring goes round all of it.
    const block = page.locator(`#day-grid [data-session-id="${id}"]`);
    const [bb, td] = [await block.boundingBox(), await block.locator('xpath=..').boundingBox()];
    assert.ok(bb.height >= td.height - 6, `block ${bb.height} px in a cell of ${td.height} px`);
    // Said where it can be seen, not only to a screen reader, above the grid.
    const status = page.locator('#grid-live');
    assert.equal(await status.getAttribute('role'), 'status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    const box = await status.boundingBox();
    assert.ok(box && box.width > 200 && box.height >= 16, `status line ${JSON.stringify(box)}`);
    assert.ok(box.y < (await page.locator('#day-grid').boundingBox()).y, 'the status line is above the grid');
    assert.equal(await status.evaluate((n) => getComputedStyle(n).clip === 'rect(0px, 0px, 0px, 0px)' || n.offsetHeight < 2), false);

    // Into the other session's time in its room: the clash is refused and said.
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#grid-alert a.clash-link').waitFor();
    assert.match(await page.locator('#grid-alert').textContent(), /Sal Ronneby is taken by Verktygsslitage/);
    assert.equal((await sessionRow(id)).starts_at, '2027-11-30T09:05:00+01:00');
    // The refused move is over: the status line no longer offers Enter.
    await page.locator('#grid-live', { hasText: 'was not moved' }).waitFor();
    assert.doesNotMatch(await page.locator('#grid-live').textContent(), /Enter/);

    // Dragging: back to the first room, an hour later.
    const from = await page.locator(`#day-grid [data-session-id="${id}"]`).boundingBox();
    const target = await page.locator('#day-grid tbody tr[data-min="725"] td[data-col="1"]').boundingBox();
    await page.mouse.move(from.x + from.width / 2, from.y + 5);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 - 50, from.y + 40, { steps: 4 });
    await page.mouse.move(target.x + target.width / 2, target.y + 2, { steps: 8 });
    // While held, the block is marked moving and the place it would land
    // is marked on the grid's edges: the room and the time.
    assert.equal(await page.locator(`#day-grid [data-session-id="${id}"].is-moving`).count(), 1);
    assert.deepEqual(await page.locator('#day-grid th.drop-target').allTextContents(),
      ['Stora salen', '12:05']);
    await page.mouse.up();
    assert.equal(await page.locator('#day-grid th.drop-target').count(), 0);
    await page.locator('#grid-live', { hasText: 'is moved to 12:05–13:05, Stora salen' }).waitFor();
    row = await sessionRow(id);
    const roomA = (await olle.call('GET', `/api/v1/admin/events/${event.id}/rooms`)).body.items[0];
    assert.equal(roomA.name, 'Stora salen');
    assert.equal(row.room_id, roomA.id);
    assert.equal(row.starts_at, '2027-11-30T12:05:00+01:00');
    assert.equal(page.url().includes(`#/events/${event.id}/programme`), true, 'the drag did not follow the link');
    assert.equal(other.room_id, roomB.id);

    // A clash made behind the page's back is in the issues list, with links.
    await olle.call('POST', `/api/v1/admin/events/${event.id}/sessions`, {
      title: 'Bakom ryggen', starts_at: '2027-11-30T14:00:00+01:00', ends_at: '2027-11-30T15:00:00+01:00', room_id: roomB.id,
    });
    const clashing = (await olle.call('GET', `/api/v1/admin/events/${event.id}/sessions?limit=200`)).body.items.find((s) => s.title === 'Bakom ryggen');
    const db = await import('node:child_process');
    db.spawnSync('sqlite3', [d.db, `UPDATE sessions SET starts_at = starts_at - 3600 * 2, room_id = ${row.room_id} WHERE id = ${clashing.id}`]);
    await page.reload();
    await page.locator('#clash-list').waitFor();
    assert.match(await page.locator('#clash-list').textContent(), /Two sessions in Stora salen at once/);
    assert.equal(await page.locator(`#clash-list a[href="#/sessions/${clashing.id}"]`).count(), 1);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: path.join(outDir, 'programme-grid.png'), fullPage: true });
    await setLang(page, 'sv');
    assert.match(await page.locator('#clash-list').textContent(), /Två sessioner i Stora salen samtidigt/);
    assert.equal((await page.locator('#view h1').first().textContent()).trim(), 'Program');
    assert.deepEqual(await axeViolations(page), []);
    // A keyboard move in Swedish: said in the status line, the focus stays.
    await page.locator(`#day-grid [data-session-id="${other.id}"]`).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#grid-live', { hasText: 'Verktygsslitage är flyttad till 10:35–11:05, Sal Ronneby.' }).waitFor();
    assert.ok((await page.locator('#grid-live').boundingBox()).height >= 16);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.sessionId), String(other.id));
    assert.equal((await sessionRow(other.id)).starts_at, '2027-11-30T10:35:00+01:00');
    assert.deepEqual(await axeViolations(page), []);
    await openView(page, `#/sessions/${id}`, '#session-title');
    assert.deepEqual(await axeViolations(page), []);
    await openView(page, `#/events/${event.id}/speakers/new`, '#speaker-name');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'en');
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('a phone gets the sessions as a list, in both languages', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signIn(page);
    await openView(page, `#/events/${event.id}/programme`, '#session-list');
    assert.equal(await page.locator('#day-grid').isVisible(), false);
    assert.equal(await page.locator('#session-list').isVisible(), true);
    assert.match(await page.locator('#session-list').textContent(), /Verktygsslitage/);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.match(await page.locator('#session-list').textContent(), /Workshop · Stora salen/);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a session added outside the event\'s days says so as soon as it is added', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, DESKTOP);
  try {
    await signIn(page);
    await openView(page, `#/events/${event.id}/sessions/new`, '#session-title');
    await page.fill('#session-title', 'Efterfest');
    await page.fill('#session-starts-at', '2027-12-05T18:00');
    await page.fill('#session-ends-at', '2027-12-05T20:00');
    await page.click('#session-save');
    await page.waitForFunction(() => /^#\/sessions\/\d+$/.test(location.hash));
    await page.locator('#saved-warnings', { hasText: "Efterfest" }).waitFor();
    assert.match(await page.locator('#saved-warnings').textContent(), /outside the event's days/);
    assert.match(await page.locator('#console-status').textContent(), /Efterfest is added/);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a new session lasts 45 minutes, its end follows its start, and the next one takes the length of the last', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, DESKTOP);
  try {
    await signIn(page);
    await openView(page, `#/events/${event.id}/sessions/new`, '#session-title');
    const start = page.locator('#session-starts-at');
    const end = page.locator('#session-ends-at');
    assert.equal(await start.inputValue(), '2027-11-30T09:00');
    assert.equal(await end.inputValue(), '2027-11-30T09:45');
    // A later start takes the end along, keeping the length.
    await start.fill('2027-11-30T13:00');
    assert.equal(await end.inputValue(), '2027-11-30T13:45');
    await end.fill('2027-11-30T14:30');
    await start.fill('2027-11-30T15:15');
    assert.equal(await end.inputValue(), '2027-11-30T16:45');
    // An end typed before the start: the start's change puts the default length back.
    await end.fill('2027-11-30T08:00');
    await start.fill('2027-11-30T15:30');
    assert.equal(await end.inputValue(), '2027-11-30T16:15');
    // Past midnight by wall clock.
    await start.fill('2027-11-30T23:45');
    assert.equal(await end.inputValue(), '2027-12-01T00:30');
    await start.fill('2027-11-30T15:00');
    await end.fill('2027-11-30T16:30');
    await page.fill('#session-title', 'Verktygsstål för varmformning');
    await page.click('#session-save');
    await page.waitForFunction(() => /^#\/sessions\/\d+$/.test(location.hash));
    const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
    const row = await sessionRow(id);
    assert.equal(row.starts_at, '2027-11-30T15:00:00+01:00');
    assert.equal(row.ends_at, '2027-11-30T16:30:00+01:00');
    // The edit form keeps the length when the start moves.
    await page.locator('#session-starts-at').fill('2027-11-30T15:10');
    assert.equal(await page.locator('#session-ends-at').inputValue(), '2027-11-30T16:40');
    await page.click('#session-save');
    await page.locator('#session-save-status:not(:empty)').waitFor();
    assert.equal((await sessionRow(id)).ends_at, '2027-11-30T16:40:00+01:00');
    // The next new session: 90 minutes, as the last one made.
    await openView(page, `#/events/${event.id}/sessions/new`, '#session-title');
    assert.equal(await page.locator('#session-ends-at').inputValue(), '2027-11-30T10:30');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('every group of the session form has a legend: the room and the speakers too', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, DESKTOP);
  try {
    await signIn(page);
    for (const [lang, want] of [['en', 'Room and speakers'], ['sv', 'Sal och talare']]) {
      if (lang === 'sv') await setLang(page, 'sv');
      await openView(page, `#/events/${event.id}/sessions/new`, '#session-title');
      const legends = await page.locator('#session-form fieldset').evaluateAll((fs) => fs.map((f) => {
        const first = f.firstElementChild;
        return first && first.tagName === 'LEGEND' ? first.textContent.trim() : '';
      }));
      assert.ok(legends.length >= 6, legends.join(' | '));
      for (const l of legends) assert.notEqual(l, '', legends.join(' | '));
      const place = page.locator('#session-place');
      assert.equal(await place.evaluate((n) => n.tagName), 'FIELDSET');
      assert.equal((await place.locator('> legend').textContent()).trim(), want);
      // The room select and the speakers' list are inside it.
      assert.equal(await place.locator('#session-room').count(), 1);
      assert.equal(await place.locator('#session-speakers').count(), 1);
      assert.equal(await page.getByRole('group', { name: want }).count(), 1);
      assert.deepEqual(await axeViolations(page), []);
    }
    await setLang(page, 'en');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a cancelled session says so above its form, which shows what it keeps, and restores', async () => {
  const roomA = (await olle.call('GET', `/api/v1/admin/events/${event.id}/rooms`)).body.items.find((r) => r.name === 'Stora salen');
  const made = await olle.call('POST', `/api/v1/admin/events/${event.id}/sessions`, {
    title: 'Inställd dragning', starts_at: '2027-12-01T09:00:00+01:00', ends_at: '2027-12-01T09:45:00+01:00', room_id: roomA.id,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { context, page, problems } = await newPage(browser, d.baseURL, DESKTOP);
  try {
    await signIn(page);
    await openView(page, `#/sessions/${made.body.id}`, '#session-title');
    assert.equal(await page.locator('#session-cancelled-notice').isVisible(), false);
    // Cancelled through the form: the notice comes, the room stays shown, as the hint says.
    await page.check('#session-cancelled');
    await page.click('#session-save');
    await page.locator('#session-cancelled-notice').waitFor();
    const notice = await page.locator('#session-cancelled-notice').textContent();
    assert.match(notice, /This session is cancelled/);
    assert.match(notice, /free for other sessions/);
    assert.match(await page.locator('#session-cancelled-hint').textContent(), /stay noted on it but are free for other sessions/);
    assert.equal(await page.locator('#session-cancelled').isChecked(), true);
    assert.equal(await page.locator('#session-room option:checked').textContent(), 'Stora salen');
    assert.equal((await sessionRow(made.body.id)).cancelled, true);
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'sv');
    assert.match(await page.locator('#session-cancelled-notice').textContent(), /Den här sessionen är inställd/);
    assert.equal((await page.locator('#session-restore').textContent()).trim(), 'Återställ sessionen');
    assert.deepEqual(await axeViolations(page), []);
    await setLang(page, 'en');

    // Restored with one button: the form agrees, the notice goes.
    await page.click('#session-restore');
    await page.locator('#session-save-status', { hasText: 'The session is restored' }).waitFor();
    assert.equal(await page.locator('#session-cancelled-notice').isVisible(), false);
    assert.equal(await page.locator('#session-cancelled').isChecked(), false);
    assert.equal((await sessionRow(made.body.id)).cancelled, false);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');

    // Cancelled again, its room taken meanwhile: the restore is refused with the clash named.
    await page.check('#session-cancelled');
    await page.click('#session-save');
    await page.locator('#session-cancelled-notice').waitFor();
    const taker = await olle.call('POST', `/api/v1/admin/events/${event.id}/sessions`, {
      title: 'Tar salen', starts_at: '2027-12-01T09:00:00+01:00', ends_at: '2027-12-01T09:30:00+01:00', room_id: roomA.id,
    });
    assert.equal(taker.status, 201, JSON.stringify(taker.body));
    await page.click('#session-restore');
    await page.locator('#session-form-alert a.clash-link').waitFor();
    assert.match(await page.locator('#session-form-alert').textContent(), /Stora salen is taken by Tar salen/);
    assert.equal(await page.locator('#session-cancelled-notice').isVisible(), true);
    assert.equal((await sessionRow(made.body.id)).cancelled, true);
    await olle.call('DELETE', `/api/v1/admin/sessions/${taker.body.id}?version=${taker.body.version}`);
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});
