// The organiser console (/console/): the staff sign-in, who is signed in,
// the navigation and the routing by location hash ("#/events/3"). Each
// section is one module exporting its navigation entry and its routes;
// this file knows only that list. Door accounts are sent to the door page.
// Everyone signed in, door accounts too, can change their own password.
import { api } from '../js/api.js';
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { apiErrorText, unsavedForm, openDialog } from './form.js';
import * as events from './events.js';
import * as ticketTypes from './ticket-types.js';
import * as team from './team.js';
import * as audit from './audit.js';
import * as mail from './mail.js';
import * as dashboard from './dashboard.js';
import * as attendees from './attendees.js';
import * as registrations from './registrations.js';
import * as exportsSection from './exports.js';
import * as printSection from './print.js';
import * as importsSection from './imports.js';
import * as programme from './programme.js';
import * as doorConflicts from './door-conflicts.js';
import * as invoices from './invoices.js';
import { changeOwnPassword } from './password.js';

const { t } = i18n;
const SECTIONS = [dashboard, events, ticketTypes, programme, attendees, registrations, exportsSection,
  importsSection, printSection, invoices, doorConflicts, team, audit, mail];
const DEFAULT_ROUTE = '#/events';

const $ = (id) => document.getElementById(id);
let session = null; // { name, role, csrf_token }
let current = null; // the view on screen: { token, section, langHooks }
let routeToken = 0;
let titleKey = { key: 'console.page_title', args: undefined };
let flashNext = null; // a status message for the next view
let suspended = false; // the view is kept, hidden, while signing in again
let suspendedTitle = null;

// --------------------------------------------------------------- messages

function setAlert(key, args) {
  const box = $('console-alert');
  if (!key) {
    delete box.dataset.i18n;
    box.textContent = '';
    return;
  }
  i18n.setText(box, key, args);
}

function setStatus(key, args) {
  const box = $('console-status');
  if (!key) {
    delete box.dataset.i18n;
    box.textContent = '';
    return;
  }
  i18n.setText(box, key, args);
}

function setTitle(key, args) {
  titleKey = { key, args };
  document.title = `${t(key, args)} – ${t('console.brand')}`;
}

// ---------------------------------------------------------------- the API

/**
 * A request as the signed-in organiser: the CSRF token on every change.
 * A 401 means the session is over: the sign-in form comes back, and after
 * signing in again the same view opens. Always resolves like api().
 */
async function call(method, path, body, extraHeaders = {}) {
  const headers = { ...extraHeaders };
  if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrf_token;
  const r = await api(method, path, { body, headers });
  if (r.status === 401) showLogin('console.session_over', { keep: true });
  else if (r.status === 403 && r.body && r.body.error && r.body.error.code === 'forbidden') showDoorOnly();
  return r;
}

// ---------------------------------------------------------------- routing

function parseHash() {
  const h = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const q = h.indexOf('?');
  return {
    path: (q < 0 ? h : h.slice(0, q)).replace(/\/+$/, ''),
    query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)),
  };
}

function findRoute(path) {
  for (const s of SECTIONS) {
    for (const r of s.routes) {
      const m = r.path.exec(path);
      if (m) return { section: s.section, render: r.render, params: m.slice(1) };
    }
  }
  return null;
}

function renderNav(activeId) {
  const ul = $('console-nav');
  clear(ul);
  for (const s of SECTIONS) {
    const a = el('a', { href: s.section.href(), 'data-i18n': s.section.navKey,
      'aria-current': s.section.id === activeId ? 'page' : null }, t(s.section.navKey));
    ul.append(el('li', {}, a));
  }
  // In the phone's one scrolling row, the section shown is in sight: the
  // row starts at its beginning unless that would hide it.
  const current = ul.querySelector('[aria-current="page"]');
  const nav = ul.parentElement;
  nav.scrollLeft = 0;
  if (!current) return;
  const over = current.getBoundingClientRect().right - nav.getBoundingClientRect().right;
  if (over > 0) nav.scrollLeft = over + 16;
}

