// Console section: the audit log. Who did what and when, newest first,
// paged on the server, filtered by who, by what (a kind of action or the
// start of any action code) and by dates. A change shows only the fields
// that changed, before and after.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { knownZone, localInputToISO, formatPrice } from '../js/format.js';

const { t } = i18n;
const PAGE = 50;

export const section = { id: 'audit', navKey: 'console.nav.audit', href: () => '#/audit' };

/**
 * Kinds of action: the start of their codes. The server takes an action
 * code as it is, or, ending in a dot, as the start of codes: "event." is
 * every "event.*".
 */
export const KINDS = ['event.', 'ticket_type.', 'room.', 'speaker.', 'session.', 'user.'];
/** The choices of "What", in order: each kind and then its actions. */
export const ACTION_CHOICES = [
  'event.', 'event.create', 'event.update', 'event.current',
  'ticket_type.', 'ticket_type.create', 'ticket_type.update', 'ticket_type.delete', 'ticket_type.renew',
  'room.', 'room.create', 'room.update', 'room.delete',
  'speaker.', 'speaker.create', 'speaker.update', 'speaker.delete',
  'session.', 'session.create', 'session.update', 'session.delete', 'release.publish',
  'user.', 'user.create', 'user.update', 'user.password_reset', 'user.password_change',
  'registration.on_behalf', 'login', 'login_failed', 'logout', 'checkin', 'checkin_undo',
  'print.create', 'print.download', 'outbox.retry',
  'invoice.paid', 'invoice.reminder', 'bank_file.booked',
];
/** Every action with words of its own; any other shows its code. */
export const ACTIONS = ACTION_CHOICES.filter((a) => !KINDS.includes(a)).concat(['event.delete', 'event.copy',
  'registration.on_behalf']);
/** Where a resource's field names have words: the console's forms. */
const FIELD_LABELS = {
  event: 'console.event', ticket_type: 'console.ticket_type', user: 'console.user', room: 'console.room',
  speaker: 'console.speaker', session: 'console.session',
};
/** Fields every change moves on: not worth showing. */
const NOISE = new Set(['version', 'updated_at']);

export function kindKey(kind) {
  return `console.audit.kind.${kind.replace(/\.$/, '')}`;
}

function hasKey(key) {
  return t(key) !== key;
}

/** The words for an action code, marked as such; the code itself if none. */
export function actionNode(code) {
  const key = `console.audit.action.${code}`;
  if (hasKey(key)) return text('span', key, undefined, { title: code });
  return el('code', {}, code);
}

/** "2027-03-01T09:05:07+01:00" -> "2027-03-01 09:05:07" (its own offset), short for a phone. */
function when(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso || '');
  return m ? `${m[1]} ${m[2]}` : iso || '';
}

/**
 * The start of a day (a date input's value, plusDays later) in zone, as
 * ISO 8601 with the offset the zone has then.
 */
function dayStart(day, zone, plusDays = 0) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays));
  const iso = d.toISOString().slice(0, 10);
  // A zone whose clocks skip midnight: the day starts at one.
  return localInputToISO(`${iso}T00:00`, zone) || localInputToISO(`${iso}T01:00`, zone);
}

/** The zone the server shows the log in: the current event's, else Stockholm's. */
async function logZone(ctx) {
  const cur = await ctx.call('GET', '/api/v1/admin/current-event');
  const id = cur.status === 200 && cur.body ? cur.body.current_event : null;
  if (id) {
    const ev = await ctx.call('GET', `/api/v1/admin/events/${id}`);
    if (ev.status === 200 && ev.body && knownZone(ev.body.timezone)) return ev.body.timezone;
  }
  return 'Europe/Stockholm';
}

// ---------------------------------------------------------------- details

function fieldLabel(action, name) {
  const prefix = FIELD_LABELS[action.split('.')[0]];
  const key = prefix ? `${prefix}.${name}` : null;
  if (key && hasKey(key)) return text('span', key, undefined, { class: 'audit-field' });
  return el('code', { class: 'audit-field' }, name);
}

