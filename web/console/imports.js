// Console section: imports of an event's attendees or speakers from a CSV
// file (as Excel saves it: semicolons or commas, UTF-8 or Windows-1252).
// A file chosen (or dropped on the page) is sent for a preview
// (?dry_run=1): every row with what it would get and its problems, which
// the server sends as codes on their row and column and this page words,
// marked on their cells. Only a clean preview can be imported; the
// server writes the whole file or nothing.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { rememberEvent, defaultEventId, eventPicker } from './events.js';
import { num } from './list.js';

const { t } = i18n;

export const section = { id: 'imports', navKey: 'console.nav.imports', href: () => '#/imports' };

/** The columns of each kind, in the order the table shows them. */
const COLUMNS = {
  attendees: ['first_name', 'last_name', 'email', 'company', 'job_title', 'phone', 'dietary',
    'ticket_type', 'sessions'],
  speakers: ['name', 'company', 'title', 'bio'],
};
/** Rows drawn at most; the rows with problems are drawn whatever their number. */
const ROWS_SHOWN = 500;
const SEPARATORS = { ';': 'semicolon', ',': 'comma', '\t': 'tab' };

function columnName(kind, column) {
  return t(`console.imports.column.${kind}.${column}`);
}

/** The words of one problem: its column's own, else the code's, else "invalid". */
export function problemText(kind, column, problem) {
  const params = { ...(problem.params || {}) };
  if (params.column) params.column = columnName(kind, params.column);
  for (const key of [`console.imports.error.${column}.${problem.code}`,
    `console.imports.error.${problem.code}`, `console.error.${problem.code}`]) {
    if (t(key) !== key) return { key, args: params };
  }
  return { key: 'console.error.invalid', args: params };
}

async function chooseView(ctx) {
  ctx.title('console.imports.title');
  const id = await defaultEventId(ctx);
  if (ctx.stale()) return;
  if (id) {
    ctx.replace(`#/events/${id}/imports`);
    return;
  }
  ctx.root.append(text('h1', 'console.imports.title'),
    el('p', {}, text('span', 'console.imports.no_events'), ' ',
      text('a', 'console.events.new', undefined, { href: '#/events/new' })));
}

/** The kind of file: attendees or speakers; returns { node, value() }. */
function kindChoice(initial, onChange) {
  const fs = el('fieldset', { class: 'export-choice' }, text('legend', 'console.imports.kind'));
  for (const kind of ['attendees', 'speakers']) {
    const id = `import-kind-${kind}`;
    const input = el('input', { type: 'radio', name: 'import-kind', id, value: kind, checked: kind === initial });
    input.addEventListener('change', onChange);
    fs.append(el('div', { class: 'check' }, input,
      text('label', `console.imports.kind_${kind}`, undefined, { for: id })));
  }
  return { node: fs, value: () => fs.querySelector('input:checked').value };
}

/** A table cell: the value as typed (any script, dir=auto) and its problem. */
function valueCell(kind, column, row) {
  const value = row.values[column];
  const problem = row.errors[column];
  const td = el('td', { 'data-column': column, 'data-label': columnName(kind, column) });
  td.append(el('span', { class: 'import-value', dir: 'auto' }, value ?? ''));
  if (problem) {
    const { key, args } = problemText(kind, column, problem);
    td.classList.add('import-bad');
    td.dataset.error = problem.code;
    td.append(text('span', key, args, { class: 'import-problem' }));
  }
  return td;
}

