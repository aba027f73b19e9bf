// Console section: events. The list (the current one marked), a new
// event, and one event's page: every field, make it the current event,
// copy it to next year, archive it or bring it back.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { datePart, formatDay } from '../js/format.js';
import {
  resourceForm, saveOnSubmit, showSaveError, showLocalErrors, clearSummary, busy, isBusy, openDialog,
  apiErrorText,
} from './form.js';
import { pager } from './list.js';

const { t } = i18n;
const PAGE = 20;
const PREFIX = 'console.event';
export const CHOSEN_KEY = 'techtank.console.event';

export const section = { id: 'events', navKey: 'console.nav.events', href: () => '#/events' };

/** The event's fields, as in the server's table (daemon/admin-events.c). */
const FIELDS = [
  { name: 'name', type: 'text', required: true, max: 150, lang: 'sv', group: 'about' },
  { name: 'name_en', type: 'text', max: 150, lang: 'en', group: 'about' },
  { name: 'slug', type: 'slug', required: true, max: 60, hint: true, group: 'about' },
  { name: 'description', type: 'textarea', max: 5000, lang: 'sv', group: 'about' },
  { name: 'description_en', type: 'textarea', max: 5000, lang: 'en', group: 'about' },
  { name: 'timezone', type: 'zone', required: true, max: 64, hint: true, group: 'when' },
  { name: 'starts_at', type: 'time', required: true, group: 'when' },
  { name: 'ends_at', type: 'time', required: true, group: 'when' },
  { name: 'venue_name', type: 'text', max: 150, group: 'where' },
  { name: 'venue_address', type: 'text', max: 200, group: 'where' },
  { name: 'venue_city', type: 'text', max: 100, group: 'where' },
  { name: 'capacity', type: 'int', nullable: true, hint: true, group: 'registration' },
  { name: 'speakers_in_capacity', type: 'bool', hint: true, group: 'registration' },
  { name: 'registration_opens_at', type: 'time', nullable: true, hint: true, group: 'registration' },
  { name: 'registration_closes_at', type: 'time', nullable: true, group: 'registration' },
  { name: 'changes_until', type: 'time', nullable: true, hint: true, group: 'registration' },
  { name: 'door_offline_names', type: 'bool', group: 'registration' },
  { name: 'code_prefix', type: 'code', max: 6, hint: true, group: 'contact' },
  { name: 'contact_email', type: 'email', max: 254, group: 'contact' },
  { name: 'organiser_name', type: 'text', max: 150, hint: true, group: 'privacy' },
  { name: 'erase_after_days', type: 'int', nullable: true, hint: true, group: 'privacy' },
  { name: 'privacy_notice', type: 'textarea', max: 10000, lang: 'sv', group: 'privacy' },
  { name: 'privacy_notice_en', type: 'textarea', max: 10000, lang: 'en', group: 'privacy' },
  { name: 'seller_name', type: 'text', max: 150, hint: true, group: 'invoicing' },
  { name: 'seller_org_number', type: 'text', max: 20, hint: true, group: 'invoicing' },
  { name: 'seller_vat_number', type: 'text', max: 20, group: 'invoicing' },
  { name: 'seller_address', type: 'textarea', max: 300, rows: 3, group: 'invoicing' },
  { name: 'seller_bankgiro', type: 'text', max: 12, group: 'invoicing' },
  { name: 'seller_email', type: 'email', max: 254, group: 'invoicing' },
  { name: 'seller_f_tax', type: 'bool', group: 'invoicing' },
  { name: 'reverse_charge_eu', type: 'bool', hint: true, group: 'invoicing' },
  { name: 'payment_terms_days', type: 'int', group: 'invoicing' },
  { name: 'cancel_free_until', type: 'time', nullable: true, hint: true, group: 'invoicing' },
  { name: 'cancel_fee_percent', type: 'int', hint: true, group: 'invoicing' },
  { name: 'account_receivable', type: 'int', group: 'accounts' },
  { name: 'account_revenue', type: 'int', group: 'accounts' },
  { name: 'account_vat', type: 'int', group: 'accounts' },
  { name: 'account_bank', type: 'int', group: 'accounts' },
];
const GROUPS = ['about', 'when', 'where', 'registration', 'contact', 'privacy', 'invoicing', 'accounts'];
/** "Copy to next year" may name the copy's address and name. */
const COPY_FIELDS = [
  { name: 'slug', type: 'slug', max: 60, hint: true },
  { name: 'name', type: 'text', max: 150, lang: 'sv', hint: true },
];
/** The forms of this section, for the check that all their words exist. */
export const forms = [
  { prefix: PREFIX, fields: FIELDS, groups: GROUPS },
  { prefix: 'console.copy', fields: COPY_FIELDS },
];
const DEFAULTS = {
  name: '', name_en: '', slug: '', description: '', description_en: '', timezone: 'Europe/Stockholm',
  starts_at: null, ends_at: null, venue_name: '', venue_address: '', venue_city: '', capacity: null,
  speakers_in_capacity: false, door_offline_names: false, registration_opens_at: null, registration_closes_at: null, changes_until: null, code_prefix: 'TT', contact_email: '',
  organiser_name: '', erase_after_days: null, privacy_notice: '', privacy_notice_en: '',
  seller_name: '', seller_org_number: '', seller_vat_number: '', seller_address: '', seller_bankgiro: '',
  seller_email: '', seller_f_tax: false, reverse_charge_eu: false, payment_terms_days: 30, cancel_free_until: null, cancel_fee_percent: 0,
  account_receivable: 1510, account_revenue: 3001, account_vat: 2611, account_bank: 1930,
};
/** The tables an erasure touches, as the dry run names them. */
const ERASE_TABLES = ['attendees', 'registrations', 'idempotency_keys', 'scan_nonces', 'audit_log', 'event_dietary_counts'];

