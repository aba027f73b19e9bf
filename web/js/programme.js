// Public programme page (index.html): the latest release of the programme
// by day and time, with a badge for its kind, its room and speakers, in
// the visitor's language;
// filters by room and kind kept in the address (?room=ID&kind=talk), so a
// link keeps them; cancelled sessions struck through with the word; per
// session a link to add it to a calendar, and links to what changed, the
// feed, the screen view and the exports of the whole programme.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { hhmm, datePart, formatDay } from './format.js';
import {
  sessionTitle, isCancelled, releaseLine, programmeLinks, sessionIcsHref, EXPORTS,
} from './sessions.js';

const { t } = i18n;
const QUIET_KINDS = new Set(['break', 'meal']);
const KINDS = ['talk', 'keynote', 'panel', 'workshop', 'visit', 'break', 'meal'];
// The words for a talk held in another language than the page's.
const HELD_IN = { sv: 'programme.held_in_sv', en: 'programme.held_in_en' };

let event = null;
let programme = null;
let failed = null;
// The speakers of the programme by id: a session names its speakers
// with their company only, the programme's list has their title too.
let speakers = new Map();

function renderEvent() {
  const name = document.getElementById('event-name');
  document.getElementById('register-cta').hidden = !event;
  const when = document.getElementById('event-when');
  const where = document.getElementById('event-where');
  const seats = document.getElementById('event-seats');
  if (!event) return;
  const eventName = i18n.pick(event, 'name');
  delete name.dataset.i18n;
  name.textContent = eventName || t('common.brand');
  document.title = t('programme.page_title_event', { name: eventName || t('common.brand') });

  const start = datePart(event.starts_at);
  const end = datePart(event.ends_at);
  const lang = i18n.getLang();
  let dates = formatDay(start, lang);
  if (end && end !== start) {
    dates = t('programme.date_range', {
      start: formatDay(start, lang, { year: start.slice(0, 4) !== end.slice(0, 4) }),
      end: formatDay(end, lang, { capital: false }),
    });
  }
  clear(when).append(
    el('span', { class: 'visually-hidden' }, t('programme.when'), ' '),
    dates,
  );
  const v = event.venue || {};
  const place = [v.name, v.address, v.city].filter(Boolean).join(', ');
  clear(where);
  if (place) where.append(el('span', { class: 'visually-hidden' }, t('programme.where'), ' '), place);

  // The seats of the ticket types on sale to anyone: a hidden type's
  // quota is no seat a visitor can book ("bookable", not "remaining").
  clear(seats);
  const types = Array.isArray(event.ticket_types) ? event.ticket_types : [];
  if (types.length && typeof event.bookable === 'number') {
    seats.textContent = event.bookable > 0
      ? t('programme.seats_left', { n: event.bookable })
      : t('programme.full');
  }
}

// Sessions that take sign-ups at registration (the dinner, study visits):
// "Sign-up required" and the seats left, or that it is full.
function signupNote(s) {
  const p = el('p', { class: 'session-signup' },
    el('span', { class: 'session-signup-label' }, t('programme.signup_required')));
  if (typeof s.remaining === 'number') {
    const full = s.remaining <= 0;
    let words = t('programme.seats_left', { n: s.remaining });
    if (full) words = t(s.waitlist === true ? 'programme.session_full_waitlist' : 'programme.session_full');
    p.append(' ', el('span', { class: `session-signup-seats${full ? ' session-signup-seats--full' : ''}` }, words));
  }
  return p;
}

