// Browser tests of the console's Team and Audit log sections on a daemon
// with an empty database (--no-demo): an organiser makes a door account
// and sees its password once; the door user signs in with it at the door
// page and changes it from the console; disabling an account ends its
// session; the last organiser stays; a reset password is shown once; the
// audit log shows the creation, the password change and what a change
// changed, with working filters; and axe-core finds nothing on the new
// views in either language.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  outDir, startDaemon, addUser, launch, newPage, apiCall, staffLogin, axeViolations, real, setLang, openView,
} from './harness.mjs';

const ORGANISER_PASSWORD = 'organiser password';
let d = null;
let browser = null;
let olle = null;
let olleId = null;

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

async function makeUser(name, role = 'door') {
  const r = await olle.call('POST', '/api/v1/admin/users', { name, role });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function canSignIn(name, password) {
  const r = await apiCall(d.baseURL, 'POST', '/api/v1/session', { username: name, password });
  return r.status === 200;
}

before(async () => {
  d = await startDaemon({ demo: false });
  addUser(d, 'olle', 'organiser', ORGANISER_PASSWORD);
  olle = await staffLogin(d.baseURL, 'olle', ORGANISER_PASSWORD);
  olleId = (await olle.call('GET', '/api/v1/admin/users')).body.items.find((u) => u.name === 'olle').id;
  browser = await launch();
});

after(async () => {
  try {
    if (browser) await browser.close();
  } finally {
    if (d) await d.stop();
  }
});

test('an organiser makes a door account and sees its password once; the door user signs in with it and changes it', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL, { permissions: ['clipboard-read', 'clipboard-write'] });
  let password = null;
  try {
    await signInOrganiser(page);
    await page.click('.console-nav a[href="#/team"]');
    await page.locator('#team-list').waitFor();
    assert.match(await page.locator(`#team-list [data-user-id="${olleId}"] .card-title`).textContent(), /^olle \(you\)$/);
    await page.click('#new-user');
    await page.locator('#account-form').waitFor();
    assert.equal(await page.inputValue('#account-role'), 'door');
    await page.fill('#account-name', 'anna lind');
    await page.click('#account-save');
    await page.locator('#account-name-error:not([hidden])').waitFor();
    assert.equal(await page.locator('#account-name-error').textContent(), 'Use only letters, digits and . _ - @.');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'account-name');
    await page.fill('#account-name', 'olle');
    await page.click('#account-save');
    await page.locator('#account-name-error', { hasText: 'There is already an account with this name.' }).waitFor();
    await page.fill('#account-name', 'anna.l');
    await page.click('#account-save');
    await page.locator('#created-one-time').waitFor();
    assert.equal(await page.locator('#account-form').count(), 0, 'the form is gone');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'created-one-time-heading');
    assert.equal(await page.locator('#created-one-time h2').textContent(), 'Password for anna.l');
    password = await page.inputValue('#created-password');
    assert.ok(password.length >= 10, password);
    assert.match(await page.locator('#created-once').textContent(), /it is not shown again/);
    assert.match(await page.locator('#console-status').textContent(), /The account anna\.l is created\./);
    await page.click('#created-copy');
    await page.locator('#created-copied', { hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), password);
    await setLang(page, 'sv');
    assert.match(await page.locator('#created-once').textContent(), /det visas inte igen/);
    await setLang(page, 'en');
    await page.screenshot({ path: path.join(outDir, 'console-team-created.png'), fullPage: true });
    await page.click('#created-back');
    await page.locator('#team-list .user-name', { hasText: 'anna.l' }).waitFor();
    assert.deepEqual(real(problems, 422), []);
  } finally {
    await context.close();
  }

  const door = await newPage(browser, d.baseURL);
  try {
    await door.page.goto('/door.html');
    await door.page.locator('#login-form').waitFor();
    await door.page.fill('#login-username', 'anna.l');
    await door.page.fill('#login-password', password);
    await door.page.click('#login-submit');
    await door.page.locator('#scan-view').waitFor();

    // The same session in the console: only the door link, and the password.
    await door.page.goto('/console/');
    await door.page.locator('#door-only').waitFor();
    await door.page.click('#change-password');
    const dialog = door.page.locator('#own-password-dialog');
    await dialog.waitFor();
    await door.page.fill('#own-current', 'not my password');
    await door.page.fill('#own-new', 'short');
    await door.page.fill('#own-again', 'short');
    await door.page.click('#own-password-submit');
    assert.equal(await door.page.locator('#own-new-error').textContent(), 'The new password must have at least 10 characters.');
    assert.equal(await door.page.evaluate(() => document.activeElement.id), 'own-new');
    await door.page.fill('#own-new', 'the door is open');
    await door.page.fill('#own-again', 'the door is opem');
    await door.page.click('#own-password-submit');
    assert.equal(await door.page.locator('#own-again-error').textContent(), 'The two new passwords are not the same.');
    await door.page.fill('#own-again', 'the door is open');
    await door.page.click('#own-password-submit');
    await door.page.locator('#own-current-error:not([hidden])').waitFor();
    assert.equal(await door.page.locator('#own-current-error').textContent(), 'This is not your current password.');
    assert.equal(await door.page.evaluate(() => document.activeElement.id), 'own-current');
    await door.page.fill('#own-current', password);
    await door.page.click('#own-password-submit');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await door.page.locator('#console-status').textContent(), 'Your password is changed. Your other sign-ins have ended.');
    assert.equal(await door.page.evaluate(() => document.activeElement.id), 'change-password');
    assert.equal(await canSignIn('anna.l', password), false);
    assert.equal(await canSignIn('anna.l', 'the door is open'), true);
    // This session goes on.
    await door.page.goto('/door.html');
    await door.page.locator('#scan-view').waitFor();
    assert.deepEqual(real(door.problems, 422), []);
  } finally {
    await door.context.close();
  }
});

