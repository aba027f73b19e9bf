// Console section: the ticket types of an event. The list (prices, seats
// confirmed against the quota, sale window), a new one, one ticket type's
// page, and deleting one that nobody has registered for. Prices are shown
// and typed in kronor and sent in öre; sale times are the event's wall
// clock. A hidden ticket type shows its invitation link, to copy, and a
// button that replaces it with a new one (the old one stops working).
import * as i18n from '../js/i18n.js';
import { el, text, clear, copyText } from '../js/dom.js';
import { formatPrice, formatDateTime } from '../js/format.js';
import {
  resourceForm, saveOnSubmit, showSaveError, showLocalErrors, clearSummary, busy, isBusy, openDialog,
  apiErrorText,
} from './form.js';
import { rememberEvent, eventDates, defaultEventId, eventPicker } from './events.js';

const { t } = i18n;
const PAGE = 50;
const PREFIX = 'console.ticket_type';
export const ROLES = ['attendee', 'speaker', 'staff', 'organiser', 'exhibitor'];
const VAT_RATES = [25, 12, 6, 0];

export const section = { id: 'ticket-types', navKey: 'console.nav.ticket_types', href: () => '#/ticket-types' };

/** The ticket type's fields, as in the server's table (daemon/admin-ticket-types.c). */
const FIELDS = [
  { name: 'name', type: 'text', required: true, max: 100, lang: 'sv', group: 'about' },
  { name: 'name_en', type: 'text', max: 100, lang: 'en', group: 'about' },
  { name: 'description', type: 'textarea', max: 2000, lang: 'sv', group: 'about', rows: 3 },
  { name: 'description_en', type: 'textarea', max: 2000, lang: 'en', group: 'about', rows: 3 },
  { name: 'role', type: 'choice', choices: ROLES, choiceKey: (r) => `console.role.${r}`, hint: true, group: 'about' },
  { name: 'price_ore', type: 'money', hint: true, group: 'price' },
  { name: 'vat_rate', type: 'choice', choices: VAT_RATES, choiceKey: (v) => `console.vat.${v}`, group: 'price' },
  { name: 'quota', type: 'int', nullable: true, hint: true, group: 'seats' },
  { name: 'waitlist', type: 'bool', hint: true, group: 'seats' },
  { name: 'sale_starts_at', type: 'time', nullable: true, hint: true, group: 'sale' },
  { name: 'sale_ends_at', type: 'time', nullable: true, group: 'sale' },
  { name: 'hidden', type: 'bool', hint: true, group: 'sale' },
  { name: 'sort', type: 'int', hint: true, group: 'sale' },
];
const GROUPS = ['about', 'price', 'seats', 'sale'];
/** The forms of this section, for the check that all their words exist. */
export const forms = [{ prefix: PREFIX, fields: FIELDS, groups: GROUPS }];
const DEFAULTS = {
  name: '', name_en: '', description: '', description_en: '', role: 'attendee', price_ore: 0,
  vat_rate: 25, quota: null, waitlist: true, sale_starts_at: null, sale_ends_at: null, hidden: false, sort: 0,
};

function price(tt) {
  return tt.price_ore ? formatPrice(tt.price_ore) : t('register.ticket_free');
}

function seatsText(tt) {
  return tt.quota === null || tt.quota === undefined
    ? t('console.ticket_types.seats_unlimited', { n: tt.confirmed })
    : t('console.ticket_types.seats', { n: tt.confirmed, of: tt.quota });
}

function saleText(tt, lang) {
  const from = tt.sale_starts_at ? formatDateTime(tt.sale_starts_at, lang) : null;
  const to = tt.sale_ends_at ? formatDateTime(tt.sale_ends_at, lang) : null;
  if (from && to) return t('console.ticket_types.sale_between', { from, to });
  if (from) return t('console.ticket_types.sale_from', { from });
  if (to) return t('console.ticket_types.sale_until', { to });
  return t('console.ticket_types.sale_always');
}

// ------------------------------------------------------- invitation link

