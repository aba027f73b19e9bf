// Console section: the programme of an event. One page with what is wrong
// with it (clashes and warnings, each linking to its session or speaker),
// the day grid and the list of sessions (programme-grid.js), the rooms and
// the speakers; and a form for each room, speaker and session. Rooms and
// speakers are plain field tables; a session's form adds its room (one of
// the event's) and its speakers (several, picked from a list). A session
// the server refuses because it clashes names the session it clashes with.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { datePart, localInputPlus, localInputMinutes } from '../js/format.js';
import {
  resourceForm, saveOnSubmit, showSaveError, showLocalErrors, clearSummary, busy, isBusy, openDialog,
  apiErrorText,
} from './form.js';
import { rememberEvent, defaultEventId } from './events.js';
import { dayGrid, sessionTime, clashMessage } from './programme-grid.js';
import { routes as releaseRoutes } from './releases.js';

const { t } = i18n;

export const section = { id: 'programme', navKey: 'console.nav.programme', href: () => '#/programme' };

export const KINDS = ['talk', 'keynote', 'panel', 'workshop', 'visit', 'break', 'meal'];
export const LANGUAGES = ['sv', 'en'];
/** The codes of the issues list and of a saved row's warnings. */
export const ISSUES = ['room_clash', 'speaker_clash', 'outside_event', 'seats_above_room', 'changeover',
  'speaker_unscheduled'];

/** The fields, as in the server's tables (daemon/admin-programme.c). */
const ROOM_FIELDS = [
  { name: 'name', type: 'text', required: true, max: 100 },
  { name: 'seats', type: 'int', nullable: true, hint: true },
  { name: 'sort', type: 'int', hint: true },
];
const SPEAKER_FIELDS = [
  { name: 'name', type: 'text', required: true, max: 150 },
  { name: 'company', type: 'text', max: 150 },
  { name: 'title', type: 'text', max: 150 },
  { name: 'bio', type: 'textarea', max: 2000, lang: 'sv', rows: 4 },
  { name: 'bio_en', type: 'textarea', max: 2000, lang: 'en', rows: 4 },
  { name: 'email', type: 'email', max: 254 },
  { name: 'photo_url', type: 'text', max: 500, hint: true },
];
const SESSION_FIELDS = [
  { name: 'title', type: 'text', required: true, max: 200, lang: 'sv', group: 'about' },
  { name: 'title_en', type: 'text', max: 200, lang: 'en', group: 'about' },
  { name: 'kind', type: 'choice', choices: KINDS, choiceKey: (k) => `kind.${k}`, group: 'about' },
  { name: 'language', type: 'choice', choices: LANGUAGES, choiceKey: (l) => `console.session.language_${l}`, group: 'about' },
  { name: 'starts_at', type: 'time', group: 'when' },
  { name: 'ends_at', type: 'time', group: 'when' },
  { name: 'cancelled', type: 'bool', hint: true, group: 'when' },
  { name: 'seats', type: 'int', nullable: true, hint: true, group: 'seats' },
  { name: 'signup', type: 'bool', hint: true, group: 'seats' },
  { name: 'waitlist', type: 'bool', group: 'seats' },
  { name: 'abstract', type: 'textarea', max: 10000, lang: 'sv', rows: 5, group: 'text' },
  { name: 'abstract_en', type: 'textarea', max: 10000, lang: 'en', rows: 5, group: 'text' },
];
const SESSION_GROUPS = ['about', 'when', 'seats', 'text'];
/** The forms of this section, for the check that all their words exist. */
export const forms = [
  { prefix: 'console.room', fields: ROOM_FIELDS },
  { prefix: 'console.speaker', fields: SPEAKER_FIELDS },
  { prefix: 'console.session', fields: SESSION_FIELDS, groups: SESSION_GROUPS },
];

const RESOURCES = {
  room: { path: 'rooms', prefix: 'console.room', fields: ROOM_FIELDS, words: 'console.rooms', idPrefix: 'room',
    defaults: { name: '', seats: null, sort: 0 } },
  speaker: { path: 'speakers', prefix: 'console.speaker', fields: SPEAKER_FIELDS, words: 'console.speakers',
    idPrefix: 'speaker', defaults: { name: '', company: '', title: '', bio: '', bio_en: '', email: '', photo_url: '' } },
};

