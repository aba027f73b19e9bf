// Forms for the console's resources (events, ticket types, ...). A section
// describes its fields once, as a table like the server's; this module
// builds the labelled inputs, fills them from a row as the API shows it,
// reads them back in the API's form (kronor to öre, wall-clock times in
// the event's zone to ISO 8601 with the offset), places the server's field
// error codes beside their fields in the page's language, and handles a
// stale version (409 conflict) and the dialogs.
import * as i18n from '../js/i18n.js';
import { el, clear } from '../js/dom.js';
import {
  knownZone, isoToLocalInput, localInputToISO, oreToKronorInput, kronorInputToOre,
} from '../js/format.js';

const { t } = i18n;

/** Field error codes the server sends (and a few found here first). */
export const ERROR_CODES = ['required', 'invalid', 'too_long', 'out_of_range', 'invalid_time',
  'unknown_zone', 'not_a_choice', 'taken', 'before_start', 'before_open', 'unknown_field',
  'read_only', 'not_a_number', 'not_an_amount', 'nonexistent_time', 'needs_zone', 'unknown', 'duplicate',
  'too_many', 'not_the_org_number'];

/** Error codes of whole answers that have words of their own. */
export const API_CODES = ['not_found', 'forbidden', 'csrf', 'archived', 'in_use', 'conflict',
  'validation_failed', 'bad_request', 'payload_too_large', 'unsupported_media_type', 'internal',
  'unavailable', 'capacity_below_confirmed', 'quota_below_confirmed', 'too_many_attempts', 'last_organiser', 'clash',
  'not_retryable', 'nothing_to_pay', 'no_address', 'not_due'];

/** The message (key and arguments) for an answer that went wrong. */
export function apiErrorText(r) {
  if (r.status === 0) return { key: 'common.network_error' };
  const code = r.body && r.body.error && r.body.error.code;
  if (code && API_CODES.includes(code)) return { key: `console.api.${code}` };
  return { key: 'common.server_error', args: { status: r.status } };
}

function hasKey(key) {
  return t(key) !== key;
}

/** The words for a field's error code: the field's own, else the code's. */
function errorKey(prefix, name, code) {
  const own = `${prefix}.${name}.${code}`;
  if (hasKey(own)) return own;
  return ERROR_CODES.includes(code) ? `console.error.${code}` : 'console.error.invalid';
}

const TEXT_TYPES = new Set(['text', 'textarea', 'slug', 'code', 'email', 'zone']);

function sameValue(f, a, b) {
  if (f.type === 'time') {
    if (a === null || a === undefined || a === '') return b === null || b === undefined || b === '';
    return b !== null && b !== undefined && b !== '' && Date.parse(a) === Date.parse(b);
  }
  if (TEXT_TYPES.has(f.type)) return (a ?? '') === (b ?? '');
  return a === b;
}

/**
 * A form over fields, described as
 *   { name, type, required, max, lang, nullable, choices, choiceKey, hint, group }
 * with type one of text, textarea, slug, code, email, zone, time, int,
 * money, bool, choice. Labels are `${prefix}.${name}`, hints
 * `${prefix}.${name}_hint`, groups' legends `${prefix}.group.${group}`, the
 * words for an error `${errorPrefix}.${name}.${code}` if there are any.
 * zone() names the time zone the time fields are read and shown in, or
 * zoneField the field of this form that does.
 */
