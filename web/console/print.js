// Console section: printing ("Utskrift" in Swedish). Name tags of an event
// for every confirmed attendee, for those not yet printed, or for chosen
// attendees (by number: "#/print?ids=1,2,3" opens with them filled in, so
// that the attendee list can link here), in any layout the generator
// knows; one tag for a walk-in (typed in, no registration, no QR code);
// the pass of one attendee; the programme. Each makes a print job on the
// server (POST /api/v1/admin/events/{id}/print-jobs) that is drawn while
// this page polls how far it is; once done, its PDF is a download link,
// and fetching it records the tags as printed.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { ERROR_CODES } from './form.js';
import { rememberEvent, eventDates, defaultEventId, eventPicker } from './events.js';

const { t } = i18n;

export const section = { id: 'print', navKey: 'console.nav.print', href: () => '#/print' };

const POLL_MS = 300;
const ROLES = ['attendee', 'speaker', 'staff', 'organiser', 'exhibitor'];

/** "1, 2,3 4" as attendee numbers; null when something else is in it. */
export function parseIds(value) {
  const parts = value.split(/[\s,;]+/).filter((p) => p !== '');
  if (!parts.every((p) => /^[1-9]\d{0,15}$/.test(p))) return null;
  return [...new Set(parts.map(Number))];
}

/** The field error codes of the print API that have words here. */
export const PRINT_ERRORS = ['required', 'not_an_id', 'not_a_list', 'duplicate', 'too_many',
  'unknown_attendee', 'not_confirmed', 'unknown_layout', 'too_long', 'invalid_text', 'not_text'];

/** The words for a field error code the print API sends. */
function fieldError(code) {
  if (PRINT_ERRORS.includes(code)) return { key: `console.print.error.${code}` };
  return { key: ERROR_CODES.includes(code) ? `console.error.${code}` : 'console.error.invalid' };
}

/** A panel's own message line, for what went wrong with its job. */
function messageLine(id) {
  return el('p', { class: 'field-error print-error', id, role: 'alert', hidden: true });
}

function showMessage(line, key, args) {
  if (!key) {
    line.hidden = true;
    delete line.dataset.i18n;
    line.textContent = '';
    return;
  }
  i18n.setText(line, key, args);
  line.hidden = false;
}

/** What a refused job's answer says, in the page's words; null: not ours to word. */
function refusal(r) {
  const err = r.body && r.body.error;
  if (!err) return null;
  if (r.status === 422 && err.fields) {
    const [, code] = Object.entries(err.fields)[0];
    return fieldError(code);
  }
  if (r.status === 409 && err.code === 'nothing_to_print') return { key: 'console.print.nothing_to_print' };
  if (r.status === 429) return { key: 'console.print.busy' };
  return null;
}

function field(id, labelKey, input, hintKey) {
  const box = el('div', { class: 'field' }, text('label', labelKey, undefined, { for: id }), input);
  if (hintKey) {
    const hint = text('p', hintKey, undefined, { class: 'hint', id: `${id}-hint` });
    input.setAttribute('aria-describedby', hint.id);
    box.append(hint);
  }
  return box;
}

/** The stock's words in the page's language; the server's for one it does not know. */
function layoutWords(l) {
  const key = `console.print.layout.${l.name}`;
  return t(key) !== key ? t(key) : `${l.name} – ${l.stock}`;
}

function layoutSelect(id, layouts, chosen) {
  const select = el('select', { id });
  for (const l of layouts) select.append(el('option', { value: l.name, selected: l.name === chosen }, layoutWords(l)));
  return select;
}

function relabelLayouts(select, layouts) {
  for (const option of select.options) {
    const l = layouts.find((x) => x.name === option.value);
    if (l) option.textContent = layoutWords(l);
  }
}