export function rememberEvent(id) {
  try { sessionStorage.setItem(CHOSEN_KEY, String(id)); } catch { /* private mode */ }
}

function chosenEvent() {
  try { return Number(sessionStorage.getItem(CHOSEN_KEY)) || null; } catch { return null; }
}

/**
 * The event a section opens on: the one last opened, else the current
 * one, else the first; null when there is none (or the view went stale).
 */
export async function defaultEventId(ctx) {
  let id = chosenEvent();
  if (id) {
    const r = await ctx.call('GET', `/api/v1/admin/events/${id}`);
    if (ctx.stale()) return null;
    if (r.status !== 200) id = null;
  }
  if (!id) {
    const cur = await ctx.call('GET', '/api/v1/admin/current-event');
    if (ctx.stale()) return null;
    id = cur.status === 200 && cur.body ? cur.body.current_event : null;
  }
  if (!id) {
    const list = await ctx.call('GET', '/api/v1/admin/events?limit=1');
    if (ctx.stale()) return null;
    const first = list.status === 200 && list.body && list.body.items[0];
    id = first ? first.id : null;
  }
  return id;
}

/** A select of the events, to move to another event's page (hashOf(id)). */
export function eventPicker(events, id, hashOf, labelKey) {
  const select = el('select', { id: 'event-picker' });
  for (const ev of events) {
    select.append(el('option', { value: String(ev.id), selected: ev.id === id }, `${ev.name} · ${datePart(ev.starts_at)}`));
  }
  select.addEventListener('change', () => { location.hash = hashOf(select.value); });
  return el('div', { class: 'field event-picker' },
    text('label', labelKey, undefined, { for: 'event-picker' }), select);
}

/** "30 November – 1 December 2027" in the event's own zone. */
export function eventDates(ev, lang) {
  const start = datePart(ev.starts_at);
  const end = datePart(ev.ends_at);
  if (!start) return '';
  if (!end || end === start) return formatDay(start, lang, { weekday: false });
  return t('programme.date_range', {
    start: formatDay(start, lang, { weekday: false, year: start.slice(0, 4) !== end.slice(0, 4) }),
    end: formatDay(end, lang, { weekday: false }),
  });
}

