// Console section: the live dashboard of the current event. Seats per
// ticket type against quota and capacity, waitlists, session sign-ups,
// check-ins per checkpoint, registrations per day (a small SVG chart) and
// the caterer's dietary summary. It asks again every REFRESH_MS while it
// is on screen; the server's figures are at most a second old.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatDay } from '../js/format.js';

const { t } = i18n;
const REFRESH_MS = 1000;
/** The need an event's erasure leaves (db/store-privacy.h). */
const ERASED_NEED = '(erased)';
const SVG = 'http://www.w3.org/2000/svg';

export const section = { id: 'dashboard', navKey: 'console.nav.dashboard', href: () => '#/dashboard' };

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

function num(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString(i18n.getLang() === 'sv' ? 'sv-SE' : 'en-GB');
}

/** "12 of 40" or "12 (no limit)". */
function ofLimit(n, limit) {
  return limit === null || limit === undefined ? t('console.dashboard.of_unlimited', { n: num(n) })
    : t('console.dashboard.of', { n: num(n), limit: num(limit) });
}

/** A table with a caption and header keys; rows are arrays of cells. */
function table(id, captionKey, headKeys, rows) {
  return el('table', { class: 'data-table', id },
    text('caption', captionKey),
    el('thead', {}, el('tr', {}, headKeys.map((k) => text('th', k, undefined, { scope: 'col' })))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))));
}

/**
 * Registrations per day as bars, labelled where a phone shows them too
 * (the highest count, the first and last day, a count on each bar when
 * they are few), and every figure in a table that opens under it.
 */
function dayChart(days) {
  const w = 600, h = 190, pad = 30, foot = 26;
  const lang = i18n.getLang();
  const max = Math.max(1, ...days.map((d) => d.registrations));
  const bw = Math.min(40, days.length ? (w - pad) / days.length : w);
  const base = h - foot;
  const short = (d) => formatDay(d.date, lang, { weekday: false, year: false });
  const bars = days.map((d, i) => {
    const bh = Math.round((base - 16) * d.registrations / max);
    const x = Math.round(pad + i * bw);
    const width = Math.max(1, Math.floor(bw) - 2);
    const parts = [svg('rect', { x, y: base - bh, width, height: bh, class: 'chart-bar' },
      svg('title', {}, `${short(d)}: ${num(d.registrations)}`))];
    if (days.length <= 14 && d.registrations > 0) {
      parts.push(svg('text', { x: x + width / 2, y: base - bh - 3, class: 'chart-label', 'text-anchor': 'middle' }, num(d.registrations)));
    }
    return parts;
  }).flat();
  const dayLabel = (i, anchor) => svg('text', {
    x: Math.round(pad + i * bw + (anchor === 'end' ? Math.floor(bw) - 2 : 0)), y: h - 6,
    class: 'chart-label', 'text-anchor': anchor,
  }, short(days[i]));
  const labels = [svg('text', { x: pad - 4, y: 14, class: 'chart-label', 'text-anchor': 'end' }, num(max)),
    svg('text', { x: pad - 4, y: base, class: 'chart-label', 'text-anchor': 'end' }, '0'),
    dayLabel(0, 'start')];
  if (days.length > 1) labels.push(dayLabel(days.length - 1, 'end'));
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': 'dash-days-title', class: 'chart', id: 'dash-days-chart' },
    svg('title', { id: 'dash-days-title' }, t('console.dashboard.days_chart', { days: days.length, total: num(days.reduce((a, d) => a + d.registrations, 0)) })),
    svg('line', { x1: pad, y1: base, x2: w, y2: base, class: 'chart-axis' }),
    ...bars, ...labels);
  const figures = el('details', { class: 'chart-figures' },
    text('summary', 'console.dashboard.days_figures'),
    table('dash-days', 'console.dashboard.days', ['console.dashboard.day', 'console.dashboard.registrations'],
      days.map((d) => [formatDay(d.date, lang, { weekday: true, year: false }), num(d.registrations)])));
  return el('div', {}, chart, figures);
}

function render(box, d) {
  clear(box);
  box.append(
    el('h2', { id: 'dash-event' }, d.name),
    el('p', { class: 'dash-total', id: 'dash-confirmed' }, t('console.dashboard.confirmed', { of: ofLimit(d.confirmed, d.capacity) })),
    table('dash-types', 'console.dashboard.types', ['console.dashboard.type', 'console.dashboard.seats', 'console.dashboard.waitlisted'],
      d.ticket_types.map((tt) => [tt.name, ofLimit(tt.confirmed, tt.quota), num(tt.waitlisted)])));
  if (d.sessions.length) {
    box.append(table('dash-sessions', 'console.dashboard.sessions',
      ['console.dashboard.session', 'console.dashboard.seats', 'console.dashboard.waitlisted'],
      d.sessions.map((s) => [s.title, ofLimit(s.taken, s.seats), num(s.waiting || 0)])));
  }
  const cps = (d.checkins && d.checkins.checkpoints) || [];
  box.append(table('dash-checkins', 'console.dashboard.checkins', ['console.dashboard.checkpoint', 'console.dashboard.checked_in'],
    cps.map((c) => [c.id === 'main' ? t('console.dashboard.main_entrance') : c.name, t('console.dashboard.of', { n: num(c.checked_in), limit: num(c.expected) })])));
  box.append(text('h3', 'console.dashboard.days'));
  if (d.registrations_per_day.length) box.append(dayChart(d.registrations_per_day));
  else box.append(text('p', 'console.dashboard.no_registrations', undefined, { class: 'muted' }));
  box.append(d.dietary.length
    ? table('dash-dietary', 'console.dashboard.dietary', ['console.dashboard.need', 'console.dashboard.attendees'],
      d.dietary.map((x) => [x.dietary === ERASED_NEED ? t('console.dashboard.need_erased') : x.dietary, num(x.attendees)]))
    : text('p', 'console.dashboard.no_dietary', undefined, { class: 'muted', id: 'dash-dietary' }));
}

async function view(ctx) {
  ctx.title('console.dashboard.title');
  const box = el('div', { id: 'dashboard', 'aria-live': 'off' });
  const updated = el('p', { class: 'muted', id: 'dash-updated', role: 'status' });
  ctx.root.append(text('h1', 'console.dashboard.title'), updated, box);
  let last = null;
  const load = async () => {
    if (ctx.stale()) return;
    const r = await ctx.call('GET', '/api/v1/admin/dashboard');
    if (ctx.stale()) return;
    if (r.status === 404) {
      clear(box).append(text('p', 'console.dashboard.no_event'));
    } else if (r.status !== 200 || !r.body) {
      ctx.apiError(r);
    } else {
      last = r.body;
      render(box, last);
      i18n.setText(updated, 'console.dashboard.updated', { time: new Date().toLocaleTimeString(i18n.getLang() === 'sv' ? 'sv-SE' : 'en-GB') });
    }
    setTimeout(load, REFRESH_MS);
  };
  ctx.onLang(() => { if (last) render(box, last); });
  await load();
}

export const routes = [
  { path: /^dashboard$/, render: view },
];
