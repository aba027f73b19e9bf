// "My registration" through the private link (manage.html#t=TOKEN[&new=1]).
// The token lives in the URL fragment, which browsers never send to servers
// or put in Referer headers.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear, copyText } from './dom.js';
import { formatDateTime, formatDay, formatPrice, datePart, hhmm } from './format.js';

const { t } = i18n;

const content = document.getElementById('content');
const title = document.getElementById('page-title');
const pageAlert = document.getElementById('page-alert');
const pageStatus = document.getElementById('page-status');
const loading = document.getElementById('manage-loading');
const dialog = document.getElementById('cancel-dialog');
const dialogText = document.getElementById('cancel-dialog-text');
const dialogAlert = document.getElementById('cancel-dialog-alert');
const confirmButton = document.getElementById('cancel-confirm');
const keepButton = document.getElementById('cancel-keep');
const eraseDialog = document.getElementById('erase-dialog');
const eraseText = document.getElementById('erase-dialog-text');
const eraseAlert = document.getElementById('erase-dialog-alert');
const eraseButton = document.getElementById('erase-confirm');
const eraseKeep = document.getElementById('erase-keep');

let token = null;
let isNew = false;
let reg = null;
let state = 'loading'; // loading | ok | not_found | no_token | error | erased
let failure = null; // the answer that failed, worded at each render
let justCancelled = false;
let cancelling = false;
let cancelTarget = null; // null: the whole registration; else the attendee
let editing = null; // the id of the attendee whose form is open
let adding = false;
let erasing = false;

// What an attendee may correct of themselves, in the form's order.
const EDIT_FIELDS = ['first_name', 'last_name', 'company', 'job_title', 'dietary'];
const ADD_FIELDS = ['first_name', 'last_name', 'email', 'company', 'job_title', 'dietary'];
const REQUIRED = new Set(['first_name', 'last_name', 'email']);
const MAX = { first_name: 100, last_name: 100, email: 254, company: 150, job_title: 150, dietary: 500 };

/** The sentence for an error answer's code, in the page's language. */
function problem(res) {
  if (res.status === 0) return t('common.network_error');
  const err = res.body && res.body.error;
  if (err && err.code === 'change_deadline_passed') {
    return t('manage.err.change_deadline_passed', { deadline: formatDateTime(err.fields && err.fields.deadline, i18n.getLang()) });
  }
  if (err && err.code === 'too_many_attendees') return t('manage.err.too_many_attendees', { max: (err.fields && err.fields.max) || 10 });
  if (err && (err.code === 'session_full' || err.code === 'session_overlap')) {
    const p = err.params || {};
    return t(`manage.err.${err.code}`, { title: sessionTitle(p.session, p.title), other_title: sessionTitle(p.other, p.other_title) });
  }
  if (err && typeof err.code === 'string' && t(`manage.err.${err.code}`) !== `manage.err.${err.code}`) return t(`manage.err.${err.code}`);
  return errorText(res);
}

function changesOpen() {
  return reg && reg.changes_open === true && reg.status !== 'cancelled';
}

function readFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  token = params.get('t');
  isNew = params.get('new') === '1';
}

function fullName(p) {
  return [p.first_name, p.last_name].filter(Boolean).join(' ');
}

