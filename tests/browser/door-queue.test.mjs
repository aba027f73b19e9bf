// Browser tests of the door page in a real queue: a USB scanner's code
// (typed keys and Enter) is never lost whatever has the focus and never
// presses the last answer's button; the name search folds case and
// accents, says each person's status before any button and lists the
// cancelled; a code typed as printed, in lower case or with 0/O and 1/I
// confused is recognised; the answer names the checkpoint, shows dietary
// needs at a meal and stays 4 s; who is logged in is shown; organisers
// (only) undo; and a name tag prints at 4 x 3 inches with a QR code that
// zbarimg reads. axe-core finds nothing on the page in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang,
} from './harness.mjs';

const PASSWORD = 'door staff password';
let d = null;
let browser = null;
let olle = null;

function person(first, last, company, extra = {}) {
  const email = `${crypto.randomBytes(6).toString('hex')}@example.se`;
  return { first_name: first, last_name: last, email, company, ...extra };
}

async function register(people, ticketType = 1) {
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/registrations', {
    ticket_type: ticketType, privacy_accepted: true, contact: people[0], attendees: people,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function one(first, last, company, extra) {
  const reg = await register([person(first, last, company, extra)]);
  return { token: reg.manage_token, ...reg.attendees[0] };
}

async function login(page, user = 'anna') {
  await page.goto('/door.html');
  await page.locator('#login-form').waitFor();
  await page.fill('#login-username', user);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('#scan-view').waitFor();
  await page.locator('#checkpoint option').first().waitFor({ state: 'attached' });
  await page.locator('#counter').filter({ hasText: /\d/ }).waitFor();
}

async function waitResult(page, result, name) {
  await page.waitForFunction(([r, n]) => {
    const box = document.querySelector('#result');
    return !box.hidden && box.dataset.result === r
      && (n === null || document.querySelector('#result-name').textContent === n);
  }, [result, name ?? null]);
}

/** The list after a name search, once this search's answer is shown. */
async function search(page, q) {
  const shown = Number(await page.locator('#search-results').getAttribute('data-shown') || 0);
  await page.fill('#search-input', q);
  await page.press('#search-input', 'Enter');
  await page.waitForFunction((n) => Number(document.querySelector('#search-results').dataset.shown || 0) > n, shown);
  return page.locator('#search-results .search-hit');
}

/** How many people the server has checked in at the entrance. */
async function inCount() {
  const r = await olle.call('GET', '/api/v1/checkins/stats');
  return r.body.checkpoints[0].checked_in;
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

test('a scanned code goes to the scan whatever has the focus, and never presses a button', async () => {
  const first = await one('Karin', 'Ängström', 'Queue AB');
  const second = await one('Karl', 'Ängström', 'Queue AB');
  const third = await one('Kerstin', 'Ängström', 'Queue AB');
  const fourth = await one('Kim', 'Ängström', 'Queue AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');
    // Checked in from a name search: the focus is back in the scan field.
    const hits = await search(page, 'Karin Angstrom');
    await hits.first().getByRole('button', { name: 'Check in' }).click();
    await waitResult(page, 'ok', 'Karin Ängström');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');
    const before = await inCount();

    // Focus put on a button of the search list on purpose (as a tap
    // leaves it): the scanner's code and Enter still make a scan.
    const list = await search(page, 'angstrom');
    const karl = list.filter({ hasText: 'Karl Ängström' });
    await karl.getByRole('button', { name: 'Check in' }).focus();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'BUTTON');
    await page.keyboard.type(second.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Karl Ängström');

    // A result's button focused: the next code is still a scan, and the
    // button's Enter does not check the shown person in again.
    await page.locator('#result-actions button').first().focus();
    await page.keyboard.type(third.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Kerstin Ängström');

    // The checkpoint list focused: typing does not change the checkpoint.
    await page.locator('#checkpoint').focus();
    await page.keyboard.type(fourth.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Kim Ängström');
    assert.equal(await page.locator('#checkpoint').inputValue(), 'main');

    // The name search focused: a code typed there is a scan, not a name.
    await page.locator('#search-input').focus();
    await page.keyboard.type(first.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'already_checked_in', 'Karin Ängström');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');

    assert.equal(await inCount(), before + 3, 'each code checked in once, no one twice');
    assert.equal(await page.inputValue('#scan-input'), '');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the name search folds case and accents, and says who may come in before any button', async () => {
  await one('Åsa', 'Lindström', 'Pressverk AB');
  await one('Björn', 'Håkansdotter', 'Blekinge Verktyg AB');
  await one('Zoë', 'Ødegård-Łukasiewicz', 'Sydkustens Lättmetall AB');
  const two = await register([person('Olof', 'Lindström', 'Pressverk AB'), person('Lena', 'Lindström', 'Pressverk AB')]);
  const gone = await one('Greta', 'Lindström', 'Pressverk AB');
  // Olof cancels his own place; Greta's whole registration is cancelled.
  let r = await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${two.manage_token}/attendees/${two.attendees[0].id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${gone.token}`);
  assert.equal(r.status, 200);
  // Lena is in already.
  const anna = await staffLogin(d.baseURL, 'anna', PASSWORD);
  r = await anna.call('POST', '/api/v1/checkins', { attendee_id: two.attendees[1].id });
  assert.equal(r.body.result, 'ok');
  // A waitlisted one: the student type full, with a waitlist.
  const tt = await olle.call('GET', '/api/v1/admin/ticket-types/3');
  r = await olle.call('PATCH', '/api/v1/admin/ticket-types/3', { version: tt.body.version, quota: 0, waitlist: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const waiting = (await register([person('Vera', 'Lindström', 'LTH')], 3)).attendees[0];
  assert.equal(waiting.status, 'waitlisted');

  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    for (const [q, name] of [['Bjorn', 'Björn Håkansdotter'], ['Zoe', 'Zoë Ødegård-Łukasiewicz'],
      ['lindstrom asa', 'Åsa Lindström'], ['Asa Lind', 'Åsa Lindström'], ['Lindström Åsa', 'Åsa Lindström'],
      ['LUKASIEWICZ zoe', 'Zoë Ødegård-Łukasiewicz'], ['blekinge verktyg', 'Björn Håkansdotter']]) {
      const hits = await search(page, q);
      assert.deepEqual(await hits.locator('.search-name').allTextContents(), [name], q);
    }
    const hits = await search(page, 'lindstrom');
    const row = async (name) => {
      const hit = hits.filter({ has: page.locator('.search-name', { hasText: name }) });
      return {
        verdict: await hit.getAttribute('data-verdict'),
        status: await hit.locator('.search-status').textContent(),
        buttons: await hit.getByRole('button').allTextContents(),
        order: await hit.evaluate((li) => [...li.children].map((c) => c.className)),
      };
    };
    const a = await row('Åsa Lindström');
    assert.equal(a.verdict, 'can_check_in');
    assert.equal(a.status, 'Not checked in yet');
    assert.deepEqual(a.buttons, ['Check in', 'Print name tag']);
    assert.ok(a.order.indexOf('search-status search-status--can_check_in') < a.order.indexOf('search-actions'));
    const lena = await row('Lena Lindström');
    assert.match(lena.status, /^Already checked in at \d\d:\d\d$/);
    assert.deepEqual(lena.buttons, ['Print name tag']);
    const olof = await row('Olof Lindström');
    assert.match(olof.status, /^Cancelled \d{4}-\d\d-\d\d \d\d:\d\d: this person's place was cancelled$/);
    assert.deepEqual(olof.buttons, []);
    const greta = await row('Greta Lindström');
    assert.match(greta.status, /^Cancelled .*: the whole registration was cancelled$/);
    assert.deepEqual(greta.buttons, []);
    const vera = await row('Vera Lindström');
    assert.equal(vera.status, 'On the waitlist – cannot be let in');
    assert.deepEqual(vera.buttons, []);
    // Someone cancelled is shown as such, not as "no one found".
    const only = await search(page, 'greta');
    assert.equal(await only.count(), 1);
    assert.equal(await only.first().getAttribute('data-verdict'), 'cancelled');
    // At a study visit: only those signed up may be checked in.
    await page.selectOption('#checkpoint', 'session-9');
    await search(page, 'lindstrom');
    await page.locator('#search-results .search-hit[data-verdict="not_registered_here"]').first().waitFor();
    const visit = await row('Åsa Lindström');
    assert.match(visit.status, /^Not signed up for /);
    assert.deepEqual(visit.buttons, ['Print name tag']);
    await page.selectOption('#checkpoint', 'main');
    // Swedish, every status.
    await setLang(page, 'sv');
    await search(page, 'lindstrom');
    assert.equal(await page.locator('.search-hit[data-verdict="can_check_in"] .search-status').first().textContent(),
      'Inte incheckad än');
    assert.match(await page.locator('.search-hit[data-verdict="cancelled"] .search-status').first().textContent(),
      /^Avbokad /);
    assert.deepEqual(await axeViolations(page), [], 'axe, search, sv');
    await setLang(page, 'en');
    assert.deepEqual(await axeViolations(page), [], 'axe, search, en');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a code typed as printed, in lower case, with 0 for O and 1 for I, is the code', async () => {
  // A code with an O or an I after the prefix, to confuse.
  let p = null;
  for (let i = 0; i < 30 && p === null; i++) {
    const a = await one('Typed', `Code ${i}`, 'Keyboard AB');
    if (/[OI]/.test(a.pass_code.slice(3))) p = a;
  }
  assert.ok(p, 'a code with O or I');
  const body = p.pass_code.slice(3);
  const groups = body.match(/.{1,3}/g);
  const typed = `tt-${groups.join(' ')}`.toLowerCase().replace(/o/g, '0').replace(/i/g, '1');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.locator('#scan-input').focus();
    await page.keyboard.type(typed);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', p.first_name + ' ' + p.last_name);
    // Any other change is still unknown.
    const other = body[5] === 'B' ? 'C' : 'B';
    await page.keyboard.type(`TT-${body.slice(0, 5)}${other}${body.slice(6)}`);
    await page.keyboard.press('Enter');
    await waitResult(page, 'unknown');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the answer names the checkpoint, shows dietary needs at a meal, and stays 4 s', async () => {
  const eater = await one('Maja', 'Matsson', 'Kök AB', { dietary: 'Vegan, no nuts', sessions: [11] });
  const plain = await one('Per', 'Plain', 'Kök AB', { sessions: [11] });
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.locator('#whoami').filter({ hasText: 'anna' }).waitFor();
    assert.equal(await page.locator('#whoami').textContent(), 'Logged in as anna (door staff)');
    await page.keyboard.type(eater.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Maja Matsson');
    const shownAt = Date.now();
    assert.equal(await page.locator('#result-checkpoint').textContent(), 'At: Main entrance');
    assert.equal(await page.locator('#result-dietary').isHidden(), true, 'no dietary needs at the entrance');
    // Door staff print, but do not undo.
    assert.deepEqual(await page.locator('#result-actions button').allTextContents(), ['Print name tag']);
    await page.waitForTimeout(3000);
    assert.equal(await page.locator('#result').isVisible(), true, 'still shown after 3 s');
    await page.locator('#result').waitFor({ state: 'hidden', timeout: 3000 });
    assert.ok(Date.now() - shownAt >= 3900, 'shown about 4 s');

    await page.selectOption('#checkpoint', 'session-11');
    await page.keyboard.type(eater.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Maja Matsson');
    assert.equal(await page.locator('#result-checkpoint').textContent(), 'At: Conference dinner');
    assert.equal(await page.locator('#result-dietary').textContent(), 'Dietary needs: Vegan, no nuts');
    await page.screenshot({ path: path.join(outDir, 'door-meal.png') });
    assert.deepEqual(await axeViolations(page), [], 'axe, answer, en');
    // The next scan replaces the answer at once.
    await page.keyboard.type(plain.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Per Plain');
    assert.equal(await page.locator('#result-dietary').textContent(), 'No dietary needs');
    await setLang(page, 'sv');
    assert.equal(await page.locator('#result-checkpoint').textContent(), 'Vid: Conference dinner');
    assert.equal(await page.locator('#result-dietary').textContent(), 'Ingen specialkost');
    assert.equal(await page.locator('#whoami').textContent(), 'Inloggad som anna (entrépersonal)');
    assert.deepEqual(await axeViolations(page), [], 'axe, answer, sv');
    await setLang(page, 'en');
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('organisers undo a check-in from the answer', async () => {
  const a = await one('Ulla', 'Undo', 'Ångra AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page, 'olle');
    await page.locator('#whoami').filter({ hasText: 'olle' }).waitFor();
    assert.equal(await page.locator('#whoami').textContent(), 'Logged in as olle (organiser)');
    const before = await inCount();
    await page.keyboard.type(a.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Ulla Undo');
    assert.equal(await inCount(), before + 1);
    await page.getByRole('button', { name: 'Undo check-in' }).click();
    await page.locator('#door-alert').filter({ hasText: 'The check-in was undone.' }).waitFor();
    assert.equal(await inCount(), before);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');
    // In again by the next scan.
    await page.keyboard.type(a.pass_code);
    await page.keyboard.press('Enter');
    await waitResult(page, 'ok', 'Ulla Undo');
    assert.equal(await inCount(), before + 1);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a name tag printed at the door is a 4 x 3 inch page with the name and a QR code zbarimg reads', async () => {
  const a = await one('Åsa', 'Printström-Öberg', 'Tryckeri AB');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    const before = await inCount();
    const hits = await search(page, 'printstrom');
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      hits.first().getByRole('button', { name: 'Print name tag' }).click(),
    ]);
    await popup.waitForURL(/door-tag\.html/);
    const url = new URL(popup.url());
    assert.equal(url.pathname, '/door-tag.html');
    assert.equal(url.searchParams.get('id'), String(a.id));
    assert.equal(url.searchParams.get('print'), '1');
    await popup.close().catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-input');

    // The print view as the browser prints it.
    const view = await context.newPage();
    await view.goto(`/door-tag.html?id=${a.id}`);
    await view.waitForFunction(() => document.body.dataset.ready === 'yes');
    assert.equal(await view.locator('#tag-first').textContent(), 'Åsa');
    assert.equal(await view.locator('#tag-role').textContent(), 'ATTENDEE');
    assert.deepEqual(await axeViolations(view), [], 'axe, print view');
    const pdf = path.join(d.tmpDir, 'tag.pdf');
    fs.writeFileSync(pdf, await view.pdf({ preferCSSPageSize: true, printBackground: true }));
    fs.copyFileSync(pdf, path.join(outDir, 'door-tag.pdf'));
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(info, /Pages:\s+1\n/);
    assert.match(info, /Page size:\s+288 x 216 pts/);
    const words = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    assert.match(words, /Åsa Printström-Öberg/);
    assert.match(words, /Tryckeri AB/);
    execFileSync('pdftoppm', ['-r', '300', '-png', '-singlefile', pdf, path.join(d.tmpDir, 'tag')]);
    const decoded = execFileSync('zbarimg', ['--quiet', '--raw', path.join(d.tmpDir, 'tag.png')],
      { encoding: 'utf8' }).trim();
    assert.equal(decoded, a.pass_code);
    // In Swedish, the role's word too.
    await view.goto(`/door-tag.html?id=${a.id}&lang=sv`);
    await view.waitForFunction(() => document.body.dataset.ready === 'yes');
    assert.equal(await view.locator('#tag-role').textContent(), 'DELTAGARE');
    await view.close();
    // Printing is no check-in.
    assert.equal(await inCount(), before);
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('a long or hostile name stays text and fits the one tag', async () => {
  const long = await one('Wolfeschlegelsteinhausenbergerdorff', 'Håkansdotter-Ødegård-Łukasiewicz',
    'Sjukvårdsinformationssystemutvecklare AB');
  const hostile = await one('<img src=x onerror=alert(1)>', '"><script>alert(2)</script>', '=HYPERLINK("x")');
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    for (const a of [long, hostile]) {
      await page.goto(`/door-tag.html?id=${a.id}`);
      await page.waitForFunction(() => document.body.dataset.ready === 'yes');
      assert.equal(await page.locator('#tag-first').textContent(), a.first_name);
      assert.equal(await page.locator('#tag img').count(), 1, 'the QR code is the only image');
      const fits = await page.evaluate(() => {
        const first = document.querySelector('#tag-first');
        const tag = document.querySelector('#tag');
        return first.scrollWidth <= first.clientWidth && tag.scrollHeight <= tag.clientHeight;
      });
      assert.ok(fits, `${a.first_name} fits`);
      const pdf = path.join(d.tmpDir, 'tag-long.pdf');
      fs.writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      assert.match(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }), /Pages:\s+1\n/);
    }
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('the print view of someone without a tag says so', async () => {
  const a = await one('Nils', 'Notag', 'Ingen AB');
  await apiCall(d.baseURL, 'DELETE', `/api/v1/registrations/${a.token}`);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await login(page);
    await page.goto(`/door-tag.html?id=${a.id}`);
    await page.locator('#tag-status').filter({ hasText: 'Only confirmed attendees have a name tag.' }).waitFor();
    assert.equal(await page.locator('#tag').isHidden(), true);
    await page.goto('/door-tag.html?id=1%3Cscript%3E');
    await page.locator('#tag-status').filter({ hasText: 'No such attendee.' }).waitFor();
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});