/** Every row of a paged list (the server gives at most 200 a page). */
export async function allRows(ctx, path) {
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const r = await ctx.call('GET', `${path}?limit=200&offset=${offset}`);
    if (r.status !== 200 || !r.body) return null;
    items.push(...r.body.items);
    if (offset + 200 >= r.body.total) return items;
  }
}

/** The words of one issue or warning, with the links it names. */
function issueItem(issue) {
  const lang = i18n.getLang();
  const s = issue.session;
  const o = issue.other;
  const args = {
    title: s ? s.title : '', time: s ? sessionTime(s, lang) : '', other: o ? o.title : '',
    other_time: o ? sessionTime(o, lang) : '', speaker: issue.speaker ? issue.speaker.name : '',
    room: issue.room ? issue.room.name : '', seats: issue.room ? issue.room.seats : '',
    limit: issue.room ? issue.room.limit : '',
  };
  const li = el('li', { class: `issue issue--${issue.code.endsWith('clash') ? 'clash' : 'warning'}` },
    text('span', `console.programme.issue.${issue.code}`, args));
  const links = el('span', { class: 'issue-links' });
  if (s) links.append(' ', el('a', { href: `#/sessions/${s.id}` }, s.title));
  if (o) links.append(' · ', el('a', { href: `#/sessions/${o.id}` }, o.title));
  if (!s && issue.speaker) links.append(' ', el('a', { href: `#/speakers/${issue.speaker.id}` }, issue.speaker.name));
  li.append(links);
  return li;
}

/** The list of issues (or warnings), or a line saying there are none. */
export function issueList(items, { id, noneKey }) {
  if (!items.length) return text('p', noneKey, undefined, { class: 'muted', id });
  const ul = el('ul', { class: 'issues', id });
  for (const i of items) ul.append(issueItem(i));
  return ul;
}

// ------------------------------------------------------------ choose event

async function chooseView(ctx) {
  ctx.title('console.programme.title');
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/programme`);
    return;
  }
  ctx.root.append(text('h1', 'console.programme.title'),
    el('p', {}, text('span', 'console.ticket_types.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

// --------------------------------------------------------------- overview

async function overviewView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.programme.title');
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const base = `/api/v1/admin/events/${eventId}`;
  const [evR, rooms, speakers, sessions, issuesR] = await Promise.all([
    ctx.call('GET', base), allRows(ctx, `${base}/rooms`), allRows(ctx, `${base}/speakers`),
    allRows(ctx, `${base}/sessions`), ctx.call('GET', `${base}/schedule/issues`),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || !rooms || !speakers || !sessions || issuesR.status !== 200) {
    root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.programme.title'));
    if (evR.status !== 404) ctx.apiError(evR.status !== 200 ? evR : issuesR);
    return;
  }
  const event = evR.body;
  rememberEvent(eventId);
  ctx.title('console.programme.title_event', { name: event.name });
  const issues = issuesR.body;
  root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    el('div', { class: 'view-head' },
      text('h1', 'console.programme.title'),
      el('p', { class: 'view-actions' },
        text('a', 'console.releases.open', undefined, { href: `#/events/${eventId}/releases`, class: 'button button-primary', id: 'open-publish' }), ' ',
        text('a', 'console.sessions.new', undefined, { href: `#/events/${eventId}/sessions/new`, class: 'button button-primary', id: 'new-session' }), ' ',
        text('a', 'console.rooms.new', undefined, { href: `#/events/${eventId}/rooms/new`, class: 'button', id: 'new-room' }), ' ',
        text('a', 'console.speakers.new', undefined, { href: `#/events/${eventId}/speakers/new`, class: 'button', id: 'new-speaker' }))));

  const issuesPanel = el('section', { class: 'panel', 'aria-labelledby': 'issues-heading' });
  const renderIssues = () => {
    clear(issuesPanel).append(
      text('h2', 'console.programme.issues', { n: issues.clashes.length + issues.warnings.length }, { id: 'issues-heading' }),
      text('h3', 'console.programme.clashes'),
      issueList(issues.clashes, { id: 'clash-list', noneKey: 'console.programme.no_clashes' }),
      text('h3', 'console.programme.warnings'),
      issueList(issues.warnings, { id: 'warning-list', noneKey: 'console.programme.no_warnings' }));
  };
  renderIssues();
  root.append(issuesPanel);

  const grid = dayGrid(ctx, { event, rooms, sessions, onSaved: async () => {
    const r = await ctx.call('GET', `${base}/schedule/issues`);
    if (!ctx.stale() && r.status === 200) {
      Object.assign(issues, r.body);
      renderIssues();
    }
  } });
  root.append(grid.element);

  const roomsPanel = el('section', { class: 'panel', 'aria-labelledby': 'rooms-heading' });
  const speakersPanel = el('section', { class: 'panel', 'aria-labelledby': 'speakers-heading' });
  const renderLists = () => {
    clear(roomsPanel).append(text('h2', 'console.rooms.title', undefined, { id: 'rooms-heading' }));
    if (!rooms.length) roomsPanel.append(text('p', 'console.rooms.none', undefined, { class: 'empty' }));
    else {
      const ul = el('ul', { class: 'plain-list', id: 'room-list' });
      for (const r of rooms) {
        ul.append(el('li', {}, el('a', { href: `#/rooms/${r.id}` }, r.name), ' ',
          el('span', { class: 'muted' }, r.seats === null ? t('console.rooms.seats_unlimited') : t('console.rooms.seats', { n: r.seats }))));
      }
      roomsPanel.append(ul);
    }
    clear(speakersPanel).append(text('h2', 'console.speakers.title', undefined, { id: 'speakers-heading' }));
    if (!speakers.length) speakersPanel.append(text('p', 'console.speakers.none', undefined, { class: 'empty' }));
    else {
      const ul = el('ul', { class: 'plain-list', id: 'speaker-list' });
      for (const s of speakers) {
        ul.append(el('li', {}, el('a', { href: `#/speakers/${s.id}` }, s.name),
          s.company ? el('span', { class: 'muted' }, ` · ${s.company}`) : null));
      }
      speakersPanel.append(ul);
    }
  };
  renderLists();
  root.append(roomsPanel, speakersPanel);
  ctx.onLang(() => { renderIssues(); renderLists(); grid.render(); });
}

