// Console section: register someone on their behalf (speakers, staff,
// exhibitors, guests) for the current event, on any of its ticket types,
// hidden ones and those not on sale included, with the same checks, seats
// and passes as the public page (POST /api/v1/admin/registrations). One
// person at a time, who is also the registration's contact, with their
// sign-ups for the dinner and the study visits. The result shows the
// status, the pass and the private link to hand on.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatPrice, formatDay, datePart, hhmm } from '../js/format.js';
import { ATTENDEE_FIELDS, PHONE_MAX, attendeeBody } from '../js/attendee.js';
import { resourceForm, clearSummary, busy, isBusy, apiErrorText, unplacedWords } from './form.js';
import { eventDates } from './events.js';

const { t } = i18n;
const PREFIX = 'console.attendee';
const TYPES_MAX = 200; // the largest page the ticket-type list gives

export const section = { id: 'register', navKey: 'console.nav.register', href: () => '#/register' };

/** The person: the attendee's fields, the contact's phone, consent. */
const FIELDS = [
  ...ATTENDEE_FIELDS.map((f) => ({ ...f, group: 'person', hint: f.name === 'email', rows: f.type === 'textarea' ? 2 : undefined })),
  { name: 'phone', type: 'text', max: PHONE_MAX, hint: true, group: 'person' },
  { name: 'listed', type: 'bool', hint: true, group: 'person' },
  { name: 'privacy_accepted', type: 'bool', hint: true, group: 'privacy' },
];
const GROUPS = ['person', 'privacy'];
/** The forms of this section, for the check that all their words exist. */
export const forms = [{ prefix: PREFIX, fields: FIELDS, groups: GROUPS }];

/** The words for a ticket type's or the sign-ups' error code. */
const TICKET_ERRORS = { required: 'console.register.ticket_required', invalid: 'console.register.ticket_required', not_a_choice: 'console.register.ticket_gone' };
const SESSION_ERRORS = { full: 'console.register.session_full', not_a_choice: 'console.register.session_gone' };

/** Seats left for a ticket type: its quota and the event's capacity; null: no limit. */
function seatsLeft(tt, ev) {
  const limit = (max, taken) => (max === null || max === undefined ? null : Math.max(0, max - taken));
  const own = limit(tt.quota, tt.confirmed);
  const all = limit(ev.capacity, ev.confirmed);
  if (own === null) return all;
  return all === null ? own : Math.min(own, all);
}

function onSale(tt, now) {
  return (!tt.sale_starts_at || Date.parse(tt.sale_starts_at) <= now)
    && (!tt.sale_ends_at || Date.parse(tt.sale_ends_at) > now);
}

/** The ticket type's name in the page's language (lang says which it is). */
function typeName(tt) {
  return i18n.getLang() === 'en' && tt.name_en ? { name: tt.name_en, lang: 'en' } : { name: tt.name, lang: 'sv' };
}

/**
 * Everything the form shows of the event: its ticket types, how many
 * wait for each, the sessions that take sign-ups. Null once an error is
 * shown.
 */