export function resourceForm({ fields, prefix, idPrefix, zone: zoneOf, zoneField = null, groups = null, errorPrefix = prefix }) {
  const parts = new Map(); // name -> { f, input, error, yours, wrap }
  const zone = () => (zoneField && parts.has(zoneField) ? parts.get(zoneField).input.value.trim() : zoneOf());
  const element = el('div', { class: 'resource-fields' });
  const zoneHints = [];

  function idOf(name) {
    return `${idPrefix}-${name.replace(/_/g, '-')}`;
  }

  function build(f) {
    const id = idOf(f.name);
    const described = [];
    let hint = null;
    if (f.hint) {
      hint = el('p', { class: 'field-hint', id: `${id}-hint`, 'data-i18n': `${prefix}.${f.name}_hint` }, t(`${prefix}.${f.name}_hint`));
      described.push(hint.id);
    }
    let zoneHint = null;
    if (f.type === 'time') {
      zoneHint = el('p', { class: 'field-hint', id: `${id}-zone` });
      zoneHints.push(zoneHint);
      described.push(zoneHint.id);
    }
    const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const yours = el('div', { class: 'yours', id: `${id}-yours`, hidden: true });
    described.push(error.id, yours.id);
    const common = {
      id, name: f.name, 'aria-describedby': described.join(' '),
      required: f.required || null, 'aria-required': f.required ? 'true' : null, lang: f.lang || null,
    };
    let input;
    switch (f.type) {
      case 'textarea':
        input = el('textarea', { ...common, rows: f.rows || 4, maxlength: f.max });
        break;
      case 'time':
        input = el('input', { ...common, type: 'datetime-local', step: 60 });
        break;
      case 'int':
        input = el('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'input-short' });
        break;
      case 'money':
        input = el('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'input-short' });
        break;
      case 'bool':
        input = el('input', { ...common, type: 'checkbox' });
        break;
      case 'choice':
        input = el('select', common);
        for (const c of f.choices) {
          input.append(el('option', { value: String(c), 'data-i18n': f.choiceKey(c) }, t(f.choiceKey(c))));
        }
        break;
      case 'email':
        input = el('input', { ...common, type: 'email', maxlength: f.max, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' });
        break;
      case 'slug':
      case 'code':
      case 'zone':
        input = el('input', {
          ...common, type: 'text', maxlength: f.max, autocomplete: 'off', spellcheck: 'false',
          autocapitalize: f.type === 'code' ? 'characters' : 'off',
          class: f.type === 'code' ? 'input-short' : null,
          list: f.type === 'zone' ? `${id}-zones` : null,
        });
        break;
      default:
        input = el('input', { ...common, type: 'text', maxlength: f.max, autocomplete: 'off' });
    }
    const labelText = el('span', { 'data-i18n': `${prefix}.${f.name}` }, t(`${prefix}.${f.name}`));
    const mark = f.required
      ? [' ', el('span', { class: 'required-mark', 'data-i18n': 'console.form.required' }, t('console.form.required'))]
      : [];
    let wrap;
    if (f.type === 'bool') {
      wrap = el('div', { class: 'field field-check' },
        el('div', { class: 'check' }, input, el('label', { for: id }, labelText)),
        hint, error, yours);
    } else {
      wrap = el('div', { class: 'field' }, el('label', { for: id }, labelText, ...mark), input, hint, zoneHint, error, yours);
    }
    if (f.type === 'zone') {
      const list = el('datalist', { id: `${id}-zones` });
      const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Europe/Stockholm'];
      for (const z of zones) list.append(el('option', { value: z }));
      wrap.append(list);
      input.addEventListener('input', updateZoneHints);
    }
    parts.set(f.name, { f, input, error, yours, wrap });
    return wrap;
  }

  function updateZoneHints() {
    const z = zone();
    for (const p of zoneHints) {
      if (knownZone(z)) i18n.setText(p, 'console.form.time_hint', { tz: z });
      else i18n.setText(p, 'console.form.time_hint_nozone');
    }
  }

  if (groups) {
    for (const g of groups) {
      const legendKey = `${prefix}.group.${g}`;
      const fs = el('fieldset', { class: 'panel form-group' },
        el('legend', {}, el('h2', { 'data-i18n': legendKey }, t(legendKey))));
      for (const f of fields.filter((x) => x.group === g)) fs.append(build(f));
      element.append(fs);
    }
  } else {
    for (const f of fields) element.append(build(f));
  }
  updateZoneHints();

  // ------------------------------------------------------- raw <-> values

  function rawOf(name) {
    const { f, input } = parts.get(name);
    return f.type === 'bool' ? input.checked : input.value;
  }

  function setRaw(name, raw) {
    const { f, input } = parts.get(name);
    if (f.type === 'bool') input.checked = Boolean(raw);
    else input.value = raw;
  }

  function rawFromValue(f, v) {
    switch (f.type) {
      case 'time': return v ? isoToLocalInput(v) : '';
      case 'money': return oreToKronorInput(v || 0, i18n.getLang());
      case 'int': return v === null || v === undefined ? '' : String(v);
      case 'bool': return Boolean(v);
      case 'choice': return String(v);
      default: return v ?? '';
    }
  }

  /** The API value of one field, or { error, args } when it cannot be read. */
  function valueOf(name) {
    const { f, input } = parts.get(name);
    const raw = rawOf(name);
    switch (f.type) {
      case 'bool':
        return { value: raw };
      case 'choice':
        return { value: typeof f.choices[0] === 'number' ? Number(raw) : raw };
      case 'int': {
        const s = raw.replace(/[\s\u00a0\u202f]/g, '');
        if (s === '') return f.nullable ? { value: null } : { value: f.empty ?? 0 };
        if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) return { error: 'not_a_number' };
        return { value: Number(s) };
      }
      case 'money': {
        if (!raw.trim()) return { value: 0 };
        const ore = kronorInputToOre(raw);
        return ore === null ? { error: 'not_an_amount' } : { value: ore };
      }
      case 'time': {
        if (input.validity && input.validity.badInput) return { error: 'invalid_time' };
        if (!raw) return f.nullable ? { value: null } : { error: 'required' };
        const z = zone();
        if (!knownZone(z)) return { error: 'needs_zone' };
        const iso = localInputToISO(raw, z);
        return iso ? { value: iso } : { error: 'nonexistent_time', args: { tz: z } };
      }
      case 'zone': {
        const s = raw.trim();
        if (!s) return f.required ? { error: 'required' } : { value: s };
        return knownZone(s) ? { value: s } : { error: 'unknown_zone' };
      }
      case 'code':
        return checkRequired(f, raw.trim().toUpperCase());
      case 'textarea':
        return checkRequired(f, raw.replace(/^\s+|\s+$/g, ''));
      default:
        return checkRequired(f, raw.trim());
    }
  }

  function checkRequired(f, s) {
    return f.required && s === '' ? { error: 'required' } : { value: s };
  }

  // --------------------------------------------------------------- errors

  function clearErrors() {
    for (const { input, error } of parts.values()) {
      delete error.dataset.i18n;
      delete error.dataset.i18nArgs;
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
    }
  }

  function showError(name, key, args) {
    const p = parts.get(name);
    if (!p) return false;
    i18n.setText(p.error, key, args);
    p.error.hidden = false;
    p.input.setAttribute('aria-invalid', 'true');
    return true;
  }

  /**
   * Codes by field ({"slug": "taken"}) beside their fields, in the order of
   * the form; the first gets the focus. Returns the codes that have no
   * field here (for the form's summary).
   */
  function showErrors(codes, args = {}) {
    const unplaced = [];
    let first = null;
    const names = [...parts.keys()];
    const keys = Object.keys(codes).sort((a, b) => {
      const ia = names.indexOf(a);
      const ib = names.indexOf(b);
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    });
    for (const name of keys) {
      if (!parts.has(name)) {
        unplaced.push([name, String(codes[name])]);
        continue;
      }
      showError(name, errorKey(errorPrefix, name, String(codes[name])), args[name]);
      if (!first) first = parts.get(name).input;
    }
    if (first) first.focus();
    return unplaced;
  }

  // ----------------------------------------------------- reading, writing

  // Typing marks the form unsaved until it is filled again (loaded or
  // saved): the console asks before leaving a view with such a form.
  element.addEventListener('input', () => { element.dataset.unsaved = 'true'; });

  function fill(row) {
    delete element.dataset.unsaved;
    for (const [name, { f }] of parts) setRaw(name, rawFromValue(f, row[name]));
    hideYours();
    updateZoneHints();
  }

  /** Every field's value: { values, errors } (errors: name -> {error,args}). */
  function read() {
    const values = {};
    const errors = {};
    for (const name of parts.keys()) {
      const v = valueOf(name);
      if ('error' in v) errors[name] = v;
      else values[name] = v.value;
    }
    return { values, errors };
  }

  /** Only what differs from base, the row as last read. */
  function changes(base) {
    const { values, errors } = read();
    const changed = {};
    for (const [name, v] of Object.entries(values)) {
      if (!sameValue(parts.get(name).f, v, base[name])) changed[name] = v;
    }
    return { changes: changed, errors };
  }

  function showLocalErrors(errors) {
    const codes = {};
    const args = {};
    for (const [name, e] of Object.entries(errors)) {
      codes[name] = e.error;
      args[name] = e.args;
    }
    return showErrors(codes, args);
  }

  // ---------------------------------------------- a stale version (409)

  /** A value as words: an option's label, yes/no, "(empty)" or the text. */
  function display(f, raw) {
    if (f.type === 'bool') {
      const key = raw ? 'common.yes' : 'common.no';
      return el('span', { 'data-i18n': key }, t(key));
    }
    if (f.type === 'choice') {
      const key = f.choiceKey(typeof f.choices[0] === 'number' ? Number(raw) : raw);
      return el('span', { 'data-i18n': key }, t(key));
    }
    if (raw === '' || raw === null || raw === undefined) {
      return el('span', { class: 'muted', 'data-i18n': 'console.form.empty' }, t('console.form.empty'));
    }
    return el('span', { class: 'value-text' }, f.type === 'time' ? raw.replace('T', ' ') : raw);
  }

  function hideYours() {
    for (const p of parts.values()) {
      clear(p.yours);
      p.yours.hidden = true;
      p.wrap.classList.remove('has-yours');
    }
  }

  /** Beside the field: what this person had typed, and a button to take it back. */
  function showYours(name, raw) {
    const p = parts.get(name);
    const use = el('button', { type: 'button', class: 'button button-small', 'data-i18n': 'console.conflict.use_yours' }, t('console.conflict.use_yours'));
    use.addEventListener('click', () => {
      setRaw(name, raw);
      clear(p.yours);
      p.yours.hidden = true;
      p.wrap.classList.remove('has-yours');
      if (p.f.type === 'zone') updateZoneHints();
      p.input.focus();
    });
    clear(p.yours).append(
      el('p', {}, el('span', { 'data-i18n': 'console.conflict.yours' }, t('console.conflict.yours')), ' ', display(p.f, raw)),
      use);
    p.yours.hidden = false;
    p.wrap.classList.add('has-yours');
  }

  /**
   * Someone else saved first. The panel says so and lists what they
   * changed; "Load the current version" fills the form with it, keeps
   * what this person typed in the fields the other did not change, and
   * shows it beside every field both changed, each with a button to take
   * it back. onLoad(current) makes current the
   * new base, so the next save names its version.
   */
  function conflict(panelHost, base, current, onLoad) {
    clear(panelHost);
    const theirs = [];
    for (const [name, { f }] of parts) {
      if (!sameValue(f, base[name], current[name])) theirs.push(name);
    }
    const list = el('ul', { class: 'conflict-list' });
    for (const name of theirs) {
      const { f } = parts.get(name);
      list.append(el('li', {},
        el('span', { class: 'conflict-field', 'data-i18n': `${prefix}.${name}` }, t(`${prefix}.${name}`)), ': ',
        display(f, rawFromValue(f, current[name]))));
    }
    const load = el('button', { type: 'button', class: 'button button-primary', id: `${idPrefix}-load-current`, 'data-i18n': 'console.conflict.load' }, t('console.conflict.load'));
    const panel = el('div', { class: 'conflict', role: 'alert', tabindex: '-1', id: `${idPrefix}-conflict` },
      el('h2', { 'data-i18n': 'console.conflict.heading' }, t('console.conflict.heading')),
      el('p', { 'data-i18n': 'console.conflict.text' }, t('console.conflict.text')),
      theirs.length
        ? [el('p', { 'data-i18n': 'console.conflict.they_changed' }, t('console.conflict.they_changed')), list]
        : el('p', { 'data-i18n': 'console.conflict.elsewhere' }, t('console.conflict.elsewhere')),
      el('p', {}, load));
    load.addEventListener('click', () => {
      // What this person changed: typed, and not what they had read.
      const mine = new Map();
      for (const [name, { f }] of parts) {
        const raw = rawOf(name);
        if (raw !== rawFromValue(f, base[name])) mine.set(name, raw);
      }
      fill(current);
      // A field only this person changed keeps their typing; one both
      // changed shows theirs, with this person's beside it.
      let firstYours = null;
      let kept = false;
      for (const [name, raw] of mine) {
        if (sameValue(parts.get(name).f, base[name], current[name])) {
          setRaw(name, raw);
          kept = true;
        } else if (raw !== rawOf(name)) {
          showYours(name, raw);
          if (!firstYours) firstYours = parts.get(name).input;
        }
      }
      if (kept) updateZoneHints();
      clear(panelHost);
      const notice = el('p', { class: 'notice', role: 'status', tabindex: '-1', id: `${idPrefix}-loaded`,
        'data-i18n': firstYours ? 'console.conflict.loaded_yours' : 'console.conflict.loaded' },
      t(firstYours ? 'console.conflict.loaded_yours' : 'console.conflict.loaded'));
      panelHost.append(notice);
      onLoad(current);
      notice.focus();
    });
    panelHost.append(panel);
    panel.focus();
  }

  return {
    element,
    fill,
    /** What was typed is stored (a form not filled again from a row). */
    markSaved: () => { delete element.dataset.unsaved; },
    read,
    changes,
    clearErrors,
    showError,
    showErrors,
    showLocalErrors,
    conflict,
    hideYours,
    updateZoneHints,
    input: (name) => parts.get(name).input,
    has: (name) => parts.has(name),
    label: (name) => `${prefix}.${name}`,
  };
}

// --------------------------------------------------------------- saving

/**
 * What an answer that is not 2xx means for a form: field errors beside
 * their fields, a stale version as a conflict, the numbers of a quota or
 * capacity below the seats confirmed. summary is the form's own alert.
 */
/**
 * Save an edit form on submit: the fields changed since the row last read
 * (getBase()), with its version, by PATCH to path; then the saved row
 * (setBase(row)), or the errors beside their fields and, on a conflict,
 * the current copy to load (setBase() too).
 */
/** Whether a form of the page has typing not yet saved. */
export function unsavedForm(root = document) {
  return root.querySelector('.resource-fields[data-unsaved="true"]');
}

export function saveOnSubmit(ctx, { form, shell, path, getBase, setBase }) {
  shell.node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(shell.submit)) return;
    form.clearErrors();
    clearSummary(shell.summary);
    clearSummary(shell.saved);
    const { changes, errors } = form.changes(getBase());
    if (Object.keys(errors).length) {
      showLocalErrors(form, shell.summary, errors);
      return;
    }
    if (!Object.keys(changes).length) {
      i18n.setText(shell.saved, 'console.form.nothing_changed');
      return;
    }
    busy(shell.submit, true, 'console.form.saving');
    const res = await ctx.call('PATCH', path, { version: getBase().version, ...changes });
    busy(shell.submit, false, 'console.form.save');
    if (ctx.stale() || res.status === 401) return;
    if (res.status === 200 && res.body) {
      form.fill(res.body);
      clear(shell.conflictHost);
      setBase(res.body);
      i18n.setText(shell.saved, 'console.form.saved');
      return;
    }
    showSaveError(res, { form, summary: shell.summary, conflictHost: shell.conflictHost, base: getBase(), onCurrent: setBase });
  });
}

