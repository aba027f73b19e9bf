// Console section: the chosen event's invoices and credit notes, newest
// first, paged on the server and filtered by state (unpaid, partly paid,
// overdue, paid, overpaid, credit notes), each with what was paid and what it still
// wants, its PDF, "mark paid" for one still unpaid and a reminder by
// mail for one overdue; the bank's BgMax
// file read in (what matched, what did not, what was paid in part or too
// much); the payments no invoice matched; and the accountant's files: the
// bookkeeping as SIE 4 and the invoices as CSV or XLSX.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatPrice } from '../js/format.js';
import { defaultEventId } from './events.js';

const { t } = i18n;
const PAGE = 50;

export const section = { id: 'invoices', navKey: 'console.nav.invoices', href: () => '#/invoices' };

export const STATES = ['unpaid', 'partly_paid', 'overdue', 'paid', 'overpaid', 'credit'];
export const BANK_ERRORS = ['bgmax_test_file', 'bgmax_currency'];

function hashOf(eventId, state, offset = 0) {
  const q = new URLSearchParams();
  if (state) q.set('state', state);
  if (offset) q.set('offset', String(offset));
  const s = q.toString();
  return `#/events/${eventId}/invoices${s ? `?${s}` : ''}`;
}

function money(ore) {
  return formatPrice(ore, i18n.getLang());
}