function previewTable(kind, preview) {
  const columns = COLUMNS[kind].filter((c) => preview.columns.some((h) => h.column === c));
  const head = el('tr', {}, text('th', 'console.imports.line', undefined, { scope: 'col' }),
    ...columns.map((c) => el('th', { scope: 'col', 'data-i18n': `console.imports.column.${kind}.${c}` }, columnName(kind, c))),
    text('th', 'console.imports.result', undefined, { scope: 'col' }));
  const body = el('tbody');
  let drawn = 0;
  for (const row of preview.rows) {
    const bad = Object.keys(row.errors).length > 0;
    if (!bad && drawn >= ROWS_SHOWN) continue;
    drawn++;
    const tr = el('tr', { 'data-line': String(row.line), class: bad ? 'import-row-bad' : null });
    tr.append(el('th', { scope: 'row', 'data-label': t('console.imports.line') }, String(row.line)));
    for (const c of columns) tr.append(valueCell(kind, c, row));
    const result = el('td', { class: 'import-result', 'data-label': t('console.imports.result') });
    if (row.errors.row) {
      const { key, args } = problemText(kind, 'row', row.errors.row);
      result.classList.add('import-bad');
      result.dataset.error = row.errors.row.code;
      result.append(text('span', key, args, { class: 'import-problem' }));
    } else if (bad) {
      result.append(text('span', 'console.imports.row_bad'));
    } else {
      result.append(text('span', row.status ? `console.imports.status.${row.status}` : 'console.imports.row_ok'));
    }
    tr.append(result);
    body.append(tr);
  }
  // A heading, not a caption: the table stacks its cells on a phone.
  return [text('h2', 'console.imports.preview_caption', undefined, { id: 'import-caption' }),
    el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'import-caption' },
      el('table', { class: 'data-table stack-table import-table', id: 'import-table', 'aria-labelledby': 'import-caption' },
        el('thead', {}, head), body))];
}

/** What the file as a whole gets wrong, and the columns left out. */
function fileNotes(kind, preview) {
  const box = el('div', { id: 'import-file-notes' });
  if (preview.errors.length > 0) {
    const ul = el('ul', { class: 'import-file-errors' });
    for (const e of preview.errors) {
      const { key, args } = problemText(kind, 'file', e);
      ul.append(text('li', key, args, { 'data-error': e.code }));
    }
    box.append(ul);
  }
  if (preview.unknown_columns.length > 0) {
    box.append(text('p', 'console.imports.unknown_columns', { names: preview.unknown_columns.join(', ') },
      { class: 'muted', dir: 'auto', id: 'import-unknown' }));
  }
  return box;
}

