// Console section: the mail outbox. Every message the system sends, newest
// first, paged on the server and filtered by state, with its attempts, the
// next attempt and the last error the mail server gave; a failed or waiting
// message can be sent again at once. And an organiser's message to a
// segment of the chosen event (#/mail/compose): written in Swedish and
// English, previewed (how many, the first few, and how the first reads
// it), then sent once, however often the button is pressed.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { ERROR_CODES } from './form.js';
import { defaultEventId } from './events.js';

const { t } = i18n;
const PAGE = 50;

export const section = { id: 'mail', navKey: 'console.nav.mail', href: () => '#/mail' };

export const STATES = ['queued', 'sending', 'sent', 'failed'];
export const KINDS = ['confirmation', 'waitlisted', 'promoted', 'cancelled', 'link', 'changed',
  'session_moved', 'organiser', 'reminder'];
export const SEGMENTS = ['everyone', 'ticket_type', 'session', 'not_checked_in'];
const MESSAGE_ERRORS = ['not_allowed', 'no_recipients'];

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
  root.append(el('p', {}, text('a', 'console.mail.compose', undefined, { href: '#/mail/compose', class: 'button', id: 'mail-compose' })));
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


function errorWords(code) {
  if (MESSAGE_ERRORS.includes(code)) return `console.mail.error.${code}`;
  return ERROR_CODES.includes(code) ? `console.error.${code}` : 'console.error.invalid';
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

async function composeView(ctx) {
  ctx.title('console.mail.compose_title');
  const root = ctx.root;
  root.append(text('h1', 'console.mail.compose_title'), text('p', 'console.mail.compose_intro', undefined, { class: 'muted' }));
  const eventId = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (!eventId) {
    root.append(text('p', 'console.mail.no_event', undefined, { class: 'empty' }));
    return;
  }
  const [ev, types, sessions] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/ticket-types?limit=200`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/sessions?limit=200`),
  ]);
  if (ctx.stale()) return;
  if (ev.status !== 200 || types.status !== 200 || sessions.status !== 200) {
    ctx.apiError([ev, types, sessions].find((r) => r.status !== 200));
    return;
  }
  root.append(text('p', 'console.mail.for_event', { event: ev.body.name }, { id: 'compose-event' }));
  let key = newKey();
  const inputs = {};
  const errors = {};
  const box = (id, labelKey, input) => {
    errors[id] = el('p', { class: 'field-error', id: `compose-${id}-error`, hidden: true });
    input.setAttribute('aria-describedby', errors[id].id);
    inputs[id] = input;
    return el('div', { class: 'field' }, text('label', labelKey, undefined, { for: input.id }), input, errors[id]);
  };
  const segment = el('select', { id: 'compose-segment' });
  for (const sg of SEGMENTS) segment.append(text('option', `console.mail.segment.${sg}`, undefined, { value: sg }));
  const ticketType = el('select', { id: 'compose-ticket-type' });
  for (const tt of types.body.items || []) ticketType.append(el('option', { value: String(tt.id) }, tt.name));
  const session = el('select', { id: 'compose-session' });
  for (const se of (sessions.body.items || []).filter((x) => x.signup)) session.append(el('option', { value: String(se.id) }, se.title));
  const ttBox = box('ticket_type_id', 'console.mail.ticket_type', ticketType);
  const sessionBox = box('session_id', 'console.mail.session', session);
  const showSegment = () => {
    ttBox.hidden = segment.value !== 'ticket_type';
    sessionBox.hidden = segment.value !== 'session';
  };
  segment.addEventListener('change', showSegment);
  const form = el('form', { class: 'panel', id: 'compose-form', novalidate: true },
    box('subject', 'console.mail.subject_sv', el('input', { id: 'compose-subject', type: 'text', maxlength: '150' })),
    box('body', 'console.mail.body_sv', el('textarea', { id: 'compose-body', rows: '8' })),
    box('subject_en', 'console.mail.subject_en', el('input', { id: 'compose-subject-en', type: 'text', maxlength: '150' })),
    box('body_en', 'console.mail.body_en', el('textarea', { id: 'compose-body-en', rows: '8' })),
    box('segment', 'console.mail.segment_label', segment), ttBox, sessionBox,
    el('div', { class: 'submit-row' },
      text('button', 'console.mail.preview', undefined, { type: 'submit', class: 'button', id: 'compose-preview' }),
      text('button', 'console.mail.send', undefined, { type: 'button', class: 'button button-primary', id: 'compose-send', disabled: true })));
  showSegment();
  const preview = el('section', { id: 'compose-result', 'aria-live': 'polite' });
  root.append(form, preview);
  const send = form.querySelector('#compose-send');

  const body = () => {
    const b = { subject: inputs.subject.value, body: inputs.body.value, subject_en: inputs.subject_en.value,
      body_en: inputs.body_en.value, segment: segment.value };
    if (segment.value === 'ticket_type') b.ticket_type_id = Number(ticketType.value) || 0;
    if (segment.value === 'session') b.session_id = Number(session.value) || 0;
    return b;
  };
  const showErrors = (r) => {
    for (const p of Object.values(errors)) { p.hidden = true; p.textContent = ''; }
    const fields = r.status === 422 && r.body && r.body.error && r.body.error.fields;
    if (!fields) return false;
    for (const [f, code] of Object.entries(fields)) {
      const p = errors[f] || errors.segment;
      i18n.setText(p, errorWords(code));
      p.hidden = false;
    }
    return true;
  };
  // Anything changed after a preview needs a new one before it is sent.
  form.addEventListener('input', () => { send.disabled = true; });
  form.addEventListener('change', () => { send.disabled = true; });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    send.disabled = true;
    const r = await ctx.call('POST', `/api/v1/admin/events/${eventId}/messages/preview`, body());
    if (ctx.stale()) return;
    clear(preview);
    if (showErrors(r)) return;
    if (r.status !== 200) {
      ctx.apiError(r);
      return;
    }
    const p = r.body;
    preview.append(text('h2', 'console.mail.preview_title'),
      text('p', 'console.mail.preview_count', { n: p.count }, { id: 'compose-count' }));
    if (p.count === 0) return;
    const list = el('ul', { id: 'compose-recipients' });
    for (const x of p.recipients) list.append(el('li', {}, el('span', { class: 'value-text' }, `${x.name} <${x.email}>`), ` (${x.lang})`));
    if (p.count > p.recipients.length) list.append(text('li', 'console.mail.preview_more', { n: p.count - p.recipients.length }));
    const s = p.sample;
    preview.append(list,
      text('h3', 'console.mail.sample', { name: s.to.name, lang: s.lang }),
      el('p', { id: 'compose-sample-subject' }, text('strong', 'console.mail.sample_subject'), ' ', el('span', { class: 'value-text' }, s.subject)),
      el('pre', { id: 'compose-sample-text', class: 'mail-sample' }, s.text));
    send.disabled = false;
  });

  send.addEventListener('click', async () => {
    send.disabled = true;
    const r = await ctx.call('POST', `/api/v1/admin/events/${eventId}/messages`, body(), { 'Idempotency-Key': key });
    if (ctx.stale()) return;
    if (showErrors(r)) return;
    if (r.status !== 201 && r.status !== 200) {
      send.disabled = false;
      ctx.apiError(r);
      return;
    }
    key = newKey();
    ctx.navigate('#/mail', 'console.mail.sent', { n: r.body.recipients });
  });
}

export const routes = [
  { path: /^mail$/, render: listView },
  { path: /^mail\/compose$/, render: composeView },
];