function manageLink() {
  if (reg && typeof reg.manage_url === 'string' && /^https?:\/\//.test(reg.manage_url)) return reg.manage_url;
  const url = new URL('manage.html', window.location.href);
  url.hash = `t=${encodeURIComponent(token)}`;
  return url.href;
}

function statusBadge(status) {
  return el('span', { class: `status status--${status}` }, t(`status.${status}`));
}

function dlRow(labelKey, value) {
  if (value === undefined || value === null || value === '') return [];
  return [el('dt', {}, t(labelKey)), el('dd', {}, value)];
}

/**
 * The pass code in a large monospace block, shown in groups of three for
 * reading aloud or typing. The groups are spans spaced by CSS, so the text
 * (and what a copy gives) is the code exactly as issued.
 */
function passCode(code, labelId) {
  const p = el('p', { class: 'pass-code', 'aria-labelledby': labelId, translate: 'no' });
  const m = /^([A-Z]+-)(.*)$/.exec(code);
  const head = m ? m[1] : '';
  const rest = m ? m[2] : code;
  const groups = rest.match(/.{1,3}/g) || [];
  if (head && groups.length) groups[0] = head + groups[0];
  for (const g of groups) p.append(el('span', { class: 'pass-group' }, g));
  return p;
}

function attendeePath(a) {
  return `/api/v1/registrations/${encodeURIComponent(token)}/attendees/${encodeURIComponent(a.id)}`;
}

/**
 * Download links for the printable pass (PDF) and the phone image (PNG).
 * The server names the files after the person (Content-Disposition), so
 * the download attribute names none.
 */
function passLinks(a) {
  const base = `${attendeePath(a)}/pass`;
  return el('p', { class: 'pass-links' },
    el('a', { href: `${base}.pdf`, class: 'pass-link', download: true }, t('manage.pass_pdf')),
    ' ',
    el('a', { href: `${base}.png`, class: 'pass-link', download: true }, t('manage.pass_png')));
}

/** The pass code as a QR code, as the door's scanner reads it. */
function passQR(a) {
  return el('img', {
    class: 'pass-qr', src: `${attendeePath(a)}/qr.svg`, width: 200, height: 200,
    alt: t('manage.qr_alt', { name: fullName(a), code: a.pass_code }),
  });
}

/**
 * What the registration costs: the price of each confirmed attendee's
 * ticket, VAT and the total, from the server's sums in öre; a free ticket
 * says so, with no VAT line.
 */
function pricePanel() {
  const p = reg.price;
  if (!p || typeof p.total_ore !== 'number') return null;
  const lang = i18n.getLang();
  const dl = el('dl', { class: 'details price', id: 'price' });
  const lines = Array.isArray(p.lines) ? p.lines : [];
  if (lines.length > 1) {
    // Attendees on different tickets (an organiser moved one): a line each.
    const rates = new Set(lines.map((l) => l.vat_rate));
    for (const l of lines) {
      dl.append(el('dt', {}, i18n.pick(l.ticket_type, 'name')),
        el('dd', {}, t('price.line', { n: l.attendees, price: formatPrice(l.unit_ore, lang), sum: formatPrice(l.subtotal_ore, lang) })));
    }
    dl.append(
      el('dt', {}, rates.size === 1 ? t('price.vat', { rate: lines[0].vat_rate }) : t('price.vat_sum')), el('dd', {}, formatPrice(p.vat_ore, lang)),
      el('dt', {}, t('price.total')), el('dd', { id: 'price-total', class: 'price-total' }, formatPrice(p.total_ore, lang)));
  } else if (p.unit_ore === 0) {
    dl.append(el('dt', {}, t('price.each')), el('dd', { id: 'price-total' }, t('price.free')));
  } else {
    dl.append(
      el('dt', {}, t('price.each')), el('dd', {}, t('price.excl_vat', { price: formatPrice(p.unit_ore, lang) })),
      el('dt', {}, t('price.attendees', { n: p.attendees })), el('dd', {}, formatPrice(p.subtotal_ore, lang)),
      el('dt', {}, t('price.vat', { rate: p.vat_rate })), el('dd', {}, formatPrice(p.vat_ore, lang)),
      el('dt', {}, t('price.total')), el('dd', { id: 'price-total', class: 'price-total' }, formatPrice(p.total_ore, lang)));
  }
  return el('section', { class: 'panel', 'aria-labelledby': 'price-heading' },
    el('h2', { id: 'price-heading' }, t('price.heading')),
    dl,
    p.unit_ore !== 0 && p.attendees === 0 ? el('p', { class: 'muted' }, t('price.none_confirmed')) : '');
}

function attendeeCard(a, i) {
  const li = el('li', { class: `attendee-card attendee-card--${a.status}` });
  li.append(el('h3', { class: 'attendee-name' }, fullName(a)));
  li.append(el('p', { class: 'attendee-status' },
    el('span', { class: 'visually-hidden' }, t('manage.attendee_status'), ' '), statusBadge(a.status)));
  if (a.status === 'confirmed' && a.pass_code) {
    const id = `pass-${i}`;
    li.append(el('div', { class: 'pass' },
      el('p', { class: 'pass-label', id }, t('manage.pass_code')),
      passCode(a.pass_code, id),
      passQR(a),
      el('p', { class: 'pass-hint' }, t('manage.pass_hint')),
      passLinks(a)));
  } else if (a.status === 'waitlisted') {
    li.append(el('p', { class: 'waitlist' },
      a.waitlist_position ? t('manage.waitlist_position', { n: a.waitlist_position }) : t('manage.waitlisted')));
  }
  const dl = el('dl', { class: 'details' },
    dlRow('field.email', a.email),
    dlRow('field.company', a.company),
    dlRow('field.job_title', a.job_title),
    dlRow('field.dietary', a.dietary),
    dlRow('manage.listed', a.listed ? t('common.yes') : t('common.no')));
  li.append(dl);
  const seats = Array.isArray(a.sessions) ? a.sessions : [];
  if (seats.length) {
    li.append(el('h4', { class: 'signed-up-heading' }, t('manage.signed_up')),
      el('ul', { class: 'signed-up' }, ...seats.map((s) => el('li', {}, sessionTitle(s.id, s.title)))));
  }
  const sessions = sessionsPanel(a, i);
  if (sessions) li.append(sessions);
  if (a.status !== 'cancelled' && changesOpen()) {
    if (editing === a.id) li.append(editForm(a, i));
    else li.append(cardActions(a, i));
  }
  if (reg.link === 'registration' && a.manage_url && a.status !== 'cancelled' && (reg.attendees || []).length > 1) {
    li.append(personalLink(a, i));
  }
  return li;
}

/** A session's title in the page's language, by id from the sessions offered. */
function sessionTitle(id, fallback) {
  const s = (reg && Array.isArray(reg.signup_sessions) ? reg.signup_sessions : []).find((x) => x.id === id);
  return s ? i18n.pick(s, 'title') : (fallback || '');
}

/** The attendee's place in session s: {state: seat | waiting | wanted, position}, or null. */
function sessionState(a, s) {
  if ((a.sessions || []).some((x) => x.id === s.id)) return { state: 'seat', position: null };
  const w = (a.sessions_waiting || []).find((x) => x.id === s.id);
  return w ? { state: w.state, position: w.position } : null;
}

/** Every session the attendee holds a seat in, waits for or wants. */
function chosen(a) {
  return [...(a.sessions || []), ...(a.sessions_waiting || [])].map((x) => x.id);
}

/** When session s is: its day and times, as the server gives them. */
function sessionWhen(s) {
  const day = formatDay(datePart(s.starts_at), i18n.getLang(), { year: false });
  return t('manage.session_when', { day, start: hhmm(s.starts_at), end: hhmm(s.ends_at) });
}

/** What the attendee has of session s, or what it has left to offer. */
function sessionStateText(place, s) {
  if (place && place.state === 'seat') return t('manage.session_seat');
  if (place && place.state === 'waiting') return t('manage.session_waiting', { n: place.position });
  if (place) return t('manage.session_wanted');
  if (s.remaining === null || s.remaining === undefined) return '';
  if (s.remaining > 0) return t('manage.session_left', { n: s.remaining });
  return t(s.waitlist ? 'manage.session_full_waitlist' : 'manage.session_full');
}

/** The button that signs the attendee up for s or drops it; null when there is none. */
function sessionButton(a, i, s, place, alert) {
  const full = s.remaining === 0;
  let key;
  if (place) key = place.state === 'seat' ? 'manage.session_drop' : 'manage.session_leave';
  else if (!full) key = 'manage.session_sign_up';
  else if (s.waitlist) key = 'manage.session_join_waitlist';
  else return null;
  const title = i18n.pick(s, 'title');
  const button = el('button', { type: 'button', class: place ? 'button' : 'button button-primary', id: `session-${i}-${s.id}` },
    t(key), el('span', { class: 'visually-hidden' }, ` – ${title}`));
  // Giving up a seat of a limited session is asked once more: it goes to
  // the next in line at once, and may not come back.
  const asks = place && place.state === 'seat' && typeof s.remaining === 'number';
  let asked = false;
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    if (asks && !asked) {
      asked = true;
      button.firstChild.textContent = t('manage.session_drop_confirm');
      const where = document.getElementById(`sessions-${i}-alert`) || alert;
      where.textContent = t('manage.session_drop_warn', { title });
      return;
    }
    button.setAttribute('aria-disabled', 'true');
    alert.textContent = '';
    const ids = place ? chosen(a).filter((x) => x !== s.id) : [...chosen(a), s.id];
    const res = await api('PUT', `${attendeePath(a)}/sessions`, { body: { sessions: ids } });
    button.removeAttribute('aria-disabled');
    if (res.status === 200 && res.body) {
      reg = res.body;
      render();
      const now = (reg.attendees || []).find((x) => x.id === a.id) || a;
      const got = sessionState(now, s);
      const name = fullName(now);
      if (!got) pageStatus.textContent = t('manage.session_dropped', { name, title });
      else if (got.state === 'seat') pageStatus.textContent = t('manage.session_seated', { name, title });
      else if (got.state === 'waiting') pageStatus.textContent = t('manage.session_in_line', { name, title, n: got.position });
      else pageStatus.textContent = t('manage.session_wished', { name, title });
      const again = document.getElementById(`session-${i}-${s.id}`);
      if (again) again.focus();
      return;
    }
    const err = res.body && res.body.error;
    const text = res.status === 422 && err && err.fields && err.fields.sessions
      ? t(`error.field.sessions.${err.fields.sessions}`) : problem(res);
    if (res.status === 409 || res.status === 422) {
      await reload();
      render();
    }
    const where = document.getElementById(`sessions-${i}-alert`) || alert;
    where.textContent = text;
    where.focus();
  });
  return button;
}