/** The link that books a ticket type, a hidden one too (register.html). */
export function invitationLink(code) {
  return `${location.origin}/register.html?invitation=${encodeURIComponent(code)}`;
}

/**
 * Ask, then replace the ticket type's invitation code. Resolves to
 * { row } (the ticket type now), { row, conflict: true } (someone else
 * changed it first: nothing was made, row is the current copy),
 * { gone: true } or null (cancelled).
 */
async function renewInvitation(ctx, tt) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  let outcome = null;
  await openDialog({
    id: 'renew-dialog',
    headingKey: 'console.invitation.renew_heading',
    headingArgs: { name: tt.name },
    content: [text('p', 'console.invitation.renew_text'), summary],
    buttons: [
      { value: 'renew', key: 'console.invitation.renew_confirm', className: 'button-danger', id: 'renew-confirm' },
      { value: null, key: 'console.dialog.cancel', id: 'renew-cancel', autofocus: true },
    ],
    onSubmit: async (value, button) => {
      if (value !== 'renew' || isBusy(button)) return false;
      busy(button, true);
      const r = await ctx.call('POST', `/api/v1/admin/ticket-types/${tt.id}/invitation`, { version: tt.version });
      busy(button, false);
      const err = (r.body && r.body.error) || {};
      if (r.status === 200 && r.body) outcome = { row: r.body };
      else if (r.status === 409 && err.code === 'conflict' && err.current) outcome = { row: err.current, conflict: true };
      else if (r.status === 404) outcome = { gone: true };
      if (outcome || r.status === 401) return true;
      const { key, args } = apiErrorText(r);
      i18n.setText(summary, key, args);
      summary.focus();
      return false;
    },
  });
  return ctx.stale() ? null : outcome;
}

/**
 * A hidden ticket type's invitation link: the full address in a read-only
 * field, a button to copy it and one for a new link. onRow(row, renewed)
 * hears of the ticket type as the server now has it.
 */