test('disabling an account ends its session; the last organiser stays; a reset password is shown once', async () => {
  const berit = await makeUser('berit');
  const session = await staffLogin(d.baseURL, 'berit', berit.password);
  assert.equal((await session.call('GET', '/api/v1/session')).status, 200);
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await openView(page, '#/team', '#team-list');
    const card = page.locator(`#team-list [data-user-id="${berit.id}"]`);
    await card.locator('[data-disable]').click();
    await page.locator('#disable-dialog').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'disable-cancel', 'the safe choice has the focus');
    assert.match(await page.locator('#disable-dialog h2').textContent(), /^Disable the account berit\?$/);
    await page.click('#disable-confirm');
    await page.locator('#console-status', { hasText: 'The account berit is disabled.' }).waitFor();
    assert.equal(await card.locator('.user-disabled').textContent(), 'Disabled');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.disable), String(berit.id));
    assert.equal((await session.call('GET', '/api/v1/session')).status, 401, 'the session has ended');
    assert.equal(await canSignIn('berit', berit.password), false);

    // The last active organiser can be neither disabled nor made door staff.
    const me = page.locator(`#team-list [data-user-id="${olleId}"]`);
    await me.locator('[data-disable]').click();
    await page.click('#disable-confirm');
    await page.locator('#console-alert', { hasText: 'olle is the last active organiser' }).waitFor();
    // Making oneself door staff is asked first; the server then refuses it.
    await me.locator('[data-role]').click();
    await page.locator('#own-role-dialog').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'own-role-cancel', 'the safe choice has the focus');
    assert.equal(await page.locator('#own-role-dialog h2').textContent(), 'Make yourself door staff?');
    await page.click('#own-role-confirm');
    await page.locator('#console-alert', { hasText: 'olle is the last active organiser' }).waitFor();
    await setLang(page, 'sv');
    assert.match(await page.locator('#console-alert').textContent(), /^olle är den sista aktiva arrangören/);
    await setLang(page, 'en');
    const olleNow = (await olle.call('GET', `/api/v1/admin/users/${olleId}`)).body;
    assert.equal(olleNow.role, 'organiser');
    assert.equal(olleNow.disabled, false);

    await card.locator('[data-disable]').click();
    assert.match(await page.locator('#disable-dialog h2').textContent(), /^Enable the account berit\?$/);
    await page.click('#disable-confirm');
    await page.locator('#console-status', { hasText: 'The account berit is enabled.' }).waitFor();
    assert.equal(await canSignIn('berit', berit.password), true);
    await card.locator('[data-role]').click();
    await page.locator('#console-status', { hasText: 'berit is an organiser now.' }).waitFor();
    assert.equal(await card.locator('.user-role').textContent(), 'Organiser');

    // A stale row: someone else changed berit meanwhile.
    const now = (await olle.call('GET', `/api/v1/admin/users/${berit.id}`)).body;
    assert.equal((await olle.call('PATCH', `/api/v1/admin/users/${berit.id}`, { version: now.version, role: 'door' })).status, 200);
    await card.locator('[data-role]').click();
    await page.locator('#console-alert', { hasText: 'Someone else changed berit meanwhile' }).waitFor();
    assert.equal(await card.locator('.user-role').textContent(), 'Door staff', 'their version is shown');

    const again = await staffLogin(d.baseURL, 'berit', berit.password);
    await card.locator('[data-reset]').click();
    await page.locator('#reset-dialog').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-cancel');
    await page.click('#reset-confirm');
    await page.locator('#password-dialog').waitFor();
    assert.equal(await page.locator('#password-dialog h2').textContent(), 'New password for berit');
    const fresh = await page.inputValue('#reset-password');
    assert.ok(fresh.length >= 10 && fresh !== berit.password);
    assert.match(await page.locator('#reset-once').textContent(), /it is not shown again/);
    await page.screenshot({ path: path.join(outDir, 'console-team-reset.png'), fullPage: true });
    await page.click('#password-done');
    await page.locator('#password-dialog').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.reset), String(berit.id));
    assert.equal((await again.call('GET', '/api/v1/session')).status, 401, 'the reset ended the session');
    assert.equal(await canSignIn('berit', berit.password), false);
    assert.equal(await canSignIn('berit', fresh), true);
    // The list has the version after the reset: the next change goes through.
    await card.locator('[data-role]').click();
    await page.locator('#console-status', { hasText: 'berit is an organiser now.' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'no sideways scrolling');
    assert.deepEqual(real(problems, 409), []);
  } finally {
    await context.close();
  }
});

