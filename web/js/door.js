// Door check-in (door.html): staff log in, pick a checkpoint, and scan
// passes with a USB scanner (it types the code and Enter), the camera, or
// a name search. Every answer fills the screen in a colour with a sound,
// and the page is ready for the next scan at once: the focus goes back to
// the scan field after everything, and whatever has the focus, what a
// scanner types goes to the scan. Decisions and check-ins go through
// door-scan.js; a tag is printed from door-tag.html.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear, text } from './dom.js';
import { hhmm, datePart } from './format.js';
import { decideScan, hitVerdict, looksLikePassCode } from './door-scan.js';

const { t } = i18n;
const RESULT_SHOWN_MS = 4000;
const SAME_CODE_PAUSE_MS = 3000; // the camera sees a badge many times a second
const COUNTER_POLL_MS = 5000;
const CHECKPOINT_KEY = 'techtank.checkpoint';

const $ = (id) => document.getElementById(id);
let csrf = null;
let resultTimer = null;
let pollTimer = null;
let camera = null; // { stream, timer, detector }
let lastCode = { code: null, at: 0 };
let audio = null;
let me = null; // { name, role } of who is logged in
let checkpoints = []; // [{ id, name, kind }]
let lastSearch = null; // the name search shown, to show it again after a check-in
let searchSeq = 0; // the latest search asked for: an older answer is not shown

function alertMsg(message) {
  $('door-alert').textContent = message || '';
}

/** Back to the scan field: the next scan must go there, whatever was used last. */
function focusScan() {
  if (!$('scan-view').hidden) $('scan-input').focus({ preventScroll: true });
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
    focusScan();
    $('scan-form').requestSubmit();
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
  $('result-company').textContent = a ? [a.company, a.ticket_type].filter(Boolean).join(' · ') : '';
  const cpId = answer.checkpoint || $('checkpoint').value;
  i18n.setText($('result-checkpoint'), 'door.result_at', { checkpoint: checkpointName(cpId) });
  const first = answer.first_checkin;
  const detail = $('result-detail');
  if (first && answer.result === 'already_checked_in') {
    i18n.setText(detail, 'door.first_checkin', { time: hhmm(first.at), by: first.by });
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
  if (a && (answer.result === 'ok' || answer.result === 'already_checked_in')) {
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
  refreshCounter();
  if (scan.attendee_id && lastSearch) runSearch(lastSearch);
}

function onScanSubmit(ev) {
  ev.preventDefault();
  const input = $('scan-input');
  const code = input.value.trim();
  input.value = '';
  focusScan();
  if (code) submitScan({ code });
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
  if (hit.status === 'confirmed') {
    const print = text('button', 'door.print_tag', undefined, { type: 'button', class: 'button' });
    print.addEventListener('click', () => { printTag(hit.id); focusScan(); });
    actions.append(print);
  }
  return el('li', { class: 'search-hit', dataset: { verdict, id: String(hit.id) } },
    el('span', { class: 'search-name' }, hit.name),
    el('span', { class: 'search-meta' }, [hit.company, hit.ticket_type].filter(Boolean).join(' · ')),
    hitStatus(hit, verdict),
    actions);
}

async function runSearch(q) {
  const list = $('search-results');
  const cp = $('checkpoint').value || 'main';
  const mine = ++searchSeq;
  const r = await api('GET', `/api/v1/attendees/search?q=${encodeURIComponent(q)}&checkpoint=${encodeURIComponent(cp)}`);
  if (mine !== searchSeq) return; // a later search has been asked for
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

async function showScan(who) {
  me = { name: who.name, role: who.role };
  $('login-form').hidden = true;
  $('scan-view').hidden = false;
  showWho();
  const r = await api('GET', '/api/v1/checkpoints');
  const select = $('checkpoint');
  clear(select);
  checkpoints = (r.body && r.body.checkpoints) || [];
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
  focusScan();
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
  showLogin('');
}

async function main() {
  await i18n.init();
  $('login-form').addEventListener('submit', onLogin);
  $('scan-form').addEventListener('submit', onScanSubmit);
  $('search-form').addEventListener('submit', onSearch);
  $('logout').addEventListener('click', onLogout);
  $('result').addEventListener('click', () => { hideResult(); focusScan(); });
  $('camera-toggle').addEventListener('click', () => { if (camera) stopCamera(); else startCamera(); focusScan(); });
  $('checkpoint').addEventListener('change', () => {
    try { localStorage.setItem(CHECKPOINT_KEY, $('checkpoint').value); } catch { /* private mode */ }
    refreshCounter();
    if (lastSearch) runSearch(lastSearch);
    focusScan();
  });
  document.addEventListener('keydown', onKeyDown, true);
  // Typing into the search replaces the last name searched for, so that a
  // code a scanner types there is the code alone.
  $('search-input').addEventListener('focus', () => $('search-input').select());
  // Back from the print view's tab or any other window: ready to scan.
  window.addEventListener('focus', focusScan);
  i18n.onChange(() => {
    refreshCounter();
    if (me) showWho();
    focusScan();
  });
  // The probe answers {"user": null}, not 401, to someone not signed in.
  const r = await api('GET', '/api/v1/session/probe');
  const user = r.status === 200 && r.body ? r.body.user : null;
  if (user && user.csrf_token) {
    csrf = user.csrf_token;
    showScan(user);
  } else {
    showLogin('');
  }
}

main();