async function load(ctx, eventId) {
  const [evR, typesR, dashR, progR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/ticket-types?limit=${TYPES_MAX}`),
    ctx.call('GET', `/api/v1/admin/dashboard?event=${eventId}`),
    ctx.call('GET', '/api/v1/programme'),
  ]);
  if (ctx.stale()) return null;
  if (evR.status !== 200 || !evR.body || typesR.status !== 200 || !typesR.body) {
    ctx.apiError(evR.status !== 200 ? evR : typesR);
    return null;
  }
  const waiting = new Map();
  if (dashR.status === 200 && dashR.body) {
    for (const tt of dashR.body.ticket_types || []) waiting.set(tt.id, tt.waitlisted);
  }
  // The programme is the current event's, which this is unless it changed meanwhile.
  const prog = progR.status === 200 && progR.body && progR.body.event && progR.body.event.id === eventId ? progR.body : null;
  const sessions = prog ? (prog.days || []).flatMap((d) => d.sessions || []).filter((s) => s.signup) : [];
  return { event: evR.body, types: typesR.body.items || [], waiting, sessions };
}

// ------------------------------------------------------------ the parts

function ticketOption(tt, data, checkedId, now) {
  const id = `reg-tt-${tt.id}`;
  const left = seatsLeft(tt, data.event);
  const closed = left === 0 && !tt.waitlist;
  let seats;
  if (left === null) seats = text('span', 'console.register.seats_unlimited', undefined, { class: 'ticket-seats' });
  else if (left > 0) seats = text('span', 'console.register.seats_left', { n: left }, { class: 'ticket-seats' });
  else if (tt.waitlist) seats = text('span', 'console.register.seats_waitlist', undefined, { class: 'ticket-seats ticket-seats--waitlist' });
  else seats = text('span', 'console.register.seats_full', undefined, { class: 'ticket-seats ticket-seats--soldout' });
  const waiting = data.waiting.get(tt.id);
  const flags = el('span', { class: 'badges' });
  if (tt.hidden) flags.append(text('span', 'console.ticket_types.hidden_badge', undefined, { class: 'badge badge--archived' }));
  else if (!onSale(tt, now)) flags.append(text('span', 'console.register.not_on_sale', undefined, { class: 'badge badge--archived' }));
  flags.append(text('span', `console.role.${tt.role}`, undefined, { class: 'badge' }));
  const input = el('input', {
    type: 'radio', name: 'ticket_type', id, value: String(tt.id), disabled: closed,
    'aria-describedby': 'reg-ticket-type-error',
  });
  input.checked = String(tt.id) === checkedId && !closed;
  const { name, lang } = typeName(tt);
  const label = el('label', { for: id },
    el('span', { class: 'ticket-head' },
      el('span', { class: 'ticket-name', lang }, name),
      el('span', { class: 'ticket-price' }, tt.price_ore ? formatPrice(tt.price_ore) : t('register.ticket_free'))),
    flags, seats,
    waiting ? text('span', 'console.register.waiting', { n: waiting }, { class: 'ticket-desc' }) : '');
  return el('div', { class: `ticket-option${closed ? ' ticket-option--disabled' : ''}`, 'data-ticket-type-id': String(tt.id) }, input, label);
}

function sessionOption(s, checked) {
  const id = `reg-session-${s.id}`;
  const full = typeof s.remaining === 'number' && s.remaining <= 0;
  const input = el('input', {
    type: 'checkbox', id, value: String(s.id), disabled: full, 'aria-describedby': 'reg-sessions-error',
  });
  input.checked = checked && !full;
  const lang = i18n.getLang();
  let seats = '';
  if (full) seats = text('span', 'console.register.session_full_label', undefined, { class: 'signup-seats signup-seats--full' });
  else if (typeof s.remaining === 'number') seats = text('span', 'console.register.seats_left', { n: s.remaining }, { class: 'signup-seats' });
  return el('div', { class: 'check signup' }, input,
    el('label', { for: id },
      el('span', { class: 'signup-title', lang: 'sv' }, s.title || ''),
      el('span', { class: 'signup-when' }, `${formatDay(datePart(s.starts_at), lang, { year: false })} ${hhmm(s.starts_at)}`),
      seats));
}

function noEvent() {
  return el('p', { id: 'reg-no-event', class: 'empty' },
    text('span', 'console.register.no_event'), ' ',
    text('a', 'console.register.no_event_link', undefined, { href: '#/events' }));
}

/** What a registration made here gave: status, pass, the private link. */
function result(reg, types, nameOf) {
  const a = reg.attendees[0];
  const tt = types.find((x) => x.id === (reg.ticket_type && reg.ticket_type.id));
  const confirmed = a.status === 'confirmed';
  const heading = text('h2', 'console.register.done', { name: `${a.first_name} ${a.last_name}` }, { id: 'reg-result-heading', tabindex: '-1' });
  const box = el('section', { class: 'panel', id: 'reg-result', 'aria-labelledby': 'reg-result-heading' }, heading,
    el('p', {}, text('span', 'console.register.status'), ' ',
      text('strong', `status.${a.status}`, undefined, { id: 'reg-result-status', 'data-status': a.status })));
  if (a.status === 'waitlisted' && a.waitlist_position) {
    box.append(text('p', 'console.register.waitlist_position', { n: a.waitlist_position }, { id: 'reg-result-position' }));
  }
  if (tt) box.append(el('p', {}, text('span', 'console.register.result_ticket'), ' ', nameOf(tt)));
  if (a.sessions && a.sessions.length) {
    box.append(el('p', {}, text('span', 'console.register.signed_up'), ' ',
      el('span', { lang: 'sv' }, a.sessions.map((s) => s.title).join(', '))));
  }
  if (confirmed && a.pass_code) {
    const pass = `/api/v1/registrations/${encodeURIComponent(reg.manage_token)}/attendees/${a.id}/pass.pdf`;
    box.append(
      el('p', {}, text('span', 'console.register.pass_code'), ' ', el('code', { id: 'reg-result-code' }, a.pass_code)),
      el('p', {}, text('a', 'console.register.pass_link', undefined, { href: pass, id: 'reg-pass-link', class: 'button' })));
  }
  box.append(text('p', 'console.register.manage_text', undefined, { class: 'muted' }),
    el('p', { class: 'value-text' }, el('a', { href: reg.manage_url, id: 'reg-manage-link', class: 'manage-link' }, reg.manage_url)));
  const another = text('button', 'console.register.another', undefined, { type: 'button', class: 'button button-primary', id: 'reg-another' });
  box.append(el('p', {}, another));
  return { box, heading, another };
}

// ------------------------------------------------------------- the view

async function view(ctx) {
  ctx.title('console.register.title');
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(text('h1', 'console.register.title'), loading);
  const cur = await ctx.call('GET', '/api/v1/admin/current-event');
  if (ctx.stale()) return;
  if (cur.status !== 200 || !cur.body) {
    loading.remove();
    ctx.apiError(cur);
    return;
  }
  const eventId = cur.body.current_event;
  if (!eventId) {
    loading.remove();
    root.append(noEvent());
    return;
  }
  let data = await load(ctx, eventId);
  if (!data) return;
  loading.remove();

  const meta = el('p', { class: 'card-meta' });
  root.append(meta, text('p', 'console.register.intro', undefined, { class: 'muted' }));
  const renderMeta = () => {
    clear(meta).append(text('span', 'console.register.for_event'), ' ',
      el('a', { href: `#/events/${eventId}`, lang: 'sv' }, data.event.name), ` · ${eventDates(data.event, i18n.getLang())}`);
  };
  renderMeta();
  if (!data.types.length) {
    root.append(el('p', { id: 'reg-no-types', class: 'empty' },
      text('span', 'console.register.no_types'), ' ',
      text('a', 'console.register.no_types_link', undefined, { href: `#/events/${eventId}/ticket-types/new` })));
    ctx.onLang(renderMeta);
    return;
  }

  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'reg-alert' });
  const ticketList = el('div', { class: 'ticket-list', id: 'reg-ticket-list' });
  const ticketError = el('p', { class: 'field-error', id: 'reg-ticket-type-error', hidden: true });
  const ticketSet = el('fieldset', { class: 'panel form-group', id: 'reg-ticket-fieldset' },
    el('legend', {}, text('h2', 'console.register.ticket_heading')), ticketList, ticketError);
  const sessionList = el('div', { class: 'signup-list' });
  const sessionError = el('p', { class: 'field-error', id: 'reg-sessions-error', hidden: true });
  const sessionSet = el('fieldset', { class: 'panel form-group', id: 'reg-sessions' },
    el('legend', {}, text('h2', 'console.register.sessions_heading')),
    text('p', 'console.register.sessions_hint', undefined, { class: 'field-hint' }), sessionList, sessionError);
  const form = resourceForm({ fields: FIELDS, prefix: PREFIX, idPrefix: 'reg', groups: GROUPS, zone: () => data.event.timezone });
  // The sign-ups go between the person and the privacy consent.
  form.element.insertBefore(sessionSet, form.element.lastChild);
  const submit = text('button', 'console.register.submit', undefined, { type: 'submit', class: 'button button-primary button-large', id: 'reg-submit' });
  const node = el('form', { class: 'resource-form', novalidate: true, id: 'reg-form' },
    summary, ticketSet, form.element, el('div', { class: 'submit-row' }, submit));
  const resultHost = el('div', { id: 'reg-result-host' });
  root.append(node, resultHost);

  const checkedTicket = () => ticketList.querySelector('input[name="ticket_type"]:checked');
  const renderTickets = () => {
    const checked = checkedTicket();
    const checkedId = checked ? checked.value : (data.types.length === 1 ? String(data.types[0].id) : null);
    const now = Date.now();
    clear(ticketList);
    for (const tt of data.types) ticketList.append(ticketOption(tt, data, checkedId, now));
  };
  const renderSessions = () => {
    const ticked = new Set(Array.from(sessionList.querySelectorAll('input:checked'), (c) => c.value));
    clear(sessionList);
    sessionSet.hidden = !data.sessions.length;
    for (const s of data.sessions) sessionList.append(sessionOption(s, ticked.has(String(s.id))));
  };
  const reload = async () => {
    const fresh = await load(ctx, eventId);
    if (!fresh) return;
    data = fresh;
    renderTickets();
    renderSessions();
  };
  // A ticket type's name shown outside the list, and in what language.
  let named = [];
  const showName = (node, tt) => {
    const { name, lang } = typeName(tt);
    node.lang = lang;
    node.textContent = name;
  };
  const nameOf = (tt) => {
    const node = el('span');
    named.push({ node, tt });
    showName(node, tt);
    return node;
  };
  let fullType = null; // the type a shown "full" message names
  renderTickets();
  renderSessions();
  ctx.onLang(() => {
    renderMeta();
    renderTickets();
    renderSessions();
    named = named.filter(({ node }) => node.isConnected);
    for (const { node, tt } of named) showName(node, tt);
    if (fullType) {
      const args = { name: typeName(fullType).name };
      if (ticketError.dataset.i18n === 'console.register.full') setFieldError(ticketError, 'console.register.full', args);
      if (summary.dataset.i18n === 'console.register.full') i18n.setText(summary, 'console.register.full', args);
    }
  });

  // ----------------------------------------------------------- errors

  const setFieldError = (p, key, args) => {
    if (key) {
      i18n.setText(p, key, args);
      p.hidden = false;
    } else {
      delete p.dataset.i18n;
      delete p.dataset.i18nArgs;
      p.textContent = '';
      p.hidden = true;
    }
    const inputs = p === ticketError ? ticketList.querySelectorAll('input') : sessionList.querySelectorAll('input');
    for (const i of inputs) {
      if (key) i.setAttribute('aria-invalid', 'true');
      else i.removeAttribute('aria-invalid');
    }
    ticketSet.classList.toggle('has-error', !ticketError.hidden);
  };
  const focusTickets = () => {
    const target = checkedTicket() || ticketList.querySelector('input:not([disabled])');
    if (target) target.focus();
  };
  const clearAll = () => {
    form.clearErrors();
    clearSummary(summary);
    setFieldError(ticketError, null);
    setFieldError(sessionError, null);
  };

  /** The 422's codes beside their fields, in the order of the form. */
  const showFieldErrors = async (fields) => {
    const codes = {};
    const unplaced = [];
    let ticketCode = null;
    let sessionCode = null;
    for (const [path, raw] of Object.entries(fields)) {
      const code = String(raw);
      // The person is both the attendee and the contact: one field each.
      const name = path.replace(/^(attendees\.0|contact)\./, '');
      if (path === 'ticket_type') ticketCode = code;
      else if (path === 'attendees.0.sessions') sessionCode = code;
      else if ((name !== path || path === 'privacy_accepted') && form.has(name)) codes[name] ??= code;
      else unplaced.push([path, code]);
    }
    const n = Object.keys(codes).length + (ticketCode ? 1 : 0) + (sessionCode ? 1 : 0) + unplaced.length;
    i18n.setText(summary, unplaced.length ? 'console.form.errors_other' : 'console.form.errors', { n, other: unplacedWords(unplaced) });
    if (ticketCode === 'not_a_choice' || sessionCode) await reload();
    form.showErrors(codes);
    if (sessionCode) {
      setFieldError(sessionError, SESSION_ERRORS[sessionCode] || 'console.error.invalid');
      const personFirst = Object.keys(codes).some((k) => k !== 'privacy_accepted');
      if (!personFirst) (sessionList.querySelector('input:not([disabled])') || summary).focus();
    }
    if (ticketCode) {
      setFieldError(ticketError, TICKET_ERRORS[ticketCode] || 'console.error.invalid');
      focusTickets();
    }
    if (!n || (!Object.keys(codes).length && !ticketCode && !sessionCode)) summary.focus();
  };

  /** A ticket type with no seat and no waitlist: say so, show the seats now. */
  const showFull = async (tt) => {
    fullType = tt || null;
    const args = { name: tt ? typeName(tt).name : '' };
    await reload();
    setFieldError(ticketError, 'console.register.full', args);
    i18n.setText(summary, 'console.register.full', args);
    summary.focus();
  };

  const showSessionFull = async () => {
    await reload();
    setFieldError(sessionError, 'console.register.session_full');
    i18n.setText(summary, 'console.register.session_full');
    summary.focus();
  };

  // ------------------------------------------------------------ submit

  const showResult = (reg) => {
    const { box, heading, another } = result(reg, data.types, nameOf);
    clear(resultHost).append(box);
    form.markSaved();
    node.hidden = true;
    ctx.title('console.register.done', { name: `${reg.attendees[0].first_name} ${reg.attendees[0].last_name}` });
    another.addEventListener('click', async () => {
      clear(resultHost);
      form.fill({});
      for (const c of sessionList.querySelectorAll('input')) c.checked = false;
      clearAll();
      node.hidden = false;
      ctx.title('console.register.title');
      form.input('first_name').focus();
      await reload();
    });
    heading.focus();
  };

  node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(submit)) return;
    clearAll();
    const { values, errors } = form.read();
    if (!values.privacy_accepted && !errors.privacy_accepted) errors.privacy_accepted = { error: 'required' };
    const chosen = checkedTicket();
    const n = Object.keys(errors).length + (chosen ? 0 : 1);
    if (n) {
      form.showLocalErrors(errors);
      i18n.setText(summary, 'console.form.errors', { n });
      if (!chosen) {
        setFieldError(ticketError, 'console.register.ticket_required');
        focusTickets();
      }
      return;
    }
    const tt = data.types.find((x) => String(x.id) === chosen.value);
    const sessions = Array.from(sessionList.querySelectorAll('input:checked'), (c) => Number(c.value));
    const contact = { first_name: values.first_name, last_name: values.last_name, email: values.email };
    if (values.company) contact.company = values.company;
    if (values.phone) contact.phone = values.phone;
    const body = {
      ticket_type: Number(chosen.value),
      privacy_accepted: true,
      contact,
      attendees: [attendeeBody((name) => values[name], { listed: values.listed, sessions })],
    };
    busy(submit, true, 'console.register.submitting');
    const r = await ctx.call('POST', '/api/v1/admin/registrations', body);
    busy(submit, false, 'console.register.submit');
    if (ctx.stale() || r.status === 401) return;
    const err = (r.body && r.body.error) || {};
    if (r.status === 201 && r.body && r.body.attendees && r.body.attendees.length) showResult(r.body);
    else if (r.status === 422 && err.fields && Object.keys(err.fields).length) await showFieldErrors(err.fields);
    else if (r.status === 409 && err.code === 'full') await showFull(tt);
    else if (r.status === 409 && err.code === 'session_full') await showSessionFull();
    else {
      const { key, args } = apiErrorText(r);
      i18n.setText(summary, key, args);
      summary.focus();
    }
  });
}

export const routes = [
  { path: /^register$/, render: view },
];