async function pick(ctx) {
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/invoices`);
    return;
  }
  ctx.root.append(text('h1', 'console.invoices.title'), text('p', 'console.invoices.no_event', undefined, { class: 'empty' }));
}

function filterForm(ctx, eventId, state) {
  const select = el('select', { id: 'invoice-state' });
  select.append(text('option', 'console.invoices.any_state', undefined, { value: '' }));
  for (const s of STATES) select.append(text('option', `console.invoices.state.${s}`, undefined, { value: s, selected: s === state }));
  const form = el('form', { class: 'panel', id: 'invoice-filter', role: 'search', 'aria-labelledby': 'invoice-filter-heading' },
    text('h2', 'console.invoices.filters', undefined, { id: 'invoice-filter-heading' }),
    el('div', { class: 'field' }, text('label', 'console.invoices.state_label', undefined, { for: 'invoice-state' }), select),
    el('div', { class: 'submit-row' }, text('button', 'console.invoices.filter', undefined, { type: 'submit', class: 'button button-primary', id: 'invoice-filter-submit' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(hashOf(eventId, select.value));
  });
  return form;
}

/** What a bank file booked, or why it was refused whole. */
function bankResult(r) {
  const box = el('div', { id: 'bank-result', class: 'panel' });
  if (r.status === 200 && r.body && r.body.duplicate) {
    box.append(text('p', 'console.invoices.bank.duplicate', undefined, { class: 'notice' }));
    return box;
  }
  if (r.status !== 201 || !r.body) {
    const e = (r.body && r.body.error) || {};
    const code = e.code || '';
    const key = BANK_ERRORS.includes(code) ? `console.invoices.bank.error.${code}`
      : code.startsWith('bgmax_') ? 'console.invoices.bank.error.format' : 'console.invoices.bank.error.other';
    box.append(text('p', key, { line: (e.fields && e.fields.line) || 0, code }, { class: 'alert', role: 'alert' }));
    return box;
  }
  const b = r.body;
  box.append(text('p', 'console.invoices.bank.booked', { n: b.payments, matched: b.matched, amount: money(b.amount_ore) }, { id: 'bank-booked' }));
  const list = (key, items, line) => {
    if (!items.length) return;
    box.append(text('h3', key));
    box.append(el('ul', {}, items.map((x) => el('li', {}, line(x)))));
  };
  list('console.invoices.bank.unmatched', b.unmatched, (u) => el('span', { dir: 'auto' },
    t('console.invoices.bank.unmatched_line', { payer: u.payer || '–', reference: u.reference || '–', amount: money(u.amount_ore), date: u.paid_on })));
  list('console.invoices.bank.partial', b.partial, (p) => t('console.invoices.bank.left_line', { n: p.invoice, amount: money(p.balance_ore) }));
  list('console.invoices.bank.overpaid', b.overpaid, (p) => t('console.invoices.bank.over_line', { n: p.invoice, amount: money(-p.balance_ore) }));
  return box;
}

function bankForm(ctx, onBooked) {
  const input = el('input', { type: 'file', id: 'bank-file', accept: '.txt,.bgm,.bgmax,text/plain' });
  const result = el('div', { 'aria-live': 'polite', id: 'bank-answer' });
  const button = text('button', 'console.invoices.bank.send', undefined, { type: 'submit', class: 'button button-primary', id: 'bank-send' });
  const form = el('form', { class: 'panel', id: 'bank-form', 'aria-labelledby': 'bank-heading' },
    text('h2', 'console.invoices.bank.heading', undefined, { id: 'bank-heading' }),
    text('p', 'console.invoices.bank.intro', undefined, { class: 'muted' }),
    el('div', { class: 'field' }, text('label', 'console.invoices.bank.file', undefined, { for: 'bank-file' }), input),
    el('div', { class: 'submit-row' }, button), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = input.files && input.files[0];
    clear(result);
    if (!f) {
      result.append(text('p', 'console.invoices.bank.choose', undefined, { class: 'alert', role: 'alert' }));
      return;
    }
    button.disabled = true;
    const r = await ctx.call('POST', '/api/v1/admin/bank-files', new Blob([f], { type: 'text/plain' }));
    if (ctx.stale()) return;
    button.disabled = false;
    // What was booked changes the list: read it again, the result kept.
    if (r.status === 201) await onBooked();
    if (ctx.stale()) return;
    result.append(bankResult(r));
  });
  return form;
}

async function listView(ctx, eventIdText) {
  const eventId = Number(eventIdText);
  ctx.title('console.invoices.title');
  const state = STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') : '';
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const root = ctx.root;
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (state) q.set('state', state);
  let list = null;
  let unmatched = null;
  /** The list and the unmatched payments, read (again); false: failed. */
  const load = async () => {
    [list, unmatched] = await Promise.all([
      ctx.call('GET', `/api/v1/admin/events/${eventId}/invoices?${q}`),
      ctx.call('GET', '/api/v1/admin/payments/unmatched'),
    ]);
    if (ctx.stale()) return false;
    if (list.status !== 200 || unmatched.status !== 200) {
      ctx.apiError([list, unmatched].find((r) => r.status !== 200));
      return false;
    }
    return true;
  };
  const ev = await ctx.call('GET', `/api/v1/admin/events/${eventId}`);
  if (ctx.stale()) return;
  if (ev.status !== 200) {
    ctx.apiError(ev);
    return;
  }
  if (!(await load())) return;
  const base = `/api/v1/admin/events/${eventId}/exports`;
  root.append(text('h1', 'console.invoices.title'),
    el('p', { class: 'lead', dir: 'auto' }, ev.body.name),
    text('p', ev.body.seller_name ? 'console.invoices.intro' : 'console.invoices.no_seller', undefined, { class: 'muted', id: 'invoice-intro' }),
    el('p', { class: 'actions' },
      text('a', 'console.invoices.sie', undefined, { href: `${base}/bookkeeping.se`, class: 'button', id: 'invoice-sie', download: '' }), ' ',
      text('a', 'console.invoices.csv', undefined, { href: `${base}/invoices.csv`, class: 'button', id: 'invoice-csv', download: '' }), ' ',
      text('a', 'console.invoices.xlsx', undefined, { href: `${base}/invoices.xlsx`, class: 'button', id: 'invoice-xlsx', download: '' })));
  root.append(filterForm(ctx, eventId, state));
  const body = el('div');
  const extra = el('div');
  const bank = bankForm(ctx, async () => { if (await load()) render(); });
  root.append(body, bank, extra);

  const remind = async (inv, button) => {
    button.disabled = true;
    const r = await ctx.call('POST', `/api/v1/admin/invoices/${inv.number}/reminder`);
    if (ctx.stale()) return;
    if (r.status !== 200) {
      button.disabled = false;
      ctx.apiError(r);
      return;
    }
    ctx.navigate(hashOf(eventId, state, offset), 'console.invoices.reminded', { n: inv.number, to: r.body.to });
  };

  const markPaid = async (inv, button) => {
    // A payment cannot be taken back: the first press asks, the second books.
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = t('console.invoices.mark_paid_confirm', { amount: money(inv.balance_ore) });
      return;
    }
    button.disabled = true;
    const r = await ctx.call('POST', `/api/v1/admin/invoices/${inv.number}/payments`, {});
    if (ctx.stale()) return;
    if (r.status !== 200) {
      button.disabled = false;
      ctx.apiError(r);
      return;
    }
    ctx.navigate(hashOf(eventId, state, offset), 'console.invoices.marked', { n: inv.number });
  };

  const render = () => {
    clear(body);
    clear(extra);
    const items = list.body.items || [];
    const total = list.body.total ?? items.length;
    body.append(text('p', 'console.invoices.count', { n: total }, { id: 'invoice-count', class: 'muted' }));
    if (!items.length) {
      body.append(text('p', 'console.invoices.none', undefined, { class: 'empty' }));
    } else {
      const cols = ['number', 'kind', 'buyer', 'issued', 'due', 'total', 'paid', 'balance', 'state', 'action'];
      const head = el('tr', {}, cols.map((k) => text('th', `console.invoices.col.${k}`, undefined, { scope: 'col' })));
      const tbody = el('tbody', {}, items.map((inv) => {
        const action = el('td', { 'data-label': t('console.invoices.col.action') });
        if (inv.kind === 'invoice' && inv.balance_ore > 0) {
          const b = text('button', 'console.invoices.mark_paid', undefined, { type: 'button', class: 'button', 'data-pay': String(inv.number) });
          b.addEventListener('click', () => markPaid(inv, b));
          action.append(b);
          if (inv.state === 'overdue') {
            const rb = text('button', 'console.invoices.remind', undefined, { type: 'button', class: 'button', 'data-remind': String(inv.number) });
            rb.addEventListener('click', () => remind(inv, rb));
            action.append(' ', rb);
          }
        }
        const cell = (k, content) => el('td', { 'data-label': t(`console.invoices.col.${k}`), class: `invoice-${k}` }, content);
        return el('tr', { 'data-invoice': String(inv.number), 'data-state': inv.state },
          el('th', { scope: 'row', 'data-label': t('console.invoices.col.number') },
            el('a', { href: `/api/v1/admin/invoices/${inv.number}.pdf?lang=${i18n.getLang()}`, target: '_blank', rel: 'noopener' }, String(inv.number))),
          cell('kind', inv.kind === 'credit'
            ? text('span', 'console.invoices.kind.credit', { n: inv.credits })
            : text('span', 'console.invoices.kind.invoice')),
          cell('buyer', el('span', { dir: 'auto' }, inv.buyer)),
          cell('issued', inv.issued),
          cell('due', inv.due || ''),
          cell('total', money(inv.total_ore)),
          cell('paid', inv.kind === 'invoice' ? money(inv.paid_ore) : ''),
          cell('balance', inv.kind === 'invoice' ? money(inv.balance_ore) : ''),
          cell('state', text('span', `console.invoices.state.${inv.state}`, undefined, { class: `badge badge--${inv.state}` })),
          action);
      }));
      const caption = text('caption', 'console.invoices.caption', undefined, { class: 'visually-hidden', id: 'invoice-caption' });
      body.append(el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'invoice-caption' },
        el('table', { id: 'invoice-table', class: 'stack-table' }, caption, el('thead', {}, head), tbody)));
      if (total > PAGE || offset > 0) {
        const nav = el('nav', { class: 'pager', 'aria-label': t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' });
        nav.append(text('p', 'console.pager.showing', { from: Math.min(total, offset + 1), to: Math.min(total, offset + items.length), total }));
        if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { href: hashOf(eventId, state, Math.max(0, offset - PAGE)), class: 'button' }));
        if (offset + PAGE < total) nav.append(text('a', 'console.pager.next', undefined, { href: hashOf(eventId, state, offset + PAGE), class: 'button' }));
        body.append(nav);
      }
    }
    const um = unmatched.body.items || [];
    extra.append(el('section', { class: 'panel', id: 'unmatched', 'aria-labelledby': 'unmatched-heading' },
      text('h2', 'console.invoices.unmatched', undefined, { id: 'unmatched-heading' }),
      um.length
        ? el('ul', {}, um.map((u) => el('li', { dir: 'auto' },
          t('console.invoices.bank.unmatched_line', { payer: u.payer || '–', reference: u.reference || '–', amount: money(u.amount_ore), date: u.paid_on }))))
        : text('p', 'console.invoices.unmatched_none', undefined, { class: 'empty' })));
  };
  render();
  ctx.onLang(render);
}

export const routes = [
  { path: /^invoices$/, render: pick },
  { path: /^events\/(\d+)\/invoices$/, render: listView },
];
