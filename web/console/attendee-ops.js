// Console: an organiser's operations on one attendee, on their page
// (POST /api/v1/admin/attendees/{id}/promote, /move, /reissue,
// /substitute): promote from the waitlist, move to another ticket type
// (a dialog with the event's types and their seats left), reissue the
// pass, and hand the ticket to someone else (a form). Each asks first in a
// dialog, names the attendee's version as the page read it, and words
// the server's refusals from their codes. Done, the page is read again.
import * as i18n from '../js/i18n.js';
import { el, text } from '../js/dom.js';
import { ATTENDEE_FIELDS } from '../js/attendee.js';
import { openDialog, resourceForm, busy, isBusy, apiErrorText, clearSummary } from './form.js';

const TYPES_MAX = 200; // the largest page the ticket-type list gives
const PREFIX = 'console.attendee';
/** The operations, in the order of their buttons. */
export const OPS = ['promote', 'move', 'reissue', 'substitute'];
/** Refusals with words of their own (console.attendee_ops.error.*). */
export const OP_CODES = ['not_waitlisted', 'same_ticket_type', 'cancelled', 'no_pass', 'not_found'];
/** The new person's fields: those of a registration's attendee. */
const FIELDS = ATTENDEE_FIELDS.map((f) => ({ ...f, rows: f.type === 'textarea' ? 2 : undefined }));
export const forms = [{ prefix: PREFIX, fields: FIELDS }];

function fullName(a) {
  return `${a.first_name} ${a.last_name}`;
}

/** Which operations fit the attendee as they are now. */
function available(a) {
  return {
    promote: a.status === 'waitlisted',
    move: a.status !== 'cancelled',
    reissue: a.status === 'confirmed',
    substitute: a.status !== 'cancelled',
  };
}

/** Seats left under a limit; null: no limit. */
function limit(max, taken) {
  return max === null || max === undefined ? null : Math.max(0, max - taken);
}

/**
 * Seats a ticket type has for this attendee: a confirmed one brings their
 * seat in the event along, a waitlisted one needs one of the event's too.
 */
function seatsFor(a, tt, ev) {
  const own = limit(tt.quota, tt.confirmed);
  if (a.status === 'confirmed') return own;
  const all = limit(ev.capacity, ev.confirmed);
  if (own === null) return all;
  return all === null ? own : Math.min(own, all);
}

/**
 * The words for a 409 full: which limit (the type's, else the event's),
 * and what may still be done (a seat beyond the quota, the waitlist).
 */
function fullWords(kind, fields = {}) {
  if (kind === 'promote') {
    return { key: fields.event_left === 0 ? 'console.attendee_ops.full_event' : 'console.attendee_ops.full_type_promote' };
  }
  const which = fields.ticket_type_left === 0 ? 'type' : 'event';
  return { key: `console.attendee_ops.full_${which}${fields.waitlist ? '_waitlist' : ''}` };
}

/** The words for any answer that went wrong. */
function errorWords(kind, r) {
  const err = (r.body && r.body.error) || {};
  if (r.status === 409 && err.code === 'full') return fullWords(kind, err.fields);
  if (OP_CODES.includes(err.code)) return { key: `console.attendee_ops.error.${err.code}` };
  return apiErrorText(r);
}

/**
 * Send an operation; resolves to 'done', 'conflict' (someone changed the
 * attendee first: nothing was done), 'stop' (signed out), or shows the
 * refusal in summary and resolves to null. onFields(fields) places 422's
 * codes beside their fields and returns whether it did.
 */
async function send(ctx, a, kind, body, button, summary, onFields) {
  if (isBusy(button)) return null;
  clearSummary(summary);
  busy(button, true);
  const r = await ctx.call('POST', `/api/v1/admin/attendees/${a.id}/${kind}`, { ...body, version: a.version });
  busy(button, false);
  const err = (r.body && r.body.error) || {};
  if (r.status === 200) return 'done';
  if (r.status === 401) return 'stop';
  if (r.status === 409 && err.code === 'conflict') return 'conflict';
  if (r.status === 422 && err.fields && onFields && onFields(err.fields)) {
    i18n.setText(summary, 'console.form.errors', { n: Object.keys(err.fields).length });
    return null;
  }
  const { key, args } = errorWords(kind, r);
  i18n.setText(summary, key, args);
  summary.focus();
  return null;
}

/** A dialog that asks and then sends; resolves to send()'s outcome. */
async function confirmDialog(ctx, a, kind, { content = [], body = () => ({}), onFields } = {}) {
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: `${kind}-alert` });
  let outcome = null;
  await openDialog({
    id: `${kind}-dialog`,
    headingKey: `console.attendee_ops.${kind}.heading`,
    headingArgs: { name: fullName(a) },
    content: [text('p', `console.attendee_ops.${kind}.text`), ...content, summary],
    buttons: [
      { value: kind, key: `console.attendee_ops.${kind}.confirm`, className: 'button-primary', id: `${kind}-confirm` },
      { value: null, key: 'console.dialog.cancel', id: `${kind}-cancel`, autofocus: kind !== 'substitute' },
    ],
    onSubmit: async (value, button) => {
      if (value !== kind) return false;
      const b = body();
      if (b === null) return false;
      outcome = await send(ctx, a, kind, b, button, summary, onFields);
      return outcome !== null;
    },
  });
  return ctx.stale() ? null : outcome;
}

function check(id, key, hintKey) {
  const input = el('input', { type: 'checkbox', id });
  return {
    input,
    node: el('div', { class: 'check' }, input, el('label', { for: id }, text('span', key),
      hintKey ? text('span', hintKey, undefined, { class: 'field-hint' }) : '')),
  };
}