/**
 * The sessions that take sign-ups, with the attendee's seat or place in
 * line in each, and while changes are open a button to sign up or drop.
 * After the deadline only what the attendee has is listed.
 */
function sessionsPanel(a, i) {
  const open = a.status !== 'cancelled' && changesOpen();
  const offered = Array.isArray(reg.signup_sessions) ? reg.signup_sessions : [];
  const shown = offered.filter((s) => open || sessionState(a, s));
  if (!shown.length) return null;
  const alert = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: `sessions-${i}-alert` });
  const list = el('ul', { class: 'session-choices', id: `sessions-${i}` });
  for (const s of shown) {
    const place = sessionState(a, s);
    const state = sessionStateText(place, s);
    const item = el('li', { class: `session-choice${place ? ` session-choice--${place.state}` : ''}` },
      el('span', { class: 'session-choice-title' }, i18n.pick(s, 'title')),
      el('span', { class: 'signup-when' }, sessionWhen(s)),
      state ? el('span', { class: `session-choice-state${!place && s.remaining === 0 ? ' signup-seats--full' : ''}` }, state) : '');
    const button = open ? sessionButton(a, i, s, place, alert) : null;
    if (button) item.append(button);
    list.append(item);
  }
  return el('div', { class: 'sessions-panel', role: 'group', 'aria-labelledby': `sessions-${i}-heading` },
    el('h4', { class: 'sessions-heading', id: `sessions-${i}-heading` }, t('manage.sessions_heading')),
    a.status === 'waitlisted' && open ? el('p', { class: 'muted' }, t('manage.sessions_waitlisted_hint')) : '',
    list, alert);
}

