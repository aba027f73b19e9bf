// Console section: the attendees of an event. The list, searched as one
// types (name, email or company; case and accents aside, every word in
// any order), filtered (ticket type, status, company, checked in, signed
// up for a session, name tag printed), sorted by its column headings and
// paged on the server; the same grouped by company; and each attendee's
// page: their registration and the others in it, sessions, check-ins,
// pass and history, with "Edit" (every field, a stale version shown as a
// conflict) and "Cancel this attendee" (the others keep their seats). The
// address keeps the search, filters and order, so reloading or going back
// shows the same list.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatDateTime, datePart } from '../js/format.js';
import { CHOSEN_KEY, rememberEvent } from './events.js';
import { actionNode, detailNode } from './audit.js';
import { num, pager } from './list.js';
import { resourceForm, saveOnSubmit, openDialog, apiErrorText } from './form.js';
import { attendeeOps } from './attendee-ops.js';

const { t } = i18n;
const PAGE = 50;
const DEBOUNCE_MS = 250;
export const STATUSES = ['confirmed', 'waitlisted', 'cancelled'];
/** What the door answered a scan, as the audit log keeps it. */
export const SCAN_RESULTS = ['ok', 'already_checked_in', 'cancelled', 'waitlisted', 'not_registered_here'];
/** The list's columns; those with a sort are ordered by the server. */
export const COLUMNS = [
  { id: 'name', sort: 'name' },
  { id: 'company', sort: 'company' },
  { id: 'ticket_type', sort: 'ticket_type' },
  { id: 'status', sort: 'status' },
  { id: 'checked_in' },
  { id: 'registered_at', sort: 'registered_at' },
];
/** The filters the address and the server share, besides q and the order. */
const FILTERS = ['ticket_type', 'status', 'company', 'checked_in', 'session', 'printed'];

export const section = { id: 'attendees', navKey: 'console.nav.attendees', href: () => '#/attendees' };

function chosenEvent() {
  try { return Number(sessionStorage.getItem(CHOSEN_KEY)) || null; } catch { return null; }
}

/** "2027-11-30T09:05:00+01:00" -> the day and time in the page's language. */
function when(iso) {
  return iso ? formatDateTime(iso, i18n.getLang()) : '';
}

function fullName(a) {
  return `${a.first_name} ${a.last_name}`;
}

function statusBadge(status) {
  return text('span', `status.${status}`, undefined, { class: `badge badge--${status}` });
}

// ------------------------------------------------------ the list's state

/** What the address says: the search, the filters, the order, the page, the view. */
function stateOf(query) {
  const s = { q: (query.get('q') || '').slice(0, 200), offset: 0, sort: 'name', order: 'asc', view: 'list' };
  for (const f of FILTERS) s[f] = query.get(f) || '';
  const o = Number.parseInt(query.get('offset') || '0', 10);
  if (o > 0) s.offset = o;
  if (COLUMNS.some((c) => c.sort === query.get('sort'))) s.sort = query.get('sort');
  if (query.get('order') === 'desc') s.order = 'desc';
  if (query.get('view') === 'companies') s.view = 'companies';
  return s;
}

/** The console's address for a state. */
function hashOf(eventId, s, changes = {}) {
  const n = { ...s, ...changes };
  const q = new URLSearchParams();
  if (n.q.trim()) q.set('q', n.q.trim());
  for (const f of FILTERS) if (n[f] !== '') q.set(f, n[f]);
  if (n.view === 'companies') q.set('view', 'companies');
  else {
    if (n.sort !== 'name') q.set('sort', n.sort);
    if (n.order !== 'asc') q.set('order', n.order);
  }
  if (n.offset) q.set('offset', String(n.offset));
  const str = q.toString();
  return `#/events/${eventId}/attendees${str ? `?${str}` : ''}`;
}