// ------------------------------------------------------ rooms and speakers

function formShell(form, submitKey, idPrefix) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: `${idPrefix}-form-alert` });
  const conflictHost = el('div', { class: 'conflict-host' });
  const submit = text('button', submitKey, undefined, { type: 'submit', class: 'button button-primary button-large', id: `${idPrefix}-save` });
  const saved = el('p', { class: 'save-status', role: 'status', id: `${idPrefix}-save-status` });
  const node = el('form', { class: 'resource-form', novalidate: true, id: `${idPrefix}-form` },
    summary, conflictHost, form.element);
  const extra = el('div', { class: 'resource-extra' });
  node.append(extra, el('div', { class: 'submit-row' }, submit, saved));
  return { node, summary, conflictHost, submit, saved, extra };
}

async function loadEvent(ctx, eventId) {
  const r = await ctx.call('GET', `/api/v1/admin/events/${eventId}`);
  if (ctx.stale()) return null;
  if (r.status !== 200 || !r.body) {
    ctx.root.append(text('h1', 'console.events.not_found'));
    if (r.status !== 404) ctx.apiError(r);
    return null;
  }
  rememberEvent(eventId);
  return r.body;
}

function backLink(event) {
  return el('p', { class: 'breadcrumb' },
    text('a', 'console.programme.back', { name: event.name }, { href: `#/events/${event.id}/programme`, id: 'programme-back' }));
}

function createPlainView(kind) {
  const res = RESOURCES[kind];
  return async (ctx, eventText) => {
    const eventId = Number(eventText);
    ctx.title(`${res.words}.new_title`);
    const event = await loadEvent(ctx, eventId);
    if (!event) return;
    const form = resourceForm({ fields: res.fields, prefix: res.prefix, idPrefix: res.idPrefix, zone: () => event.timezone });
    const shell = formShell(form, `${res.words}.create`, res.idPrefix);
    form.fill(res.defaults);
    ctx.root.append(backLink(event), text('h1', `${res.words}.new_title`), shell.node);
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
      const r = await ctx.call('POST', `/api/v1/admin/events/${eventId}/${res.path}`, values);
      busy(shell.submit, false, `${res.words}.create`);
      if (ctx.stale() || r.status === 401) return;
      if (r.status === 201 && r.body) {
        ctx.navigate(`#/events/${eventId}/programme`, `${res.words}.created`, { name: r.body.name });
        return;
      }
      showSaveError(r, { form, summary: shell.summary });
    });
  };
}

