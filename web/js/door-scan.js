// What the door page decides and sends, apart from how it shows it: a
// scan (a pass code, or a person found by name) becomes an answer
// {result, checkpoint, attendee, first_checkin, checkin_id}. Online the
// server decides and records the check-in in one request (sendCheckin);
// decideScan is the one place the page asks, so that a local decision
// (the offline copy, door-offline.js) stands in for the server's here
// alone: when the server cannot be reached, or is known not to be.
import { api } from './api.js';
import * as offline from './door-offline.js';

const ONLINE_WAIT_MS = 5000; // a server that does not answer is as good as gone
/** Statuses of a proxy in front of a server that is down. */
const UNREACHABLE = [0, 502, 503, 504];
let reachable = true;
const listeners = [];

/** Whether the server answered the last time it was asked. */
export function isReachable() {
  return reachable;
}

/** Say whether the server answers (a scan, a probe, a sync); fn(reachable) is told of a change. */
export function setReachable(yes) {
  if (yes === reachable) return;
  reachable = yes;
  for (const fn of listeners) fn(yes);
}

export function onReachable(fn) {
  listeners.push(fn);
}

export function unreachable(status) {
  return UNREACHABLE.includes(status);
}

/** A pass code as printed or typed: a prefix, then 27 characters of base32. */
const PASS_CODE = /^[A-Z0-9]{1,6}[A-Z2-7]{27}$/;

/**
 * Whether text typed into the name search is a pass code (a scanner typed
 * it while the search had the focus): blanks and dashes of the printed
 * groups aside, in any case, with 0 and 1 for O and I after the prefix.
 */
export function looksLikePassCode(text) {
  const plain = String(text).replace(/[\s\u00a0\u2010-\u2015\u2212-]/g, '').toUpperCase();
  if (plain.length < 28 || plain.length > 33) return false;
  const cut = plain.length - 27;
  return PASS_CODE.test(plain.slice(0, cut) + plain.slice(cut).replace(/0/g, 'O').replace(/1/g, 'I'));
}

function nonce() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Send one check-in to the server: scan is {code} or {attendee_id}, with
 * the checkpoint; the nonce makes a retry of the same scan safe. Resolves
 * to {status, answer} (answer null unless 200), status 0 when the server
 * could not be reached.
 */
export async function sendCheckin(scan, checkpoint, csrf) {
  const body = { ...scan, checkpoint, nonce: scan.nonce || nonce() };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), ONLINE_WAIT_MS);
  const r = await api('POST', '/api/v1/checkins', { body, headers: { 'X-CSRF-Token': csrf }, signal: timeout.signal });
  clearTimeout(timer);
  return { status: r.status, answer: r.status === 200 && r.body ? r.body : null, response: r };
}

/**
 * Decide a scan: the server's answer to the check-in, or, when the server
 * cannot be reached, the copy's (answer.offline), queued for the server.
 * status 0 with no answer: neither could decide (no copy kept yet).
 */
export async function decideScan(scan, checkpoint, csrf) {
  const withNonce = { ...scan, nonce: scan.nonce || nonce() };
  if (reachable && navigator.onLine !== false && csrf) {
    const sent = await sendCheckin(withNonce, checkpoint, csrf);
    if (!unreachable(sent.status)) {
      if (sent.answer) offline.noteOnline(withNonce, checkpoint, sent.answer).catch(() => {});
      return sent;
    }
    setReachable(false);
  } else if (reachable) {
    setReachable(false);
  }
  const answer = await offline.decide(withNonce, checkpoint);
  return { status: answer ? 200 : 0, answer, response: { status: 0, body: null } };
}

/**
 * What a person found by name may do at the checkpoint, from what the
 * search says of them: "can_check_in", or why not ("already_checked_in",
 * "not_registered_here", "waitlisted", "cancelled"), as a scan would say.
 */
export function hitVerdict(hit) {
  if (hit.status === 'cancelled') return 'cancelled';
  if (hit.status !== 'confirmed') return 'waitlisted';
  if (!hit.signed_up) return 'not_registered_here';
  if (hit.checked_in_at) return 'already_checked_in';
  return 'can_check_in';
}