/** The API's address for a state. */
function apiPath(eventId, s) {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(s.offset) });
  if (s.q.trim()) q.set('q', s.q.trim());
  for (const f of FILTERS) if (s[f] !== '') q.set(f, s[f]);
  if (s.view === 'companies') return `/api/v1/admin/events/${eventId}/attendees/companies?${q}`;
  q.set('sort', s.sort);
  q.set('order', s.order);
  return `/api/v1/admin/events/${eventId}/attendees?${q}`;
}

// ------------------------------------------------------------- controls

function field(id, labelKey, input) {
  return el('div', { class: 'field' }, text('label', labelKey, undefined, { for: id }), input);
}

function select(id, choices, value) {
  const s = el('select', { id });
  for (const c of choices) {
    const o = el('option', { value: c.value, selected: c.value === value });
    if (c.key) i18n.setText(o, c.key, c.args);
    else o.textContent = c.label;
    s.append(o);
  }
  return s;
}

/** The search box and the filters; onChange(changes) when one is changed. */
function controls(s, types, sessions, onChange) {
  const q = el('input', {
    id: 'attendee-q', type: 'search', value: s.q, autocomplete: 'off', spellcheck: 'false',
    maxlength: '200', 'aria-describedby': 'attendee-q-hint', enterkeyhint: 'search',
  });
  const hint = text('p', 'console.attendees.search_hint', undefined, { class: 'field-hint', id: 'attendee-q-hint' });
  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => onChange({ q: q.value }), DEBOUNCE_MS);
  });
  const any = { value: '', key: 'console.attendees.any' };
  const type = select('attendee-ticket-type', [any, ...types.map((tt) => ({ value: String(tt.id), label: tt.name }))], s.ticket_type);
  const status = select('attendee-status', [any, ...STATUSES.map((st) => ({ value: st, key: `status.${st}` }))], s.status);
  const yesNo = (id, value) => select(id, [any, { value: 'true', key: 'common.yes' }, { value: 'false', key: 'common.no' }], value);
  const checked = yesNo('attendee-checked-in', s.checked_in);
  const printed = yesNo('attendee-printed', s.printed);
  const session = select('attendee-session', [any, ...sessions.map((x) => ({ value: String(x.id), label: x.title }))], s.session);
  const company = el('input', { id: 'attendee-company', type: 'text', value: s.company, autocomplete: 'off', maxlength: '150' });
  for (const [input, name] of [[type, 'ticket_type'], [status, 'status'], [checked, 'checked_in'], [printed, 'printed'], [session, 'session']]) {
    input.addEventListener('change', () => onChange({ [name]: input.value }));
  }
  company.addEventListener('change', () => onChange({ company: company.value.trim() }));
  const form = el('form', { class: 'panel attendee-filters', id: 'attendee-form', role: 'search', 'aria-labelledby': 'attendee-search-heading', novalidate: true },
    text('h2', 'console.attendees.search_heading', undefined, { id: 'attendee-search-heading', class: 'visually-hidden' }),
    el('div', { class: 'field attendee-search' }, text('label', 'console.attendees.search', undefined, { for: 'attendee-q' }), q, hint),
    el('details', { class: 'attendee-more', open: FILTERS.some((f) => s[f] !== '') },
      text('summary', 'console.attendees.filters'),
      el('div', { class: 'filter-grid' },
        field('attendee-ticket-type', 'console.attendees.ticket_type', type),
        field('attendee-status', 'console.attendees.status', status),
        field('attendee-company', 'console.attendees.company', company),
        field('attendee-checked-in', 'console.attendees.checked_in', checked),
        sessions.length ? field('attendee-session', 'console.attendees.session', session) : null,
        field('attendee-printed', 'console.attendees.printed', printed)),
      text('a', 'console.attendees.clear', undefined, { href: '#', class: 'button', id: 'attendee-clear' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    onChange({ q: q.value });
  });
  form.querySelector('#attendee-clear').addEventListener('click', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    const none = { q: '' };
    for (const f of FILTERS) none[f] = '';
    q.value = '';
    company.value = '';
    for (const sel of [type, status, checked, printed, session]) sel.value = '';
    onChange(none);
  });
  return form;
}