function cardActions(a, i) {
  const edit = el('button', { type: 'button', class: 'button', id: `edit-${i}` }, t('manage.edit_button'));
  edit.addEventListener('click', () => {
    editing = a.id;
    adding = false;
    render();
    const first = document.getElementById(`edit-${i}-first_name`);
    if (first) first.focus();
  });
  const cancel = el('button', { type: 'button', class: 'button button-danger', id: `cancel-one-${i}` },
    reg.link === 'attendee' ? t('manage.cancel_mine_button') : t('manage.cancel_one_button'));
  cancel.addEventListener('click', () => openDialog(a));
  return el('p', { class: 'card-actions' }, edit, ' ', cancel);
}

/** A labelled input with its error line; its id is prefix-name. */
function inputField(prefix, name, value) {
  const id = `${prefix}-${name}`;
  const label = el('label', { for: id }, t(`field.${name}`),
    REQUIRED.has(name) ? '' : el('span', { class: 'muted' }, ' ', t('common.optional')));
  const attrs = { id, name, type: name === 'email' ? 'email' : 'text', value: value || '',
    maxlength: MAX[name], 'aria-describedby': `${id}-error` };
  if (REQUIRED.has(name)) attrs.required = true;
  if (name === 'email') attrs.autocomplete = 'email';
  const input = el('input', attrs);
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  return el('div', { class: 'field' }, label, input, error);
}

/** Field errors (codes) beside their inputs; the first one focused. */
function showFieldErrors(form, prefix, fields) {
  let first = null;
  for (const [name, code] of Object.entries(fields || {})) {
    const input = form.querySelector(`#${prefix}-${name}`);
    const error = form.querySelector(`#${prefix}-${name}-error`);
    if (!input || !error) continue;
    error.textContent = t(`manage.field_err.${code}`) !== `manage.field_err.${code}`
      ? t(`manage.field_err.${code}`) : t('manage.field_err.invalid');
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    if (!first) first = input;
  }
  if (first) first.focus();
  return first !== null;
}

function clearFieldErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function formValues(form, names) {
  const out = {};
  for (const name of names) out[name] = form.querySelector(`[name="${name}"]`).value;
  return out;
}

