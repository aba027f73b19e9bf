// "Send me my link" (link.html): anyone types an email address and, if a
// registration of the current event has it, its private link is mailed to
// that address (POST /api/v1/link). The page says the same for any address
// (the server answers the same), so it tells no one whether an address is
// registered. Asking too often is refused by the server (429 with
// Retry-After), worded here in the page's language.
import { api } from './api.js';
import { errorText, fieldText } from './errors.js';
import * as i18n from './i18n.js';

const { t } = i18n;

const form = document.getElementById('link-form');
const input = document.getElementById('link-email');
const fieldError = document.getElementById('link-email-error');
const alertBox = document.getElementById('link-alert');
const status = document.getElementById('link-status');
const submit = document.getElementById('link-submit');

// What the page shows now, worded again when the language changes.
let shown = null; // { kind: 'sent' | 'throttled' | 'field' | 'error', ... }
let busy = false;

function render() {
  alertBox.textContent = '';
  status.textContent = '';
  fieldError.textContent = '';
  fieldError.hidden = true;
  input.removeAttribute('aria-invalid');
  if (!shown) return;
  if (shown.kind === 'sent') {
    status.textContent = t('link.sent', { email: shown.email });
  } else if (shown.kind === 'throttled') {
    alertBox.textContent = shown.minutes > 0
      ? t('link.throttled', { n: shown.minutes }) : t('link.throttled_soon');
  } else if (shown.kind === 'field') {
    fieldError.textContent = fieldText('email', shown.code);
    fieldError.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  } else {
    alertBox.textContent = errorText(shown.res);
  }
}

/** Whole minutes until the server takes a new ask (Retry-After, seconds). */
function minutesOf(res) {
  const secs = Number(res.headers && res.headers.get('Retry-After'));
  return Number.isFinite(secs) && secs > 0 ? Math.ceil(secs / 60) : 0;
}

function fieldCode(res) {
  const err = res.body && res.body.error;
  const code = err && err.fields && err.fields.email;
  return typeof code === 'string' ? code : null;
}

async function onSubmit(ev) {
  ev.preventDefault();
  if (busy) return;
  const email = input.value.trim();
  if (!email) {
    shown = { kind: 'field', code: 'required' };
    render();
    input.focus();
    return;
  }
  busy = true;
  submit.disabled = true;
  // The answer to an earlier ask goes: what shows next is this one's.
  shown = null;
  render();
  const res = await api('POST', '/api/v1/link', { body: { email } });
  busy = false;
  submit.disabled = false;
  if (res.status === 202) {
    shown = { kind: 'sent', email };
    render();
    status.focus();
    return;
  }
  const code = res.body && res.body.error && res.body.error.code;
  if (res.status === 429 && code === 'too_many_requests') {
    shown = { kind: 'throttled', minutes: minutesOf(res) };
  } else if (res.status === 422 && fieldCode(res)) {
    shown = { kind: 'field', code: fieldCode(res) };
  } else {
    shown = { kind: 'error', res };
  }
  render();
  if (shown.kind === 'field') input.focus();
  else alertBox.focus();
}

async function main() {
  await i18n.init();
  i18n.onChange(render);
  form.addEventListener('submit', onSubmit);
}

main();