export function showSaveError(r, { form, summary, conflictHost, base, onCurrent }) {
  const err = (r.body && r.body.error) || {};
  clearSummary(summary);
  if (r.status === 409 && err.code === 'conflict' && err.current && conflictHost) {
    form.conflict(conflictHost, base, err.current, onCurrent);
    return;
  }
  if (r.status === 409 && (err.code === 'quota_below_confirmed' || err.code === 'capacity_below_confirmed')) {
    const name = err.code === 'quota_below_confirmed' ? 'quota' : 'capacity';
    const f = err.fields || {};
    const args = { asked: f[name], confirmed: f.confirmed };
    form.showError(name, `console.error.${err.code}`, args);
    i18n.setText(summary, `console.error.${err.code}`, args);
    form.input(name).focus();
    return;
  }
  if (r.status === 422 && err.fields && Object.keys(err.fields).length) {
    const unplaced = form.showErrors(err.fields);
    i18n.setText(summary, unplaced.length ? 'console.form.errors_other' : 'console.form.errors',
      { n: Object.keys(err.fields).length, other: unplacedWords(unplaced) });
    if (!Object.keys(err.fields).some((k) => form.has(k))) summary.focus();
    return;
  }
  const { key, args } = apiErrorText(r);
  i18n.setText(summary, key, args);
  summary.focus();
}

