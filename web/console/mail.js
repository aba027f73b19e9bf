// Console section: the mail outbox. Every message the system sends, newest
// first, paged on the server and filtered by state, with its attempts, the
// next attempt and the last error the mail server gave; a failed or waiting
// message can be sent again at once.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';

const { t } = i18n;
const PAGE = 50;

export const section = { id: 'mail', navKey: 'console.nav.mail', href: () => '#/mail' };

export const STATES = ['queued', 'sending', 'sent', 'failed'];
export const KINDS = ['confirmation', 'waitlisted', 'promoted', 'cancelled', 'link', 'changed', 'session_moved'];

/** "2027-03-01T09:05:07+01:00" -> "2027-03-01 09:05:07". */
function when(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso || '');
  return m ? `${m[1]} ${m[2]}` : '';
}

function hashOf(state, offset = 0) {
  const q = new URLSearchParams();
  if (state) q.set('state', state);
  if (offset) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `#/mail?${s}` : '#/mail';
}

function timeNode(iso) {
  return iso ? el('time', { datetime: iso }, when(iso)) : '';
}

function filterForm(ctx, state) {
  const select = el('select', { id: 'mail-state' });
  select.append(text('option', 'console.mail.any_state', undefined, { value: '' }));
  for (const s of STATES) select.append(text('option', `console.mail.state.${s}`, undefined, { value: s, selected: s === state }));
  const form = el('form', { class: 'panel', id: 'mail-form', role: 'search', 'aria-labelledby': 'mail-filters-heading' },
    text('h2', 'console.mail.filters', undefined, { id: 'mail-filters-heading' }),
    el('div', { class: 'field' }, text('label', 'console.mail.state_label', undefined, { for: 'mail-state' }), select),
    el('div', { class: 'submit-row' }, text('button', 'console.mail.filter', undefined, { type: 'submit', class: 'button button-primary', id: 'mail-filter' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(hashOf(select.value));
  });
  return form;
}

async function listView(ctx) {
  ctx.title('console.mail.title');
  const state = STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') : '';
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const root = ctx.root;
  root.append(text('h1', 'console.mail.title'), text('p', 'console.mail.intro', undefined, { class: 'muted' }));
  root.append(filterForm(ctx, state));
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (state) q.set('state', state);
  const list = await ctx.call('GET', `/api/v1/admin/outbox?${q}`);
  if (ctx.stale()) return;
  if (list.status !== 200 || !list.body) {
    ctx.apiError(list);
    return;
  }
  const body = el('div');
  root.append(body);

  const retry = async (m, button) => {
    button.disabled = true;
    const r = await ctx.call('POST', `/api/v1/admin/outbox/${m.id}/retry`);
    if (ctx.stale()) return;
    if (r.status !== 200) {
      button.disabled = false;
      ctx.apiError(r);
      return;
    }
    ctx.navigate(hashOf(state, offset), 'console.mail.retried', { to: m.recipient });
  };

  const render = () => {
    clear(body);
    const items = list.body.items || [];
    const total = list.body.total ?? items.length;
    body.append(text('p', 'console.mail.count', { n: total }, { id: 'mail-count', class: 'muted' }));
    if (!items.length) {
      body.append(text('p', 'console.mail.none', undefined, { class: 'empty' }));
      return;
    }
    const head = el('tr', {});
    for (const k of ['created', 'kind', 'to', 'state', 'attempts', 'next', 'error', 'action']) {
      head.append(text('th', `console.mail.col.${k}`, undefined, { scope: 'col' }));
    }
    const tbody = el('tbody');
    for (const m of items) {
      const kindKey = KINDS.includes(m.kind) ? `console.mail.kind.${m.kind}` : null;
      const action = el('td', {});
      if (m.state === 'failed' || m.state === 'queued') {
        const b = text('button', 'console.mail.retry', undefined, { type: 'button', class: 'button', 'data-retry': String(m.id) });
        b.addEventListener('click', () => retry(m, b));
        action.append(b);
      }
      tbody.append(el('tr', { 'data-outbox-id': String(m.id), 'data-state': m.state },
        el('td', {}, timeNode(m.created_at)),
        el('td', {}, kindKey ? text('span', kindKey) : el('code', {}, m.kind)),
        el('td', {}, el('span', { class: 'value-text' }, m.recipient_name ? `${m.recipient_name} <${m.recipient}>` : m.recipient)),
        el('td', { class: `mail-state mail-state-${m.state}` }, STATES.includes(m.state) ? text('span', `console.mail.state.${m.state}`) : m.state),
        el('td', {}, String(m.attempts)),
        el('td', {}, timeNode(m.next_attempt_at)),
        el('td', { class: 'mail-error' }, el('span', { class: 'value-text' }, m.last_error || '')),
        action));
    }
    const caption = text('caption', 'console.mail.caption', undefined, { class: 'visually-hidden', id: 'mail-caption' });
    body.append(el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'mail-caption' },
      el('table', { id: 'mail-table' }, caption, el('thead', {}, head), tbody)));
    if (total > PAGE || offset > 0) {
      const nav = el('nav', { class: 'pager', 'aria-label': t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' });
      nav.append(text('p', 'console.pager.showing', { from: Math.min(total, offset + 1), to: Math.min(total, offset + items.length), total }));
      if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { href: hashOf(state, Math.max(0, offset - PAGE)), class: 'button' }));
      if (offset + PAGE < total) nav.append(text('a', 'console.pager.next', undefined, { href: hashOf(state, offset + PAGE), class: 'button' }));
      body.append(nav);
    }
  };
  render();
  ctx.onLang(render);
}

export const routes = [
  { path: /^mail$/, render: listView },
];