function sessionItem(s) {
  const kind = s.kind || 'talk';
  const cancelled = isCancelled(s);
  // A meal one signs up for (the conference dinner) is not a quiet break.
  const quiet = QUIET_KINDS.has(kind) && !s.signup;
  const li = el('li', {
    class: `session session--${kind}${quiet ? ' session--quiet' : ''}${cancelled ? ' session--cancelled' : ''}`,
    id: `session-${s.id}`,
  });
  const time = el('p', { class: 'session-time' },
    el('time', { datetime: s.starts_at }, hhmm(s.starts_at)),
    s.ends_at ? '–' : '',
    s.ends_at ? el('time', { datetime: s.ends_at }, hhmm(s.ends_at)) : '');
  const body = el('div', { class: 'session-body' });
  const labels = el('p', { class: 'session-labels' },
    el('span', { class: `session-kind session-kind--${kind}` }, t(`kind.${kind}`)));
  // Whom a coffee break is held for in which language says nothing.
  const held = QUIET_KINDS.has(kind) ? null : HELD_IN[s.language];
  if (held && s.language !== i18n.getLang()) {
    labels.append(' ', el('span', { class: 'session-language' }, t(held)));
  }
  body.append(labels);
  if (cancelled) body.append(el('p', { class: 'session-cancelled' }, t('programme.cancelled')));
  body.append(el('h4', { class: 'session-title' }, cancelled ? el('s', {}, sessionTitle(s)) : sessionTitle(s)));
  if (s.signup && !cancelled) body.append(signupNote(s));
  if (s.room && s.room.name) {
    body.append(el('p', { class: 'session-room' },
      el('span', { class: 'visually-hidden' }, t('programme.room'), ' '), s.room.name));
  }
  if (Array.isArray(s.speakers) && s.speakers.length) {
    const ul = el('ul', { class: 'session-speakers', 'aria-label': t('programme.speakers') });
    for (const sp of s.speakers) {
      const title = (speakers.get(sp.id) || {}).title;
      ul.append(el('li', {},
        el('span', { class: 'speaker-name' }, sp.name || ''),
        title ? el('span', { class: 'speaker-title' }, `, ${title}`) : '',
        sp.company ? el('span', { class: 'speaker-company' }, `, ${sp.company}`) : ''));
    }
    body.append(ul);
  }
  const abstract = i18n.pick(s, 'abstract');
  if (abstract) {
    body.append(el('details', { class: 'session-abstract' },
      el('summary', {}, t('programme.about_session')),
      el('p', {}, abstract)));
  }
  // Who the speakers are, in their own words, where the organiser wrote it.
  const bios = (Array.isArray(s.speakers) ? s.speakers : [])
    .map((sp) => ({ name: sp.name || '', bio: i18n.pick(speakers.get(sp.id) || {}, 'bio') }))
    .filter((x) => x.bio);
  if (bios.length) {
    body.append(el('details', { class: 'session-abstract session-bios' },
      el('summary', {}, t('programme.about_speakers', { n: bios.length })),
      ...bios.map((x) => el('p', {}, el('strong', {}, x.name), ': ', x.bio))));
  }
  if (s.uid && !cancelled) {
    body.append(el('p', { class: 'session-calendar' },
      el('a', { href: sessionIcsHref(s), download: '' },
        t('programme.add_to_calendar'),
        el('span', { class: 'visually-hidden' }, `: ${sessionTitle(s)}`))));
  }
  li.append(time, body);
  return li;
}

// The filters as the address has them: a room id and a kind, or none.
function filters() {
  const q = new URLSearchParams(location.search);
  return { room: q.get('room') || '', kind: q.get('kind') || '' };
}