function editForm(a, i) {
  const prefix = `edit-${i}`;
  const alert = el('div', { class: 'alert', role: 'alert', id: `${prefix}-alert` });
  const save = el('button', { type: 'submit', class: 'button button-primary', id: `${prefix}-save` }, t('manage.save'));
  const back = el('button', { type: 'button', class: 'button', id: `${prefix}-back` }, t('manage.edit_cancel'));
  const form = el('form', { class: 'edit-form', id: `${prefix}-form`, novalidate: true, 'aria-labelledby': `${prefix}-heading` },
    el('h4', { id: `${prefix}-heading` }, t('manage.edit_heading', { name: fullName(a) })),
    ...EDIT_FIELDS.map((name) => inputField(prefix, name, a[name])),
    alert,
    el('p', { class: 'card-actions' }, save, ' ', back));
  back.addEventListener('click', () => {
    editing = null;
    render();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    alert.textContent = '';
    save.setAttribute('aria-disabled', 'true');
    const body = { version: a.version, ...formValues(form, EDIT_FIELDS) };
    const res = await api('PATCH', `/api/v1/registrations/${encodeURIComponent(token)}/attendees/${encodeURIComponent(a.id)}`, { body });
    save.removeAttribute('aria-disabled');
    if (res.status === 200 && res.body) {
      reg = res.body;
      editing = null;
      render();
      pageStatus.textContent = t('manage.saved', { name: fullName(reg.attendees.find((x) => x.id === a.id) || a) });
      return;
    }
    if (res.status === 409 && res.body && res.body.error && res.body.error.code === 'conflict') {
      // Changed elsewhere: show the current copy, keep what was typed.
      const typed = formValues(form, EDIT_FIELDS);
      await reload();
      editing = a.id;
      render();
      const again = document.getElementById(`${prefix}-form`);
      if (again) {
        for (const [name, v] of Object.entries(typed)) again.querySelector(`[name="${name}"]`).value = v;
        const al = document.getElementById(`${prefix}-alert`);
        al.textContent = t('manage.err.conflict');
        al.focus();
      }
      return;
    }
    if (res.status === 422 && res.body && res.body.error && showFieldErrors(form, prefix, res.body.error.fields)) return;
    alert.textContent = problem(res);
    if (res.status === 409) {
      await reload();
      render();
      pageAlert.textContent = problem(res);
      pageAlert.focus();
    }
  });
  return form;
}

function personalLink(a, i) {
  const id = `personal-${i}`;
  const input = el('input', { id, type: 'text', readonly: true, value: a.manage_url, spellcheck: 'false', class: 'link-input' });
  input.addEventListener('focus', () => input.select());
  return el('details', { class: 'personal-link' },
    el('summary', {}, t('manage.personal_link_summary')),
    el('p', { class: 'muted' }, t('manage.personal_link_hint', { name: fullName(a) })),
    el('label', { for: id }, t('manage.personal_link_label', { name: fullName(a) })),
    input);
}

function addPanel() {
  const section = el('section', { class: 'panel', 'aria-labelledby': 'add-heading', id: 'add-panel' },
    el('h2', { id: 'add-heading' }, t('manage.add_heading')));
  if (!adding) {
    const open = el('button', { type: 'button', class: 'button', id: 'add-open' }, t('manage.add_button'));
    open.addEventListener('click', () => {
      adding = true;
      editing = null;
      render();
      document.getElementById('add-first_name').focus();
    });
    section.append(el('p', { class: 'muted' }, t('manage.add_text')), el('p', {}, open));
    return section;
  }
  const alert = el('div', { class: 'alert', role: 'alert', id: 'add-alert' });
  const save = el('button', { type: 'submit', class: 'button button-primary', id: 'add-save' }, t('manage.add_save'));
  const back = el('button', { type: 'button', class: 'button', id: 'add-back' }, t('manage.edit_cancel'));
  const form = el('form', { class: 'edit-form', id: 'add-form', novalidate: true, 'aria-labelledby': 'add-heading' },
    ...ADD_FIELDS.map((name) => inputField('add', name, '')),
    alert, el('p', { class: 'card-actions' }, save, ' ', back));
  back.addEventListener('click', () => {
    adding = false;
    render();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    alert.textContent = '';
    save.setAttribute('aria-disabled', 'true');
    const res = await api('POST', `/api/v1/registrations/${encodeURIComponent(token)}/attendees`, { body: formValues(form, ADD_FIELDS) });
    save.removeAttribute('aria-disabled');
    if (res.status === 201 && res.body) {
      reg = res.body;
      adding = false;
      render();
      const added = reg.attendees[reg.attendees.length - 1];
      pageStatus.textContent = t(added.status === 'waitlisted' ? 'manage.added_waitlisted' : 'manage.added', { name: fullName(added) });
      return;
    }
    if (res.status === 422 && res.body && res.body.error && showFieldErrors(form, 'add', res.body.error.fields)) return;
    alert.textContent = problem(res);
    alert.focus();
  });
  section.append(form);
  return section;
}

/** When changes can be made, or that they no longer can. */
function deadlineNotice() {
  if (!reg.changes_until || reg.status === 'cancelled') return null;
  const when = formatDateTime(reg.changes_until, i18n.getLang());
  return reg.changes_open
    ? el('p', { class: 'notice', id: 'changes-until' }, t('manage.changes_until', { deadline: when }))
    : el('p', { class: 'notice notice-closed', id: 'changes-until' }, t('manage.changes_closed', { deadline: when }));
}

