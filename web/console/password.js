// Passwords in the console: changing one's own (any staff member, door
// accounts too, from the bar at the top), and showing a password the
// server made up, once, with a button to copy it.
import * as i18n from '../js/i18n.js';
import { el, text, copyText } from '../js/dom.js';
import { openDialog, busy, isBusy, clearSummary, apiErrorText } from './form.js';

/** The server's shortest new password (daemon/api-session.c). */
export const PASSWORD_MIN = 10;

/** A labelled password input with its hint and the place for its error. */
function passwordField(id, labelKey, autocomplete, hintKey) {
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hint = hintKey ? text('p', hintKey, hintKey.endsWith('_hint') ? { n: PASSWORD_MIN } : undefined, { class: 'field-hint', id: `${id}-hint` }) : null;
  const input = el('input', {
    id, type: 'password', autocomplete, required: true, 'aria-required': 'true',
    'aria-describedby': [hint && hint.id, error.id].filter(Boolean).join(' '),
  });
  const wrap = el('div', { class: 'field' }, text('label', labelKey, undefined, { for: id }), input, hint, error);
  return {
    wrap,
    input,
    clear() {
      delete error.dataset.i18n;
      error.textContent = '';
      error.hidden = true;
      input.removeAttribute('aria-invalid');
    },
    error(key, args) {
      i18n.setText(error, key, args);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    },
  };
}

/**
 * "Change my password": the current one and the new one twice. call is
 * the console's request function. Resolves to true when it is changed.
 */
export async function changeOwnPassword(call) {
  const current = passwordField('own-current', 'console.password.current', 'current-password');
  const fresh = passwordField('own-new', 'console.password.new', 'new-password', 'console.password.new_hint');
  const again = passwordField('own-again', 'console.password.again', 'new-password');
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'own-password-alert' });
  const intro = text('p', 'console.password.intro');
  let changed = false;
  await openDialog({
    id: 'own-password-dialog',
    headingKey: 'console.password.heading',
    content: [intro, summary, current.wrap, fresh.wrap, again.wrap],
    buttons: [
      { value: 'change', key: 'console.password.submit', className: 'button-primary', id: 'own-password-submit' },
      { value: null, key: 'console.dialog.cancel', id: 'own-password-cancel' },
    ],
    onSubmit: async (value, button) => {
      if (value !== 'change' || isBusy(button)) return false;
      for (const f of [current, fresh, again]) f.clear();
      clearSummary(summary);
      const errors = [];
      if (!current.input.value) errors.push([current, 'console.error.required']);
      if (!fresh.input.value) errors.push([fresh, 'console.error.required']);
      else if ([...fresh.input.value].length < PASSWORD_MIN) errors.push([fresh, 'console.password.too_short']);
      else if (again.input.value !== fresh.input.value) errors.push([again, 'console.password.mismatch']);
      if (errors.length) {
        for (const [f, key] of errors) f.error(key, { n: PASSWORD_MIN });
        i18n.setText(summary, 'console.form.errors', { n: errors.length });
        errors[0][0].input.focus();
        return false;
      }
      busy(button, true);
      const r = await call('POST', '/api/v1/session/password', { current: current.input.value, new: fresh.input.value });
      busy(button, false);
      if (r.status === 200 && r.body && r.body.changed) {
        changed = true;
        return true;
      }
      if (r.status === 401) return true; // the sign-in form is back
      const err = (r.body && r.body.error) || {};
      if (r.status === 422 && err.fields) {
        const byField = { current, new: fresh };
        let first = null;
        for (const [name, code] of Object.entries(err.fields)) {
          const f = byField[name];
          if (!f) continue;
          const key = code === 'wrong_password' ? 'console.password.wrong'
            : code === 'too_short' ? 'console.password.too_short' : 'console.error.required';
          f.error(key, { n: PASSWORD_MIN });
          if (!first) first = f;
        }
        i18n.setText(summary, 'console.form.errors', { n: Object.keys(err.fields).length });
        if (first) {
          if (first === current) current.input.value = '';
          first.input.focus();
        } else summary.focus();
        return false;
      }
      if (r.status === 429) {
        const wait = Number(r.headers && r.headers.get('Retry-After'));
        i18n.setText(summary, 'console.throttled', { minutes: Math.max(1, Math.ceil((wait || 60) / 60)) });
      } else {
        const { key, args } = apiErrorText(r);
        i18n.setText(summary, key, args);
      }
      summary.focus();
      return false;
    },
  });
  return changed;
}

/**
 * The password the server made up for name, shown once: in a read-only
 * field to select, with a copy button and the warning that it is not
 * shown again. headingKey (with {name}) heads it, unless it is in a dialog
 * that has its own heading.
 */
export function oneTimePassword({ name, password, idPrefix, headingKey }) {
  const fieldId = `${idPrefix}-password`;
  const copied = el('p', { class: 'save-status', role: 'status', id: `${idPrefix}-copied` });
  const input = el('input', {
    id: fieldId, type: 'text', readonly: true, value: password, class: 'one-time-value',
    autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': `${idPrefix}-once`,
  });
  const copy = text('button', 'console.password.copy', undefined, { type: 'button', class: 'button', id: `${idPrefix}-copy` });
  copy.addEventListener('click', async () => {
    const ok = await copyText(password, input);
    i18n.setText(copied, ok ? 'console.password.copied' : 'console.password.copy_failed');
  });
  input.addEventListener('focus', () => input.select());
  return el('div', { class: 'one-time', id: `${idPrefix}-one-time` },
    headingKey ? text('h2', headingKey, { name }, { id: `${idPrefix}-one-time-heading`, tabindex: '-1' }) : null,
    el('div', { class: 'field' },
      text('label', 'console.password.label', { name }, { for: fieldId }),
      el('div', { class: 'one-time-row' }, input, copy)),
    copied,
    text('p', 'console.password.once', undefined, { id: `${idPrefix}-once`, class: 'one-time-warning' }));
}