/** The context a view renders with; everything it does to the page goes through it. */
function viewContext(token, root, query) {
  const ctx = {
    root,
    query,
    user: session,
    call,
    stale: () => token !== routeToken,
    title: (key, args) => { if (!ctx.stale()) setTitle(key, args); },
    focus: (node) => { if (!ctx.stale() && node) node.focus(); },
    status: (key, args) => { if (!ctx.stale()) setStatus(key, args); },
    alert: (key, args) => { if (!ctx.stale()) setAlert(key, args); },
    apiError: (r) => {
      if (ctx.stale() || r.status === 401 || (r.status === 403 && r.body && r.body.error && r.body.error.code === 'forbidden')) return;
      const { key, args } = apiErrorText(r);
      setAlert(key, args);
      $('console-alert').focus();
    },
    /** Go to another view, with a status message shown there. */
    navigate: (hash, flashKey, flashArgs) => {
      if (ctx.stale()) return;
      leaveUnasked = true;
      flashNext = flashKey ? { key: flashKey, args: flashArgs } : null;
      if (location.hash === hash) route();
      else location.hash = hash;
    },
    replace: (hash) => {
      if (ctx.stale()) return;
      history.replaceState(null, '', hash);
      route();
    },
    onLang: (fn) => { current.langHooks.push(fn); },
  };
  return ctx;
}