async function importView(ctx, eventText) {
  const eventId = Number(eventText);
  ctx.title('console.imports.title');
  const [evR, eventsR] = await Promise.all([
    ctx.call('GET', `/api/v1/admin/events/${eventId}`),
    ctx.call('GET', '/api/v1/admin/events?limit=200'),
  ]);
  if (ctx.stale()) return;
  if (evR.status !== 200) {
    ctx.root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.imports.title'),
      el('p', {}, text('a', 'console.events.back', undefined, { href: '#/events' })));
    if (evR.status !== 404) ctx.apiError(evR);
    return;
  }
  const event = evR.body;
  rememberEvent(eventId);
  ctx.title('console.imports.title_event', { name: event.name });
  const events = eventsR.status === 200 && eventsR.body ? eventsR.body.items : [event];
  if (!events.some((e) => e.id === event.id)) events.unshift(event);

  let file = null;
  let preview = null;
  const columnsHelp = el('p', { class: 'muted', id: 'import-columns-help' });
  const kind = kindChoice(ctx.query.get('kind') === 'speakers' ? 'speakers' : 'attendees', () => {
    setHelp();
    if (file) check();
  });
  const input = el('input', { type: 'file', id: 'import-file', accept: '.csv,.txt,text/csv,text/plain' });
  const drop = el('div', { class: 'import-drop', id: 'import-drop' },
    el('div', { class: 'field' }, text('label', 'console.imports.file', undefined, { for: 'import-file' }), input),
    text('p', 'console.imports.drop', undefined, { class: 'muted' }));
  const summary = el('div', { id: 'import-summary', role: 'status' });
  const result = el('div', { id: 'import-preview' });
  const button = text('button', 'console.imports.import', undefined,
    { type: 'button', class: 'button button-primary', id: 'import-submit', hidden: true });
  const setHelp = () => i18n.setText(columnsHelp, `console.imports.columns_${kind.value()}`);

  const show = (p, k) => {
    preview = p;
    clear(summary);
    clear(result);
    const args = { total: num(p.total), invalid: num(p.invalid),
      encoding: t(`console.imports.encoding.${p.encoding}`),
      separator: t(`console.imports.separator.${SEPARATORS[p.separator] || 'comma'}`) };
    summary.append(text('p', 'console.imports.summary', args));
    summary.append(p.valid
      ? text('p', 'console.imports.clean', undefined, { class: 'notice', id: 'import-clean' })
      : text('p', 'console.imports.not_clean', undefined, { class: 'import-alert', id: 'import-not-clean' }));
    result.append(fileNotes(k, p));
    if (p.rows.length > 0) result.append(...previewTable(k, p));
    if (p.rows.filter((r) => Object.keys(r.errors).length === 0).length > ROWS_SHOWN) {
      result.append(text('p', 'console.imports.shown_first', { shown: num(ROWS_SHOWN) }, { class: 'muted' }));
    }
    button.hidden = !p.valid;
  };

  const failed = (r) => {
    preview = null;
    button.hidden = true;
    clear(summary);
    clear(result);
    const code = r.body && r.body.error && r.body.error.code;
    const key = `console.imports.api.${code}`;
    if (code && t(key) !== key) summary.append(text('p', key, undefined, { class: 'import-alert', id: 'import-failed' }));
    else ctx.apiError(r);
  };

  const send = (dry) => {
    const path = `/api/v1/admin/events/${eventId}/imports/${kind.value()}${dry ? '?dry_run=1' : ''}`;
    return ctx.call('POST', path, new Blob([file], { type: 'text/csv' }));
  };

  const check = async () => {
    ctx.status(null);
    ctx.alert(null);
    button.hidden = true;
    clear(summary);
    clear(result);
    summary.append(text('p', 'console.imports.checking', undefined, { class: 'muted' }));
    const k = kind.value();
    const r = await send(true);
    if (ctx.stale() || k !== kind.value()) return;
    if (r.status === 200) show(r.body, k);
    else failed(r);
  };

  const choose = (f) => {
    if (!f) return;
    file = f;
    check();
  };
  input.addEventListener('change', () => choose(input.files[0]));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('import-drop-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('import-drop-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('import-drop-over');
    choose(e.dataTransfer.files[0]);
  });

  button.addEventListener('click', async () => {
    if (!preview || !preview.valid || !file) return;
    const k = kind.value();
    button.disabled = true;
    i18n.setText(button, 'console.imports.importing');
    const r = await send(false);
    if (ctx.stale()) return;
    button.disabled = false;
    i18n.setText(button, 'console.imports.import');
    if (r.status === 201) {
      button.hidden = true;
      clear(result);
      clear(summary);
      file = null;
      preview = null;
      input.value = '';
      ctx.status(`console.imports.done_${k}`, {
        imported: num(r.body.imported), confirmed: num(r.body.confirmed ?? 0),
        waitlisted: num(r.body.waitlisted ?? 0) });
      return;
    }
    // Refused after all (seats taken meanwhile): the rows that did not fit.
    const fields = r.body && r.body.error && r.body.error.fields;
    if ((r.status === 409 || r.status === 422) && fields && Array.isArray(fields.rows)) {
      show({ ...preview, valid: false, errors: fields.file || [], rows: fields.rows,
        invalid: fields.rows.length, total: preview.total }, k);
      return;
    }
    failed(r);
  });

  setHelp();
  ctx.root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}`, lang: 'sv' }, event.name)),
    text('h1', 'console.imports.title'),
    eventPicker(events, eventId, (id) => `#/events/${id}/imports`, 'console.imports.event'),
    text('p', 'console.imports.intro'),
    el('div', { class: 'panel' }, kind.node, columnsHelp, drop),
    summary, result, el('p', {}, button));
  ctx.onLang(() => {
    if (preview) show(preview, kind.value());
  });
}

export const routes = [
  { path: /^imports$/, render: chooseView },
  { path: /^events\/(\d+)\/imports$/, render: importView },
];
