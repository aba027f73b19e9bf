// Console section: the exports of an event, to download as CSV (for Excel
// in Swedish: semicolons, or commas on request) or as an Excel workbook:
// the attendees, the caterer's list, check-ins and no-shows, and the
// sign-up list of each session that takes sign-ups. The server lists what
// there is (GET /api/v1/admin/events/{id}/exports) and names the files;
// the page only adds the language of the headings and the separator.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatDateTime } from '../js/format.js';
import { rememberEvent, eventDates, defaultEventId, eventPicker } from './events.js';

const { t } = i18n;

export const section = { id: 'exports', navKey: 'console.nav.exports', href: () => '#/exports' };

/** The words of each export the server lists. */
const KINDS = {
  attendees: { name: 'console.exports.attendees', about: 'console.exports.attendees_about' },
  catering: { name: 'console.exports.catering', about: 'console.exports.catering_about' },
  checkins: { name: 'console.exports.checkins', about: 'console.exports.checkins_about' },
  invoices: { name: 'console.exports.invoices', about: 'console.exports.invoices_about' },
  signups: { name: 'console.exports.signups', about: 'console.exports.signups_about' },
};

/** A choice of radio buttons; returns { node, value() }. */
function choice(name, legendKey, options, initial) {
  const fs = el('fieldset', { class: 'export-choice' }, text('legend', legendKey));
  for (const [value, key] of options) {
    const id = `export-${name}-${value}`;
    fs.append(el('div', { class: 'check' },
      el('input', { type: 'radio', name, id, value, checked: value === initial }),
      text('label', key, undefined, { for: id })));
  }
  return { node: fs, value: () => fs.querySelector('input:checked').value };
}

async function chooseView(ctx) {
  ctx.title('console.exports.title');
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/exports`);
    return;
  }
  ctx.root.append(text('h1', 'console.exports.title'),
    el('p', {}, text('span', 'console.exports.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

async function listView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.exports.title');
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  ctx.root.append(loading);
  const [evR, listR, eventsR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/exports`),
    ctx.call('GET', '/api/v1/admin/events?limit=200'),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || listR.status !== 200) {
    ctx.root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.exports.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (evR.status !== 404) ctx.apiError(evR.status !== 200 ? evR : listR);
    return;
  }
  const event = evR.body;
  rememberEvent(eventId);
  ctx.title('console.exports.title_event', { name: event.name });
  const events = eventsR.status === 200 && eventsR.body ? eventsR.body.items : [event];
  if (!events.some((e) => e.id === event.id)) events.unshift(event);

  const lang = choice('lang', 'console.exports.lang',
    [['sv', 'console.exports.lang_sv'], ['en', 'console.exports.lang_en']], i18n.getLang());
  const sep = choice('sep', 'console.exports.sep',
    [['semicolon', 'console.exports.sep_semicolon'], ['comma', 'console.exports.sep_comma']], 'semicolon');
  const dates = el('p', { class: 'card-meta' });
  const list = el('ul', { class: 'cards', id: 'export-list' });
  ctx.root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    text('h1', 'console.exports.title'),
    eventPicker(events, eventId, (id) => `#/events/${id}/exports`, 'console.exports.event'),
    dates,
    text('p', 'console.exports.intro'),
    el('div', { class: 'panel export-options' }, lang.node, sep.node),
    list);

  const links = [];
  const hrefs = () => {
    for (const { a, base, csv } of links) {
      const q = new URLSearchParams({ lang: lang.value() });
      if (csv) q.set('sep', sep.value());
      a.setAttribute('href', `${base}?${q}`);
    }
  };
  const render = () => {
    dates.textContent = eventDates(event, i18n.getLang());
    clear(list);
    links.length = 0;
    for (const x of listR.body.exports) {
      const words = KINDS[x.export];
      if (!words) continue;
      const args = x.session ? { title: x.session.title, when: formatDateTime(x.session.starts_at, i18n.getLang()) } : undefined;
      const name = t(words.name, args);
      const csv = el('a', { class: 'button', download: '', 'data-export': `${x.export}.csv` },
        text('span', 'console.exports.csv'), el('span', { class: 'visually-hidden' }, ` – ${name}`));
      const xlsx = el('a', { class: 'button', download: '', 'data-export': `${x.export}.xlsx` },
        text('span', 'console.exports.xlsx'), el('span', { class: 'visually-hidden' }, ` – ${name}`));
      links.push({ a: csv, base: x.csv, csv: true }, { a: xlsx, base: x.xlsx, csv: false });
      list.append(el('li', { class: 'card', 'data-export-kind': x.export, 'data-session-id': x.session ? String(x.session.id) : null },
        el('h2', { class: 'card-title' }, name),
        text('p', words.about, args, { class: 'muted' }),
        el('p', { class: 'card-actions' }, csv, ' ', xlsx)));
    }
    hrefs();
  };
  lang.node.addEventListener('change', hrefs);
  sep.node.addEventListener('change', hrefs);
  ctx.onLang(render);
  render();
}

export const routes = [
  { path: /^exports$/, render: chooseView },
  { path: /^events\/(\d+)\/exports$/, render: listView },
];