async function route() {
  if (!session || session.role !== 'organiser') return;
  const { path, query } = parseHash();
  const found = findRoute(path);
  if (!found) {
    history.replaceState(null, '', DEFAULT_ROUTE);
    route();
    return;
  }
  const token = ++routeToken;
  // A dialog of the view left behind (Back pressed while it asked) must
  // not act on the next one: it is cancelled.
  for (const dlg of document.querySelectorAll('dialog.console-dialog[open]')) dlg.close('');
  const root = el('div', { class: 'view' });
  current = { token, section: found.section.id, langHooks: [], hash: location.hash };
  renderNav(found.section.id);
  setAlert(null);
  setStatus(flashNext ? flashNext.key : null, flashNext ? flashNext.args : undefined);
  flashNext = null;
  clear($('view')).append(root);
  const ctx = viewContext(token, root, query);
  try {
    await found.render(ctx, ...found.params);
  } catch (e) {
    if (!ctx.stale()) {
      setAlert('console.view_failed');
      throw e;
    }
  }
  // Move the keyboard and the screen reader to the new view's heading.
  if (!ctx.stale()) {
    const h1 = root.querySelector('h1');
    if (h1 && !root.contains(document.activeElement)) {
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
  }
}

// --------------------------------------------------------------- sessions

/**
 * The sign-in form. With keep (the session ran out during a view), the
 * view stays in the page, hidden, with what was typed in it, and comes
 * back after signing in again.
 */
function showLogin(messageKey, { keep = false } = {}) {
  session = null;
  if (keep && current && !suspended) {
    suspended = true;
    suspendedTitle = titleKey;
    $('view').hidden = true;
  } else if (!suspended) {
    routeToken++;
    current = null;
    clear($('view'));
  }
  $('console-bar').hidden = true;
  $('door-only').hidden = true;
  setStatus(null);
  $('login-form').hidden = false;
  setTitle('console.login_title');
  setAlert(messageKey || null);
  $('login-username').focus();
}

function showDoorOnly() {
  routeToken++;
  current = null;
  suspended = false;
  $('login-form').hidden = true;
  $('view').hidden = false;
  clear($('view'));
  setStatus(null);
  setAlert(null);
  $('console-bar').hidden = false;
  $('console-nav').parentElement.hidden = true;
  $('door-only').hidden = false;
  setTitle('console.door_only_heading');
  $('door-only-heading').focus();
}

function signedIn(s) {
  session = s;
  $('login-form').hidden = true;
  $('user-name').textContent = s.name;
  $('console-bar').hidden = false;
  if (s.role !== 'organiser') {
    showDoorOnly();
    return;
  }
  $('door-only').hidden = true;
  $('console-nav').parentElement.hidden = false;
  setAlert(null);
  if (suspended) {
    suspended = false;
    $('view').hidden = false;
    // Back to the view as it was, unless another one was asked for meanwhile.
    if (current && current.hash === location.hash) {
      setTitle(suspendedTitle.key, suspendedTitle.args);
      setAlert('console.signed_in_again');
      const h1 = $('view').querySelector('h1');
      if (h1) h1.focus();
      return;
    }
  }
  route();
}

async function onLogin(ev) {
  ev.preventDefault();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  if (!username || !password) {
    setAlert('console.login_missing');
    $(username ? 'login-password' : 'login-username').focus();
    return;
  }
  const button = $('login-submit');
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  const r = await api('POST', '/api/v1/session', { body: { username, password } });
  button.removeAttribute('aria-disabled');
  $('login-password').value = '';
  if (r.status === 200 && r.body && r.body.csrf_token) {
    signedIn(r.body);
    return;
  }
  if (r.status === 429) {
    const wait = Number(r.headers && r.headers.get('Retry-After'));
    setAlert('console.throttled', { minutes: Math.max(1, Math.ceil((wait || 60) / 60)) });
  } else if (r.status === 401 || r.status === 422) {
    setAlert('door.bad_login');
  } else {
    const { key, args } = apiErrorText(r);
    setAlert(key, args);
  }
  $('console-alert').focus();
}

async function onChangePassword() {
  if (!session) return;
  if (await changeOwnPassword(call)) {
    setAlert(null);
    setStatus('console.password.changed');
  }
}

async function onSignOut() {
  const headers = session ? { 'X-CSRF-Token': session.csrf_token } : {};
  await api('DELETE', '/api/v1/session', { headers });
  suspended = false;
  $('view').hidden = false;
  showLogin('console.signed_out');
  $('login-username').focus();
}

// ------------------------------------------------------------------- main

/*
 * Leaving a view with typing not yet saved asks first (a link, the menu,
 * Back); the view's own moves after a save do not (leaveUnasked).
 */
let leaveUnasked = false;

async function onHashChange() {
  if (!location.hash.startsWith('#/')) return;
  const target = location.hash;
  const ask = !leaveUnasked && current && target !== current.hash && unsavedForm($('view'));
  leaveUnasked = false;
  if (ask) {
    history.replaceState(null, '', current.hash);
    const choice = await openDialog({
      id: 'unsaved-dialog', headingKey: 'console.unsaved.heading',
      content: [text('p', 'console.unsaved.text')],
      buttons: [
        { value: 'stay', key: 'console.unsaved.stay', className: 'button-primary', autofocus: true },
        { value: 'leave', key: 'console.unsaved.leave', id: 'unsaved-leave' },
      ],
    });
    if (choice !== 'leave') return;
    history.replaceState(null, '', target);
  }
  route();
}

async function main() {
  await i18n.init();
  setTitle(titleKey.key);
  $('login-form').addEventListener('submit', onLogin);
  $('sign-out').addEventListener('click', onSignOut);
  $('change-password').addEventListener('click', onChangePassword);
  // The skip link must not change the hash: the hash is the route.
  $('skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    $('main').focus();
  });
  window.addEventListener('hashchange', onHashChange);
  i18n.onChange(() => {
    setTitle(titleKey.key, titleKey.args);
    if (current) for (const fn of current.langHooks) fn();
  });
  // The probe answers 200 with {"user": null} to a visitor not signed in:
  // no failed request in the browser's console for the usual case.
  const r = await api('GET', '/api/v1/session/probe');
  const user = r.status === 200 && r.body ? r.body.user : undefined;
  if (user && user.csrf_token) signedIn(user);
  else if (user === null) showLogin(null);
  else {
    showLogin(null);
    const { key, args } = apiErrorText(r);
    setAlert(key, args);
  }
}

main();