function badges(ev, currentId) {
  const p = el('p', { class: 'badges' });
  if (ev.id === currentId) p.append(text('span', 'console.events.current', undefined, { class: 'badge badge--current' }));
  if (ev.archived) p.append(text('span', 'console.events.archived', undefined, { class: 'badge badge--archived' }));
  else if (ev.id !== currentId) p.append(text('span', 'console.events.draft', undefined, { class: 'badge badge--draft' }));
  return p;
}

function seats(ev) {
  return ev.capacity === null || ev.capacity === undefined
    ? text('p', 'console.events.seats_unlimited', { n: ev.confirmed })
    : text('p', 'console.events.seats', { n: ev.confirmed, of: ev.capacity });
}

// -------------------------------------------------------------------- list

async function listView(ctx) {
  ctx.title('console.events.title');
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const root = ctx.root;
  root.append(el('div', { class: 'view-head' },
    text('h1', 'console.events.title'),
    text('a', 'console.events.new', undefined, { href: '#/events/new', class: 'button button-primary', id: 'new-event' })));
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const [list, cur] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events?limit=${PAGE}&offset=${offset}`),
    ctx.call('GET', '/api/v1/admin/current-event'),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (list.status !== 200 || !list.body) {
    ctx.apiError(list);
    return;
  }
  const currentId = cur.status === 200 && cur.body ? cur.body.current_event : null;
  const body = el('div');
  root.append(body);

  const render = () => {
    clear(body);
    const items = list.body.items || [];
    if (!items.length && offset === 0) {
      body.append(text('p', 'console.events.none', undefined, { class: 'empty' }));
      return;
    }
    if (currentId === null) body.append(text('p', 'console.events.no_current', undefined, { class: 'muted' }));
    const ul = el('ul', { class: 'cards', id: 'event-list' });
    const lang = i18n.getLang();
    for (const ev of items) {
      const li = el('li', { class: `card${ev.archived ? ' card--archived' : ''}`, 'data-event-id': String(ev.id) });
      const title = el('h2', { class: 'card-title' },
        el('a', { href: `#/events/${ev.id}`, lang: 'sv' }, ev.name));
      if (ev.name_en && ev.name_en !== ev.name) title.append(' ', el('span', { class: 'card-alt', lang: 'en' }, ev.name_en));
      li.append(title,
        el('p', { class: 'card-meta' }, [eventDates(ev, lang), ev.venue_city].filter(Boolean).join(' · ')),
        badges(ev, currentId),
        seats(ev),
        el('p', { class: 'card-actions' },
          el('a', { href: `#/events/${ev.id}/ticket-types` },
            text('span', 'console.events.ticket_types_link'),
            el('span', { class: 'visually-hidden' }, ` – ${ev.name}`))));
      ul.append(li);
    }
    body.append(ul);
    const p = pager(list.body.total, offset, PAGE, (o) => `#/events?offset=${o}`);
    if (p) body.append(p);
  };
  render();
  ctx.onLang(render);
}

// ------------------------------------------------------------ the form

function eventForm(idPrefix) {
  return resourceForm({ fields: FIELDS, prefix: PREFIX, idPrefix, groups: GROUPS, zoneField: 'timezone' });
}

function formShell(form, submitKey) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'event-form-alert' });
  const conflictHost = el('div', { class: 'conflict-host' });
  const submit = text('button', submitKey, undefined, { type: 'submit', class: 'button button-primary button-large', id: 'event-save' });
  const saved = el('p', { class: 'save-status', role: 'status', id: 'event-save-status' });
  const node = el('form', { class: 'resource-form', novalidate: true, id: 'event-form' },
    summary, conflictHost, form.element, el('div', { class: 'submit-row' }, submit, saved));
  return { node, summary, conflictHost, submit, saved };
}