/** Errors with no field in the form ([name, code] pairs), as words for its summary. */
export function unplacedWords(unplaced) {
  return unplaced.map(([name, code]) => `${name}: ${t(ERROR_CODES.includes(code) ? `console.error.${code}` : 'console.error.invalid')}`).join(' ');
}

export function clearSummary(summary) {
  delete summary.dataset.i18n;
  delete summary.dataset.i18nArgs;
  summary.textContent = '';
}

/** The form's summary of errors found before sending. */
export function showLocalErrors(form, summary, errors) {
  form.showLocalErrors(errors);
  i18n.setText(summary, 'console.form.errors', { n: Object.keys(errors).length });
}

/** A button that ignores clicks while its request is on its way. */
export function busy(button, on, key) {
  if (on) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
  if (key) i18n.setText(button, key);
}

export function isBusy(button) {
  return button.getAttribute('aria-disabled') === 'true';
}

// -------------------------------------------------------------- dialogs

/**
 * A modal <dialog> with a heading, content and buttons; resolves to the
 * value of the button pressed (or null: Escape). The focus goes back to
 * where it was. onSubmit(value) may return false to keep it open (errors).
 */
export function openDialog({ headingKey, headingArgs, content = [], buttons, onSubmit, id }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const headingId = `${id}-heading`;
    const form = el('form', { method: 'dialog', novalidate: true });
    const dialog = el('dialog', { id, 'aria-labelledby': headingId, class: 'console-dialog' },
      form);
    const heading = el('h2', { id: headingId });
    i18n.setText(heading, headingKey, headingArgs);
    const actions = el('div', { class: 'dialog-actions' });
    for (const b of buttons) {
      const button = el('button', {
        type: b.value === null ? 'button' : 'submit', value: b.value ?? '',
        class: `button ${b.className || ''}`, id: b.id || null, 'data-i18n': b.key,
        autofocus: b.autofocus || null,
      }, t(b.key));
      if (b.value === null) button.addEventListener('click', () => dialog.close(''));
      actions.append(button);
    }
    form.append(heading, ...content, actions);
    let result = null;
    form.addEventListener('submit', async (ev) => {
      const value = ev.submitter ? ev.submitter.value : '';
      ev.preventDefault();
      if (onSubmit) {
        const ok = await onSubmit(value, ev.submitter);
        if (ok === false) return;
      }
      result = value;
      dialog.close(value);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