function invitationPanel(ctx, tt, { idPrefix, onRow }) {
  let current = tt;
  const fieldId = `${idPrefix}-link`;
  const input = el('input', {
    id: fieldId, type: 'text', readonly: true, class: 'invitation-link', value: invitationLink(tt.invitation_code),
    autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${idPrefix}-hint`,
  });
  const status = el('p', { class: 'save-status', role: 'status', id: `${idPrefix}-status` });
  const named = (key) => [text('span', key), el('span', { class: 'visually-hidden' }, ` – ${tt.name}`)];
  const copy = el('button', { type: 'button', class: 'button', id: `${idPrefix}-copy` }, named('console.invitation.copy'));
  const renew = el('button', { type: 'button', class: 'button', id: `${idPrefix}-renew` }, named('console.invitation.renew'));
  input.addEventListener('focus', () => input.select());
  copy.addEventListener('click', async () => {
    const ok = await copyText(input.value, input);
    i18n.setText(status, ok ? 'console.invitation.copied' : 'console.invitation.copy_failed');
  });
  renew.addEventListener('click', async () => {
    const outcome = await renewInvitation(ctx, current);
    if (!outcome) return;
    if (outcome.gone) {
      i18n.setText(status, 'console.invitation.gone');
      return;
    }
    current = outcome.row;
    input.value = invitationLink(current.invitation_code);
    i18n.setText(status, outcome.conflict ? 'console.invitation.conflict' : 'console.invitation.renewed', { name: current.name });
    onRow(current, !outcome.conflict);
  });
  return el('div', { class: 'invitation', id: idPrefix },
    el('div', { class: 'field' },
      text('label', 'console.invitation.label', undefined, { for: fieldId }),
      el('div', { class: 'invitation-row' }, input, copy),
      text('p', 'console.invitation.hint', undefined, { class: 'field-hint', id: `${idPrefix}-hint` })),
    el('p', { class: 'invitation-actions' }, renew),
    status);
}

// ------------------------------------------------------------ choose event

/** "Ticket types" in the navigation: the event last opened, else the current one. */
async function chooseView(ctx) {
  ctx.title('console.ticket_types.title');
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/ticket-types`);
    return;
  }
  ctx.root.append(text('h1', 'console.ticket_types.title'),
    el('p', {}, text('span', 'console.ticket_types.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

// -------------------------------------------------------------------- list

async function listView(ctx, eventText) {
  const eventId = Number(eventText);
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  ctx.title('console.ticket_types.title');
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const [evR, listR, eventsR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/ticket-types?limit=${PAGE}&offset=${offset}`),
    ctx.call('GET', '/api/v1/admin/events?limit=200'),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || listR.status !== 200) {
    root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.ticket_types.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (evR.status !== 404) ctx.apiError(evR.status !== 200 ? evR : listR);
    return;
  }
  const event = evR.body;
  let list = listR.body;
  rememberEvent(eventId);
  ctx.title('console.ticket_types.title_event', { name: event.name });
  const events = eventsR.status === 200 && eventsR.body ? eventsR.body.items : [event];
  if (!events.some((e) => e.id === event.id)) events.unshift(event);

  const sub = el('p', { class: 'card-meta' });
  root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    el('div', { class: 'view-head' },
      text('h1', 'console.ticket_types.title'),
      text('a', 'console.ticket_types.new', undefined, { href: `#/events/${eventId}/ticket-types/new`, class: 'button button-primary', id: 'new-ticket-type' })),
    eventPicker(events, eventId, (id) => `#/events/${id}/ticket-types`, 'console.ticket_types.event'), sub);
  const body = el('div');
  root.append(body);

  const render = () => {
    sub.textContent = eventDates(event, i18n.getLang());
    clear(body);
    const items = list.items || [];
    if (!items.length && offset === 0) {
      body.append(text('p', 'console.ticket_types.none', undefined, { class: 'empty' }));
      return;
    }
    const ul = el('ul', { class: 'cards', id: 'ticket-type-list' });
    const lang = i18n.getLang();
    items.forEach((tt, i) => {
      let row = tt; // as the server last had it: a new link moves its version on
      const del = el('button', { type: 'button', class: 'button button-link', 'data-delete': String(tt.id) },
        text('span', 'console.ticket_types.delete'), el('span', { class: 'visually-hidden' }, ` – ${tt.name}`));
      del.addEventListener('click', async () => {
        const outcome = await deleteTicketType(ctx, row);
        if (!outcome) return;
        if (outcome === 'deleted') ctx.status('console.ticket_types.deleted', { name: tt.name });
        else if (outcome === 'gone') ctx.status('console.ticket_types.gone');
        else ctx.alert('console.ticket_types.delete_conflict', { name: tt.name });
        await reload();
      });
      const title = el('h2', { class: 'card-title' }, el('a', { href: `#/ticket-types/${tt.id}`, lang: 'sv' }, tt.name));
      if (tt.name_en && tt.name_en !== tt.name) title.append(' ', el('span', { class: 'card-alt', lang: 'en' }, tt.name_en));
      const flags = el('p', { class: 'badges' });
      if (tt.hidden) flags.append(text('span', 'console.ticket_types.hidden_badge', undefined, { class: 'badge badge--archived' }));
      if (tt.waitlist) flags.append(text('span', 'console.ticket_types.waitlist_badge', undefined, { class: 'badge' }));
      flags.append(text('span', `console.role.${tt.role}`, undefined, { class: 'badge' }));
      const invitation = tt.hidden
        ? invitationPanel(ctx, tt, { idPrefix: `invitation-${tt.id}`, onRow: (now) => { row = now; list.items[i] = now; } })
        : null;
      ul.append(el('li', { class: 'card', 'data-ticket-type-id': String(tt.id) },
        title,
        el('p', { class: 'card-price' }, el('span', { class: 'ticket-price' }, price(tt)), ' ',
          el('span', { class: 'muted' }, t('console.ticket_types.vat', { n: tt.vat_rate }))),
        el('p', {}, seatsText(tt)),
        el('p', { class: 'muted' }, saleText(tt, lang)),
        flags,
        invitation,
        el('p', { class: 'card-actions' }, del)));
    });
    body.append(ul);
    if (list.total > PAGE || offset > 0) {
      const nav = el('nav', { class: 'pager', 'aria-label': t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' },
        text('p', 'console.pager.showing', { from: Math.min(list.total, offset + 1), to: Math.min(list.total, offset + PAGE), total: list.total }));
      if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { class: 'button', href: `#/events/${eventId}/ticket-types?offset=${Math.max(0, offset - PAGE)}` }));
      if (offset + PAGE < list.total) nav.append(text('a', 'console.pager.next', undefined, { class: 'button', href: `#/events/${eventId}/ticket-types?offset=${offset + PAGE}` }));
      body.append(nav);
    }
  };

  const reload = async () => {
    const r = await ctx.call('GET', `/api/v1/admin/events/${eventId}/ticket-types?limit=${PAGE}&offset=${offset}`);
    if (ctx.stale()) return;
    if (r.status === 200 && r.body) {
      list = r.body;
      render();
      root.querySelector('h1').focus();
    } else {
      ctx.apiError(r);
    }
  };
  render();
  ctx.onLang(render);
}

/**
 * Ask, then delete; a ticket type someone registered for stays (409
 * in_use, said in the dialog). Resolves to "deleted", "gone" (someone
 * else deleted it), "conflict" (someone else changed it) or null.
 */
async function deleteTicketType(ctx, tt) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  let outcome = null;
  await openDialog({
    id: 'delete-dialog',
    headingKey: 'console.ticket_types.delete_heading',
    headingArgs: { name: tt.name },
    content: [text('p', 'console.ticket_types.delete_text'), summary],
    buttons: [
      { value: 'delete', key: 'console.ticket_types.delete_confirm', className: 'button-danger', id: 'delete-confirm' },
      { value: null, key: 'console.dialog.cancel', id: 'delete-cancel', autofocus: true },
    ],
    onSubmit: async (value, button) => {
      if (value !== 'delete' || isBusy(button)) return false;
      busy(button, true);
      const r = await ctx.call('DELETE', `/api/v1/admin/ticket-types/${tt.id}?version=${tt.version}`);
      busy(button, false);
      const code = r.body && r.body.error && r.body.error.code;
      if (r.status === 200) outcome = 'deleted';
      else if (r.status === 404) outcome = 'gone';
      else if (r.status === 409 && code === 'conflict') outcome = 'conflict';
      if (outcome || r.status === 401) return true;
      const { key, args } = code === 'in_use' ? { key: 'console.ticket_types.in_use' } : apiErrorText(r);
      i18n.setText(summary, key, args);
      summary.focus();
      return false;
    },
  });
  return ctx.stale() ? null : outcome;
}

// ------------------------------------------------------------ the form

function typeForm(event) {
  return resourceForm({ fields: FIELDS, prefix: PREFIX, idPrefix: 'tt', groups: GROUPS, zone: () => event.timezone });
}

function formShell(form, submitKey) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'tt-form-alert' });
  const conflictHost = el('div', { class: 'conflict-host' });
  const submit = text('button', submitKey, undefined, { type: 'submit', class: 'button button-primary button-large', id: 'tt-save' });
  const saved = el('p', { class: 'save-status', role: 'status', id: 'tt-save-status' });
  const node = el('form', { class: 'resource-form', novalidate: true, id: 'tt-form' },
    summary, conflictHost, form.element, el('div', { class: 'submit-row' }, submit, saved));
  return { node, summary, conflictHost, submit, saved };
}