function nextSteps(link) {
  const section = el('section', { class: 'panel next-steps', 'aria-labelledby': 'next-heading' },
    el('h2', { id: 'next-heading' }, t('manage.next_heading')));
  const ol = el('ol', { class: 'steps' });
  ol.append(el('li', {}, t('manage.next_details')));
  if (reg.status === 'waitlisted' || reg.status === 'partial') ol.append(el('li', {}, t('manage.next_waitlist')));
  ol.append(el('li', {}, t('manage.next_pass')));
  ol.append(el('li', {}, t('manage.next_link')));
  section.append(ol);
  return section;
}

function linkPanel(link) {
  const input = el('input', { id: 'manage-link', type: 'text', readonly: true, value: link, spellcheck: 'false', class: 'link-input', 'aria-describedby': 'manage-link-hint' });
  const copy = el('button', { type: 'button', class: 'button', id: 'copy-link' }, t('manage.copy_link'));
  const copied = el('p', { class: 'copy-status', role: 'status', id: 'copy-status' });
  copy.addEventListener('click', async () => {
    const ok = await copyText(link, input);
    copied.textContent = ok ? t('manage.copied') : t('manage.copy_failed');
  });
  input.addEventListener('focus', () => input.select());
  return el('section', { class: 'panel', 'aria-labelledby': 'link-heading' },
    el('h2', { id: 'link-heading' }, t('manage.link_heading')),
    el('p', { id: 'manage-link-hint', class: 'muted' }, t('manage.link_hint')),
    el('label', { for: 'manage-link', class: 'visually-hidden' }, t('manage.link_label')),
    el('div', { class: 'link-row' }, input, copy),
    el('p', {}, el('a', { href: link, id: 'manage-link-anchor' }, t('manage.open_link'))),
    copied);
}

function cancelPanel() {
  const open = el('button', { type: 'button', class: 'button button-danger', id: 'cancel-open' }, t('manage.cancel_button'));
  open.addEventListener('click', openDialog);
  return el('section', { class: 'panel', 'aria-labelledby': 'cancel-heading' },
    el('h2', { id: 'cancel-heading' }, t('manage.cancel_heading')),
    el('p', { class: 'muted' }, t('manage.cancel_text')),
    el('p', {}, open));
}

/** The registration's invoices and credit notes, each a PDF; null: none. */
function invoicePanel() {
  const docs = Array.isArray(reg.invoices) ? reg.invoices : [];
  if (!docs.length) return null;
  const lang = i18n.getLang();
  const base = `/api/v1/registrations/${encodeURIComponent(token)}/invoices`;
  const items = docs.map((d) => el('li', { 'data-invoice': String(d.number) },
    el('a', { href: `${base}/${d.number}.pdf?lang=${lang}`, target: '_blank', rel: 'noopener' },
      t(d.kind === 'credit' ? 'manage.invoice_credit' : 'manage.invoice', { n: d.number })),
    ' ', el('span', { class: 'muted' }, d.kind === 'credit'
      ? t('manage.invoice_credit_about', { date: d.issued, amount: formatPrice(d.total_ore, lang), invoice: d.credits })
      : t('manage.invoice_about', { date: d.issued, amount: formatPrice(d.total_ore, lang), due: d.due, ocr: d.ocr }))));
  const owed = docs.reduce((sum, d) => sum + d.total_ore, 0);
  return el('section', { class: 'panel', 'aria-labelledby': 'invoices-heading', id: 'invoice-panel' },
    el('h2', { id: 'invoices-heading' }, t('manage.invoices_heading')),
    el('ul', { class: 'invoice-list' }, items),
    el('p', { id: 'invoice-owed' }, el('strong', {}, t('manage.invoices_owed', { amount: formatPrice(owed, lang) }))));
}

/**
 * The person's data: a download of everything stored (the server names
 * the file), the privacy notice, and the erasure, asked first.
 */
function privacyPanel() {
  const open = el('button', { type: 'button', class: 'button button-danger', id: 'erase-open' },
    t(reg.link === 'attendee' ? 'manage.erase_mine_button' : 'manage.erase_button'));
  open.addEventListener('click', openEraseDialog);
  return el('section', { class: 'panel', 'aria-labelledby': 'privacy-heading', id: 'privacy-panel' },
    el('h2', { id: 'privacy-heading' }, t('manage.privacy_heading')),
    el('p', { class: 'muted' }, t(reg.link === 'attendee' ? 'manage.privacy_mine_text' : 'manage.privacy_text')),
    el('p', {},
      el('a', { href: `/api/v1/registrations/${encodeURIComponent(token)}/data`, class: 'button', id: 'privacy-download', download: true },
        t('manage.privacy_download')),
      ' ', el('a', { href: 'privacy.html', id: 'privacy-notice-link' }, t('manage.privacy_notice'))),
    el('p', { class: 'muted' }, t('manage.erase_text')),
    el('p', {}, open));
}