/** List or grouped by company: two links, the one shown marked. */
function viewSwitch(eventId, s) {
  const link = (view, key) => text('a', key, undefined, {
    href: hashOf(eventId, s, { view, offset: 0 }), class: 'button', id: `attendee-view-${view}`,
    'aria-current': s.view === view ? 'page' : null,
  });
  return el('p', { class: 'view-switch', role: 'group', 'aria-label': t('console.attendees.views'), 'data-i18n-attr': 'aria-label:console.attendees.views' },
    link('list', 'console.attendees.view_list'), link('companies', 'console.attendees.view_companies'));
}

// ----------------------------------------------------------------- tables

/** A heading that orders the list by its column, saying how it is ordered now. */
function columnHead(eventId, s, col, onSort) {
  const label = `console.attendees.col.${col.id}`;
  if (!col.sort) return text('th', label, undefined, { scope: 'col', class: 'no-sort' });
  const active = s.sort === col.sort;
  const next = active && s.order === 'asc' ? 'desc' : 'asc';
  const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': col.sort },
    text('span', label),
    el('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (s.order === 'asc' ? ' ▲' : ' ▼') : ''));
  button.addEventListener('click', () => onSort({ sort: col.sort, order: next }));
  return el('th', { scope: 'col', 'aria-sort': active ? (s.order === 'asc' ? 'ascending' : 'descending') : null }, button);
}

function cell(colId, content, attrs = {}) {
  return el('td', { 'data-label': t(`console.attendees.col.${colId}`), ...attrs }, content);
}

function attendeeTable(eventId, s, items, onSort) {
  const head = el('tr', {}, COLUMNS.map((c) => columnHead(eventId, s, c, onSort)));
  const body = el('tbody', {}, items.map((a) => el('tr', { 'data-attendee-id': String(a.id) },
    el('th', { scope: 'row', 'data-label': t('console.attendees.col.name') },
      el('a', { href: `#/attendees/${a.id}`, dir: 'auto', class: 'attendee-name' }, fullName(a)),
      el('span', { class: 'attendee-email', dir: 'auto' }, a.email)),
    cell('company', a.company ? el('span', { dir: 'auto' }, a.company) : ''),
    cell('ticket_type', a.ticket_type_name || ''),
    cell('status', statusBadge(a.status)),
    cell('checked_in', a.checked_in_at ? el('time', { datetime: a.checked_in_at }, when(a.checked_in_at)) : text('span', 'common.no', undefined, { class: 'muted' })),
    cell('registered_at', el('time', { datetime: a.registered_at }, when(a.registered_at))))));
  const caption = text('caption', 'console.attendees.caption', undefined, { class: 'visually-hidden', id: 'attendee-caption' });
  return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'attendee-caption' },
    el('table', { class: 'attendee-table stack-table sortable', id: 'attendee-table' }, caption, el('thead', {}, head), body));
}

/** The company view's columns, as the server names its figures. */
export const COMPANY_COLUMNS = ['company', 'attendees', 'registrations', 'confirmed', 'waitlisted', 'cancelled'];

function companyTable(eventId, s, items) {
  const keys = COMPANY_COLUMNS;
  const head = el('tr', {}, keys.map((k) => text('th', `console.attendees.companies.${k}`, undefined, { scope: 'col' })));
  const label = (k) => t(`console.attendees.companies.${k}`);
  const body = el('tbody', {}, items.map((c) => el('tr', {},
    el('th', { scope: 'row', 'data-label': label('company') },
      el('a', { href: hashOf(eventId, s, { view: 'list', company: c.company, offset: 0 }), dir: 'auto', class: 'company-link' },
        c.company || t('console.attendees.no_company'))),
    ...keys.slice(1).map((k) => el('td', { 'data-label': label(k) }, num(c[k]))))));
  const caption = text('caption', 'console.attendees.companies.caption', undefined, { class: 'visually-hidden', id: 'company-caption' });
  return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'company-caption' },
    el('table', { class: 'attendee-table stack-table', id: 'company-table' }, caption, el('thead', {}, head), body));
}