function valueNode(v, name = '', action = '') {
  if (v === null || v === undefined || v === '') return text('span', 'console.form.empty', undefined, { class: 'muted' });
  if (typeof v === 'boolean') return text('span', v ? 'common.yes' : 'common.no');
  // Prices are kept in öre and shown in kronor, as the forms take them.
  if (name.endsWith('_ore') && Number.isInteger(v)) return el('span', { class: 'value-text' }, formatPrice(v));
  if (name === 'role') {
    const key = action.startsWith('user.') ? `console.staff_role.${v}` : `console.role.${v}`;
    if (hasKey(key)) return text('span', key);
  }
  if (typeof v === 'object') return el('span', { class: 'value-text' }, JSON.stringify(v));
  return el('span', { class: 'value-text' }, String(v));
}

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The detail of an entry: what changed, what was made or removed, or as it is. */
export function detailNode(entry) {
  const d = entry.detail;
  if (d === null || d === undefined || d === '') return '';
  if (typeof d !== 'object') return el('span', { class: 'value-text' }, String(d));
  const { before, after } = d;
  if (before && after && typeof before === 'object' && typeof after === 'object') {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((k) => !NOISE.has(k) && !same(before[k], after[k]));
    if (!names.length) return text('span', 'console.audit.no_change', undefined, { class: 'muted' });
    const ul = el('ul', { class: 'audit-changes' });
    for (const k of names) {
      ul.append(el('li', {}, fieldLabel(entry.action, k), ': ',
        el('del', {}, valueNode(before[k], k, entry.action)), el('span', { 'aria-hidden': 'true' }, ' → '),
        el('span', { class: 'visually-hidden' }, text('span', 'console.audit.became'), ' '),
        el('ins', {}, valueNode(after[k], k, entry.action))));
    }
    // Which one changed: its name (or address) first.
    const which = after.name || after.username || after.slug || before.name || before.username;
    return which ? el('div', {}, el('p', { class: 'audit-which' }, String(which)), ul) : ul;
  }
  const row = (after && typeof after === 'object' && after) || (before && typeof before === 'object' && before);
  if (row) {
    const name = row.name || row.slug || '';
    return el('span', {}, `#${row.id ?? d.id ?? ''}`, name ? ` ${name}` : '');
  }
  const ul = el('ul', { class: 'audit-changes' });
  for (const [k, v] of Object.entries(d)) {
    if (v === null && (k === 'before' || k === 'after')) continue;
    ul.append(el('li', {}, el('code', { class: 'audit-field' }, k), ': ', valueNode(v)));
  }
  return ul;
}

// ---------------------------------------------------------------- filters

function filtersOf(query) {
  return {
    user: (query.get('user') || '').trim(),
    action: (query.get('action') || '').trim(),
    from: /^\d{4}-\d{2}-\d{2}$/.test(query.get('from') || '') ? query.get('from') : '',
    to: /^\d{4}-\d{2}-\d{2}$/.test(query.get('to') || '') ? query.get('to') : '',
  };
}

/** The console's address for filters and an offset. */
function hashOf(f, offset = 0) {
  const q = new URLSearchParams();
  for (const k of ['user', 'action', 'from', 'to']) if (f[k]) q.set(k, f[k]);
  if (offset) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `#/audit?${s}` : '#/audit';
}

/** The API's address for filters and an offset. */
function apiPath(f, offset, zone) {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (f.user) q.set('user', f.user);
  if (f.action) q.set('action', f.action);
  // The server's "to" is not included: the day after the last one asked for.
  if (f.from) q.set('from', dayStart(f.from, zone));
  if (f.to) q.set('to', dayStart(f.to, zone, 1));
  return `/api/v1/admin/audit?${q}`;
}

function field(id, labelKey, input, hintKey) {
  const hint = hintKey ? text('p', hintKey, undefined, { class: 'field-hint', id: `${id}-hint` }) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  return el('div', { class: 'field' }, text('label', labelKey, undefined, { for: id }), input, hint);
}