async function createView(ctx) {
  ctx.title('console.events.new_title');
  const root = ctx.root;
  root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.events.back', undefined, { href: '#/events' })),
    text('h1', 'console.events.new_title'));
  const form = eventForm('event');
  const shell = formShell(form, 'console.events.create');
  form.fill(DEFAULTS);
  root.append(shell.node);
  shell.node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(shell.submit)) return;
    form.clearErrors();
    clearSummary(shell.summary);
    const { values, errors } = form.read();
    if (Object.keys(errors).length) {
      showLocalErrors(form, shell.summary, errors);
      return;
    }
    busy(shell.submit, true, 'console.form.saving');
    const r = await ctx.call('POST', '/api/v1/admin/events', values);
    busy(shell.submit, false, 'console.events.create');
    if (ctx.stale() || r.status === 401) return;
    if (r.status === 201 && r.body) {
      rememberEvent(r.body.id);
      ctx.navigate(`#/events/${r.body.id}`, 'console.events.created', { name: r.body.name });
      return;
    }
    showSaveError(r, { form, summary: shell.summary });
  });
}

// ---------------------------------------------------------- one event

async function editView(ctx, idText) {
  const id = Number(idText);
  ctx.title('console.events.edit_title', { name: '…' });
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const [r, cur] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${id}`),
    ctx.call('GET', '/api/v1/admin/current-event'),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (r.status !== 200 || !r.body) {
    root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.events.back', undefined, { href: '#/events' })),
      text('h1', r.status === 404 ? 'console.events.not_found' : 'console.events.edit_failed'));
    if (r.status !== 404) ctx.apiError(r);
    return;
  }
  let base = r.body;
  let currentId = cur.status === 200 && cur.body ? cur.body.current_event : null;
  rememberEvent(id);

  const h1 = el('h1', { lang: 'sv' });
  const head = el('div', { class: 'event-head' });
  const actions = el('div', { class: 'toolbar', role: 'group', 'aria-label': t('console.events.actions'), 'data-i18n-attr': 'aria-label:console.events.actions' });
  const makeCurrent = text('button', 'console.events.make_current', undefined, { type: 'button', class: 'button', id: 'make-current' });
  const copy = text('button', 'console.events.copy', undefined, { type: 'button', class: 'button', id: 'copy-event' });
  const archive = el('button', { type: 'button', class: 'button', id: 'archive-event' });
  const typesLink = text('a', 'console.events.ticket_types_link', undefined, { href: `#/events/${id}/ticket-types`, class: 'button', id: 'ticket-types-link' });
  actions.append(makeCurrent, copy, archive, typesLink);

  const renderHead = () => {
    h1.textContent = base.name;
    ctx.title('console.events.edit_title', { name: base.name });
    clear(head).append(
      el('p', { class: 'card-meta' }, [eventDates(base, i18n.getLang()), base.venue_city].filter(Boolean).join(' · ')),
      badges(base, currentId),
      base.id === currentId ? text('p', 'console.events.is_current', undefined, { class: 'muted' })
        : (base.archived ? '' : text('p', 'console.events.is_draft', undefined, { class: 'muted', id: 'event-draft-note' })),
      seats(base));
    makeCurrent.hidden = Boolean(base.archived) || base.id === currentId;
    i18n.setText(archive, base.archived ? 'console.events.unarchive' : 'console.events.archive');
  };

  root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.events.back', undefined, { href: '#/events' })),
    h1, head, actions);
  const form = eventForm('event');
  const shell = formShell(form, 'console.form.save');
  form.fill(base);
  root.append(shell.node);
  renderHead();
  ctx.onLang(renderHead);

  saveOnSubmit(ctx, {
    form, shell, path: `/api/v1/admin/events/${id}`,
    getBase: () => base,
    setBase: (row) => { base = row; renderHead(); },
  });

  makeCurrent.addEventListener('click', async () => {
    if (isBusy(makeCurrent)) return;
    busy(makeCurrent, true);
    const res = await ctx.call('POST', `/api/v1/admin/events/${id}/current`);
    busy(makeCurrent, false);
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 200 && res.body) {
      currentId = res.body.current_event;
      renderHead();
      ctx.alert(null);
      ctx.status('console.events.made_current', { name: base.name });
      h1.setAttribute('tabindex', '-1');
      h1.focus();
      return;
    }
    ctx.apiError(res);
  });

  archive.addEventListener('click', async () => {
    if (isBusy(archive)) return;
    // Archiving the published event takes the public pages offline: asked first.
    if (!base.archived && base.id === currentId) {
      const answer = await openDialog({
        id: 'archive-dialog',
        headingKey: 'console.events.archive_current_heading',
        headingArgs: { name: base.name },
        content: [text('p', 'console.events.archive_current_text')],
        buttons: [
          { value: 'archive', key: 'console.events.archive', className: 'button-danger', id: 'archive-confirm' },
          { value: null, key: 'console.dialog.cancel', id: 'archive-cancel', autofocus: true },
        ],
      });
      if (answer !== 'archive' || ctx.stale()) return;
    }
    busy(archive, true);
    const res = await ctx.call('PATCH', `/api/v1/admin/events/${id}`, { version: base.version, archived: !base.archived });
    if (!ctx.stale() && res.status === 200) {
      // Bringing back the event that was published publishes it again.
      const cur = await ctx.call('GET', '/api/v1/admin/current-event');
      if (cur.status === 200 && cur.body) currentId = cur.body.current_event;
    }
    busy(archive, false);
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 200 && res.body) {
      // Only the version and the archived flag change: what is typed stays.
      base = res.body;
      renderHead();
      ctx.alert(null);
      ctx.status(base.archived ? 'console.events.archived_done' : 'console.events.unarchived_done', { name: base.name });
      archive.focus();
      return;
    }
    if (res.status === 409 && res.body && res.body.error && res.body.error.code === 'conflict') {
      form.conflict(shell.conflictHost, base, res.body.error.current, onCurrent);
      return;
    }
    ctx.apiError(res);
  });

  copy.addEventListener('click', () => copyDialog(ctx, base));
  root.append(erasurePanel(ctx, id));
}

