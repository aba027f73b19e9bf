// Door check-in (door.html): staff log in, pick a checkpoint, and scan
// passes with a USB scanner (it types the code and Enter), the camera, or
// a name search. Every answer fills the screen in a colour with a sound,
// and the page is ready for the next scan at once: the focus goes back to
// the scan field after everything, and whatever has the focus, what a
// scanner types goes to the scan. Decisions and check-ins go through
// door-scan.js; a tag is printed from door-tag.html. When the server
// cannot be reached a banner says so, and scans are decided from the
// checkpoint's copy kept on the device (door-offline.js) and sent when the
// server answers again, with no action from the staff.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear, text } from './dom.js';
import { hhmm, datePart } from './format.js';
import {
  decideScan, hitVerdict, looksLikePassCode, isReachable, setReachable, onReachable, unreachable,
} from './door-scan.js';
import * as offline from './door-offline.js';

const { t } = i18n;
const RESULT_SHOWN_MS = 4000;
const SAME_CODE_PAUSE_MS = 3000; // the camera sees a badge many times a second
const COUNTER_POLL_MS = 5000;
const CHECKPOINT_KEY = 'techtank.checkpoint';
const WHO_KEY = 'techtank.door.who'; // who logged in, for a page loaded offline
const CHECKPOINTS_KEY = 'techtank.door.checkpoints';
const SYNC_MS = 30000; // the copy's delta, while online
const AGE_MS = 15000; // how old the copy is, said again

const $ = (id) => document.getElementById(id);
let csrf = null;
let resultTimer = null;
let pollTimer = null;
let camera = null; // { stream, timer, detector }
let lastCode = { code: null, at: 0 };
let audio = null;
let me = null; // { name, role } of who is logged in
let checkpoints = []; // [{ id, name, kind }]
let currentEvent; // the server's current event id, null: none; undefined: not known
let lastSearch = null; // the name search shown, to show it again after a check-in
let searchSeq = 0; // the latest search asked for: an older answer is not shown
let syncTimer = null;
let ageTimer = null;
let flushing = null; // the upload of the queue under way

function alertMsg(message) {
  $('door-alert').textContent = message || '';
}

/** Back to the scan field: the next scan must go there, whatever was used last. */
function focusScan() {
  const input = $('scan-input');
  // Where it is already, focusing again would only cost a layout.
  if (!$('scan-view').hidden && document.activeElement !== input) input.focus({ preventScroll: true });
}

function isTextField(node) {
  if (!node) return false;
  if (node.tagName === 'TEXTAREA' || node.isContentEditable) return true;
  return node.tagName === 'INPUT' && !['button', 'submit', 'reset', 'checkbox', 'radio'].includes(node.type);
}

/**
 * A USB scanner types the code and Enter into whatever has the focus. Where
 * that is not a field to type in (a button of the last answer, the
 * checkpoint list), the keys go to the scan field instead, so a button is
 * never pressed by the next code's Enter and no code is lost. A blank or an
 * Enter still presses a button as long as no code is being typed.
 */
function onKeyDown(ev) {
  if ($('scan-view').hidden || ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
  const input = $('scan-input');
  const active = document.activeElement;
  if (active === input || isTextField(active)) return;
  const typing = input.value !== '';
  if (ev.key.length === 1 && (ev.key !== ' ' || typing)) {
    ev.preventDefault();
    input.value += ev.key;
    focusScan();
  } else if (ev.key === 'Enter' && typing) {
    ev.preventDefault();
    takeScan();
  }
}

function checkpointName(id) {
  if (id === 'main') return t('door.main_entrance');
  const cp = checkpoints.find((c) => c.id === id);
  return cp ? i18n.pick(cp, 'name') : id;
}

function isOrganiser() {
  return !!me && me.role === 'organiser';
}

// ----------------------------------------------------------------- sound

function tone(freq, start, length) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = freq;
  osc.connect(gain);
  gain.connect(audio.destination);
  const at = audio.currentTime + start;
  gain.gain.setValueAtTime(0.25, at);
  gain.gain.exponentialRampToValueAtTime(0.001, at + length);
  osc.start(at);
  osc.stop(at + length);
}

/**
 * A distinct sound per result, so a glance is not needed: a high tone for
 * in, two middle tones for already in, and low patterns for each refusal.
 */
