// The day grid of the console's programme: a table with the rooms as
// columns (a first one for sessions in no room, as a break for everyone)
// and the day's time down the page in 5-minute rows, each session a link
// to its form spanning the rows of its time. A session is moved by
// dragging it, or from the keyboard: the arrow keys move it by 5 minutes
// or to the next room, Enter saves and Escape cancels; each step, and
// where the session went, is shown in a status line above the grid that
// is also an aria-live region, and the session keeps the focus. On a narrow screen (a phone) the same sessions
// are a list by day instead (console.css). Times are the event's wall
// clock: the server gives them in the event's zone.
import * as i18n from '../js/i18n.js';
import { el, clear } from '../js/dom.js';
import { hhmm, formatDay, datePart, localInputToISO } from '../js/format.js';

const { t } = i18n;
const STEP = 5; // minutes a row, and a keyboard move

/** A session's time as words: "Tuesday 1 March 09:00–10:00". */
export function sessionTime(s, lang) {
  return `${formatDay(datePart(s.starts_at), lang, { year: false })} ${hhmm(s.starts_at)}–${hhmm(s.ends_at)}`;
}

/** One clash in words: the room taken, or the speaker elsewhere. */
function clashWords(c, lang) {
  const s = c.session || {};
  const node = el('span', {});
  i18n.setText(node, c.with === 'speaker' ? 'console.session.clash_speaker' : 'console.session.clash_room', {
    title: s.title || '', time: s.starts_at ? sessionTime(s, lang) : '',
    name: (c.speaker || c.room || {}).name || '',
  });
  return node;
}

/**
 * The words of a 409 clash, with a link to the session it clashes with;
 * every clash when there are more (the room, each speaker), each linked.
 */
export function clashMessage(err, lang) {
  const p = err.params || {};
  const all = Array.isArray(p.clashes) && p.clashes.length ? p.clashes : [p];
  if (all.length === 1) {
    const s = p.session || {};
    return el('div', {}, el('p', {}, clashWords(p, lang)),
      el('p', {}, el('a', { href: `#/sessions/${s.id}`, class: 'clash-link' }, s.title || '')));
  }
  return el('div', {}, el('p', {}, i18n.t('console.session.clashes', { n: all.length })),
    el('ul', { class: 'clash-list' }, all.map((c) => el('li', {}, clashWords(c, lang), ' ',
      el('a', { href: `#/sessions/${(c.session || {}).id}`, class: 'clash-link' }, (c.session || {}).title || '')))));
}

function minutesOf(iso) {
  const m = /T(\d{2}):(\d{2})/.exec(iso);
  return Number(m[1]) * 60 + Number(m[2]);
}