// ------------------------------------------------- erasing personal data

/** What a dry run found, per table, in words. */
function erasureCounts(dry) {
  const tables = dry.tables || {};
  const names = [...ERASE_TABLES, ...Object.keys(tables).filter((k) => !ERASE_TABLES.includes(k))];
  const tbody = el('tbody');
  for (const name of names) {
    if (!(name in tables)) continue;
    const label = i18n.has(`console.erase.table.${name}`) ? t(`console.erase.table.${name}`) : name;
    tbody.append(el('tr', {}, el('th', { scope: 'row' }, label), el('td', { class: 'num' }, String(tables[name]))));
  }
  return el('table', { class: 'data-table', id: 'erase-counts' },
    el('caption', {}, t('console.erase.counts_caption')),
    el('thead', {}, el('tr', {}, text('th', 'console.erase.table', undefined, { scope: 'col' }),
      text('th', 'console.erase.rows', undefined, { scope: 'col' }))),
    tbody);
}

/**
 * Erase the event's personal data by hand: a dry run first, that shows
 * what would go, then the event's web address typed to confirm.
 */
function erasurePanel(ctx, id) {
  const section = el('section', { class: 'panel', id: 'erase-panel', 'aria-labelledby': 'erase-heading' },
    text('h2', 'console.erase.heading', undefined, { id: 'erase-heading' }),
    text('p', 'console.erase.text', undefined, { class: 'muted' }));
  const body = el('div', { id: 'erase-body' });
  const status = el('p', { role: 'status', id: 'erase-status' });
  const dryRun = text('button', 'console.erase.dry_run', undefined, { type: 'button', class: 'button', id: 'erase-dry-run' });
  section.append(el('p', {}, dryRun), body, status);

  dryRun.addEventListener('click', async () => {
    if (isBusy(dryRun)) return;
    busy(dryRun, true);
    const r = await ctx.call('GET', `/api/v1/admin/events/${id}/erasure`);
    busy(dryRun, false);
    if (ctx.stale() || r.status === 401) return;
    if (r.status !== 200 || !r.body) {
      ctx.apiError(r);
      return;
    }
    showDryRun(ctx, id, r.body, body, status);
  });
  return section;
}