const SOUNDS = {
  ok: [[1320, 0, 0.15]],
  already_checked_in: [[660, 0, 0.12], [660, 0.18, 0.12]],
  unknown: [[180, 0, 0.5]],
  cancelled: [[300, 0, 0.2], [200, 0.22, 0.35]],
  waitlisted: [[220, 0, 0.1], [220, 0.15, 0.1], [220, 0.3, 0.1]],
  not_registered_here: [[260, 0, 0.15], [390, 0.18, 0.15], [260, 0.36, 0.15]],
  error: [[150, 0, 0.7]],
};

function sound(result) {
  try {
    audio = audio || new AudioContext();
    for (const [freq, start, length] of SOUNDS[result] || SOUNDS.error) tone(freq, start, length);
  } catch {
    // No audio here: the colours still tell.
  }
}

// ---------------------------------------------------------------- result

const KIND = {
  ok: 'ok',
  already_checked_in: 'warn',
  unknown: 'bad',
  cancelled: 'bad',
  waitlisted: 'bad',
  not_registered_here: 'bad',
};

function hideResult() {
  $('result').hidden = true;
  clearTimeout(resultTimer);
}

/** A button on the answer: it acts without closing it first, then back to the scan. */
function resultButton(key, action, cls = 'button') {
  const b = text('button', key, undefined, { type: 'button', class: cls });
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    action();
    focusScan();
  });
  return b;
}

function showResult(answer) {
  const box = $('result');
  const kind = KIND[answer.result] || 'bad';
  const a = answer.attendee;
  box.className = `result result--${kind}`;
  box.dataset.result = answer.result;
  i18n.setText($('result-headline'), `door.result.${answer.result}`);
  $('result-name').textContent = a ? a.name : '';
  $('result-company').textContent = a ? [a.company, i18n.pick(a, 'ticket_type')].filter(Boolean).join(' · ') : '';
  const cpId = answer.checkpoint || $('checkpoint').value;
  i18n.setText($('result-checkpoint'), 'door.result_at', { checkpoint: checkpointName(cpId) });
  const first = answer.first_checkin;
  const detail = $('result-detail');
  if (first && answer.result === 'already_checked_in') {
    if (first.by) i18n.setText(detail, 'door.first_checkin', { time: hhmm(first.at), by: first.by });
    else i18n.setText(detail, 'door.first_checkin_time', { time: hhmm(first.at) });
  } else if (answer.offline) {
    i18n.setText(detail, 'door.decided_here');
  } else {
    delete detail.dataset.i18n;
    detail.textContent = '';
  }
  const diet = $('result-dietary');
  if (a && typeof a.dietary === 'string') {
    if (a.dietary.trim()) i18n.setText(diet, 'door.dietary', { dietary: a.dietary });
    else i18n.setText(diet, 'door.dietary_none');
    diet.hidden = false;
  } else {
    diet.hidden = true;
  }
  const actions = clear($('result-actions'));
  if (a && !answer.offline && (answer.result === 'ok' || answer.result === 'already_checked_in')) {
    actions.append(resultButton('door.print_tag', () => printTag(a.id)));
  }
  if (isOrganiser() && answer.result === 'ok' && answer.checkin_id) {
    actions.append(resultButton('door.undo', () => undoCheckin(answer.checkin_id), 'button button-danger'));
  }
  box.hidden = false;
  sound(answer.result);
  clearTimeout(resultTimer);
  resultTimer = setTimeout(hideResult, RESULT_SHOWN_MS);
}

/** Organisers take back a check-in made by mistake (DELETE /api/v1/checkins/{id}). */
async function undoCheckin(id) {
  const r = await api('DELETE', `/api/v1/checkins/${encodeURIComponent(id)}`, { headers: { 'X-CSRF-Token': csrf } });
  if (r.status === 401) {
    showLogin(t('door.session_over'));
    return;
  }
  hideResult();
  if (r.status !== 200) {
    alertMsg(errorText(r));
    return;
  }
  alertMsg(t('door.undone'));
  refreshCounter();
  if (lastSearch) runSearch(lastSearch);
}

/**
 * The person's 4 x 3 inch name tag in a print view of its own, which opens
 * the browser's print dialog with the page size set; no check-in.
 */