function openEraseDialog() {
  if (!reg) return;
  eraseText.textContent = t(reg.link === 'attendee' ? 'manage.erase_mine_confirm_text' : 'manage.erase_confirm_text',
    { n: (reg.attendees || []).length });
  eraseAlert.textContent = '';
  if (typeof eraseDialog.showModal === 'function') eraseDialog.showModal();
  else eraseDialog.setAttribute('open', '');
  eraseKeep.focus(); // the safe choice is the default
}

function closeEraseDialog() {
  if (typeof eraseDialog.close === 'function') eraseDialog.close();
  else eraseDialog.removeAttribute('open');
}

async function confirmErase() {
  if (erasing) return;
  erasing = true;
  eraseButton.setAttribute('aria-disabled', 'true');
  const res = await api('DELETE', `/api/v1/registrations/${encodeURIComponent(token)}/data`);
  erasing = false;
  eraseButton.removeAttribute('aria-disabled');
  if (res.status === 200) {
    reg = null;
    state = 'erased';
    closeEraseDialog();
    render();
    title.focus();
    return;
  }
  eraseAlert.textContent = problem(res);
}

function render() {
  clear(content);
  loading.hidden = state !== 'loading';
  pageAlert.textContent = '';
  if (state === 'erased') {
    i18n.setText(title, 'manage.erased_heading');
    content.append(el('p', { id: 'erased-text' }, t('manage.erased_text')),
      el('p', {}, el('a', { href: 'index.html' }, t('common.nav_programme'))));
    document.title = t('manage.page_title');
    return;
  }
  if (state === 'no_token' || state === 'not_found') {
    i18n.setText(title, state === 'no_token' ? 'manage.no_token_heading' : 'manage.not_found_heading');
    content.append(
      el('p', {}, t(state === 'no_token' ? 'manage.no_token_text' : 'manage.not_found_text')),
      el('p', {}, el('a', { href: 'register.html', class: 'button' }, t('common.nav_register')),
        ' ', el('a', { href: 'index.html' }, t('common.nav_programme'))));
    document.title = t('manage.page_title');
    return;
  }
  if (state === 'error') {
    i18n.setText(title, 'manage.heading');
    pageAlert.textContent = errorText(failure);
    const retry = el('button', { type: 'button', class: 'button' }, t('common.retry'));
    retry.addEventListener('click', load);
    content.append(el('p', {}, retry));
    return;
  }
  if (state !== 'ok' || !reg) return;

  const cancelled = reg.status === 'cancelled';
  if (justCancelled) i18n.setText(title, 'manage.cancelled_heading');
  else if (isNew && !cancelled) {
    i18n.setText(title, reg.status === 'waitlisted' ? 'manage.new_heading_waitlist'
      : (reg.status === 'partial' ? 'manage.new_heading_partial' : 'manage.new_heading'));
  } else i18n.setText(title, 'manage.heading');
  document.title = t('manage.page_title');

  const link = manageLink();
  const lang = i18n.getLang();
  if (isNew && !cancelled) content.append(nextSteps(link));

  const summary = el('section', { class: 'panel summary', 'aria-labelledby': 'summary-heading' },
    el('h2', { id: 'summary-heading' }, t('manage.summary_heading')),
    el('dl', { class: 'details' },
      el('dt', {}, t('manage.status')), el('dd', { id: 'registration-status' }, statusBadge(reg.status)),
      dlRow('manage.event', lang === 'en' && reg.event_en ? reg.event_en : reg.event),
      dlRow('manage.ticket_type', i18n.pick(reg.ticket_type, 'name')),
      dlRow('manage.registered_at', reg.created_at ? formatDateTime(reg.created_at, i18n.getLang()) : '')));
  content.append(summary);
  // Once invoiced, the documents say what is owed (fees kept included).
  const price = (reg.invoices || []).length ? null : pricePanel();
  if (price) content.append(price);
  const notice = deadlineNotice();
  if (notice) content.append(notice);

  const attendees = Array.isArray(reg.attendees) ? reg.attendees : [];
  const list = el('ul', { class: 'attendee-cards', id: 'attendee-list' });
  attendees.forEach((a, i) => list.append(attendeeCard(a, i)));
  content.append(el('section', { 'aria-labelledby': 'attendees-heading', class: 'attendees' },
    el('h2', { id: 'attendees-heading' }, t('manage.attendees_heading', { n: attendees.length })),
    list));

  const c = reg.contact || {};
  content.append(el('section', { class: 'panel', 'aria-labelledby': 'contact-heading' },
    el('h2', { id: 'contact-heading' }, t('register.contact_heading')),
    el('dl', { class: 'details' },
      dlRow('manage.name', fullName(c)),
      dlRow('field.email', c.email),
      dlRow('field.company', c.company),
      dlRow('field.phone', c.phone))));

  const bills = invoicePanel();
  if (bills) content.append(bills);

  if (!cancelled && changesOpen() && reg.link === 'registration') content.append(addPanel());
  if (!cancelled) content.append(linkPanel(link));
  if (!cancelled && changesOpen() && reg.link === 'registration') content.append(cancelPanel());
  content.append(privacyPanel());
}

