// Registration form (register.html). register.html?invitation=CODE is an
// invitation link (the console shows one per hidden ticket type): the page
// offers only the ticket type of that code, sends the code with the
// registration, and says so plainly when the code opens nothing.
import { api } from './api.js';
import { errorText, fieldText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { formatPrice, datePart, formatDay, hhmm } from './format.js';
import { attendeeBody } from './attendee.js';

const { t } = i18n;
const MAX_ATTENDEES = 10;
const MIRRORED = ['first_name', 'last_name', 'email', 'company'];

const form = document.getElementById('reg-form');
const alertBox = document.getElementById('form-alert');
const attendeeList = document.getElementById('attendee-list');
const addButton = document.getElementById('add-attendee');
const submitButton = document.getElementById('submit-button');

let event = null;
let signupSessions = []; // sessions that take sign-ups (the dinner, study visits)
let submitting = false;
let blockSeq = 0;
let sameAsBox = null; // "same as contact person" checkbox of the first attendee
let notOpen = false; // no event is set up: nothing to register for
let programme = null; // { eventId, sessions }: the current event's sign-up sessions
let fullSession = null; // { id, title }: the session a 409 said is full
// The code of an invitation link, or null on the public registration.
const invitationCode = new URLSearchParams(window.location.search).get('invitation');

// One key per form fill: a double click or a retry after a lost answer
// replays the first answer instead of registering twice. A definitive
// "no" from the server (4xx) means nothing was written, so the next
// attempt (with corrected data) gets a fresh key.
function newKey() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
let idempotencyKey = newKey();

// ---------------------------------------------------------------- tickets

function ticketOption(tt, selectedId) {
  const id = `ticket-${tt.id}`;
  const unlimited = tt.remaining === null || tt.remaining === undefined;
  const soldOut = !unlimited && tt.remaining <= 0 && !tt.waitlist_open;
  let seats;
  if (tt.waitlist_open) seats = t('register.ticket_waitlist');
  else if (soldOut) seats = t('register.ticket_sold_out');
  else if (!unlimited) seats = t('register.ticket_remaining', { n: tt.remaining });
  else seats = '';

  const input = el('input', {
    type: 'radio', name: 'ticket_type', id, value: String(tt.id),
    'data-field': 'ticket_type', disabled: soldOut,
    'aria-describedby': 'ticket_type-error', 'data-price': String(tt.price_ore || 0),
  });
  input.addEventListener('change', showBilling);
  if (String(tt.id) === selectedId && !soldOut) input.checked = true;
  const label = el('label', { for: id },
    el('span', { class: 'ticket-head' },
      el('span', { class: 'ticket-name' }, i18n.pick(tt, 'name')),
      el('span', { class: 'ticket-price' },
        tt.price_ore ? t('price.excl_vat', { price: formatPrice(tt.price_ore, i18n.getLang()) }) : t('register.ticket_free'))),
    i18n.pick(tt, 'description') ? el('span', { class: 'ticket-desc' }, i18n.pick(tt, 'description')) : '',
    seats ? el('span', { class: `ticket-seats${tt.waitlist_open ? ' ticket-seats--waitlist' : ''}${soldOut ? ' ticket-seats--soldout' : ''}` }, seats) : '');
  return el('div', { class: `ticket-option${soldOut ? ' ticket-option--disabled' : ''}` }, input, label);
}

function renderTickets() {
  const list = document.getElementById('ticket-list');
  const checked = form.querySelector('input[name="ticket_type"]:checked');
  const selectedId = checked ? checked.value : null;
  document.getElementById('ticket-loading').hidden = true;
  clear(list);
  if (!event) return;
  const types = Array.isArray(event.ticket_types) ? event.ticket_types : [];
  if (!types.length) {
    list.append(el('p', {}, t('register.no_tickets')));
    return;
  }
  // The one ticket type there is (an invitation's, or the event's only
  // one) is chosen already.
  const chosen = selectedId || (types.length === 1 ? String(types[0].id) : null);
  for (const tt of types) list.append(ticketOption(tt, chosen));
  showBilling();
}

function renderEventSummary() {
  const p = document.getElementById('event-summary');
  if (!event) return;
  const start = datePart(event.starts_at);
  const end = datePart(event.ends_at);
  const lang = i18n.getLang();
  const dates = end && end !== start
    ? t('programme.date_range', { start: formatDay(start, lang, { weekday: false, year: false }), end: formatDay(end, lang, { weekday: false }) })
    : formatDay(start, lang, { weekday: false });
  const city = event.venue && event.venue.city;
  const name = i18n.pick(event, 'name');
  p.textContent = [name, dates, city].filter(Boolean).join(' · ');
  document.title = t('register.page_title_event', { name: name || t('common.brand') });
}

// -------------------------------------------------------------- attendees

function makeField(block, name, { type = 'text', labelKey, optional = false, maxlength, autocomplete, textarea = false, inputmode }) {
  const id = `att${block}-${name}`;
  const label = el('label', { for: id },
    el('span', { 'data-i18n': labelKey }, t(labelKey)),
    optional ? ' ' : '',
    optional ? el('span', { class: 'optional', 'data-i18n': 'common.optional' }, t('common.optional')) : '');
  const attrs = {
    id, name, type: textarea ? null : type, maxlength, autocomplete, inputmode,
    'data-name': name, 'aria-describedby': `${id}-error`, required: !optional,
  };
  if (type === 'email') Object.assign(attrs, { spellcheck: 'false', autocapitalize: 'off' });
  const input = el(textarea ? 'textarea' : 'input', attrs);
  if (textarea) input.rows = 2;
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  return el('div', { class: 'field' }, label, input, error);
}

function attendeeBlocks() {
  return Array.from(attendeeList.querySelectorAll('.attendee'));
}

function contactValue(name) {
  return document.getElementById(`contact-${name}`).value;
}

function mirrorContact() {
  if (!sameAsBox || !sameAsBox.checked) return;
  const first = attendeeList.querySelector('.attendee[data-first]');
  if (!first) return;
  for (const name of MIRRORED) first.querySelector(`[data-name="${name}"]`).value = contactValue(name);
}

function buildAttendee(isFirst) {
  const n = blockSeq++;
  const fs = el('fieldset', { class: 'attendee', 'data-block': String(n) });
  if (isFirst) fs.dataset.first = '';
  const legend = el('legend', {}, el('h3', { class: 'attendee-heading', 'data-i18n': 'register.attendee_n' }));
  fs.append(legend);

  if (isFirst) {
    sameAsBox = el('input', { type: 'checkbox', id: `att${n}-same`, class: 'same-as' });
    sameAsBox.checked = true;
    fs.append(el('div', { class: 'check check--convenience' }, sameAsBox,
      el('label', { for: `att${n}-same`, 'data-i18n': 'register.same_as_contact' }, t('register.same_as_contact'))));
  }

  const row = el('div', { class: 'field-row' },
    makeField(n, 'first_name', { labelKey: 'field.first_name', maxlength: 100, autocomplete: isFirst ? 'given-name' : 'off' }),
    makeField(n, 'last_name', { labelKey: 'field.last_name', maxlength: 100, autocomplete: isFirst ? 'family-name' : 'off' }));
  fs.append(row,
    makeField(n, 'email', { type: 'email', labelKey: 'field.email', maxlength: 254, autocomplete: isFirst ? 'email' : 'off', inputmode: 'email' }),
    makeField(n, 'company', { labelKey: 'field.company', optional: true, maxlength: 150, autocomplete: isFirst ? 'organization' : 'off' }),
    makeField(n, 'job_title', { labelKey: 'field.job_title', optional: true, maxlength: 150, autocomplete: isFirst ? 'organization-title' : 'off' }),
    makeField(n, 'dietary', { labelKey: 'field.dietary', optional: true, maxlength: 500, textarea: true }));

  fs.append(el('fieldset', { class: 'signups', hidden: true, 'data-block': String(n) },
    el('legend', { 'data-i18n': 'register.signup_legend' }, t('register.signup_legend')),
    el('div', { class: 'signup-list' }),
    el('p', { class: 'field-error', id: `att${n}-sessions-error`, hidden: true })));

  const listed = el('input', { type: 'checkbox', id: `att${n}-listed`, 'data-name': 'listed', 'aria-describedby': `att${n}-listed-error` });
  fs.append(el('div', { class: 'check' }, listed,
    el('label', { for: `att${n}-listed`, 'data-i18n': 'field.listed' }, t('field.listed'))),
  el('p', { class: 'field-error', id: `att${n}-listed-error`, hidden: true }));

  if (isFirst) {
    // Typing into a copied field means "this is someone else": stop mirroring.
    for (const name of MIRRORED) {
      fs.querySelector(`[data-name="${name}"]`).addEventListener('input', () => {
        if (sameAsBox.checked) sameAsBox.checked = false;
      });
    }
    sameAsBox.addEventListener('change', () => {
      if (sameAsBox.checked) {
        mirrorContact();
      } else {
        // Clear what we copied so the form is ready for someone else.
        for (const name of MIRRORED) {
          const input = fs.querySelector(`[data-name="${name}"]`);
          if (input.value === contactValue(name)) input.value = '';
        }
        fs.querySelector('[data-name="first_name"]').focus();
      }
    });
  } else {
    const remove = el('button', { type: 'button', class: 'button button-link remove-attendee', 'data-i18n': 'register.remove_attendee' });
    remove.addEventListener('click', () => removeAttendee(fs));
    fs.append(el('p', { class: 'attendee-actions' }, remove));
  }
  return fs;
}

function sessionFull(s) {
  return typeof s.remaining === 'number' && s.remaining <= 0;
}

// One checkbox per sign-up session in each attendee block; a full one is
// shown but cannot be ticked, unless it keeps a waitlist: then ticking it
// is a place in its line. Re-rendering (new seat counts, another
// language) keeps the ticks, a shown error's aria-invalid and the focus.
function renderSignups(fs) {
  const box = fs.querySelector('.signups');
  const list = box.querySelector('.signup-list');
  const n = box.dataset.block;
  const chosen = new Set(Array.from(list.querySelectorAll('input:checked'), (c) => c.value));
  const focusedId = list.contains(document.activeElement) ? document.activeElement.id : null;
  const invalid = !box.querySelector('.field-error').hidden;
  clear(list);
  box.hidden = signupSessions.length === 0;
  const lang = i18n.getLang();
  for (const s of signupSessions) {
    const id = `att${n}-session-${s.id}`;
    const full = sessionFull(s) && !s.waitlist;
    const line = sessionFull(s) && s.waitlist === true;
    const input = el('input', {
      type: 'checkbox', id, value: String(s.id), 'data-name': 'sessions',
      disabled: full, 'aria-describedby': `att${n}-sessions-error`,
      'aria-invalid': invalid ? 'true' : null,
    });
    input.checked = chosen.has(String(s.id)) && !full;
    const when = `${formatDay(datePart(s.starts_at), lang, { year: false })} ${hhmm(s.starts_at)}`;
    const seats = full ? t('register.session_full')
      : line ? t('register.session_full_waitlist')
      : (s.remaining === null || s.remaining === undefined ? '' : t('register.ticket_remaining', { n: s.remaining }));
    list.append(el('div', { class: 'check signup' }, input,
      el('label', { for: id },
        el('span', { class: 'signup-title' }, i18n.pick(s, 'title')),
        el('span', { class: 'signup-when' }, when),
        seats ? el('span', { class: `signup-seats${full ? ' signup-seats--full' : ''}` }, seats) : '')));
  }
  if (focusedId) {
    const again = document.getElementById(focusedId);
    const target = again && !again.disabled ? again : list.querySelector('input:not([disabled])');
    if (target) target.focus();
    else alertBox.focus();
  }
}

function renumber() {
  const blocks = attendeeBlocks();
  blocks.forEach((fs, i) => {
    const args = { n: i + 1 };
    for (const node of fs.querySelectorAll('.attendee-heading, .remove-attendee')) {
      node.dataset.i18nArgs = JSON.stringify(args);
    }
    for (const input of fs.querySelectorAll('[data-name]')) {
      input.dataset.field = `attendees.${i}.${input.dataset.name}`;
    }
    i18n.apply(fs);
  });
  const full = blocks.length >= MAX_ATTENDEES;
  addButton.hidden = full;
  const limit = document.getElementById('attendee-limit');
  if (full) {
    i18n.setText(limit, 'register.attendee_limit', { n: MAX_ATTENDEES });
  } else {
    delete limit.dataset.i18n;
    limit.textContent = '';
  }
}

function addAttendee({ focus = false } = {}) {
  if (attendeeBlocks().length >= MAX_ATTENDEES) return;
  const fs = buildAttendee(attendeeBlocks().length === 0);
  attendeeList.append(fs);
  renderSignups(fs);
  renumber();
  if (focus) fs.querySelector('[data-name="first_name"]').focus();
}

function removeAttendee(fs) {
  const blocks = attendeeBlocks();
  const i = blocks.indexOf(fs);
  fs.remove();
  renumber();
  const rest = attendeeBlocks();
  const target = rest[Math.min(i, rest.length - 1)];
  // Keep the keyboard user in place: next block (or the previous one).
  const removeBtn = target && target.querySelector('.remove-attendee');
  (removeBtn || (target && target.querySelector('[data-name="first_name"]')) || addButton).focus();
}

// ----------------------------------------------------------------- errors

function showAlert(message) {
  alertBox.textContent = message || '';
}

/**
 * An address already registered: whoever registered it may have lost the
 * link, so the alert offers to have it sent again (link.html).
 */
function offerLink() {
  alertBox.append(' ', el('a', { href: i18n.withLang('link.html'), id: 'taken-link' }, t('register.taken_link')));
}

function clearErrors() {
  showAlert('');
  for (const p of form.querySelectorAll('.field-error')) {
    p.textContent = '';
    p.hidden = true;
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  document.getElementById('ticket-fieldset').classList.remove('has-error');
}

function errorElementFor(key, control) {
  if (control) {
    const described = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    for (const id of described) {
      const node = document.getElementById(id);
      if (node && node.classList.contains('field-error')) return node;
    }
  }
  return form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
}

/** The words for one field's code; too_long says the field's own limit. */
function fieldMessage(key, code, controls) {
  const max = controls[0] && controls[0].maxLength > 0 ? controls[0].maxLength : undefined;
  const session = /\.sessions$/.test(key) && fullSession ? fullSession.title : undefined;
  return fieldText(key, code, { max, title: session });
}

/**
 * Show the 422 (or 409 session_full) messages beside their fields; returns
 * how many were placed. With echo, the alert repeats the messages too.
 */
function showFieldErrors(fields, { echo = false, extra = null } = {}) {
  const unplaced = [];
  let firstFocus = null;
  let placed = 0;
  // Show errors in the order of the form, not of the JSON object.
  const order = Array.from(form.querySelectorAll('[data-field], [data-error-for]'));
  const position = (key) => {
    const i = order.findIndex((n) => n.dataset.field === key || n.dataset.errorFor === key);
    return i < 0 ? Infinity : i;
  };
  const keys = Object.keys(fields).sort((a, b) => position(a) - position(b));
  for (const key of keys) {
    const controls = Array.from(form.querySelectorAll(`[data-field="${CSS.escape(key)}"]`));
    const message = fieldMessage(key, fields[key], controls);
    const errorEl = errorElementFor(key, controls[0]);
    if (!errorEl) {
      unplaced.push(message);
      continue;
    }
    errorEl.textContent = message;
    errorEl.hidden = false;
    placed++;
    if (echo) unplaced.push(message);
    for (const c of controls) c.setAttribute('aria-invalid', 'true');
    if (key === 'ticket_type') document.getElementById('ticket-fieldset').classList.add('has-error');
    if (!firstFocus) {
      const focusable = controls.find((c) => !c.disabled) || (errorEl.hasAttribute('tabindex') ? errorEl : null);
      if (focusable) firstFocus = focusable;
    }
  }
  const summary = [t('register.errors_summary', { n: keys.length })];
  if (extra) summary.push(extra);
  if (unplaced.length) summary.push(...unplaced);
  showAlert(summary.join(' '));
  if (firstFocus) {
    firstFocus.focus();
  } else {
    alertBox.focus();
  }
  return placed;
}

// ----------------------------------------------------------------- submit

function value(id) {
  return document.getElementById(id).value.trim();
}

function collect() {
  const checked = form.querySelector('input[name="ticket_type"]:checked');
  const contact = {
    first_name: value('contact-first_name'),
    last_name: value('contact-last_name'),
    email: value('contact-email'),
    company: value('contact-company'),
  };
  const phone = value('contact-phone');
  if (phone) contact.phone = phone;
  const attendees = attendeeBlocks().map((fs) => attendeeBody(
    (name) => fs.querySelector(`[data-name="${name}"]`).value, {
      listed: fs.querySelector('[data-name="listed"]').checked,
      sessions: Array.from(fs.querySelectorAll('[data-name="sessions"]:checked'), (c) => Number(c.value)),
    }));
  const body = {
    ticket_type: checked ? Number(checked.value) : null,
    privacy_accepted: document.getElementById('privacy_accepted').checked,
    lang: i18n.getLang(), // the registration's mail comes in it
    contact,
    attendees,
  };
  if (invitationCode !== null) body.invitation = invitationCode;
  if (!document.getElementById('billing-fieldset').hidden) body.billing = billingBody();
  return body;
}

const BILLING_FIELDS = ['organisation', 'org_number', 'vat_number', 'address', 'email', 'reference'];

/** The billing details typed, those left empty left out. */
function billingBody() {
  const b = {};
  for (const f of BILLING_FIELDS) {
    const v = value(`billing-${f}`);
    if (v) b[f] = v;
  }
  return b;
}

/**
 * Who pays is asked when the ticket chosen is invoiced: it costs something
 * and the event invoices. With it, what cancelling costs.
 */
function showBilling() {
  const checked = form.querySelector('input[name="ticket_type"]:checked');
  const paid = Boolean(checked && Number(checked.dataset.price) > 0 && event && event.invoicing);
  document.getElementById('billing-fieldset').hidden = !paid;
  document.getElementById('billing-organisation').required = paid;
  const policy = document.getElementById('cancel-policy');
  const c = (event && event.cancellation) || {};
  const lang = i18n.getLang();
  if (!c.free_until) policy.textContent = t('register.cancel_free');
  else {
    policy.textContent = t('register.cancel_fee', {
      date: formatDay(datePart(c.free_until), lang, { weekday: false }), n: c.fee_percent || 0,
    });
  }
}

/** What the page offers: the current event, or what an invitation opens. */
function eventPath() {
  return invitationCode === null ? '/api/v1/event' : `/api/v1/invitations/${encodeURIComponent(invitationCode)}`;
}

function setSubmitting(on) {
  submitting = on;
  form.setAttribute('aria-busy', String(on));
  submitButton.setAttribute('aria-disabled', String(on));
  i18n.setText(submitButton, on ? 'register.submitting' : 'register.submit');
}

async function refreshEvent() {
  const r = await api('GET', eventPath());
  if (r.status === 200 && r.body) {
    event = r.body;
    renderTickets();
  }
}

async function onSubmit(ev) {
  ev.preventDefault();
  if (submitting || notOpen) return;
  clearErrors();
  const payload = collect();
  setSubmitting(true);
  const res = await api('POST', '/api/v1/registrations', {
    body: payload,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  if (res.status >= 200 && res.status < 300 && res.body && res.body.manage_token) {
    const token = encodeURIComponent(res.body.manage_token);
    // In the language the registration was made in, as its mail is.
    window.location.assign(i18n.withLang(`manage.html#t=${token}&new=1`));
    return; // keep the button busy while the next page loads
  }
  setSubmitting(false);
  const code = res.body && res.body.error && res.body.error.code;
  if (res.status >= 400 && res.status < 500 && code !== 'idempotency_key_reused') {
    idempotencyKey = newKey(); // nothing was written: the next attempt is a new one
  }
  if (code === 'session_full') {
    markSessionFull(res.body.error.params);
    if (res.body.error.fields && Object.keys(res.body.error.fields).length) {
      showFieldErrors(res.body.error.fields, { echo: true });
    } else {
      showAlert(errorText(res));
      alertBox.focus();
    }
    // Show the seats left now, so the person can choose another session.
    loadSignups();
    return;
  }
  if (res.status === 422 && res.body && res.body.error
      && res.body.error.fields && Object.keys(res.body.error.fields).length) {
    showFieldErrors(res.body.error.fields);
    if (Object.entries(res.body.error.fields).some(([k, c]) => /(^|\.)email$/.test(k) && c === 'taken')) offerLink();
    return;
  }
  showAlert(errorText(res));
  alertBox.focus();
  if (code === 'full') refreshEvent();
}

/**
 * A 409 session_full names the session ({session, title}): show it as full
 * at once and untick it, so that a retry can go through.
 */
function markSessionFull(p) {
  fullSession = null;
  if (!p || typeof p !== 'object') return;
  const hit = signupSessions.find((s) => s.id === p.session);
  fullSession = { id: p.session, title: hit ? i18n.pick(hit, 'title') : String(p.title || '') };
  if (hit) {
    hit.remaining = 0;
    hit.waitlist = false; // the server said full: it keeps no line now
  }
  for (const fs of attendeeBlocks()) renderSignups(fs);
  renumber();
}

async function loadSignups() {
  const r = await api('GET', '/api/v1/programme');
  if (r.status !== 200 || !r.body || !Array.isArray(r.body.days)) return;
  programme = {
    eventId: r.body.event ? r.body.event.id : null,
    sessions: r.body.days.flatMap((d) => d.sessions || []).filter((s) => s.signup),
  };
  applySignups();
}

/**
 * The programme is the current event's: an invitation to another event
 * (next year's, say) offers none of its sessions.
 */
function applySignups() {
  if (!programme) return;
  const same = event ? programme.eventId === event.id : invitationCode === null;
  signupSessions = same ? programme.sessions : [];
  for (const fs of attendeeBlocks()) renderSignups(fs);
  renumber();
}

/** An invitation link that opens nothing: say so, instead of the form. */
function showBadInvitation() {
  notOpen = true;
  form.hidden = true;
  document.getElementById('register-intro').hidden = true;
  document.getElementById('register-lost-link').hidden = true;
  document.getElementById('bad-invitation').hidden = false;
}

// ------------------------------------------------------------------- main

async function main() {
  await i18n.init();
  form.addEventListener('submit', onSubmit);
  addButton.addEventListener('click', () => addAttendee({ focus: true }));
  for (const name of MIRRORED) {
    document.getElementById(`contact-${name}`).addEventListener('input', mirrorContact);
  }
  addAttendee();
  i18n.onChange(() => {
    renderTickets();
    renderEventSummary();
    for (const fs of attendeeBlocks()) renderSignups(fs);
    renumber();
  });
  loadSignups();

  const r = await api('GET', eventPath());
  if (r.status === 200 && r.body) {
    event = r.body;
    renderTickets();
    renderEventSummary();
    applySignups();
    document.getElementById('invitation-note').hidden = invitationCode === null;
  } else if (invitationCode !== null && r.status >= 400 && r.status < 500) {
    showBadInvitation();
  } else if (r.status === 404 && r.body && r.body.error && r.body.error.code === 'not_found') {
    // No event is set up yet: no form, no Register button, just say so.
    notOpen = true;
    form.hidden = true;
    document.getElementById('register-intro').hidden = true;
    document.getElementById('register-lost-link').hidden = true;
    document.getElementById('not-open').hidden = false;
  } else {
    document.getElementById('ticket-loading').hidden = true;
    showAlert(errorText(r, 'register.event_failed'));
  }
}

main();