function printTag(id) {
  const url = `door-tag.html?id=${encodeURIComponent(id)}&print=1&lang=${i18n.getLang()}`;
  window.open(url, '_blank', 'noopener');
}

// ----------------------------------------------------------------- scans

async function refreshCounter() {
  const r = await api('GET', '/api/v1/checkins/stats');
  // The counter's poll is also how the page learns the server is back.
  setReachable(!unreachable(r.status));
  if (r.status !== 200 || !r.body) return;
  const cp = r.body.checkpoints.find((c) => c.id === $('checkpoint').value) || r.body.checkpoints[0];
  if (cp) $('counter').textContent = t('door.counter', { n: cp.checked_in, of: cp.expected });
}

async function submitScan(scan) {
  hideResult();
  const { status, answer, response } = await decideScan(scan, $('checkpoint').value, csrf);
  if (status === 401) {
    showLogin(t('door.session_over'));
    return;
  }
  focusScan();
  if (!answer) {
    alertMsg(errorText(response));
    sound('error');
    return;
  }
  alertMsg('');
  showResult(answer);
  if (answer.offline) showQueue();
  else refreshCounter();
  if (scan.attendee_id && lastSearch) runSearch(lastSearch);
}

/** The code in the scan field, sent: the field is empty for the next one at once. */
function takeScan() {
  const input = $('scan-input');
  const code = input.value.trim();
  input.value = '';
  focusScan();
  if (code) submitScan({ code });
}

function onScanSubmit(ev) {
  ev.preventDefault();
  takeScan();
}

/**
 * A scanner's Enter, taken as it is pressed: the form's own submission
 * would first bring the whole page's layout up to date, a few
 * milliseconds a scan on a slow phone. The button still submits the form.
 */
function onScanKey(ev) {
  if (ev.key !== 'Enter' || ev.isComposing || ev.ctrlKey || ev.altKey || ev.metaKey) return;
  ev.preventDefault();
  takeScan();
}

// ---------------------------------------------------------------- camera

function decodeFrame(video, canvas) {
  const w = video.videoWidth;
  const h = video.videoHeight;
  if (!w || !h || typeof window.jsQR !== 'function') return null;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, w, h);
  const found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
  return found ? found.data : null;
}

async function detect() {
  const video = $('camera-video');
  let code = null;
  if (camera.detector) {
    try {
      const codes = await camera.detector.detect(video);
      code = codes.length ? codes[0].rawValue : null;
    } catch {
      code = null;
    }
  } else {
    code = decodeFrame(video, $('camera-canvas'));
  }
  if (!code) return;
  const now = Date.now();
  if (code === lastCode.code && now - lastCode.at < SAME_CODE_PAUSE_MS) return;
  lastCode = { code, at: now };
  submitScan({ code });
}

async function startCamera() {
  const video = $('camera-video');
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    let detector = null;
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      } catch {
        detector = null;
      }
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    camera = { stream, detector, timer: setInterval(() => { detect(); }, 200) };
    $('camera-toggle').setAttribute('aria-pressed', 'true');
    i18n.setText($('camera-toggle'), 'door.camera_stop');
    i18n.setText($('camera-status'), detector ? 'door.camera_native' : 'door.camera_jsqr');
  } catch {
    i18n.setText($('camera-status'), 'door.camera_failed');
  }
}

function stopCamera() {
  if (!camera) return;
  clearInterval(camera.timer);
  for (const track of camera.stream.getTracks()) track.stop();
  camera = null;
  $('camera-video').hidden = true;
  $('camera-toggle').setAttribute('aria-pressed', 'false');
  i18n.setText($('camera-toggle'), 'door.camera_start');
  $('camera-status').textContent = '';
}

// --------------------------------------------------------------- offline

/** How old the checkpoint's copy is, or that there is none yet. */
function showAge() {
  const node = $('copy-age');
  const state = offline.copyState();
  if (!state) {
    i18n.setText(node, 'door.copy_none');
    return;
  }
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(state.synced_at)) / 60000));
  i18n.setText(node, minutes < 1 ? 'door.copy_age_now' : 'door.copy_age',
    { n: minutes, time: hhmm(state.synced_at), passes: state.passes });
  node.dataset.synced = state.synced_at;
}