/** Ask, then delete; resolves to "deleted", "gone", "conflict" or null. */
async function deleteRow(ctx, { path, row, words, name }) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  let outcome = null;
  await openDialog({
    id: 'delete-dialog',
    headingKey: `${words}.delete_heading`,
    headingArgs: { name },
    content: [summary],
    buttons: [
      { value: 'delete', key: 'console.programme.delete_confirm', className: 'button-danger', id: 'delete-confirm' },
      { value: null, key: 'console.dialog.cancel', id: 'delete-cancel', autofocus: true },
    ],
    onSubmit: async (value, button) => {
      if (value !== 'delete' || isBusy(button)) return false;
      busy(button, true);
      const r = await ctx.call('DELETE', `/api/v1/admin/${path}/${row.id}?version=${row.version}`);
      busy(button, false);
      const code = r.body && r.body.error && r.body.error.code;
      if (r.status === 200) outcome = 'deleted';
      else if (r.status === 404) outcome = 'gone';
      else if (r.status === 409 && code === 'conflict') outcome = 'conflict';
      if (outcome || r.status === 401) return true;
      const { key, args } = code === 'in_use' ? { key: `${words}.in_use` } : apiErrorText(r);
      i18n.setText(summary, key, args);
      summary.focus();
      return false;
    },
  });
  return ctx.stale() ? null : outcome;
}

function deleteButton(ctx, { path, words, getRow, nameOf, back }) {
  const del = text('button', 'console.programme.delete', undefined, { type: 'button', class: 'button button-danger', id: 'delete-row' });
  del.addEventListener('click', async () => {
    const row = getRow();
    const outcome = await deleteRow(ctx, { path, row, words, name: nameOf(row) });
    if (outcome === 'deleted') ctx.navigate(back, 'console.programme.deleted', { name: nameOf(row) });
    else if (outcome === 'gone') ctx.navigate(back, 'console.programme.gone');
    else if (outcome === 'conflict') ctx.alert('console.programme.delete_conflict');
  });
  return el('p', { class: 'danger-zone' }, del);
}

function editPlainView(kind) {
  const res = RESOURCES[kind];
  return async (ctx, idText) => {
    const id = Number(idText);
    ctx.title(`${res.words}.edit_title`, { name: '…' });
    const r = await ctx.call('GET', `/api/v1/admin/${res.path}/${id}`);
    if (ctx.stale()) return;
    if (r.status !== 200 || !r.body) {
      ctx.root.append(text('h1', r.status === 404 ? 'console.programme.not_found' : 'console.programme.title'));
      if (r.status !== 404) ctx.apiError(r);
      return;
    }
    let base = r.body;
    const event = await loadEvent(ctx, base.event_id);
    if (!event) return;
    const h1 = el('h1', {});
    const warnings = el('div', { class: 'warnings', id: `${res.idPrefix}-warnings` });
    const renderHead = () => {
      h1.textContent = base.name;
      ctx.title(`${res.words}.edit_title`, { name: base.name });
    };
    const form = resourceForm({ fields: res.fields, prefix: res.prefix, idPrefix: res.idPrefix, zone: () => event.timezone });
    const shell = formShell(form, 'console.form.save', res.idPrefix);
    form.fill(base);
    const back = `#/events/${event.id}/programme`;
    ctx.root.append(backLink(event), h1, shell.node, warnings,
      deleteButton(ctx, { path: res.path, words: res.words, getRow: () => base, nameOf: (x) => x.name, back }));
    const showWarnings = (row) => {
      clear(warnings);
      if (row.warnings && row.warnings.length) warnings.append(text('h2', 'console.programme.warnings'), issueList(row.warnings, { id: 'saved-warnings' }));
    };
    renderHead();
    showWarnings(base);
    ctx.onLang(renderHead);
    saveOnSubmit(ctx, {
      form, shell, path: `/api/v1/admin/${res.path}/${id}`,
      getBase: () => base,
      setBase: (row) => {
        base = row;
        renderHead();
        showWarnings(row);
      },
    });
  };
}