function clock(min) {
  const m = ((min % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The wall clock of day plus min minutes (past midnight: the next day), as ISO in zone. */
function wallISO(day, min, zone) {
  const [y, mo, d] = day.split('-').map(Number);
  const at = new Date(Date.UTC(y, mo - 1, d) + min * 60000);
  const date = at.toISOString().slice(0, 10);
  return localInputToISO(`${date}T${clock(min)}`, zone);
}

function duration(s) {
  return Math.round((Date.parse(s.ends_at) - Date.parse(s.starts_at)) / 60000);
}

/** The days of the event and of its sessions, in order. */
function daysOf(event, sessions) {
  const days = new Set();
  const last = datePart(event.ends_at);
  for (let d = datePart(event.starts_at); d && d <= last;) {
    days.add(d);
    const [y, m, dd] = d.split('-').map(Number);
    d = new Date(Date.UTC(y, m - 1, dd + 1)).toISOString().slice(0, 10);
  }
  for (const s of sessions) days.add(datePart(s.starts_at));
  return [...days].sort();
}

/**
 * The grid and list of an event's sessions; onSaved() after a move is
 * saved. Returns { element, render }.
 */
export function dayGrid(ctx, { event, rooms, sessions, onSaved }) {
  const columns = [{ id: null }, ...rooms];
  const days = daysOf(event, sessions);
  let day = days.find((d) => sessions.some((s) => datePart(s.starts_at) === d)) || days[0];
  let pending = null; // { id, start, col }: a move not yet saved
  let drag = null;
  let suppressClick = false;
  // Where a move goes and where it went, in sight beside the grid and said
  // by a screen reader: the status line is always there, empty or not.
  const live = el('p', { class: 'grid-status', role: 'status', 'aria-live': 'polite', id: 'grid-live' });
  const alert = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'grid-alert' });
  const dayPick = el('select', { id: 'grid-day' });
  const tableHost = el('div', { class: 'grid-scroll' });
  const listHost = el('div', { class: 'session-list', id: 'session-list' });
  const heading = el('h2', { id: 'grid-heading' });
  const help = el('p', { class: 'field-hint', id: 'grid-help' });
  const element = el('section', { class: 'panel programme-sessions', 'aria-labelledby': 'grid-heading' },
    heading,
    el('div', { class: 'grid-wrap' },
      el('div', { class: 'field' }, el('label', { for: 'grid-day', 'data-i18n': 'console.grid.day' }, t('console.grid.day')), dayPick),
      help, live, alert, tableHost),
    listHost);
  dayPick.addEventListener('change', () => {
    day = dayPick.value;
    pending = null;
    render();
  });

  const say = (key, args) => i18n.setText(live, key, args);
  const colOf = (s) => Math.max(0, columns.findIndex((c) => c.id === (s.room_id ?? null)));
  const roomName = (col) => (columns[col].id === null ? t('console.grid.no_room') : columns[col].name);

  /** Where a session is shown: its pending place, or its own. */
  function placeOf(s) {
    if (pending && pending.id === s.id) return { start: pending.start, col: pending.col };
    return { start: minutesOf(s.starts_at), col: colOf(s) };
  }

  function range(list) {
    let from = 8 * 60;
    let to = 17 * 60;
    for (const s of list) {
      const p = placeOf(s);
      from = Math.min(from, Math.floor(p.start / 60) * 60);
      to = Math.max(to, Math.ceil((p.start + duration(s)) / 60) * 60);
    }
    return { from, to: Math.min(to, 24 * 60) };
  }

  function sessionLink(s) {
    const p = placeOf(s);
    const a = el('a', {
      href: `#/sessions/${s.id}`, class: `grid-session kind-${s.kind}${pending && pending.id === s.id ? ' is-moving' : ''}${s.cancelled ? ' is-cancelled' : ''}`,
      draggable: 'false', 'data-session-id': String(s.id), 'aria-describedby': 'grid-help',
    }, s.cancelled ? el('span', { class: 'grid-session-cancelled' }, `${t('programme.cancelled')}: `) : '',
    el('span', { class: 'grid-session-title' }, s.title), ' ',
    el('span', { class: 'grid-session-time' }, `${clock(p.start)}–${clock(p.start + duration(s))}`));
    a.addEventListener('keydown', (ev) => onKey(ev, s));
    a.addEventListener('pointerdown', (ev) => onPointerDown(ev, s));
    a.addEventListener('click', (ev) => {
      if (suppressClick) {
        ev.preventDefault();
        suppressClick = false;
      }
    });
    return a;
  }

  function renderTable() {
    const list = sessions.filter((s) => datePart(s.starts_at) === day);
    const { from, to } = range(list);
    const head = el('tr', {}, el('th', { scope: 'col', 'data-i18n': 'console.grid.time' }, t('console.grid.time')));
    columns.forEach((c, i) => head.append(el('th', { scope: 'col', 'data-col': String(i) }, roomName(i))));
    const body = el('tbody', {});
    const coveredUntil = columns.map(() => from);
    const coverCell = columns.map(() => null);
    const starts = new Map(); // "row:col" -> sessions
    for (const s of list) {
      const p = placeOf(s);
      const row = Math.max(from, Math.floor(p.start / STEP) * STEP);
      const key = `${row}:${p.col}`;
      if (!starts.has(key)) starts.set(key, []);
      starts.get(key).push(s);
    }
    for (let m = from; m < to; m += STEP) {
      const tr = el('tr', { 'data-min': String(m), class: m % 60 === 0 ? 'hour' : null });
      tr.append(el('th', { scope: 'row', class: 'grid-time' }, m % 30 === 0 ? clock(m) : el('span', { class: 'visually-hidden' }, clock(m))));
      columns.forEach((c, col) => {
        const here = starts.get(`${m}:${col}`) || [];
        if (coveredUntil[col] > m) {
          // Overlapping sessions (a clash made elsewhere) share the cell.
          for (const s of here) coverCell[col].append(sessionLink(s));
          if (here.length) coverCell[col].classList.add('has-clash');
          return;
        }
        const td = el('td', { 'data-min': String(m), 'data-col': String(col) });
        if (here.length) {
          const end = Math.max(...here.map((s) => placeOf(s).start + duration(s)));
          const span = Math.max(1, Math.ceil((Math.min(end, to) - m) / STEP));
          td.setAttribute('rowspan', String(span));
          td.classList.add('has-session');
          if (here.length > 1) td.classList.add('has-clash');
          for (const s of here) td.append(sessionLink(s));
          coveredUntil[col] = m + span * STEP;
          coverCell[col] = td;
        }
        tr.append(td);
      });
      body.append(tr);
    }
    const caption = el('caption', {}, formatDay(day, i18n.getLang()));
    clear(tableHost).append(el('table', { class: 'day-grid', id: 'day-grid' }, caption, el('thead', {}, head), body));
  }

  function renderList() {
    clear(listHost);
    const lang = i18n.getLang();
    for (const d of days) {
      const list = sessions.filter((s) => datePart(s.starts_at) === d);
      if (!list.length) continue;
      const ul = el('ul', { class: 'plain-list' });
      for (const s of list) {
        const room = s.room_id === null ? t('console.grid.no_room') : (rooms.find((r) => r.id === s.room_id) || {}).name;
        ul.append(el('li', {}, el('span', { class: 'list-time' }, `${hhmm(s.starts_at)}–${hhmm(s.ends_at)}`), ' ',
          el('a', { href: `#/sessions/${s.id}` }, s.title), ' ',
          el('span', { class: 'muted' }, `${s.cancelled ? `${t('programme.cancelled')} · ` : ''}${t(`kind.${s.kind}`)} · ${room || ''}`)));
      }
      listHost.append(el('h3', {}, formatDay(d, lang)), ul);
    }
    if (!sessions.length) listHost.append(el('p', { class: 'empty', 'data-i18n': 'console.sessions.none' }, t('console.sessions.none')));
  }

  function render() {
    i18n.setText(heading, 'console.grid.heading', { n: sessions.length });
    i18n.setText(help, 'console.grid.help');
    clear(dayPick);
    for (const d of days) dayPick.append(el('option', { value: d, selected: d === day }, formatDay(d, i18n.getLang())));
    renderTable();
    renderList();
  }

  function focusSession(id) {
    const a = tableHost.querySelector(`[data-session-id="${id}"]`);
    if (a) a.focus();
  }

  function announce(s) {
    say('console.grid.moving', { title: s.title, from: clock(pending.start), to: clock(pending.start + duration(s)),
      room: roomName(pending.col) });
  }

  function move(s, dStart, dCol) {
    const p = placeOf(s);
    const start = Math.min(Math.max(0, p.start + dStart), 24 * 60 - STEP);
    const col = Math.min(Math.max(0, p.col + dCol), columns.length - 1);
    pending = { id: s.id, start, col };
    render();
    focusSession(s.id);
    announce(s);
  }

  function onKey(ev, s) {
    const moves = { ArrowUp: [-STEP, 0], ArrowDown: [STEP, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[ev.key]) {
      ev.preventDefault();
      if (pending && pending.id !== s.id) pending = null;
      move(s, ...moves[ev.key]);
    } else if (ev.key === 'Enter' && pending && pending.id === s.id) {
      ev.preventDefault();
      save(s);
    } else if (ev.key === 'Escape' && pending && pending.id === s.id) {
      ev.preventDefault();
      pending = null;
      render();
      focusSession(s.id);
      say('console.grid.cancelled', { title: s.title });
    }
  }

  /** The row and column under a point of the table. */
  function cellAt(x, y) {
    const table = tableHost.querySelector('table');
    const rows = [...table.tBodies[0].rows];
    let min = null;
    for (const tr of rows) {
      const r = tr.getBoundingClientRect();
      if (y >= r.top && y < r.bottom) min = Number(tr.dataset.min);
    }
    if (min === null) min = y < rows[0].getBoundingClientRect().top ? Number(rows[0].dataset.min) : Number(rows[rows.length - 1].dataset.min);
    let col = null;
    for (const th of table.tHead.rows[0].querySelectorAll('th[data-col]')) {
      const r = th.getBoundingClientRect();
      if (x >= r.left && x < r.right) col = Number(th.dataset.col);
    }
    return { min, col };
  }

  function onPointerDown(ev, s) {
    if (ev.button !== 0) return;
    const at = cellAt(ev.clientX, ev.clientY);
    drag = { s, x: ev.clientX, y: ev.clientY, grab: at.min - placeOf(s).start, moved: false, target: ev.currentTarget };
    ev.currentTarget.setPointerCapture(ev.pointerId);
    ev.currentTarget.addEventListener('pointermove', onPointerMove);
    ev.currentTarget.addEventListener('pointerup', onPointerUp, { once: true });
  }

  function dragPlace(d, ev) {
    const at = cellAt(ev.clientX, ev.clientY);
    const start = Math.min(Math.max(0, at.min - d.grab), 24 * 60 - STEP);
    return { start, col: at.col === null ? placeOf(d.s).col : at.col };
  }

  /**
   * Where a dragged session would land, marked on the grid's edges: its
   * room's heading and the time of its first row. The grid itself is not
   * drawn again while the pointer holds the session.
   */
  function markDrop(p) {
    for (const x of tableHost.querySelectorAll('.drop-target')) x.classList.remove('drop-target');
    if (!p) return;
    const row = Math.floor(p.start / STEP) * STEP;
    const th = tableHost.querySelector(`thead th[data-col="${p.col}"]`);
    const time = tableHost.querySelector(`tbody tr[data-min="${row}"] th`);
    for (const x of [th, time]) if (x) x.classList.add('drop-target');
  }

  function onPointerMove(ev) {
    if (!drag) return;
    if (!drag.moved && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < 6) return;
    drag.moved = true;
    drag.target.classList.add('is-moving');
    const p = dragPlace(drag, ev);
    if (!pending || pending.start !== p.start || pending.col !== p.col) {
      pending = { id: drag.s.id, ...p };
      markDrop(p);
      announce(drag.s);
    }
  }

  function onPointerUp(ev) {
    const d = drag;
    drag = null;
    d.target.removeEventListener('pointermove', onPointerMove);
    markDrop(null);
    if (!d.moved) return;
    // The click that ends a drag does not follow the link.
    suppressClick = true;
    setTimeout(() => { suppressClick = false; }, 0);
    pending = { id: d.s.id, ...dragPlace(d, ev) };
    save(d.s);
  }

  async function save(s) {
    const p = pending;
    const start = wallISO(day, p.start, event.timezone);
    const end = wallISO(day, p.start + duration(s), event.timezone);
    clear(alert);
    if (!start || !end) {
      pending = null;
      render();
      say('console.grid.no_such_time');
      return;
    }
    const r = await ctx.call('PATCH', `/api/v1/admin/sessions/${s.id}`,
      { version: s.version, starts_at: start, ends_at: end, room_id: columns[p.col].id });
    if (ctx.stale() || r.status === 401) return;
    pending = null;
    const err = (r.body && r.body.error) || {};
    const i = sessions.findIndex((x) => x.id === s.id);
    if (r.status === 200 && r.body) {
      sessions[i] = r.body;
      render();
      focusSession(s.id);
      say(r.body.warnings && r.body.warnings.length ? 'console.grid.saved_warnings' : 'console.grid.saved',
        { title: s.title, from: hhmm(r.body.starts_at), to: hhmm(r.body.ends_at), room: roomName(p.col), n: (r.body.warnings || []).length });
      onSaved();
      return;
    }
    if (r.status === 409 && err.code === 'conflict' && err.current) {
      sessions[i] = err.current;
      i18n.setText(alert, 'console.grid.conflict', { title: s.title });
    } else if (r.status === 409 && err.code === 'clash') {
      alert.append(clashMessage(err, i18n.getLang()));
    } else {
      i18n.setText(alert, 'console.grid.not_saved', { title: s.title });
    }
    render();
    focusSession(s.id);
    // The move is over: the status line no longer offers to save it.
    say('console.grid.cancelled', { title: s.title });
  }

  render();
  return { element, render };
}