/** The banner's line of check-ins not yet sent. */
async function showQueue() {
  const n = await offline.queueLength();
  const node = $('offline-queue');
  if (n > 0) i18n.setText(node, 'door.queue', { n });
  else { delete node.dataset.i18n; node.textContent = ''; }
  node.dataset.count = String(n);
  $('offline-banner').hidden = isReachable() && n === 0;
  $('offline-banner').dataset.state = isReachable() ? 'sending' : 'offline';
  i18n.setText($('offline-headline'), isReachable() ? 'door.sending' : 'door.offline_banner');
}

/** The copy of the checkpoint brought up to date, while the server answers. */
async function syncCopy() {
  const cp = $('checkpoint').value;
  // With no current event there is no copy to keep.
  if (!cp || !me || currentEvent === null) return;
  await offline.useCheckpoint(cp);
  if (isReachable()) {
    const status = await offline.sync(cp);
    if (unreachable(status)) setReachable(false);
    else if (status === 401) showLogin(t('door.session_over'));
  }
  if (cp === $('checkpoint').value) showAge();
}

/**
 * The queue sent as soon as the server answers: a session first if the
 * page was loaded offline, then the upload, then the copy's delta.
 */
function flush() {
  if (!flushing) {
    flushing = (async () => {
      if (!csrf) {
        const r = await api('GET', '/api/v1/session/probe');
        if (unreachable(r.status)) { setReachable(false); return; }
        const user = r.status === 200 && r.body ? r.body.user : null;
        if (!user || !user.csrf_token) {
          if ((await offline.queueLength()) > 0 || me) showLogin(t('door.session_over'));
          return;
        }
        csrf = user.csrf_token;
        me = { name: user.name, role: user.role };
        showWho();
      }
      const sent = await offline.upload(csrf);
      if (unreachable(sent.status)) setReachable(false);
      else if (sent.status === 401) showLogin(t('door.session_over'));
      if (sent.sent > 0) {
        alertMsg(sent.conflicts > 0 ? t('door.sent_conflicts', { n: sent.sent, conflicts: sent.conflicts })
          : t('door.sent', { n: sent.sent }));
      }
      await showQueue();
      if (isReachable() && me) {
        await syncCopy();
        refreshCounter();
      }
    })().finally(() => { flushing = null; });
  }
  return flushing;
}

function onReachableChange(yes) {
  if (!me) return;
  showQueue();
  if (yes) flush();
}

// ---------------------------------------------------------------- search

/** What the list says of a person before any button, in the page's language. */
function hitStatus(hit, verdict) {
  const node = el('span', { class: `search-status search-status--${verdict}` });
  switch (verdict) {
    case 'already_checked_in':
      return i18n.setText(node, 'door.hit.already_checked_in', { time: hhmm(hit.checked_in_at) });
    case 'not_registered_here':
      return i18n.setText(node, 'door.hit.not_registered_here', { checkpoint: checkpointName($('checkpoint').value) });
    case 'cancelled':
      return i18n.setText(node, hit.cancel_reason === 'registration' ? 'door.hit.cancelled_registration'
        : 'door.hit.cancelled_attendee', { date: datePart(hit.cancelled_at), time: hhmm(hit.cancelled_at) });
    default:
      return i18n.setText(node, `door.hit.${verdict}`);
  }
}

function searchHit(hit) {
  const verdict = hitVerdict(hit);
  const actions = el('span', { class: 'search-actions' });
  if (verdict === 'can_check_in') {
    const button = text('button', 'door.check_in', undefined, { type: 'button', class: 'button button-primary' });
    button.addEventListener('click', () => { focusScan(); submitScan({ attendee_id: hit.id }); });
    actions.append(button);
  }
  if (hit.status === 'confirmed' && !hit.offline) {
    const print = text('button', 'door.print_tag', undefined, { type: 'button', class: 'button' });
    print.addEventListener('click', () => { printTag(hit.id); focusScan(); });
    actions.append(print);
  }
  return el('li', { class: 'search-hit', dataset: { verdict, id: String(hit.id) } },
    el('span', { class: 'search-name' }, hit.name),
    el('span', { class: 'search-meta' }, [hit.company, i18n.pick(hit, 'ticket_type')].filter(Boolean).join(' · ')),
    hitStatus(hit, verdict),
    actions);
}