// ----------------------------------------------------------------- sessions

/** The room select and the speakers' checkboxes of a session's form. */
function sessionPickers(rooms, speakers) {
  const room = el('select', { id: 'session-room', name: 'room_id', 'aria-describedby': 'session-room-error' });
  room.append(el('option', { value: '', 'data-i18n': 'console.session.no_room' }, t('console.session.no_room')));
  for (const r of rooms) room.append(el('option', { value: String(r.id) }, r.name));
  const roomError = el('p', { class: 'field-error', id: 'session-room-error', hidden: true });
  const roomField = el('div', { class: 'field' },
    el('label', { for: 'session-room', 'data-i18n': 'console.session.room_id' }, t('console.session.room_id')), room, roomError);
  const boxes = new Map();
  const speakersError = el('p', { class: 'field-error', id: 'session-speakers-error', hidden: true });
  const list = el('fieldset', { class: 'field speaker-picker', id: 'session-speakers', 'aria-describedby': 'session-speakers-error' },
    el('legend', { 'data-i18n': 'console.session.speakers' }, t('console.session.speakers')));
  if (!speakers.length) list.append(text('p', 'console.speakers.none', undefined, { class: 'muted' }));
  for (const s of speakers) {
    const box = el('input', { type: 'checkbox', id: `session-speaker-${s.id}`, value: String(s.id) });
    boxes.set(s.id, box);
    list.append(el('div', { class: 'check' }, box,
      el('label', { for: box.id }, s.name, s.company ? el('span', { class: 'muted' }, ` · ${s.company}`) : null)));
  }
  list.append(speakersError);
  let order = [];
  return {
    element: el('fieldset', { class: 'panel form-group', id: 'session-place' },
      el('legend', {}, el('h2', { 'data-i18n': 'console.session.group.place' }, t('console.session.group.place'))),
      roomField, list),
    fill(row) {
      room.value = row.room_id ? String(row.room_id) : '';
      order = [...(row.speakers || [])];
      for (const [id, box] of boxes) box.checked = order.includes(id);
    },
    /** The room and the speakers, those kept in their order, new ones after. */
    read() {
      const checked = [...boxes].filter(([, b]) => b.checked).map(([id]) => id);
      const speakerIds = [...order.filter((id) => checked.includes(id)), ...checked.filter((id) => !order.includes(id))];
      return { room_id: room.value ? Number(room.value) : null, speakers: speakerIds };
    },
    showError(name, key) {
      const [p, input] = name === 'room_id' ? [roomError, room] : [speakersError, list];
      i18n.setText(p, key);
      p.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      (name === 'room_id' ? room : (boxes.values().next().value || list)).focus();
    },
    clearErrors() {
      for (const [p, input] of [[roomError, room], [speakersError, list]]) {
        p.hidden = true;
        p.textContent = '';
        delete p.dataset.i18n;
        input.removeAttribute('aria-invalid');
      }
    },
  };
}

/** An answer that did not save: a clash named, field errors of the pickers placed, else the form's way. */
function sessionSaveError(r, { form, pickers, shell, base, onCurrent }) {
  const err = (r.body && r.body.error) || {};
  clearSummary(shell.summary);
  if (r.status === 409 && err.code === 'clash') {
    clear(shell.summary).append(clashMessage(err, i18n.getLang()));
    shell.summary.focus();
    return;
  }
  const fields = err.fields || {};
  if (r.status === 422 && ('room_id' in fields || 'speakers' in fields)) {
    for (const name of ['room_id', 'speakers']) {
      if (name in fields) pickers.showError(name, `console.session.${name}.${fields[name]}`);
    }
    const rest = { ...fields };
    delete rest.room_id;
    delete rest.speakers;
    if (Object.keys(rest).length) form.showErrors(rest);
    i18n.setText(shell.summary, 'console.form.errors', { n: Object.keys(fields).length });
    return;
  }
  showSaveError(r, { form, summary: shell.summary, conflictHost: shell.conflictHost, base, onCurrent });
}