async function chooseView(ctx) {
  ctx.title('console.print.title');
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  const q = ctx.query.toString();
  if (id) {
    ctx.replace(`#/events/${id}/print${q ? `?${q}` : ''}`);
    return;
  }
  ctx.root.append(text('h1', 'console.print.title'),
    el('p', {}, text('span', 'console.print.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

async function printView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.print.title');
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  ctx.root.append(loading);
  const [evR, infoR, eventsR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', `/api/v1/admin/events/${eventId}/print`),
    ctx.call('GET', '/api/v1/admin/events?limit=200'),
  ]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || infoR.status !== 200) {
    ctx.root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.print.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (evR.status !== 404) ctx.apiError(evR.status !== 200 ? evR : infoR);
    return;
  }
  const event = evR.body;
  let info = infoR.body;
  rememberEvent(eventId);
  ctx.title('console.print.title_event', { name: event.name });
  const events = eventsR.status === 200 && eventsR.body ? eventsR.body.items : [event];
  if (!events.some((e) => e.id === event.id)) events.unshift(event);
  const chosenIds = ctx.query.get('ids') || '';

  // ---------------------------------------------------------- name tags
  const counts = el('p', { id: 'print-counts', class: 'card-meta' });
  const showCounts = () => i18n.setText(counts, 'console.print.counts',
    { confirmed: info.confirmed, not_printed: info.not_printed });
  const tagLayout = layoutSelect('print-layout', info.layouts, info.default_layout);
  const choose = el('fieldset', { class: 'export-choice' }, text('legend', 'console.print.whom'));
  const radio = (value, key, checked) => {
    const id = `print-select-${value}`;
    choose.append(el('div', { class: 'check' },
      el('input', { type: 'radio', name: 'print-select', id, value, checked }),
      text('label', key, undefined, { for: id })));
  };
  radio('not_printed', 'console.print.select_not_printed', !chosenIds);
  radio('all', 'console.print.select_all', false);
  radio('ids', 'console.print.select_ids', !!chosenIds);
  const idsInput = el('input', { type: 'text', id: 'print-ids', inputmode: 'numeric', autocomplete: 'off', value: chosenIds });
  idsInput.addEventListener('input', () => { choose.querySelector('#print-select-ids').checked = true; });
  const tagsError = messageLine('print-tags-error');
  const tagsButton = text('button', 'console.print.make_tags', undefined, { type: 'submit', class: 'button', id: 'print-tags' });
  const tagsForm = el('form', { class: 'panel', id: 'print-tags-form', novalidate: true, 'aria-labelledby': 'print-tags-heading' },
    text('h2', 'console.print.tags_heading', undefined, { id: 'print-tags-heading' }),
    counts,
    field('print-layout', 'console.print.layout', tagLayout),
    choose,
    field('print-ids', 'console.print.ids', idsInput, 'console.print.ids_hint'),
    tagsError,
    el('p', {}, tagsButton));

  // ---------------------------------------------------------- walk-in
  const walkLayout = layoutSelect('walk-in-layout', info.layouts, info.default_layout);
  const walkFirst = el('input', { type: 'text', id: 'walk-in-first-name', autocomplete: 'off', required: true, 'aria-required': 'true' });
  const walkLast = el('input', { type: 'text', id: 'walk-in-last-name', autocomplete: 'off' });
  const walkCompany = el('input', { type: 'text', id: 'walk-in-company', autocomplete: 'off' });
  const walkRole = el('select', { id: 'walk-in-role' });
  const roleOptions = () => {
    const was = walkRole.value || 'attendee';
    clear(walkRole);
    for (const r of info.roles || ROLES) walkRole.append(el('option', { value: r, selected: r === was }, t(`console.role.${r}`)));
  };
  const walkError = messageLine('walk-in-error');
  const walkForm = el('form', { class: 'panel', id: 'walk-in-form', novalidate: true, 'aria-labelledby': 'walk-in-heading' },
    text('h2', 'console.print.walk_in_heading', undefined, { id: 'walk-in-heading' }),
    text('p', 'console.print.walk_in_intro', undefined, { class: 'muted' }),
    field('walk-in-first-name', 'console.attendee.first_name', walkFirst),
    field('walk-in-last-name', 'console.attendee.last_name', walkLast),
    field('walk-in-company', 'console.attendee.company', walkCompany),
    field('walk-in-role', 'console.print.role', walkRole),
    field('walk-in-layout', 'console.print.layout', walkLayout),
    walkError,
    el('p', {}, text('button', 'console.print.make_walk_in', undefined, { type: 'submit', class: 'button', id: 'print-walk-in' })));

  // ---------------------------------------------------------- pass, programme
  const passId = el('input', { type: 'text', id: 'pass-attendee', inputmode: 'numeric', autocomplete: 'off' });
  const passError = messageLine('pass-error');
  const passForm = el('form', { class: 'panel', id: 'pass-form', novalidate: true, 'aria-labelledby': 'pass-heading' },
    text('h2', 'console.print.pass_heading', undefined, { id: 'pass-heading' }),
    field('pass-attendee', 'console.print.attendee', passId, 'console.print.attendee_hint'),
    passError,
    el('p', {}, text('button', 'console.print.make_pass', undefined, { type: 'submit', class: 'button', id: 'print-pass' })));
  const progError = messageLine('programme-error');
  // The programme's language, named in its own language as a choice of it.
  const progLang = el('select', { id: 'programme-lang' },
    el('option', { value: 'sv', lang: 'sv', selected: i18n.getLang() === 'sv' }, 'Svenska'),
    el('option', { value: 'en', lang: 'en', selected: i18n.getLang() !== 'sv' }, 'English'));
  const progForm = el('form', { class: 'panel', id: 'programme-form', novalidate: true, 'aria-labelledby': 'programme-heading' },
    text('h2', 'console.print.programme_heading', undefined, { id: 'programme-heading' }),
    text('p', 'console.print.programme_intro', undefined, { class: 'muted' }),
    field('programme-lang', 'console.print.programme_lang', progLang, 'console.print.programme_lang_hint'),
    progError,
    el('p', {}, text('button', 'console.print.make_programme', undefined, { type: 'submit', class: 'button', id: 'print-programme' })));

  // ---------------------------------------------------------- the jobs
  const jobs = el('ul', { class: 'cards', id: 'print-jobs' });
  const jobsBox = el('section', { 'aria-labelledby': 'print-jobs-heading', hidden: true },
    text('h2', 'console.print.jobs_heading', undefined, { id: 'print-jobs-heading' }), jobs);

  const dates = el('p', { class: 'card-meta' });
  ctx.root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    text('h1', 'console.print.title'),
    eventPicker(events, eventId, (id) => `#/events/${id}/print`, 'console.print.event'),
    dates,
    jobsBox,
    el('div', { class: 'print-panels' }, tagsForm, walkForm, passForm, progForm));

  const refreshCounts = async () => {
    const r = await ctx.call('GET', `/api/v1/admin/events/${eventId}/print`);
    if (ctx.stale() || r.status !== 200) return;
    info = r.body;
    showCounts();
  };

  /** One job in the list: its progress until done, then its PDF's link. */
  const follow = async (job, labelKey) => {
    jobsBox.hidden = false;
    const bar = el('progress', { max: String(job.total || 1), value: String(job.done), id: `print-progress-${job.id}`,
      'aria-labelledby': `print-state-${job.id}` });
    const state = el('p', { id: `print-state-${job.id}`, role: 'status' });
    const actions = el('p', { class: 'card-actions' });
    const li = el('li', { class: 'card', 'data-job-id': String(job.id), 'data-job-kind': job.kind },
      text('h3', labelKey, { layout: job.layout || '' }, { class: 'card-title' }), state, bar, actions);
    jobs.prepend(li);
    let st = job;
    for (;;) {
      bar.max = st.total || 1;
      bar.value = st.done;
      if (st.state === 'done' || st.state === 'failed') break;
      i18n.setText(state, 'console.print.drawing', { done: st.done, total: st.total });
      await new Promise((res) => { setTimeout(res, POLL_MS); });
      if (ctx.stale()) return;
      const r = await ctx.call('GET', `/api/v1/admin/print-jobs/${job.id}`);
      if (ctx.stale()) return;
      if (r.status !== 200) {
        i18n.setText(state, 'console.print.lost');
        return;
      }
      st = r.body;
    }
    li.dataset.jobState = st.state;
    if (st.state === 'failed') {
      i18n.setText(state, 'console.print.failed');
      return;
    }
    i18n.setText(state, job.kind === 'tags' ? 'console.print.done_tags' : 'console.print.done', { total: st.total });
    const link = el('a', { class: 'button', href: `/api/v1/admin/print-jobs/${job.id}/pdf`, download: '', id: `print-download-${job.id}`, 'data-download': job.kind },
      text('span', 'console.print.download'));
    // Fetching the tags records them as printed: count again once it is.
    link.addEventListener('click', () => {
      if (job.kind !== 'tags') return;
      const before = info.not_printed;
      let tries = 0;
      const again = async () => {
        await refreshCounts();
        if (!ctx.stale() && info.not_printed === before && ++tries < 20) setTimeout(again, 250);
      };
      setTimeout(again, 250);
    });
    actions.append(link);
  };

  const submit = async (line, body, labelKey, button) => {
    showMessage(line, null);
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    const r = await ctx.call('POST', `/api/v1/admin/events/${eventId}/print-jobs`, body);
    button.removeAttribute('aria-disabled');
    if (ctx.stale()) return;
    if (r.status === 202) {
      follow(r.body, labelKey);
      return;
    }
    const why = refusal(r);
    if (why) {
      showMessage(line, why.key, why.args);
    } else {
      ctx.apiError(r);
    }
  };

  tagsForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const select = choose.querySelector('input:checked').value;
    const body = { kind: 'tags', layout: tagLayout.value, select };
    if (select === 'ids') {
      const ids = parseIds(idsInput.value);
      if (!ids || ids.length === 0) {
        showMessage(tagsError, ids ? 'console.print.error.required' : 'console.print.error.not_an_id');
        idsInput.focus();
        return;
      }
      body.ids = ids;
    }
    submit(tagsError, body, 'console.print.job_tags', tagsButton);
  });
  walkForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(walkError, {
      kind: 'walk_in', layout: walkLayout.value, first_name: walkFirst.value,
      last_name: walkLast.value, company: walkCompany.value, role: walkRole.value,
    }, 'console.print.job_walk_in', walkForm.querySelector('button'));
  });
  passForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ids = parseIds(passId.value);
    if (!ids || ids.length !== 1) {
      showMessage(passError, 'console.print.error.not_an_id');
      passId.focus();
      return;
    }
    submit(passError, { kind: 'pass', attendee_id: ids[0] }, 'console.print.job_pass', passForm.querySelector('button'));
  });
  progForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit(progError, { kind: 'programme', lang: progLang.value }, 'console.print.job_programme', progForm.querySelector('button'));
  });

  const render = () => {
    dates.textContent = eventDates(event, i18n.getLang());
    showCounts();
    roleOptions();
    relabelLayouts(tagLayout, info.layouts);
    relabelLayouts(walkLayout, info.layouts);
  };
  ctx.onLang(render);
  render();
}

export const routes = [
  { path: /^print$/, render: chooseView },
  { path: /^events\/(\d+)\/print$/, render: printView },
];