function promoteDialog(ctx, a) {
  const beyond = check('promote-beyond-quota', 'console.attendee_ops.promote.beyond_quota',
    'console.attendee_ops.promote.beyond_quota_hint');
  return confirmDialog(ctx, a, 'promote', {
    content: [beyond.node],
    body: () => (beyond.input.checked ? { beyond_quota: true } : {}),
  });
}

function typeOption(a, tt, ev) {
  const id = `move-type-${tt.id}`;
  const left = seatsFor(a, tt, ev);
  let seats;
  if (left === null) seats = text('span', 'console.attendee_ops.move.unlimited', undefined, { class: 'ticket-seats' });
  else if (left > 0) seats = text('span', 'console.attendee_ops.move.left', { n: left }, { class: 'ticket-seats' });
  else if (tt.waitlist) seats = text('span', 'console.attendee_ops.move.full_waitlist', undefined, { class: 'ticket-seats ticket-seats--waitlist' });
  else seats = text('span', 'console.attendee_ops.move.full', undefined, { class: 'ticket-seats ticket-seats--soldout' });
  const input = el('input', { type: 'radio', name: 'move-ticket-type', id, value: String(tt.id), 'aria-describedby': 'move-ticket-type-error' });
  const name = i18n.getLang() === 'en' && tt.name_en ? tt.name_en : tt.name;
  return el('div', { class: 'ticket-option', 'data-ticket-type-id': String(tt.id) }, input,
    el('label', { for: id }, el('span', { class: 'ticket-head' }, el('span', { class: 'ticket-name' }, name)), seats));
}

async function moveDialog(ctx, a) {
  const [types, ev] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${a.event_id}/ticket-types?limit=${TYPES_MAX}`),
    ctx.call('GET', `/api/v1/admin/events/${a.event_id}`),
  ]);
  if (ctx.stale()) return null;
  if (types.status !== 200 || ev.status !== 200) {
    ctx.apiError(types.status !== 200 ? types : ev);
    return null;
  }
  const others = types.body.items.filter((tt) => tt.id !== a.ticket_type);
  const list = el('div', { class: 'ticket-list', id: 'move-ticket-list' }, others.map((tt) => typeOption(a, tt, ev.body)));
  const error = el('p', { class: 'field-error', id: 'move-ticket-type-error', hidden: true });
  const set = el('fieldset', { class: 'form-group', id: 'move-ticket-fieldset' },
    el('legend', {}, text('span', 'console.attendee_ops.move.choose')), list, error);
  const onList = check('move-waitlist', 'console.attendee_ops.move.waitlist', 'console.attendee_ops.move.waitlist_hint');
  const showError = (key) => {
    i18n.setText(error, key);
    error.hidden = false;
    const first = list.querySelector('input');
    if (first) first.focus();
  };
  return confirmDialog(ctx, a, 'move', {
    content: others.length ? [set, onList.node] : [text('p', 'console.attendee_ops.move.no_other', undefined, { class: 'muted' })],
    body: () => {
      error.hidden = true;
      const chosen = list.querySelector('input:checked');
      if (!chosen) {
        showError('console.attendee_ops.move.choose_one');
        return null;
      }
      return { ticket_type: Number(chosen.value), ...(onList.input.checked ? { waitlist: true } : {}) };
    },
    onFields: (fields) => {
      if (!fields.ticket_type) return false;
      showError(fields.ticket_type === 'other_event' ? 'console.attendee_ops.move.other_event' : 'console.attendee_ops.move.gone');
      return true;
    },
  });
}

function reissueDialog(ctx, a) {
  return confirmDialog(ctx, a, 'reissue');
}

function substituteDialog(ctx, a) {
  const form = resourceForm({ fields: FIELDS, prefix: PREFIX, idPrefix: 'substitute', zone: () => null });
  form.fill({});
  return confirmDialog(ctx, a, 'substitute', {
    content: [form.element],
    body: () => {
      form.clearErrors();
      const { values } = form.read();
      const b = {};
      for (const f of FIELDS) {
        const v = String(values[f.name] ?? '').trim();
        if (f.required || v) b[f.name] = v;
      }
      return b;
    },
    onFields: (fields) => {
      form.showErrors(fields);
      return true;
    },
  });
}

const DIALOGS = { promote: promoteDialog, move: moveDialog, reissue: reissueDialog, substitute: substituteDialog };

/** Run one operation from its button; the page is read again once done. */
async function run(ctx, a, kind) {
  const outcome = await DIALOGS[kind](ctx, a);
  if (outcome === 'done') ctx.navigate(`#/attendees/${a.id}`, `console.attendee_ops.${kind}.done`, { name: fullName(a) });
  else if (outcome === 'conflict') ctx.navigate(`#/attendees/${a.id}`, 'console.attendee_ops.conflict');
}

/** The heading and buttons of the operations that fit the attendee now. */
export function attendeeOps(ctx, a) {
  const can = available(a);
  const kinds = OPS.filter((k) => can[k]);
  if (!kinds.length) return [];
  const bar = el('div', { class: 'form-actions attendee-ops', id: 'attendee-ops' });
  for (const kind of kinds) {
    const button = el('button', { type: 'button', class: 'button', id: `attendee-${kind}` });
    i18n.setText(button, `console.attendee_ops.${kind}.button`);
    button.addEventListener('click', () => run(ctx, a, kind));
    bar.append(button);
  }
  return [text('h2', 'console.attendee_ops.heading'), bar];
}
