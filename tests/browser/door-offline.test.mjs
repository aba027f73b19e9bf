// Browser tests of the door page without the server: it keeps the
// checkpoint's copy in IndexedDB while online; offline it says so in a
// banner, decides scans from the copy (ok, cancelled, unknown, already in
// on this device) and queues the check-ins, which it sends by itself when
// the network is back, with their own times; two doors offline letting
// the same person in are one check-in and one conflict; the stored copy
// names no one and holds no code; the names list (when the organisers
// enable it) finds people offline; and the page loads with no server at
// all (its service worker).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import {
  startDaemon, addUser, launch, newPage, apiCall, staffLogin, real, axeViolations,
} from './harness.mjs';

const PASSWORD = 'door staff password';
let d = null;
let browser = null;
let olle = null;

async function one(first, last, company = 'Offline AB') {
  const email = `${crypto.randomBytes(6).toString('hex')}@example.se`;
  const p = { first_name: first, last_name: last, email, company };
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: 1, privacy_accepted: true, contact: p, attendees: [p],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.manage_token, ...r.body.attendees[0] };
}

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', `file:${d.db}?mode=ro`, query], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

/** The live check-ins of an attendee at the entrance. */
function checkins(id) {
  return sql(`SELECT at, device FROM checkins WHERE attendee_id = ${Number(id)} AND checkpoint = 'main'`
    + ' AND undone_at IS NULL');
}

/** Log in on the door page and wait until the checkpoint's copy is kept. */
async function login(page) {
  await page.goto('/door.html');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', 'anna');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('#scan-view').waitFor();
  await page.waitForFunction(() => document.querySelector('#copy-age').dataset.synced);
}