test('the audit log shows the creation and the password change, what changed, and filters', async () => {
  const { context, page, problems } = await newPage(browser, d.baseURL);
  try {
    await signInOrganiser(page);
    await page.click('.console-nav a[href="#/audit"]');
    await page.locator('#audit-table').waitFor();
    const actions = () => page.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert.ok((await actions()).length > 5);

    await page.selectOption('#audit-action', 'user.create');
    await page.click('#audit-filter');
    await page.waitForFunction(() => location.hash === '#/audit?action=user.create');
    await page.locator('#audit-count', { hasText: 'entries match' }).waitFor();
    assert.deepEqual(await actions(), ['user.create', 'user.create']);
    const created = page.locator('#audit-table tbody tr').last();
    assert.equal(await created.locator('.audit-action').textContent(), 'Account created');
    assert.match(await created.locator('.audit-detail').textContent(), /anna\.l/);
    assert.equal(await created.locator('.audit-user').textContent(), 'olle');

    // Who and what: anna.l changed her own password, once.
    await page.fill('#audit-user', 'anna.l');
    await page.selectOption('#audit-action', 'user.password_change');
    await page.click('#audit-filter');
    await page.locator('#audit-count', { hasText: '1 entries match.' }).waitFor();
    assert.deepEqual(await actions(), ['user.password_change']);
    assert.equal(await page.locator('#audit-table .audit-action').textContent(), 'Own password changed');
    await setLang(page, 'sv');
    assert.equal(await page.locator('#audit-table .audit-action').textContent(), 'Eget lösenord bytt');
    await setLang(page, 'en');

    // Every change to accounts, with what changed.
    await page.fill('#audit-user', '');
    await page.selectOption('#audit-action', 'user.');
    await page.click('#audit-filter');
    await page.waitForFunction(() => location.hash === '#/audit?action=user.');
    await page.locator('#audit-count', { hasText: 'entries match' }).waitFor();
    const kinds = await actions();
    assert.ok(kinds.every((a) => a.startsWith('user.')), kinds.join());
    assert.ok(kinds.includes('user.password_reset') && kinds.includes('user.update'));
    const changes = await page.locator('#audit-table tr[data-action="user.update"] .audit-changes li').allTextContents();
    assert.ok(changes.includes('Disabled: No → became Yes'), changes.join(' | '));
    assert.ok(changes.includes('Role: Door staff → became Organiser'), changes.join(' | '));
    // Each change names the account it was made to.
    const which = await page.locator('#audit-table tr[data-action="user.update"] .audit-which').allTextContents();
    assert.ok(which.length > 0 && which.every((w) => w === 'berit'), which.join());

    // A code typed in: sign-ins.
    await page.selectOption('#audit-action', '*');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'audit-action-code');
    await page.fill('#audit-action-code', 'login');
    await page.click('#audit-filter');
    await page.waitForFunction(() => location.hash === '#/audit?action=login');
    await page.locator('#audit-count', { hasText: 'entries match' }).waitFor();
    assert.ok((await actions()).every((a) => a === 'login'));
    assert.equal(await page.inputValue('#audit-action'), 'login', 'a code that is a choice shows as the choice');

    // Dates: today has it all, tomorrow nothing.
    const today = await page.evaluate(() => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date()));
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86400000).toISOString().slice(0, 10);
    await page.selectOption('#audit-action', '');
    await page.fill('#audit-from', today);
    await page.fill('#audit-to', today);
    await page.click('#audit-filter');
    // The view of these dates, not the count still shown from the last.
    await page.waitForFunction((day) => location.hash === `#/audit?from=${day}&to=${day}`, today);
    await page.locator('#audit-count', { hasText: 'entries match' }).waitFor();
    assert.ok((await actions()).length > 5);
    assert.match(await page.locator('#audit-days-hint').textContent(), /Europe\/Stockholm/);
    await page.fill('#audit-from', tomorrow);
    await page.fill('#audit-to', '');
    await page.click('#audit-filter');
    await page.locator('.empty', { hasText: 'No entries match these filters.' }).waitFor();
    await page.click('#audit-clear');
    await page.locator('#audit-table').waitFor();
    await page.screenshot({ path: path.join(outDir, 'console-audit.png'), fullPage: true });
    assert.deepEqual(real(problems), []);
  } finally {
    await context.close();
  }
});