async function runSearch(q) {
  const list = $('search-results');
  const cp = $('checkpoint').value || 'main';
  const mine = ++searchSeq;
  const r = isReachable() ? await api('GET', `/api/v1/attendees/search?q=${encodeURIComponent(q)}&checkpoint=${encodeURIComponent(cp)}`)
    : { status: 0 };
  if (mine !== searchSeq) return; // a later search has been asked for
  if (unreachable(r.status)) {
    setReachable(false);
    await offlineSearch(q, cp);
    return;
  }
  if (r.status === 401) {
    showLogin(t('door.session_over'));
    return;
  }
  clear(list);
  if (r.status !== 200 || !r.body) {
    list.append(el('li', { class: 'muted' }, errorText(r)));
    return;
  }
  lastSearch = q;
  // How many answers the list has shown: a test knows this one is new.
  list.dataset.shown = String(Number(list.dataset.shown || 0) + 1);
  const found = r.body.attendees || [];
  if (!found.length) list.append(text('li', 'door.search_none', undefined, { class: 'muted' }));
  for (const hit of found) list.append(searchHit(hit));
}

/**
 * The search without the server: the names list of the copy, when the
 * organisers enabled it; those in it may all come in here.
 */
async function offlineSearch(q, cp) {
  const list = clear($('search-results'));
  await offline.useCheckpoint(cp);
  lastSearch = q;
  list.dataset.shown = String(Number(list.dataset.shown || 0) + 1);
  const state = offline.copyState();
  if (!state || !state.names) {
    list.append(text('li', 'door.search_offline_off', undefined, { class: 'muted' }));
    return;
  }
  const found = offline.searchNames(q);
  if (!found.length) list.append(text('li', 'door.search_none', undefined, { class: 'muted' }));
  for (const hit of found) {
    list.append(searchHit({ ...hit, status: 'confirmed', signed_up: true, company: '', offline: true }));
  }
}

async function onSearch(ev) {
  ev.preventDefault();
  const input = $('search-input');
  const q = input.value.trim();
  focusScan();
  // A scanner that typed into the search: it is a scan, not a name.
  if (looksLikePassCode(q)) {
    input.value = '';
    submitScan({ code: q });
    return;
  }
  if (q.length < 2) {
    clear($('search-results')).append(text('li', 'door.search_short', undefined, { class: 'muted' }));
    return;
  }
  await runSearch(q);
}

// ----------------------------------------------------------- login/views

function showLogin(message) {
  stopCamera();
  clearInterval(pollTimer);
  clearInterval(syncTimer);
  clearInterval(ageTimer);
  $('offline-banner').hidden = true;
  hideResult();
  csrf = null;
  me = null;
  lastSearch = null;
  clear($('search-results'));
  $('scan-view').hidden = true;
  $('login-form').hidden = false;
  alertMsg(message || '');
  $('login-username').focus();
}

function showWho() {
  i18n.setText($('whoami'), 'door.logged_in_as', { name: me.name, role: t(`door.role.${me.role}`) });
}

/** The checkpoints from the server, or as last seen when it cannot be reached. */
async function loadCheckpoints() {
  const r = await api('GET', '/api/v1/checkpoints');
  if (r.status === 200 && r.body && r.body.checkpoints) {
    currentEvent = r.body.event ?? null;
    try { localStorage.setItem(CHECKPOINTS_KEY, JSON.stringify(r.body.checkpoints)); } catch { /* private mode */ }
    return r.body.checkpoints;
  }
  if (unreachable(r.status)) setReachable(false);
  try { return JSON.parse(localStorage.getItem(CHECKPOINTS_KEY)) || []; } catch { return []; }
}