async function scan(page, code) {
  await page.locator('#scan-input').focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

async function waitResult(page, result, name) {
  await page.waitForFunction(([r, n]) => {
    const box = document.querySelector('#result');
    return !box.hidden && box.dataset.result === r
      && (n === null || document.querySelector('#result-name').textContent === n);
  }, [result, name ?? null]);
  // The next scan is a new answer, not this one still shown.
  await page.evaluate(() => { document.querySelector('#result').dataset.result = 'seen'; });
}

/** Everything the page keeps in IndexedDB, as one text. */
function dumpStore(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('techtank-door');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const out = {};
    for (const name of db.objectStoreNames) {
      out[name] = await new Promise((resolve, reject) => {
        const req = db.transaction(name).objectStore(name).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    db.close();
    return JSON.stringify(out);
  });
}

/**
 * The problems of a page less the requests the browser could not send
 * while offline, which it reports as console errors itself.
 */
function problemsOf(problems) {
  return real(problems).filter((p) => !/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|CONNECTION_REFUSED)/.test(p));
}

async function queueCount(page) {
  return Number(await page.locator('#offline-queue').getAttribute('data-count'));
}

before(async () => {
  d = await startDaemon();
  addUser(d, 'anna', 'door', PASSWORD);
  addUser(d, 'olle', 'organiser', PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', PASSWORD);
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('offline the page decides from its copy, queues, and sends by itself with the original times', async () => {
  const ok = await one('Åsa', 'Lindström-Öberg', 'Pressverk AB');
  const gone = await one('Björn', 'Håkansdotter', 'Blekinge Verktyg AB');
  let r = await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${gone.token}`);
  assert.equal(r.status, 200);
  // The door's clock is in Sweden; times are shown as on it.
  const { context, page, problems } = await newPage(browser, d.baseURL, { timezoneId: 'Europe/Stockholm' });
  const clock = (t) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' })
    .format(new Date(t * 1000));
  try {
    await login(page);
    assert.match(await page.locator('#copy-age').textContent(), /^Copy on this device: \d+ passes, updated \d\d:\d\d \(just now\)$/);
    assert.equal(await page.locator('#offline-banner').isHidden(), true);

    await context.setOffline(true);
    const before = Math.floor(Date.now() / 1000);
    // The code as typed from the pass: in groups, lower case.
    await scan(page, ok.pass_code.toLowerCase().replace(/(.{3})/g, '$1 '));
    await waitResult(page, 'ok', 'Åsa Lindström-Öberg');
    const scannedAt = Math.floor(Date.now() / 1000);
    assert.match(await page.locator('#result-company').textContent(), /Pressverk AB/);
    assert.equal(await page.locator('#result-detail').textContent(), 'Decided on this device (offline)');
    assert.equal(await page.locator('#offline-banner').isVisible(), true);
    assert.match(await page.locator('#offline-headline').textContent(), /^No connection to the server\./);
    await scan(page, gone.pass_code);
    await waitResult(page, 'cancelled', '');
    await scan(page, 'TT-AAAAAABBBBBBCCCCCCDDDDDDEEE');
    await waitResult(page, 'unknown', '');
    await scan(page, ok.pass_code);
    await waitResult(page, 'already_checked_in', 'Åsa Lindström-Öberg');
    const shown = /^First checked in at (\d\d:\d\d) by door-[0-9a-f]{8}$/.exec(await page.locator('#result-detail').textContent());
    assert.ok(shown && [clock(before), clock(scannedAt)].includes(shown[1]), `${shown} on the door's clock`);
    await page.locator('#offline-queue').filter({ hasText: '1 check-in waiting to be sent' }).waitFor();
    assert.equal(await queueCount(page), 1);
    assert.deepEqual(checkins(ok.id), [], 'nothing reached the server yet');

    // What is kept names no one and holds no code.
    const kept = await dumpStore(page);
    assert.ok(kept.includes('"queue":[{'), 'the queue is kept');
    for (const a of [ok, gone]) {
      const body = a.pass_code.split('-').pop();
      for (const secret of [a.pass_code, body, body.toLowerCase(), a.first_name, a.last_name,
        ...a.last_name.split('-'), 'Lindstr', 'Håkans', 'Pressverk', 'Blekinge']) {
        assert.ok(!kept.includes(secret), `${secret} is not kept in the clear`);
      }
    }
    assert.ok(!/"names":\[\{/.test(kept), 'no names list unless the organisers enable it');

    // In Swedish, the banner too; axe finds nothing in either language.
    await page.locator('#result').waitFor({ state: 'hidden' });
    assert.deepEqual(await axeViolations(page), [], 'axe, offline, en');
    await page.click('.lang-switch button[data-lang="sv"]');
    await page.locator('#offline-headline').filter({ hasText: /^Ingen kontakt med servern\./ }).waitFor();
    assert.equal(await page.locator('#offline-queue').textContent(), '1 incheckning väntar på att skickas');
    assert.match(await page.locator('#copy-age').textContent(), /^Kopia på enheten: \d+ passerkort, uppdaterad \d\d:\d\d/);
    assert.deepEqual(await axeViolations(page), [], 'axe, offline, sv');
    await page.click('.lang-switch button[data-lang="en"]');

    // Back online: sent with no one doing anything.
    await context.setOffline(false);
    await page.locator('#offline-banner').waitFor({ state: 'hidden' });
    await page.locator('#door-alert').filter({ hasText: '1 check-in made offline was sent.' }).waitFor();
    const rows = checkins(ok.id);
    assert.equal(rows.length, 1);
    assert.ok(rows[0].at >= before && rows[0].at <= scannedAt, `${rows[0].at} is the time of the scan`);
    assert.match(rows[0].device, /^door-[0-9a-f]{8}$/);
    assert.deepEqual(checkins(gone.id), []);
    assert.equal(sql('SELECT count(*) AS n FROM offline_scans')[0].n, 1, 'only the one let in was queued');
    // Online again: the server decides, and knows her.
    await scan(page, ok.pass_code);
    await waitResult(page, 'already_checked_in', 'Åsa Lindström-Öberg');
    assert.match(await page.locator('#result-detail').textContent(), /^First checked in at \d\d:\d\d by anna$/);
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    await context.close();
  }
});

/** An attendee operation of the console's (reissue, substitute): the answer's body. */
async function op(id, name, body = {}) {
  const page = await olle.call('GET', `/api/v1/admin/attendees/${id}`);
  const r = await olle.call('POST', `/api/v1/admin/attendees/${id}/${name}`, { ...body, version: page.body.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('reissued, substituted and cancelled passes reach the copy at the next sync, as a delta', async () => {
  const reissued = await one('Rut', 'Reissue');
  const substituted = await one('Sam', 'Substitute');
  const cancelled = await one('Cilla', 'Cancel');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  const asked = [];
  page.on('request', (r) => asked.push(r.url()));
  try {
    await login(page);
    const synced = await page.locator('#copy-age').getAttribute('data-synced');
    const code = (await op(reissued.id, 'reissue')).pass_code;
    const sub = (await op(substituted.id, 'substitute', {
      first_name: 'Märta', last_name: 'Ångström', email: `${crypto.randomBytes(6).toString('hex')}@example.se`,
    })).pass_code;
    assert.equal((await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${cancelled.token}`)).status, 200);
    // The network lost and back: the page syncs again on its own.
    await context.setOffline(true);
    await page.locator('#offline-banner').waitFor();
    await context.setOffline(false);
    await page.waitForFunction((s) => document.querySelector('#copy-age').dataset.synced !== s, synced);
    await context.setOffline(true);
    await scan(page, reissued.pass_code);
    await waitResult(page, 'unknown', '');
    await scan(page, code);
    await waitResult(page, 'ok', 'Rut Reissue');
    await scan(page, substituted.pass_code);
    await waitResult(page, 'unknown', '');
    await scan(page, sub);
    await waitResult(page, 'ok', 'Märta Ångström');
    await scan(page, cancelled.pass_code);
    await waitResult(page, 'cancelled', '');
    await context.setOffline(false);
    await page.locator('#offline-banner').waitFor({ state: 'hidden' });
    assert.equal(checkins(reissued.id).length, 1);
    assert.equal(checkins(substituted.id).length, 1);
    const syncs = asked.filter((u) => u.includes('/sync'));
    assert.match(syncs[0], /\/api\/v1\/checkpoints\/main\/sync$/, 'the whole copy first');
    assert.ok(syncs.slice(1).length > 0 && syncs.slice(1).every((u) => /\/sync\?since=\d+$/.test(u)), 'then deltas');
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    await context.close();
  }
});

test('two doors offline letting the same person in are one check-in and one conflict', async () => {
  const zoe = await one('Zoë', 'Ødegård-Łukasiewicz');
  const north = await newPage(browser, d.baseURL);
  const south = await newPage(browser, d.baseURL);
  try {
    await login(north.page);
    await login(south.page);
    await north.context.setOffline(true);
    await south.context.setOffline(true);
    await scan(north.page, zoe.pass_code);
    await waitResult(north.page, 'ok', 'Zoë Ødegård-Łukasiewicz');
    await new Promise((res) => setTimeout(res, 1100)); // a second later
    await scan(south.page, zoe.pass_code);
    await waitResult(south.page, 'ok', 'Zoë Ødegård-Łukasiewicz');
    const first = Math.floor(Date.now() / 1000) - 1;
    await south.context.setOffline(false);
    await south.page.locator('#offline-banner').waitFor({ state: 'hidden' });
    await north.context.setOffline(false);
    await north.page.locator('#offline-banner').waitFor({ state: 'hidden' });
    await north.page.locator('#door-alert').filter({ hasText: /1 of them were let in at another door too/ }).waitFor();
    const rows = checkins(zoe.id);
    assert.equal(rows.length, 1, 'one check-in kept');
    assert.ok(rows[0].at <= first, 'the earlier one, north');
    const listed = await olle.call('GET', '/api/v1/admin/door-conflicts');
    assert.equal(listed.body.total, 1);
    assert.equal(listed.body.conflicts[0].attendee.id, zoe.id);
    assert.notEqual(listed.body.conflicts[0].kept.device, listed.body.conflicts[0].other.device);
    const stats = await olle.call('GET', '/api/v1/checkins/stats');
    assert.equal(stats.body.checkpoints.find((c) => c.id === 'main').conflicts, 1);
    assert.deepEqual(problemsOf(north.problems), []);
    assert.deepEqual(problemsOf(south.problems), []);
  } finally {
    await north.context.close();
    await south.context.close();
  }
});

test('with the names list enabled, someone without a badge is found and let in offline', async () => {
  const ev = await olle.call('GET', '/api/v1/admin/events/1');
  let r = await olle.call('PATCH', '/api/v1/admin/events/1', { version: ev.body.version, door_offline_names: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const karin = await one('Karin', 'Ängström', 'Namn AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await context.setOffline(true);
    await page.fill('#search-input', 'angstrom karin');
    await page.press('#search-input', 'Enter');
    const hit = page.locator('#search-results .search-hit', { hasText: 'Karin Ängström' });
    await hit.waitFor();
    assert.deepEqual(await hit.getByRole('button').allTextContents(), ['Check in']);
    await hit.getByRole('button', { name: 'Check in' }).click();
    await waitResult(page, 'ok', 'Karin Ängström');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');
    // In again from the list: already in, on this device.
    await page.locator('#search-results .search-hit[data-verdict="already_checked_in"]').waitFor();
    await context.setOffline(false);
    await page.locator('#offline-banner').waitFor({ state: 'hidden' });
    assert.equal(checkins(karin.id).length, 1);
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    r = await olle.call('GET', '/api/v1/admin/events/1');
    await olle.call('PATCH', '/api/v1/admin/events/1', { version: r.body.version, door_offline_names: false });
    await context.close();
  }
});

test('offline the names list finds the same people as the server, folded by the server\'s table', async () => {
  const ev = await olle.call('GET', '/api/v1/admin/events/1');
  let r = await olle.call('PATCH', '/api/v1/admin/events/1', { version: ev.body.version, door_offline_names: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const people = {};
  for (const [first, last] of [['Björn', 'Håkansdotter'], ['Bjørn', 'Asplund'], ['Zoë', 'Ødegård-Łukasiewicz'],
    ['Zoe', 'Åkesson'], ['Åsa', 'Lindström-Öberg'], ['Åsa', 'Lind'], ['Asad', 'Lindén'], ['Anna', 'Lindqvist'],
    ['Karin', 'Lindström'], ['Ｚｏë', 'Çelik'], ['Γιώργος', 'Παπαδόπουλος'], ['Guðrún', 'Jónsdóttir']]) {
    people[`${first} ${last}`] = await one(first, last, 'Namn AB');
  }
  const gone = await one('Björn', 'Borg', 'Namn AB');
  r = await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${gone.token}`);
  assert.equal(r.status, 200);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  /** The people a search lists who may come in, by name, and those who may not. */
  async function search(q) {
    const list = page.locator('#search-results');
    const shown = Number(await list.getAttribute('data-shown') || 0);
    await page.fill('#search-input', q);
    await page.press('#search-input', 'Enter');
    await page.waitForFunction((n) => Number(document.querySelector('#search-results').dataset.shown || 0) > n, shown);
    const hits = await page.locator('#search-results .search-hit').evaluateAll((els) => els.map((e) => ({
      name: e.querySelector('.search-name').textContent, verdict: e.dataset.verdict })));
    const refused = ['cancelled', 'waitlisted', 'not_registered_here'];
    return {
      in: hits.filter((h) => !refused.includes(h.verdict)).map((h) => h.name).sort(),
      out: hits.filter((h) => refused.includes(h.verdict)).map((h) => h.name).sort(),
    };
  }
  const queries = ['Bjorn', 'Zoe', 'lindstrom', 'Asa Lind', 'Lindström Åsa', 'ZOË', 'odegard lukasiewicz',
    'γιωργος', 'celik', 'lind asa', 'gudrun', 'kesson'];
  try {
    await login(page);
    const online = {};
    for (const q of queries) online[q] = await search(q);
    await context.setOffline(true);
    for (const q of queries) {
      const offline = await search(q);
      assert.deepEqual(offline.in, online[q].in, `"${q}": offline as online`);
      assert.deepEqual(offline.out, [], `"${q}": only those who may come in are in the list offline`);
    }
    assert.deepEqual(online.Bjorn.in.filter((n, i, all) => people[n] && all.indexOf(n) === i), ['Björn Håkansdotter', 'Bjørn Asplund']);
    assert.ok(online.Bjorn.out.includes('Björn Borg') && !online.Bjorn.in.includes('Björn Borg'));
    assert.deepEqual(online.Zoe.in.filter((n, i, all) => people[n] && all.indexOf(n) === i), ['Zoe Åkesson', 'Zoë Ødegård-Łukasiewicz', 'Ｚｏë Çelik']);
    assert.deepEqual(online['Asa Lind'].in.filter((n, i, all) => people[n] && all.indexOf(n) === i), ['Asad Lindén', 'Åsa Lind', 'Åsa Lindström-Öberg']);
    assert.deepEqual(online['Lindström Åsa'].in.filter((n, i, all) => people[n] && all.indexOf(n) === i), ['Åsa Lindström-Öberg']);
    assert.ok(online.lindstrom.in.includes('Karin Lindström') && !online.lindstrom.in.includes('Åsa Lind'));
    assert.deepEqual(online['γιωργος'].in, ['Γιώργος Παπαδόπουλος']);
    // ð is spelt d, as the server spells it; a word is found by its start only.
    assert.deepEqual(online.gudrun.in, ['Guðrún Jónsdóttir']);
    assert.deepEqual(online.kesson.in, []);
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    r = await olle.call('GET', '/api/v1/admin/events/1');
    await olle.call('PATCH', '/api/v1/admin/events/1', { version: r.body.version, door_offline_names: false });
    await context.close();
  }
});

test('scans decided at once are all queued, even with the page reloaded as the last answer shows', async () => {
  const people = [await one('Ebba', 'Ek'), await one('Nils', 'Nilsson'), await one('Li', 'Lind')];
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    // A scanner's burst: each code the moment the last answer shows (the
    // answer does not wait for its write to the queue), and the page
    // reloaded in the same moment as the last one's.
    const shown = await page.evaluate((codes) => new Promise((resolve) => {
      const box = document.querySelector('#result');
      const input = document.querySelector('#scan-input');
      const results = [];
      box.dataset.result = 'seen';
      const mo = new MutationObserver(() => {
        if (box.hidden || box.dataset.result === 'seen') return;
        results.push(box.dataset.result);
        box.dataset.result = 'seen';
        if (results.length === codes.length) {
          mo.disconnect();
          resolve(results);
          location.reload();
          return;
        }
        input.value = codes[results.length];
        document.querySelector('#scan-form').requestSubmit();
      });
      mo.observe(box, { attributes: true, childList: true, subtree: true });
      input.value = codes[0];
      document.querySelector('#scan-form').requestSubmit();
    }), people.map((a) => a.pass_code));
    assert.deepEqual(shown, ['ok', 'ok', 'ok']);
    await page.waitForLoadState('load');
    await page.locator('#scan-view').waitFor();
    await page.locator('#offline-queue').filter({ hasText: '3 check-ins waiting to be sent' }).waitFor();
    // After the reload the copy still knows them.
    await scan(page, people[1].pass_code);
    await waitResult(page, 'already_checked_in', 'Nils Nilsson');
    await context.setOffline(false);
    await page.locator('#door-alert').filter({ hasText: '3 check-ins made offline were sent.' }).waitFor();
    for (const a of people) assert.equal(checkins(a.id).length, 1, a.first_name);
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    await context.close();
  }
});

test('the page loads and decides with no server at all (its service worker)', async () => {
  const per = await one('Per', 'Persson');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const manifest = await apiCall(d.baseURL, 'GET', '/door.webmanifest');
    assert.equal(manifest.status, 200);
    assert.match(manifest.headers.get('content-type'), /^application\/manifest\+json/);
    assert.equal(manifest.body.start_url, 'door.html');
    // The server gone, not just the network: nothing can come from it.
    d.proc.kill('SIGTERM');
    await new Promise((res) => d.proc.once('exit', res));
    // The venue's network up, the server not answering.
    await page.reload();
    await page.locator('#scan-view').waitFor();
    await page.locator('#offline-banner').waitFor();
    assert.match(await page.locator('#copy-age').textContent(), /^Copy on this device: /);
    await scan(page, per.pass_code);
    await waitResult(page, 'ok', 'Per Persson');
    await page.locator('#offline-queue').filter({ hasText: '1 check-in waiting to be sent' }).waitFor();
    assert.deepEqual(problemsOf(problems), []);
  } finally {
    await context.close();
  }
});