// --------------------------------------------------------------- the list

/** To the list of the event chosen last, the current one, or the first. */
async function pickEvent(ctx) {
  let id = chosenEvent();
  if (!id) {
    const cur = await ctx.call('GET', '/api/v1/admin/current-event');
    id = cur.status === 200 && cur.body ? cur.body.current_event : null;
  }
  if (!id) {
    const list = await ctx.call('GET', '/api/v1/admin/events?limit=1');
    const first = list.status === 200 && list.body && list.body.items[0];
    id = first ? first.id : null;
  }
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/attendees`);
    return;
  }
  ctx.root.append(text('h1', 'console.attendees.title'),
    el('p', {}, text('span', 'console.attendees.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

function eventPicker(events, id) {
  const sel = el('select', { id: 'attendee-event' });
  for (const ev of events) {
    sel.append(el('option', { value: String(ev.id), selected: ev.id === id }, `${ev.name} · ${datePart(ev.starts_at)}`));
  }
  sel.addEventListener('change', () => { location.hash = `#/events/${sel.value}/attendees`; });
  return el('div', { class: 'field event-picker' }, text('label', 'console.attendees.event', undefined, { for: 'attendee-event' }), sel);
}

async function listView(ctx, eventText) {
  const eventId = Number(eventText);
  let s = stateOf(ctx.query);
  ctx.title('console.attendees.title');
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const [evR, typesR, eventsR, dashR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/ticket-types?limit=200`),
    ctx.call('GET', '/api/v1/admin/events?limit=200'),
    ctx.call('GET', `/api/v1/admin/dashboard?event=${eventId}`),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || !evR.body) {
    root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.attendees.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (evR.status !== 404) ctx.apiError(evR);
    return;
  }
  const event = evR.body;
  rememberEvent(eventId);
  ctx.title('console.attendees.title_event', { name: event.name });
  const types = typesR.status === 200 && typesR.body ? typesR.body.items : [];
  const sessions = dashR.status === 200 && dashR.body ? dashR.body.sessions || [] : [];
  const events = eventsR.status === 200 && eventsR.body ? eventsR.body.items : [event];
  if (!events.some((e) => e.id === event.id)) events.unshift(event);

  const results = el('div', { id: 'attendee-results' });
  const count = el('p', { id: 'attendee-count', class: 'muted', role: 'status' });
  let asked = 0;
  let page = null;
  let switchBox = viewSwitch(eventId, s);
  let refocus = null; // the heading's button that ordered the list

  /** Show s: ask the server, keep the address, and draw the answer. */
  const show = async () => {
    const mine = ++asked;
    results.setAttribute('aria-busy', 'true');
    const r = await ctx.call('GET', apiPath(eventId, s));
    if (ctx.stale() || mine !== asked) return;
    results.removeAttribute('aria-busy');
    if (r.status !== 200 || !r.body) {
      if (r.status === 422) {
        clear(results).append(text('p', 'console.attendees.bad_search', undefined, { class: 'empty' }));
        count.textContent = '';
        return;
      }
      ctx.apiError(r);
      return;
    }
    page = r.body;
    draw();
    if (refocus) {
      const b = results.querySelector(`button[data-sort="${refocus}"]`);
      if (b) b.focus();
      refocus = null;
    }
  };

  const change = (changes) => {
    if (changes.sort) refocus = changes.sort;
    s = { ...s, offset: 0, ...changes };
    // The address follows without a new view: focus stays in the search box.
    history.replaceState(null, '', hashOf(eventId, s));
    switchBox.replaceWith(switchBox = viewSwitch(eventId, s));
    show();
  };

  const draw = () => {
    clear(results);
    if (!page) return;
    const items = page.items || [];
    const filtered = s.q.trim() || FILTERS.some((f) => s[f] !== '');
    const key = s.view === 'companies' ? 'console.attendees.companies.count' : 'console.attendees.count';
    i18n.setText(count, `${key}${page.total_exact === false ? '_more' : ''}${filtered ? '_found' : ''}`, { n: num(page.total) });
    if (!items.length) {
      results.append(text('p', filtered ? 'console.attendees.none_found' : 'console.attendees.none', undefined, { class: 'empty', id: 'attendee-none' }));
    } else if (s.view === 'companies') {
      results.append(companyTable(eventId, s, items));
    } else {
      results.append(attendeeTable(eventId, s, items, change));
    }
    const p = pager(page.total, s.offset, PAGE, (o) => hashOf(eventId, s, { offset: o }),
      { exact: page.total_exact !== false, shown: items.length, idPrefix: 'attendee' });
    if (p) results.append(p);
  };

  root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    text('h1', 'console.attendees.title'),
    eventPicker(events, eventId),
    controls(s, types, sessions, change),
    switchBox, count, results);
  await show();
  ctx.onLang(draw);
}

// ------------------------------------------------------ one attendee

function row(key, value, attrs = {}) {
  if (value === null || value === undefined || value === '') value = text('span', 'console.form.empty', undefined, { class: 'muted' });
  return [text('dt', key), el('dd', attrs, value)];
}

function checkpointName(cp, sessions) {
  if (cp === 'main') return t('console.dashboard.main_entrance');
  const id = Number(cp.replace(/^session-/, ''));
  const found = sessions.find((x) => x.id === id);
  return found ? found.title : cp;
}

/**
 * An entry of the history in words: what was done and its detail; the
 * door's scans said in full, a registration by its number.
 */
function historyWords(h, sessions) {
  if (h.action === 'checkin' && typeof h.detail === 'string') {
    const m = /^([a-z_]+): attendee \d+ at (.+)$/.exec(h.detail);
    if (m) {
      return [text('span', `console.attendees.scan.${SCAN_RESULTS.includes(m[1]) ? m[1] : 'other'}`,
        { checkpoint: checkpointName(m[2], sessions) })];
    }
  }
  if (h.action === 'checkin_undo') return [actionNode(h.action)];
  if (h.action.startsWith('registration.') && h.detail && typeof h.detail === 'object' && h.detail.id && !('after' in h.detail)) {
    return [actionNode(h.action), ' ', text('span', 'console.attendees.history_registration', { id: h.detail.id })];
  }
  return [actionNode(h.action), ' ', detailNode(h)];
}

// What an organiser may change of an attendee, as the server's table.
const EDIT_FIELDS = [
  { name: 'first_name', type: 'text', required: true, max: 100 },
  { name: 'last_name', type: 'text', required: true, max: 100 },
  { name: 'email', type: 'email', required: true, max: 254 },
  { name: 'company', type: 'text', max: 150 },
  { name: 'job_title', type: 'text', max: 150 },
  { name: 'dietary', type: 'textarea', max: 500, rows: 3 },
  { name: 'listed', type: 'bool' },
];
// The contact of the registration, edited with the registration's version.
const CONTACT_FIELDS = [
  { name: 'first_name', type: 'text', required: true, max: 100 },
  { name: 'last_name', type: 'text', required: true, max: 100 },
  { name: 'email', type: 'email', required: true, max: 254 },
  { name: 'company', type: 'text', max: 150 },
  { name: 'phone', type: 'text', max: 40 },
];

/** A row's fields as an edit form and the server compare them. */
function editBase(fields, row) {
  const base = { version: row.version };
  for (const f of fields) base[f.name] = row[f.name];
  return base;
}

/**
 * An edit form (the attendee's, or with kind 'contact' the contact's),
 * shown in host; onSaved(row) after each save.
 */
function editPanel(ctx, { kind, fields, row, path }, host, onSaved) {
  const idp = `${kind}-form`;
  const form = resourceForm({ fields, prefix: `console.${kind}_form`, idPrefix: idp, zone: () => 'UTC' });
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: `${idp}-alert` });
  const conflictHost = el('div', { class: 'conflict-host' });
  const submit = text('button', 'console.form.save', undefined, { type: 'submit', class: 'button button-primary', id: `${idp}-save` });
  const close = text('button', 'console.attendees.edit_close', undefined, { type: 'button', class: 'button', id: `${idp}-close` });
  const saved = el('p', { class: 'save-status', role: 'status', id: `${kind}-saved` });
  const node = el('form', { class: 'resource-form', novalidate: true, id: idp, 'aria-labelledby': `${idp}-heading` },
    text('h2', `console.attendees.edit_${kind}_heading`, undefined, { id: `${idp}-heading` }),
    summary, conflictHost, form.element, el('div', { class: 'submit-row' }, submit, close, saved));
  let base = editBase(fields, row);
  form.fill(base);
  saveOnSubmit(ctx, {
    form, shell: { node, summary, conflictHost, submit, saved },
    path,
    getBase: () => base,
    setBase: (current) => {
      base = editBase(fields, current);
      onSaved(current);
    },
  });
  close.addEventListener('click', () => clear(host));
  clear(host);
  host.append(node);
  form.input('first_name').focus();
}

/** "Cancel this attendee", confirmed; then(row) once it is done. */
async function cancelAttendee(ctx, a, then) {
  const alert = el('div', { class: 'alert', role: 'alert', id: 'attendee-cancel-alert' });
  await openDialog({
    id: 'attendee-cancel-dialog',
    headingKey: 'console.attendees.cancel_title',
    headingArgs: { name: fullName(a) },
    content: [text('p', 'console.attendees.cancel_text', { name: fullName(a) }), alert],
    buttons: [
      { value: 'cancel', key: 'console.attendees.cancel_yes', className: 'button-danger', id: 'attendee-cancel-confirm' },
      { value: null, key: 'console.attendees.cancel_no', id: 'attendee-cancel-keep', autofocus: true },
    ],
    onSubmit: async () => {
      const r = await ctx.call('POST', `/api/v1/admin/attendees/${a.id}/cancel`);
      if (r.status === 200 && r.body) {
        then(r.body);
        return true;
      }
      const { key, args } = apiErrorText(r);
      i18n.setText(alert, key, args);
      return false;
    },
  });
}

async function attendeeView(ctx, idText) {
  const id = Number(idText);
  ctx.title('console.attendees.page_title', { name: '…' });
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const r = await ctx.call('GET', `/api/v1/admin/attendees/${id}`);
  if (ctx.stale()) return;
  loading.remove();
  if (r.status !== 200 || !r.body) {
    root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.attendees.back', undefined, { href: '#/attendees' })),
      text('h1', r.status === 404 ? 'console.attendees.not_found' : 'console.attendees.load_failed'));
    if (r.status !== 404) ctx.apiError(r);
    return;
  }
  const a = r.body;
  rememberEvent(a.event_id);
  const body = el('div', { class: 'attendee-page' });
  const heading = el('h1', { dir: 'auto', id: 'attendee-heading' }, fullName(a));
  const editHost = el('div', { class: 'edit-host' });
  const done = el('p', { class: 'save-status', role: 'status', id: 'attendee-done' });
  const editButton = text('button', 'console.attendees.edit', undefined, { type: 'button', class: 'button', id: 'attendee-edit' });
  const cancelButton = text('button', 'console.attendees.cancel', undefined, { type: 'button', class: 'button button-danger', id: 'attendee-cancel' });
  const actions = el('p', { class: 'submit-row attendee-actions' }, editButton, cancelButton, done);
  root.append(
    el('p', { class: 'breadcrumb' }, text('a', 'console.attendees.back', undefined, { href: `#/events/${a.event_id}/attendees`, id: 'attendee-back' })),
    heading, actions, editHost, body);

  // A change answers the changed fields: the page shows them at once.
  const changed = (row) => {
    for (const f of [...EDIT_FIELDS.map((x) => x.name), 'status', 'version']) if (f in row) a[f] = row[f];
    if (a.status !== 'confirmed') a.pass_code = null;
    heading.textContent = fullName(a);
    render();
  };
  editButton.addEventListener('click', () => editPanel(ctx,
    { kind: 'attendee', fields: EDIT_FIELDS, row: a, path: `/api/v1/admin/attendees/${a.id}` }, editHost, changed));
  const contactHost = el('div', { class: 'edit-host' });
  const contactChanged = (row) => {
    const reg = a.registration;
    for (const f of CONTACT_FIELDS) reg.contact[f.name] = row[f.name];
    reg.version = row.version;
    render();
  };
  cancelButton.addEventListener('click', () => cancelAttendee(ctx, a, (row) => {
    changed(row);
    i18n.setText(done, 'console.attendees.cancelled_done', { name: fullName(a) });
  }));

  const render = () => {
    ctx.title('console.attendees.page_title', { name: fullName(a) });
    clear(body);
    cancelButton.hidden = a.status === 'cancelled';
    const reg = a.registration;
    body.append(
      el('p', { class: 'badges' }, el('span', { id: 'attendee-status' }, statusBadge(a.status)), el('span', { class: 'badge' }, a.ticket_type_name || '')),
      el('dl', { class: 'facts', id: 'attendee-facts' },
        ...row('field.email', el('a', { href: `mailto:${a.email}`, dir: 'auto' }, a.email)),
        ...row('field.company', a.company ? el('span', { dir: 'auto' }, a.company) : ''),
        ...row('field.job_title', a.job_title ? el('span', { dir: 'auto' }, a.job_title) : ''),
        ...row('field.dietary', a.dietary ? el('span', { dir: 'auto', class: 'value-text' }, a.dietary) : ''),
        ...row('console.attendees.listed', text('span', a.listed ? 'common.yes' : 'common.no')),
        ...row('console.attendees.col.registered_at', el('time', { datetime: a.registered_at }, when(a.registered_at))),
        ...row('console.attendees.col.checked_in', a.checked_in_at ? el('time', { datetime: a.checked_in_at }, when(a.checked_in_at)) : text('span', 'common.no')),
        ...row('console.attendees.printed', a.printed_at ? el('time', { datetime: a.printed_at }, when(a.printed_at)) : text('span', 'common.no'))),
      text('h2', 'console.attendees.pass'),
      a.pass_code
        ? el('p', { id: 'attendee-pass' }, el('code', { class: 'pass-code' }, a.pass_code), ' ',
          text('a', 'console.attendees.pass_open', undefined, { href: a.pass_url, target: '_blank', rel: 'noopener', id: 'attendee-pass-link' }))
        : text('p', 'console.attendees.no_pass', undefined, { class: 'muted', id: 'attendee-pass' }));
    body.append(...attendeeOps(ctx, a));

    body.append(text('h2', 'console.attendees.registration'));
    if (reg) {
      const c = reg.contact;
      body.append(el('dl', { class: 'facts', id: 'attendee-registration' },
        ...row('console.attendees.contact', el('span', { dir: 'auto' }, `${c.first_name} ${c.last_name}`)),
        ...row('field.email', el('a', { href: `mailto:${c.email}`, dir: 'auto' }, c.email)),
        ...row('field.phone', c.phone),
        ...row('field.company', c.company ? el('span', { dir: 'auto' }, c.company) : ''),
        ...row('console.attendees.col.status', statusBadge(reg.status)),
        ...row('console.attendees.registered', el('time', { datetime: reg.created_at }, when(reg.created_at))),
        ...row('console.attendees.manage_link', text('a', 'console.attendees.manage_open', undefined, { href: reg.manage_url, target: '_blank', rel: 'noopener' }))));
      const editContact = text('button', 'console.attendees.edit_contact', undefined, { type: 'button', class: 'button', id: 'contact-edit' });
      editContact.addEventListener('click', () => editPanel(ctx, {
        kind: 'contact', fields: CONTACT_FIELDS, row: { ...reg.contact, version: reg.version },
        path: `/api/v1/admin/registrations/${reg.id}`,
      }, contactHost, contactChanged));
      body.append(el('p', {}, editContact), contactHost);
      if (reg.attendees.length) {
        body.append(text('h3', 'console.attendees.others', { n: reg.attendees.length }),
          el('ul', { class: 'plain-list', id: 'attendee-others' }, reg.attendees.map((o) => el('li', {},
            el('a', { href: `#/attendees/${o.id}`, dir: 'auto' }, fullName(o)), ' ', statusBadge(o.status)))));
      }
    }

    body.append(text('h2', 'console.attendees.sessions'));
    body.append(a.sessions.length
      ? el('ul', { class: 'plain-list', id: 'attendee-sessions' }, a.sessions.map((x) => el('li', {},
        el('span', { dir: 'auto' }, x.title), ' ', el('time', { datetime: x.starts_at, class: 'muted' }, when(x.starts_at)))))
      : text('p', 'console.attendees.no_sessions', undefined, { class: 'muted' }));
    const waiting = Array.isArray(a.sessions_waiting) ? a.sessions_waiting : [];
    if (waiting.length) {
      body.append(text('h3', 'console.attendees.sessions_waiting'),
        el('ul', { class: 'plain-list', id: 'attendee-sessions-waiting' }, waiting.map((x) => el('li', {},
          el('span', { dir: 'auto' }, x.title), ' ',
          x.state === 'waiting' ? text('span', 'console.attendees.session_waiting', { n: x.position }, { class: 'muted' })
            : text('span', 'console.attendees.session_wanted', undefined, { class: 'muted' })))));
    }

    body.append(text('h2', 'console.attendees.checkins'));
    if (a.checkins.length) {
      const head = el('tr', {}, ['checkpoint', 'at', 'by', 'undone'].map((k) => text('th', `console.attendees.checkin.${k}`, undefined, { scope: 'col' })));
      body.append(el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'attendee-checkins-caption' },
        el('table', { class: 'data-table stack-table', id: 'attendee-checkins' },
          text('caption', 'console.attendees.checkins', undefined, { class: 'visually-hidden', id: 'attendee-checkins-caption' }),
          el('thead', {}, head),
          el('tbody', {}, a.checkins.map((c) => el('tr', {},
            el('th', { scope: 'row', dir: 'auto' }, checkpointName(c.checkpoint, a.sessions)),
            el('td', { 'data-label': t('console.attendees.checkin.at') }, el('time', { datetime: c.at }, when(c.at))),
            el('td', { 'data-label': t('console.attendees.checkin.by') }, c.by || ''),
            el('td', { 'data-label': t('console.attendees.checkin.undone') },
              c.undone_at ? text('span', 'console.attendees.undone_by', { time: when(c.undone_at), who: c.undone_by || '' }) : text('span', 'common.no'))))))));
    } else {
      body.append(text('p', 'console.attendees.no_checkins', undefined, { class: 'muted' }));
    }

    body.append(text('h2', 'console.attendees.history'));
    body.append(a.history.length
      ? el('ol', { class: 'history', id: 'attendee-history' }, a.history.map((h) => el('li', { 'data-action': h.action },
        el('time', { datetime: h.at }, when(h.at)), ' ', el('span', { class: 'history-user' }, h.user), ': ',
        el('span', { class: 'history-detail' }, historyWords(h, a.sessions)))))
      : text('p', 'console.attendees.no_history', undefined, { class: 'muted' }));
  };
  render();
  ctx.onLang(render);
}

export const routes = [
  { path: /^attendees$/, render: pickEvent },
  { path: /^events\/(\d+)\/attendees$/, render: listView },
  { path: /^attendees\/(\d+)$/, render: attendeeView },
];
