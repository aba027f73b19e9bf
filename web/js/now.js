// "Now and next" (now.html), for a screen at the venue: per room, the
// session on now and the one after it, in large type, from the published
// programme. It reads the programme again and moves on every 30 seconds.
// ?at=2027-11-30T10:40:00+01:00 sets the moment shown (tests, rehearsals);
// the clock runs on from there. A session on another day than the moment
// shown has its day before its time, and the clock has the date on a day
// with no programme (before the event, or between its days).
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { hhmm, datePart, formatDay, localInputToISO } from './format.js';
import { sessionTitle, isCancelled, allSessions } from './sessions.js';

const { t } = i18n;
const REFRESH_MS = 30000;

// ?at= with an offset is that moment; without one it is the event's wall
// clock (read once the programme names the event's zone); anything else
// is said on the page, which then shows the time now.
const atParam = new URLSearchParams(location.search).get('at');
let given = NaN;
let badAt = false;
const started = Date.now();
let programme = null;
let failed = null;

function readAt(zone) {
  if (atParam === null || Number.isFinite(given) || badAt) return;
  const iso = /(Z|[+-]\d\d:?\d\d)$/i.test(atParam) ? atParam : localInputToISO(atParam, zone || 'Europe/Stockholm');
  given = iso ? Date.parse(iso) : NaN;
  badAt = !Number.isFinite(given);
}

/** The moment shown: ?at= moved on by the time the page has been open. */
function moment() {
  return (Number.isFinite(given) ? given : started) + (Date.now() - started);
}

function clockText(ms, zone) {
  try {
    return new Intl.DateTimeFormat(i18n.getLang() === 'sv' ? 'sv-SE' : 'en-GB', {
      hour: '2-digit', minute: '2-digit', timeZone: zone || 'Europe/Stockholm',
    }).format(new Date(ms));
  } catch {
    return '';
  }
}

/** The date ("2027-11-30") of the instant ms on the wall calendar of zone. */
function dayIn(ms, zone) {
  try {
    const p = {};
    const f = new Intl.DateTimeFormat('en-US', {
      year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone || 'Europe/Stockholm',
    });
    for (const { type, value } of f.formatToParts(new Date(ms))) p[type] = value;
    return `${p.year}-${p.month}-${p.day}`;
  } catch {
    return '';
  }
}

/** The heading's clock: the time, and the date too on a day without programme. */
function clockLine(ms, zone) {
  const time = clockText(ms, zone);
  const day = dayIn(ms, zone);
  const days = (programme.days || []).map((d) => d.date);
  if (!day || days.includes(day)) return time;
  return t('now.clock_date', { date: formatDay(day, i18n.getLang(), { capital: false }), time });
}

function slot(labelKey, s, cls, today) {
  const box = el('div', { class: `now-slot ${cls}` }, el('p', { class: 'now-label' }, t(labelKey)));
  if (!s) {
    box.append(el('p', { class: 'now-none' }, t(cls === 'now-current' ? 'now.nothing_now' : 'now.nothing_next')));
    return box;
  }
  const day = datePart(s.starts_at);
  box.append(el('p', { class: 'now-time' },
    day && day !== today ? el('span', { class: 'now-day' }, formatDay(day, i18n.getLang(), { year: false }), ' ') : '',
    el('time', { datetime: s.starts_at }, hhmm(s.starts_at)), '–',
    el('time', { datetime: s.ends_at }, hhmm(s.ends_at))));
  box.append(el('p', { class: 'now-title' }, sessionTitle(s)));
  const who = (s.speakers || []).map((sp) => (sp.company ? `${sp.name}, ${sp.company}` : sp.name));
  if (who.length) box.append(el('p', { class: 'now-speakers' }, who.join(' · ')));
  return box;
}

/** The rooms, and "elsewhere" for what has none (coffee, lunch). */
function groups() {
  const list = (programme.rooms || []).map((r) => ({ id: r.id, name: r.name, sessions: [] }));
  const other = { id: null, name: t('now.no_room'), sessions: [] };
  for (const s of allSessions(programme)) {
    if (isCancelled(s)) continue;
    const g = s.room ? list.find((r) => r.id === s.room.id) : other;
    (g || other).sessions.push(s);
  }
  if (other.sessions.length) list.push(other);
  return list.filter((g) => g.sessions.length);
}

function render() {
  document.getElementById('page-alert').textContent = failed || '';
  document.getElementById('now-loading').hidden = !!(programme || failed);
  const box = document.getElementById('now-rooms');
  clear(box);
  if (!programme) return;
  const zone = programme.event && programme.event.timezone;
  readAt(zone);
  if (badAt) box.append(el('p', { class: 'notice', role: 'status' }, t('now.bad_at', { at: atParam })));
  const at = moment();
  document.getElementById('now-clock').textContent = clockLine(at, zone);
  const today = dayIn(at, zone);
  const list = groups();
  if (!list.length) {
    box.append(el('p', { class: 'now-none' }, t(programme.release ? 'programme.empty' : 'programme.not_published')));
    return;
  }
  for (const g of list) {
    const current = g.sessions.find((s) => Date.parse(s.starts_at) <= at && at < Date.parse(s.ends_at));
    const next = g.sessions.find((s) => Date.parse(s.starts_at) > at);
    const id = `room-${g.id === null ? 'none' : g.id}`;
    box.append(el('section', { class: 'now-room', 'aria-labelledby': id, dataset: { room: String(g.id) } },
      el('h2', { id, class: 'now-room-name' }, g.name),
      slot('now.current', current, 'now-current', today),
      slot('now.next', next, 'now-next', today)));
  }
}

async function load() {
  const r = await api('GET', '/api/v1/programme');
  if (r.status === 200 && r.body) {
    programme = r.body;
    failed = null;
  } else if (!programme) {
    failed = errorText(r, 'programme.load_failed');
  }
  render();
}

async function main() {
  await i18n.init();
  await load();
  i18n.onChange(render);
  setInterval(load, REFRESH_MS);
}

main();
