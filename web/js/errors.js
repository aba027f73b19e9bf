// The server's errors in the page's language. The server sends a code, its
// parameters and, for a field, a code per field ("attendees.0.email":
// "taken"); the words are here (web/i18n, "error.code.*" and
// "error.field.*"). An unknown code shows the server's own message, so a
// newer server is still readable, else a general sentence.
import { t, has } from './i18n.js';

/** Codes of the whole request that the catalogues word. */
export const ERROR_CODES = [
  'validation_failed', 'full', 'full_none', 'session_full', 'session_overlap',
  'registration_closed', 'idempotency_key_reused', 'not_found', 'no_pass',
  'internal', 'unavailable', 'payload_too_large', 'unsupported_media_type',
  'invalid_utf8', 'bad_request', 'method_not_allowed', 'not_implemented',
  'expectation_failed', 'too_many_attempts',
];

/** Codes of one field, worded by field where it says more. */
export const FIELD_CODES = ['required', 'too_long', 'invalid', 'taken', 'not_a_choice', 'out_of_range', 'full', 'unknown'];
export const FIELD_WORDS = [
  'email.invalid', 'email.taken', 'phone.invalid', 'ticket_type.required', 'ticket_type.invalid',
  'ticket_type.not_a_choice', 'privacy_accepted.required', 'invitation.unknown', 'invitation.invalid',
  'sessions.full', 'sessions.not_a_choice', 'sessions.invalid', 'sessions.overlap', 'attendees.required',
  'attendees.out_of_range',
];

function params(err) {
  return err && err.params && typeof err.params === 'object' ? err.params : {};
}

/** The words for an error answer {status, body}; fallbackKey for an unknown one. */
export function errorText(res, fallbackKey = 'common.server_error') {
  if (!res || res.status === 0) return t('common.network_error');
  const err = res.body && res.body.error;
  const code = err && typeof err.code === 'string' ? err.code : null;
  if (code === 'full') {
    const left = Number(params(err).left);
    if (Number.isInteger(left) && left > 0) return t('error.code.full', { n: left });
    return t('error.code.full_none');
  }
  if (code && has(`error.code.${code}`)) return t(`error.code.${code}`, params(err));
  if (err && typeof err.message === 'string' && err.message) return err.message;
  return t(fallbackKey, { status: res.status });
}

/**
 * The words for one field's code: path "attendees.0.email", code "taken";
 * extra: {max} for too_long, {title} for a full session. An unknown code
 * is shown as the field needing attention.
 */
export function fieldText(path, code, extra = {}) {
  const field = String(path).split('.').pop();
  const c = String(code);
  if (has(`error.field.${field}.${c}`)) return t(`error.field.${field}.${c}`, extra);
  if (FIELD_CODES.includes(c)) {
    if (c === 'too_long' && !extra.max) return t('error.field.too_long_plain');
    return t(`error.field.${c}`, { n: extra.max, ...extra });
  }
  return t('error.field.other');
}