async function showScan(who) {
  me = { name: who.name, role: who.role };
  try { localStorage.setItem(WHO_KEY, JSON.stringify(me)); } catch { /* private mode */ }
  $('login-form').hidden = true;
  $('scan-view').hidden = false;
  showWho();
  const select = $('checkpoint');
  checkpoints = await loadCheckpoints();
  clear(select);
  for (const cp of checkpoints) {
    select.append(cp.id === 'main' ? text('option', 'door.main_entrance', undefined, { value: cp.id })
      : el('option', { value: cp.id }, i18n.pick(cp, 'name')));
  }
  let saved = null;
  try { saved = localStorage.getItem(CHECKPOINT_KEY); } catch { saved = null; }
  if (saved && Array.from(select.options).some((o) => o.value === saved)) select.value = saved;
  refreshCounter();
  clearInterval(pollTimer);
  pollTimer = setInterval(refreshCounter, COUNTER_POLL_MS);
  clearInterval(syncTimer);
  syncTimer = setInterval(syncCopy, SYNC_MS);
  clearInterval(ageTimer);
  ageTimer = setInterval(showAge, AGE_MS);
  focusScan();
  await syncCopy();
  await showQueue();
  if (isReachable() && (await offline.queueLength()) > 0) flush();
}

async function onLogin(ev) {
  ev.preventDefault();
  if (!audio) { try { audio = new AudioContext(); } catch { audio = null; } } // unlocked by this gesture
  const r = await api('POST', '/api/v1/session', {
    body: { username: $('login-username').value.trim(), password: $('login-password').value },
  });
  $('login-password').value = '';
  if (r.status === 200 && r.body) {
    csrf = r.body.csrf_token;
    alertMsg('');
    showScan(r.body);
    return;
  }
  if (r.status === 429) alertMsg(t('door.throttled'));
  else if (r.status === 401 || r.status === 422) alertMsg(t('door.bad_login'));
  else alertMsg(r.status === 0 ? t('common.network_error') : t('common.server_error', { status: r.status }));
  $('door-alert').focus();
}

async function onLogout() {
  await api('DELETE', '/api/v1/session', { headers: { 'X-CSRF-Token': csrf } });
  try { localStorage.removeItem(WHO_KEY); } catch { /* private mode */ }
  // What a lost device would give away goes; what was scanned offline stays to be sent.
  await offline.forget();
  showLogin('');
}

async function main() {
  await i18n.init();
  $('login-form').addEventListener('submit', onLogin);
  $('scan-form').addEventListener('submit', onScanSubmit);
  $('scan-input').addEventListener('keydown', onScanKey);
  $('search-form').addEventListener('submit', onSearch);
  $('logout').addEventListener('click', onLogout);
  $('result').addEventListener('click', () => { hideResult(); focusScan(); });
  $('camera-toggle').addEventListener('click', () => { if (camera) stopCamera(); else startCamera(); focusScan(); });
  $('checkpoint').addEventListener('change', () => {
    try { localStorage.setItem(CHECKPOINT_KEY, $('checkpoint').value); } catch { /* private mode */ }
    refreshCounter();
    syncCopy();
    if (lastSearch) runSearch(lastSearch);
    focusScan();
  });
  onReachable(onReachableChange);
  window.addEventListener('offline', () => setReachable(false));
  window.addEventListener('online', () => refreshCounter());
  document.addEventListener('keydown', onKeyDown, true);
  // Typing into the search replaces the last name searched for, so that a
  // code a scanner types there is the code alone.
  $('search-input').addEventListener('focus', () => $('search-input').select());
  // Back from the print view's tab or any other window: ready to scan.
  window.addEventListener('focus', focusScan);
  i18n.onChange(() => {
    refreshCounter();
    if (me) {
      showWho();
      showAge();
      showQueue();
    }
    focusScan();
  });
  // The probe answers {"user": null}, not 401, to someone not signed in.
  const r = await api('GET', '/api/v1/session/probe');
  const user = r.status === 200 && r.body ? r.body.user : null;
  if (user && user.csrf_token) {
    csrf = user.csrf_token;
    showScan(user);
  } else if (unreachable(r.status)) {
    // Loaded with no network: the copy kept here, for who last logged in.
    setReachable(false);
    let who = null;
    try { who = JSON.parse(localStorage.getItem(WHO_KEY)); } catch { who = null; }
    if (who && who.name) showScan(who);
    else showLogin(t('door.offline_no_login'));
  } else {
    showLogin('');
  }
  registerWorker();
}

/** The service worker that keeps the page's files, so that it loads offline. */
function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('door-sw.js', { scope: 'door' }).catch(() => {
    // No worker (a private window, say): the page works, but not loaded offline.
  });
}

main();