test('axe-core finds no violations on the team and audit views and the password dialogs, in Swedish and in English', async () => {
  const carl = await makeUser('carl');
  // olle the only active organiser again, for the refusal.
  for (const u of (await olle.call('GET', '/api/v1/admin/users')).body.items) {
    if (u.id !== olleId && u.role === 'organiser') {
      assert.equal((await olle.call('PATCH', `/api/v1/admin/users/${u.id}`, { version: u.version, role: 'door' })).status, 200);
    }
  }
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
    await signInOrganiser(page);
    await openView(page, '#/team', '#team-list');
    await check(page, 'team');
    await check(page, 'disable dialog', {
      open: async () => { await page.locator(`[data-disable="${carl.id}"]`).click(); await page.locator('#disable-dialog').waitFor(); },
      close: async () => { await page.click('#disable-cancel'); await page.locator('#disable-dialog').waitFor({ state: 'detached' }); },
    });
    await check(page, 'reset dialog', {
      open: async () => { await page.locator(`[data-reset="${carl.id}"]`).click(); await page.locator('#reset-dialog').waitFor(); },
      close: async () => { await page.click('#reset-cancel'); await page.locator('#reset-dialog').waitFor({ state: 'detached' }); },
    });
    await page.locator(`[data-reset="${carl.id}"]`).click();
    await page.click('#reset-confirm');
    await page.locator('#password-dialog').waitFor();
    for (const v of await axeViolations(page)) found.push(`password dialog: ${v}`);
    await page.click('#password-done');
    await page.locator('#password-dialog').waitFor({ state: 'detached' });
    await page.locator(`#team-list [data-user-id="${olleId}"] [data-disable]`).click();
    await page.click('#disable-confirm');
    await page.locator('#console-alert:not(:empty)').waitFor();
    await check(page, 'team with the last-organiser refusal');
    await check(page, 'own password dialog', {
      open: async () => {
        await page.click('#change-password');
        await page.locator('#own-password-dialog').waitFor();
        await page.click('#own-password-submit');
        await page.locator('#own-current-error:not([hidden])').waitFor();
      },
      close: async () => { await page.keyboard.press('Escape'); await page.locator('#own-password-dialog').waitFor({ state: 'detached' }); },
    });

    await openView(page, '#/team/new', '#account-form');
    await check(page, 'new account');
    await page.fill('#account-name', 'no spaces please');
    await page.click('#account-save');
    await page.locator('#account-name-error:not([hidden])').waitFor();
    await check(page, 'new account with errors');
    await page.fill('#account-name', 'dora');
    await page.click('#account-save');
    await page.locator('#created-one-time').waitFor();
    await check(page, 'new account created');

    await openView(page, '#/audit', '#audit-table');
    await check(page, 'audit log');
    await openView(page, '#/audit?action=nothing.like.this', '#audit-action-code');
    await page.locator('.empty').waitFor();
    await check(page, 'audit log with a code and no entries');
    assert.deepEqual(real(problems, 409, 422), []);
  } finally {
    await context.close();
  }

  const door = await newPage(browser, d.baseURL);
  try {
    const pw = (await olle.call('POST', `/api/v1/admin/users/${carl.id}/password`)).body.password;
    await signIn(door.page, 'carl', pw);
    await door.page.locator('#door-only').waitFor();
    await check(door.page, 'door account with the password dialog', {
      open: async () => { await door.page.click('#change-password'); await door.page.locator('#own-password-dialog').waitFor(); },
      close: async () => { await door.page.click('#own-password-cancel'); await door.page.locator('#own-password-dialog').waitFor({ state: 'detached' }); },
    });
    assert.deepEqual(real(door.problems), []);
  } finally {
    await door.context.close();
  }
  assert.deepEqual(found, []);
});