async function sessionFormData(ctx, eventId) {
  const base = `/api/v1/admin/events/${eventId}`;
  const [event, rooms, speakers] = await Promise.all([loadEvent(ctx, eventId), allRows(ctx, `${base}/rooms`),
    allRows(ctx, `${base}/speakers`)]);
  if (!event || ctx.stale()) return null;
  if (!rooms || !speakers) {
    ctx.alert('console.view_failed');
    return null;
  }
  return { event, rooms, speakers };
}

/** A new session's length in minutes, until one has been made here: then that one's. */
const DEFAULT_LENGTH = 45;
let lastLength = null;

function newLength() {
  return lastLength ?? DEFAULT_LENGTH;
}

/**
 * The end follows the start: moving the start keeps the session's length
 * (a new one's default where the end was not after it), so the end is
 * never before the start through a change of the start.
 */
function endFollowsStart(form) {
  const start = form.input('starts_at');
  const end = form.input('ends_at');
  let prev = start.value;
  const sync = () => { prev = start.value; };
  start.addEventListener('focus', sync);
  start.addEventListener('input', () => {
    if (!start.value) return;
    const len = localInputMinutes(prev, end.value);
    end.value = localInputPlus(start.value, len !== null && len >= 0 ? len : newLength());
    prev = start.value;
  });
  return sync;
}

function sessionForm(data) {
  const form = resourceForm({ fields: SESSION_FIELDS, prefix: 'console.session', idPrefix: 'session', groups: SESSION_GROUPS,
    zone: () => data.event.timezone });
  const pickers = sessionPickers(data.rooms, data.speakers);
  const shell = formShell(form, 'console.form.save', 'session');
  shell.extra.append(pickers.element);
  const syncTimes = endFollowsStart(form);
  return { form, pickers, shell, syncTimes };
}

async function createSessionView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.sessions.new_title');
  const data = await sessionFormData(ctx, eventId);
  if (!data) return;
  const { form, pickers, shell, syncTimes } = sessionForm(data);
  i18n.setText(shell.submit, 'console.sessions.create');
  const day = datePart(data.event.starts_at);
  const start = ctx.query.get('starts_at') || `${day}T09:00:00${data.event.starts_at.slice(19)}`;
  const defaults = { title: '', title_en: '', kind: 'talk', language: 'sv', starts_at: start, ends_at: start, seats: null,
    signup: false, waitlist: false, cancelled: false, abstract: '', abstract_en: '', room_id: Number(ctx.query.get('room')) || null, speakers: [] };
  form.fill(defaults);
  // Not a session of no length: the default length after the start.
  form.input('ends_at').value = localInputPlus(form.input('starts_at').value, newLength());
  syncTimes();
  pickers.fill(defaults);
  ctx.root.append(backLink(data.event), text('h1', 'console.sessions.new_title'), shell.node);
  shell.node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(shell.submit)) return;
    form.clearErrors();
    pickers.clearErrors();
    clearSummary(shell.summary);
    const { values, errors } = form.read();
    if (Object.keys(errors).length) {
      showLocalErrors(form, shell.summary, errors);
      return;
    }
    busy(shell.submit, true, 'console.form.saving');
    const r = await ctx.call('POST', `/api/v1/admin/events/${eventId}/sessions`, { ...values, ...pickers.read() });
    busy(shell.submit, false, 'console.sessions.create');
    if (ctx.stale() || r.status === 401) return;
    if (r.status === 201 && r.body) {
      const len = Math.round((Date.parse(r.body.ends_at) - Date.parse(r.body.starts_at)) / 60000);
      if (len > 0) lastLength = len;
      ctx.navigate(`#/sessions/${r.body.id}`, 'console.sessions.created', { name: r.body.title });
      return;
    }
    sessionSaveError(r, { form, pickers, shell });
  });
}