/** The confirmation: of one attendee (a), or of everyone (no a). */
function openDialog(a) {
  if (!reg) return;
  cancelTarget = a && a.id ? a : null;
  const n = (reg.attendees || []).filter((x) => x.status !== 'cancelled').length;
  if (cancelTarget) {
    i18n.setText(document.getElementById('cancel-dialog-title'), 'manage.cancel_one_title', { name: fullName(cancelTarget) });
    dialogText.textContent = reg.link === 'attendee' ? t('manage.cancel_mine_text')
      : t('manage.cancel_one_text', { name: fullName(cancelTarget) });
    i18n.setText(confirmButton, 'manage.cancel_one_yes');
  } else {
    i18n.setText(document.getElementById('cancel-dialog-title'), 'manage.cancel_confirm_title');
    dialogText.textContent = t('manage.cancel_confirm_text', { n });
    i18n.setText(confirmButton, 'manage.cancel_confirm_yes');
  }
  // Invoiced: what cancelling now costs, said before it is done.
  const c = reg.cancellation;
  if (c) {
    const free = !c.free_until || Date.now() <= Date.parse(c.free_until);
    dialogText.textContent += ` ${free
      ? t('manage.cancel_costs_nothing')
      : t('manage.cancel_costs_fee', { n: c.fee_percent || 0 })}`;
  }
  dialogAlert.textContent = '';
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  keepButton.focus(); // the safe choice is the default
}

function closeDialog() {
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}

async function confirmCancel() {
  if (cancelling) return;
  cancelling = true;
  confirmButton.setAttribute('aria-disabled', 'true');
  i18n.setText(confirmButton, 'manage.cancelling');
  const one = cancelTarget;
  const path = one ? `/api/v1/registrations/${encodeURIComponent(token)}/attendees/${encodeURIComponent(one.id)}`
    : `/api/v1/registrations/${encodeURIComponent(token)}`;
  const res = await api('DELETE', path);
  cancelling = false;
  confirmButton.removeAttribute('aria-disabled');
  i18n.setText(confirmButton, one ? 'manage.cancel_one_yes' : 'manage.cancel_confirm_yes');
  if (res.status >= 200 && res.status < 300 && res.body) {
    reg = res.body;
    justCancelled = reg.status === 'cancelled';
    editing = null;
    closeDialog();
    render();
    pageStatus.textContent = justCancelled ? t('manage.cancelled_notice') : t('manage.cancelled_one_notice', { name: fullName(one) });
    title.focus();
    return;
  }
  dialogAlert.textContent = problem(res);
}

/** The registration read again, as it is now. */
async function reload() {
  const res = await api('GET', `/api/v1/registrations/${encodeURIComponent(token)}`);
  if (res.status === 200 && res.body) reg = res.body;
}

async function load() {
  readFragment();
  justCancelled = false;
  pageStatus.textContent = '';
  if (!token) {
    state = 'no_token';
    render();
    return;
  }
  state = 'loading';
  render();
  const res = await api('GET', `/api/v1/registrations/${encodeURIComponent(token)}`);
  if (res.status === 200 && res.body) {
    reg = res.body;
    state = 'ok';
  } else if (res.status === 404) {
    reg = null;
    state = 'not_found';
  } else {
    reg = null;
    state = 'error';
    failure = res;
  }
  render();
}

async function main() {
  await i18n.init();
  confirmButton.addEventListener('click', confirmCancel);
  keepButton.addEventListener('click', closeDialog);
  eraseButton.addEventListener('click', confirmErase);
  eraseKeep.addEventListener('click', closeEraseDialog);
  window.addEventListener('hashchange', load);
  i18n.onChange(() => {
    render();
    if (justCancelled) pageStatus.textContent = t('manage.cancelled_notice');
  });
  await load();
}

main();