function setFilter(name, value) {
  const q = new URLSearchParams(location.search);
  if (value) q.set(name, value);
  else q.delete(name);
  const s = q.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}${location.hash}`);
  renderProgramme();
}

function shown(s, f) {
  if (f.room && String(s.room ? s.room.id : '') !== f.room) return false;
  if (f.kind && (s.kind || 'talk') !== f.kind) return false;
  return true;
}

function filterSelect(id, labelKey, options, value, name) {
  const select = el('select', { id, name });
  select.append(el('option', { value: '' }, t('programme.filter_all')));
  for (const [v, label] of options) {
    select.append(el('option', { value: v, selected: v === value }, label));
  }
  select.value = value;
  select.addEventListener('change', () => setFilter(name, select.value));
  return el('div', { class: 'filter' }, el('label', { for: id }, t(labelKey)), select);
}

function renderFilters(f) {
  const box = document.getElementById('programme-filters');
  clear(box);
  const sessions = (programme.days || []).flatMap((d) => d.sessions || []);
  if (!sessions.length) return;
  const rooms = (programme.rooms || []).map((r) => [String(r.id), r.name]);
  const used = new Set(sessions.map((s) => s.kind || 'talk'));
  const kinds = KINDS.filter((k) => used.has(k)).map((k) => [k, t(`kind.${k}`)]);
  box.append(filterSelect('filter-room', 'programme.filter_room', rooms, f.room, 'room'),
    filterSelect('filter-kind', 'programme.filter_kind', kinds, f.kind, 'kind'));
}

function renderRelease() {
  const box = document.getElementById('programme-release');
  clear(box);
  if (!programme) return;
  box.append(releaseLine(programme.release));
  if (!programme.release) return;
  const links = programmeLinks();
  // The exports are files for apps and calendars: saved, not shown as text.
  for (const a of links.querySelectorAll('a')) {
    const href = a.getAttribute('href') || '';
    if (EXPORTS.some((x) => href === x.href || href.startsWith(`${x.href}?`))) a.setAttribute('download', '');
  }
  box.append(links);
}

function renderProgramme() {
  const days = document.getElementById('programme-days');
  const tz = document.getElementById('programme-tz');
  document.getElementById('programme-loading').hidden = true;
  clear(days);
  renderRelease();
  if (!programme) return;
  const zone = (programme.event && programme.event.timezone) || (event && event.timezone);
  tz.textContent = zone ? t('programme.timezone_note', { tz: zone }) : '';
  const f = filters();
  renderFilters(f);
  const list = Array.isArray(programme.days) ? programme.days : [];
  if (!list.length) {
    days.append(el('p', { class: 'muted' }, t(programme.release ? 'programme.empty' : 'programme.not_published')));
    return;
  }
  let any = false;
  for (const day of list) {
    const sessions = (day.sessions || []).filter((s) => shown(s, f));
    if (!sessions.length) continue;
    any = true;
    const headingId = `day-${day.date}`;
    const section = el('section', { class: 'day', 'aria-labelledby': headingId });
    section.append(el('h3', { id: headingId, class: 'day-heading' }, formatDay(day.date, i18n.getLang())));
    const ol = el('ol', { class: 'sessions' });
    for (const s of sessions) ol.append(sessionItem(s));
    section.append(ol);
    days.append(section);
  }
  if (!any) days.append(el('p', { class: 'muted', id: 'programme-none' }, t('programme.filter_none')));
}

/** No event is set up yet: say that registration is not open, offer nothing to click. */
function showNotOpen() {
  document.getElementById('register-cta').hidden = true;
  document.getElementById('footer-register').hidden = true;
  document.getElementById('programme-section').hidden = true;
  document.getElementById('not-open').hidden = false;
}

function noEvent(r) {
  return r.status === 404 && r.body && r.body.error && r.body.error.code === 'not_found';
}

function render() {
  const alert = document.getElementById('page-alert');
  alert.textContent = failed ? failed : '';
  renderEvent();
  renderProgramme();
}

async function main() {
  await i18n.init();
  const [e, p] = await Promise.all([api('GET', '/api/v1/event'), api('GET', '/api/v1/programme')]);
  if (noEvent(e)) {
    showNotOpen();
    return;
  }
  if (e.status === 200 && e.body) event = e.body;
  if (p.status === 200 && p.body) programme = p.body;
  if (programme && Array.isArray(programme.speakers)) {
    speakers = new Map(programme.speakers.map((sp) => [sp.id, sp]));
  }
  if (!event || !programme) {
    failed = errorText(e.status !== 200 ? e : p, 'programme.load_failed');
    document.getElementById('programme-loading').hidden = true;
  }
  render();
  i18n.onChange(() => {
    if (failed) failed = t('programme.load_failed');
    render();
  });
}

main();