function showDryRun(ctx, id, dry, body, status) {
  clear(body);
  status.textContent = '';
  const due = dry.erase_due_at
    ? text('p', 'console.erase.due', { date: formatDay(datePart(dry.erase_due_at), i18n.getLang(), { weekday: false }) })
    : text('p', 'console.erase.no_period', undefined, { class: 'muted' });
  body.append(due);
  if (dry.erased_at) body.append(text('p', 'console.erase.already', undefined, { class: 'muted', id: 'erase-already' }));
  body.append(erasureCounts(dry));
  const input = el('input', { id: 'erase-confirm', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'erase-confirm-error' });
  const error = el('p', { class: 'field-error', id: 'erase-confirm-error', hidden: true });
  const go = text('button', 'console.erase.submit', undefined, { type: 'submit', class: 'button button-danger', id: 'erase-submit' });
  const form = el('form', { novalidate: true, id: 'erase-form' },
    el('div', { class: 'field' },
      text('label', 'console.erase.confirm_label', { slug: dry.confirm }, { for: 'erase-confirm' }),
      input, error),
    el('p', {}, go));
  body.append(form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(go)) return;
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    if (input.value !== dry.confirm) {
      i18n.setText(error, 'console.erase.confirm.mismatch', { slug: dry.confirm });
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    busy(go, true);
    const r = await ctx.call('POST', `/api/v1/admin/events/${id}/erasure`, { confirm: input.value });
    busy(go, false);
    if (ctx.stale() || r.status === 401) return;
    if (r.status === 200 && r.body) {
      clear(body);
      body.append(erasureCounts(r.body));
      i18n.setText(status, 'console.erase.done');
      return;
    }
    const err = r.body && r.body.error;
    if (r.status === 422 && err && err.fields && err.fields.confirm) {
      i18n.setText(error, 'console.erase.confirm.mismatch', { slug: dry.confirm });
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    ctx.apiError(r);
  });
}

/** "Copy to next year": the new event's address and name may be chosen. */
async function copyDialog(ctx, base) {
  const form = resourceForm({
    fields: COPY_FIELDS,
    prefix: 'console.copy',
    errorPrefix: PREFIX,
    idPrefix: 'copy',
    zone: () => base.timezone,
  });
  form.fill({ slug: '', name: '' });
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const intro = text('p', 'console.copy.text', { name: base.name });
  let made = null;
  await openDialog({
    id: 'copy-dialog',
    headingKey: 'console.copy.heading',
    content: [intro, summary, form.element],
    buttons: [
      { value: 'copy', key: 'console.copy.submit', className: 'button-primary', id: 'copy-submit' },
      { value: null, key: 'console.dialog.cancel', id: 'copy-cancel' },
    ],
    onSubmit: async (value, button) => {
      if (value !== 'copy' || isBusy(button)) return false;
      form.clearErrors();
      clearSummary(summary);
      const { values } = form.read();
      const body = {};
      for (const [k, v] of Object.entries(values)) if (v) body[k] = v;
      busy(button, true);
      const r = await ctx.call('POST', `/api/v1/admin/events/${base.id}/copy`, Object.keys(body).length ? body : undefined);
      busy(button, false);
      if (r.status === 201 && r.body) {
        made = r.body;
        return true;
      }
      if (r.status === 401) return true;
      const err = r.body && r.body.error;
      if (r.status === 422 && err && err.fields) {
        form.showErrors(err.fields);
        i18n.setText(summary, 'console.form.errors', { n: Object.keys(err.fields).length });
        if (!form.has(Object.keys(err.fields)[0])) summary.focus();
      } else {
        const { key, args } = apiErrorText(r);
        i18n.setText(summary, key, args);
        summary.focus();
      }
      return false;
    },
  });
  if (made) {
    rememberEvent(made.id);
    ctx.navigate(`#/events/${made.id}`, 'console.events.copied', { name: made.name });
  }
}

export const routes = [
  { path: /^events$/, render: listView },
  { path: /^events\/new$/, render: createView },
  { path: /^events\/(\d+)$/, render: editView },
];