function filterForm(ctx, f, names, zone) {
  const user = el('input', { id: 'audit-user', type: 'text', value: f.user, list: 'audit-user-names', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' });
  const userNames = el('datalist', { id: 'audit-user-names' });
  for (const n of names) userNames.append(el('option', { value: n }));
  const known = !f.action || ACTION_CHOICES.includes(f.action);
  const what = el('select', { id: 'audit-action' });
  what.append(text('option', 'console.audit.any_action', undefined, { value: '' }));
  for (const a of ACTION_CHOICES) {
    const key = KINDS.includes(a) ? kindKey(a) : `console.audit.action.${a}`;
    what.append(text('option', key, undefined, { value: a, selected: a === f.action }));
  }
  what.append(text('option', 'console.audit.other_action', undefined, { value: '*', selected: !known }));
  const code = el('input', { id: 'audit-action-code', type: 'text', value: known ? '' : f.action, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' });
  const codeField = field('audit-action-code', 'console.audit.action_code', code, 'console.audit.action_code_hint');
  codeField.hidden = known;
  what.addEventListener('change', () => {
    codeField.hidden = what.value !== '*';
    if (!codeField.hidden) code.focus();
  });
  const from = el('input', { id: 'audit-from', type: 'date', value: f.from, 'aria-describedby': 'audit-days-hint' });
  const to = el('input', { id: 'audit-to', type: 'date', value: f.to, 'aria-describedby': 'audit-days-hint' });
  const daysHint = text('p', 'console.audit.days_hint', { tz: zone }, { class: 'field-hint', id: 'audit-days-hint' });
  const submit = text('button', 'console.audit.filter', undefined, { type: 'submit', class: 'button button-primary', id: 'audit-filter' });
  const reset = text('a', 'console.audit.clear', undefined, { href: '#/audit', class: 'button', id: 'audit-clear' });
  const form = el('form', { class: 'panel audit-filters', id: 'audit-form', role: 'search', 'aria-labelledby': 'audit-filters-heading', novalidate: true },
    text('h2', 'console.audit.filters', undefined, { id: 'audit-filters-heading' }),
    el('div', { class: 'filter-grid' },
      field('audit-user', 'console.audit.user', user), userNames,
      field('audit-action', 'console.audit.action', what), codeField,
      field('audit-from', 'console.audit.from', from),
      field('audit-to', 'console.audit.to', to)),
    daysHint,
    el('div', { class: 'submit-row' }, submit, reset));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const action = what.value === '*' ? code.value.trim() : what.value;
    ctx.navigate(hashOf({ user: user.value.trim(), action, from: from.value, to: to.value }));
  });
  return form;
}

// ------------------------------------------------------------------ view

async function listView(ctx) {
  ctx.title('console.audit.title');
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const f = filtersOf(ctx.query);
  const root = ctx.root;
  root.append(text('h1', 'console.audit.title'), text('p', 'console.audit.intro', undefined, { class: 'muted' }));
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const zone = f.from || f.to ? await logZone(ctx) : null;
  if (ctx.stale()) return;
  const [list, users, shownZone] = await Promise.all([
    ctx.call('GET', apiPath(f, offset, zone)),
    ctx.call('GET', '/api/v1/admin/users?limit=200'),
    zone || logZone(ctx),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  const names = users.status === 200 && users.body ? (users.body.items || []).map((u) => u.name) : [];
  root.append(filterForm(ctx, f, names, shownZone));
  if (list.status !== 200 || !list.body) {
    ctx.apiError(list);
    return;
  }
  const body = el('div');
  root.append(body);

  const render = () => {
    clear(body);
    const items = list.body.items || [];
    const total = list.body.total ?? items.length;
    const filtered = f.user || f.action || f.from || f.to;
    body.append(text('p', filtered ? 'console.audit.count_filtered' : 'console.audit.count', { n: total }, { id: 'audit-count', class: 'muted' }));
    if (!items.length) {
      body.append(text('p', filtered ? 'console.audit.none_filtered' : 'console.audit.none', undefined, { class: 'empty' }));
      return;
    }
    const head = el('tr', {});
    for (const k of ['when', 'who', 'what', 'detail', 'address']) head.append(text('th', `console.audit.col.${k}`, undefined, { scope: 'col' }));
    const tbody = el('tbody');
    for (const e of items) {
      tbody.append(el('tr', { 'data-audit-id': String(e.id), 'data-action': e.action },
        el('td', { class: 'audit-when' }, el('time', { datetime: e.at }, when(e.at))),
        el('td', { class: 'audit-user' }, e.user || ''),
        el('td', { class: 'audit-action' }, actionNode(e.action)),
        el('td', { class: 'audit-detail' }, detailNode(e)),
        el('td', { class: 'audit-address' }, e.address || '')));
    }
    const caption = text('caption', 'console.audit.caption', undefined, { class: 'visually-hidden', id: 'audit-caption' });
    body.append(el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'audit-caption' },
      el('table', { class: 'audit-table', id: 'audit-table' }, caption, el('thead', {}, head), tbody)));
    if (total > PAGE || offset > 0) {
      const nav = el('nav', { class: 'pager', 'aria-label': t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' });
      nav.append(text('p', 'console.pager.showing', { from: Math.min(total, offset + 1), to: Math.min(total, offset + items.length), total }));
      if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { href: hashOf(f, Math.max(0, offset - PAGE)), class: 'button', id: 'audit-previous' }));
      if (offset + PAGE < total) nav.append(text('a', 'console.pager.next', undefined, { href: hashOf(f, offset + PAGE), class: 'button', id: 'audit-next' }));
      body.append(nav);
    }
  };
  render();
  ctx.onLang(render);
}

export const routes = [
  { path: /^audit$/, render: listView },
];