async function editSessionView(ctx, idText) {
  const id = Number(idText);
  ctx.title('console.sessions.edit_title', { name: '…' });
  const r = await ctx.call('GET', `/api/v1/admin/sessions/${id}`);
  if (ctx.stale()) return;
  if (r.status !== 200 || !r.body) {
    ctx.root.append(text('h1', r.status === 404 ? 'console.programme.not_found' : 'console.programme.title'));
    if (r.status !== 404) ctx.apiError(r);
    return;
  }
  let base = r.body;
  const data = await sessionFormData(ctx, base.event_id);
  if (!data) return;
  const { form, pickers, shell, syncTimes } = sessionForm(data);
  const h1 = el('h1', { lang: 'sv', tabindex: '-1' });
  const warnings = el('section', { class: 'warnings', id: 'session-warnings', 'aria-live': 'polite' });
  // A cancelled session (as saved) says so above its form, which still
  // shows the room and speakers it keeps, and offers to restore it.
  const restore = text('button', 'console.session.restore', undefined, { type: 'button', class: 'button', id: 'session-restore' });
  const cancelledNotice = el('div', { class: 'notice notice-cancelled', id: 'session-cancelled-notice', hidden: true },
    text('p', 'console.session.cancelled_notice'), el('p', {}, restore));
  const renderHead = () => {
    h1.textContent = base.title;
    ctx.title('console.sessions.edit_title', { name: base.title });
  };
  const show = (row) => {
    base = row;
    form.fill(row);
    syncTimes();
    pickers.fill(row);
    cancelledNotice.hidden = !row.cancelled;
    renderHead();
    clear(warnings);
    if (row.warnings && row.warnings.length) {
      warnings.append(text('h2', 'console.programme.warnings'), issueList(row.warnings, { id: 'saved-warnings' }));
    }
  };
  const back = `#/events/${data.event.id}/programme`;
  ctx.root.append(backLink(data.event), h1, cancelledNotice, shell.node, warnings,
    deleteButton(ctx, { path: 'sessions', words: 'console.sessions', getRow: () => base, nameOf: (x) => x.title, back }));
  show(base);
  ctx.onLang(renderHead);
  const onCurrent = (row) => { base = row; pickers.fill(row); cancelledNotice.hidden = !row.cancelled; renderHead(); };
  restore.addEventListener('click', async () => {
    if (isBusy(restore) || isBusy(shell.submit)) return;
    form.clearErrors();
    pickers.clearErrors();
    clearSummary(shell.summary);
    clearSummary(shell.saved);
    busy(restore, true, 'console.form.saving');
    const res = await ctx.call('PATCH', `/api/v1/admin/sessions/${id}`, { version: base.version, cancelled: false });
    busy(restore, false, 'console.session.restore');
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 200 && res.body) {
      clear(shell.conflictHost);
      show(res.body);
      i18n.setText(shell.saved, 'console.session.restored');
      h1.focus();
      return;
    }
    sessionSaveError(res, { form, pickers, shell, base, onCurrent });
  });
  shell.node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(shell.submit)) return;
    form.clearErrors();
    pickers.clearErrors();
    clearSummary(shell.summary);
    clearSummary(shell.saved);
    const { changes, errors } = form.changes(base);
    if (Object.keys(errors).length) {
      showLocalErrors(form, shell.summary, errors);
      return;
    }
    const picked = pickers.read();
    if (picked.room_id !== base.room_id) changes.room_id = picked.room_id;
    if (picked.speakers.join() !== base.speakers.join()) changes.speakers = picked.speakers;
    if (!Object.keys(changes).length) {
      i18n.setText(shell.saved, 'console.form.nothing_changed');
      return;
    }
    busy(shell.submit, true, 'console.form.saving');
    const res = await ctx.call('PATCH', `/api/v1/admin/sessions/${id}`, { version: base.version, ...changes });
    busy(shell.submit, false, 'console.form.save');
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 200 && res.body) {
      clear(shell.conflictHost);
      show(res.body);
      i18n.setText(shell.saved, 'console.form.saved');
      return;
    }
    sessionSaveError(res, { form, pickers, shell, base, onCurrent });
  });
}

export const routes = [
  { path: /^programme$/, render: chooseView },
  { path: /^events\/(\d+)\/programme$/, render: overviewView },
  { path: /^events\/(\d+)\/rooms\/new$/, render: createPlainView('room') },
  { path: /^rooms\/(\d+)$/, render: editPlainView('room') },
  { path: /^events\/(\d+)\/speakers\/new$/, render: createPlainView('speaker') },
  { path: /^speakers\/(\d+)$/, render: editPlainView('speaker') },
  { path: /^events\/(\d+)\/sessions\/new$/, render: createSessionView },
  { path: /^sessions\/(\d+)$/, render: editSessionView },
  ...releaseRoutes,
];