async function createView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.ticket_types.new_title');
  const root = ctx.root;
  const r = await ctx.call('GET', `/api/v1/admin/events/${eventId}`);
  if (ctx.stale()) return;
  if (r.status !== 200 || !r.body) {
    root.append(text('h1', 'console.events.not_found'));
    if (r.status !== 404) ctx.apiError(r);
    return;
  }
  const event = r.body;
  const listHash = `#/events/${eventId}/ticket-types`;
  root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.ticket_types.back', { name: event.name }, { href: listHash })),
    text('h1', 'console.ticket_types.new_title'),
    el('p', { class: 'card-meta', lang: 'sv' }, event.name));
  const form = typeForm(event);
  const shell = formShell(form, 'console.ticket_types.create');
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
    // The server refuses every role it is sent (422 role: too_long), so the
    // default, which it sets itself, is left out.
    if (values.role === DEFAULTS.role) delete values.role;
    busy(shell.submit, true, 'console.form.saving');
    const res = await ctx.call('POST', `/api/v1/admin/events/${eventId}/ticket-types`, values);
    busy(shell.submit, false, 'console.ticket_types.create');
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 201 && res.body) {
      ctx.navigate(listHash, 'console.ticket_types.created', { name: res.body.name });
      return;
    }
    showSaveError(res, { form, summary: shell.summary });
  });
}

async function editView(ctx, idText) {
  const id = Number(idText);
  ctx.title('console.ticket_types.edit_title', { name: '…' });
  const root = ctx.root;
  const r = await ctx.call('GET', `/api/v1/admin/ticket-types/${id}`);
  if (ctx.stale()) return;
  if (r.status !== 200 || !r.body) {
    root.append(text('h1', r.status === 404 ? 'console.ticket_types.not_found' : 'console.ticket_types.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (r.status !== 404) ctx.apiError(r);
    return;
  }
  let base = r.body;
  const evR = await ctx.call('GET', `/api/v1/admin/events/${base.event_id}`);
  if (ctx.stale()) return;
  if (evR.status !== 200 || !evR.body) {
    ctx.apiError(evR);
    return;
  }
  const event = evR.body;
  rememberEvent(event.id);
  const listHash = `#/events/${event.id}/ticket-types`;
  const h1 = el('h1', { lang: 'sv' });
  const meta = el('p', { class: 'card-meta' });
  const del = text('button', 'console.ticket_types.delete', undefined, { type: 'button', class: 'button button-danger', id: 'tt-delete' });
  const renderHead = () => {
    h1.textContent = base.name;
    ctx.title('console.ticket_types.edit_title', { name: base.name });
    meta.textContent = `${event.name} · ${seatsText(base)}`;
  };
  root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.ticket_types.back', { name: event.name }, { href: listHash })),
    h1, meta);
  const form = typeForm(event);
  const shell = formShell(form, 'console.form.save');
  form.fill(base);
  // The link of a hidden type, as saved: hiding it in the form shows it after saving.
  const invitationHost = el('div', { class: 'panel invitation-host' });
  const renderInvitation = () => {
    clear(invitationHost);
    invitationHost.hidden = !base.hidden;
    if (!base.hidden) return;
    invitationHost.append(invitationPanel(ctx, base, {
      idPrefix: 'tt-invitation',
      // Only a new link of the version the form was read at moves the
      // form on; someone else's change is shown when the form is saved.
      onRow: (row, renewed) => { if (renewed && row.version === base.version + 1) base = row; },
    }));
  };
  root.append(shell.node, invitationHost, el('p', { class: 'danger-zone' }, del));
  renderHead();
  renderInvitation();
  ctx.onLang(renderHead);
  saveOnSubmit(ctx, {
    form, shell, path: `/api/v1/admin/ticket-types/${id}`,
    getBase: () => base,
    setBase: (row) => { base = row; renderHead(); renderInvitation(); },
  });

  del.addEventListener('click', async () => {
    const outcome = await deleteTicketType(ctx, base);
    if (outcome === 'deleted') ctx.navigate(listHash, 'console.ticket_types.deleted', { name: base.name });
    else if (outcome === 'gone') ctx.navigate(listHash, 'console.ticket_types.gone');
    else if (outcome === 'conflict') ctx.alert('console.ticket_types.delete_conflict_edit');
  });
}

export const routes = [
  { path: /^ticket-types$/, render: chooseView },
  { path: /^events\/(\d+)\/ticket-types$/, render: listView },
  { path: /^events\/(\d+)\/ticket-types\/new$/, render: createView },
  { path: /^ticket-types\/(\d+)$/, render: editView },
];
