// Door check-in (door.html): staff log in, pick a checkpoint, and scan
// passes with a USB scanner (it types the code and Enter), the camera, or
// a name search. Every answer fills the screen in a colour with a sound,
// and the page is ready for the next scan at once.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { hhmm } from './format.js';

const { t } = i18n;
const RESULT_SHOWN_MS = 2500;
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

function alertMsg(message) {
  $('door-alert').textContent = message || '';
}

function nonce() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
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

function showResult(answer) {
  const box = $('result');
  const kind = KIND[answer.result] || 'bad';
  box.className = `result result--${kind}`;
  box.dataset.result = answer.result;
  $('result-headline').textContent = t(`door.result.${answer.result}`);
  $('result-name').textContent = answer.attendee ? answer.attendee.name : '';
  $('result-company').textContent = answer.attendee
    ? [answer.attendee.company, answer.attendee.ticket_type].filter(Boolean).join(' · ') : '';
  const first = answer.first_checkin;
  $('result-detail').textContent = first && answer.result === 'already_checked_in'
    ? t('door.first_checkin', { time: hhmm(first.at), by: first.by }) : '';
  box.hidden = false;
  sound(answer.result);
  clearTimeout(resultTimer);
  resultTimer = setTimeout(hideResult, RESULT_SHOWN_MS);
}

// ----------------------------------------------------------------- scans

async function refreshCounter() {
  const r = await api('GET', '/api/v1/checkins/stats');
  if (r.status !== 200 || !r.body) return;
  const cp = r.body.checkpoints.find((c) => c.id === $('checkpoint').value) || r.body.checkpoints[0];
  if (cp) $('counter').textContent = t('door.counter', { n: cp.checked_in, of: cp.expected });
}

async function submitScan(body) {
  body.checkpoint = $('checkpoint').value;
  body.nonce = nonce();
  const r = await api('POST', '/api/v1/checkins', { body, headers: { 'X-CSRF-Token': csrf } });
  if (r.status === 401) {
    showLogin(t('door.session_over'));
    return;
  }
  if (r.status !== 200 || !r.body) {
    alertMsg(errorText(r));
    sound('error');
    return;
  }
  alertMsg('');
  showResult(r.body);
  refreshCounter();
}

function onScanSubmit(ev) {
  ev.preventDefault();
  const input = $('scan-input');
  const code = input.value.trim();
  input.value = '';
  input.focus();
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

async function onSearch(ev) {
  ev.preventDefault();
  const q = $('search-input').value.trim();
  const list = $('search-results');
  clear(list);
  if (q.length < 2) {
    list.append(el('li', { class: 'muted' }, t('door.search_short')));
    return;
  }
  const r = await api('GET', `/api/v1/attendees/search?q=${encodeURIComponent(q)}`);
  if (r.status === 401) {
    showLogin(t('door.session_over'));
    return;
  }
  const found = (r.body && r.body.attendees) || [];
  if (!found.length) list.append(el('li', { class: 'muted' }, t('door.search_none')));
  for (const a of found) {
    const button = el('button', { type: 'button', class: 'button button-primary' }, t('door.check_in'));
    button.addEventListener('click', () => submitScan({ attendee_id: a.id }));
    list.append(el('li', { class: 'search-hit' },
      el('span', { class: 'search-name' }, a.name),
      el('span', { class: 'search-meta' }, [a.company, a.ticket_type].filter(Boolean).join(' · ')),
      a.checked_in_at ? el('span', { class: 'search-meta' }, t('door.checked_in_at', { time: hhmm(a.checked_in_at) })) : '',
      button));
  }
}

// ----------------------------------------------------------- login/views

function showLogin(message) {
  stopCamera();
  clearInterval(pollTimer);
  csrf = null;
  $('scan-view').hidden = true;
  $('login-form').hidden = false;
  alertMsg(message || '');
  $('login-username').focus();
}

async function showScan() {
  $('login-form').hidden = true;
  $('scan-view').hidden = false;
  const r = await api('GET', '/api/v1/checkpoints');
  const select = $('checkpoint');
  clear(select);
  for (const cp of (r.body && r.body.checkpoints) || []) {
    select.append(el('option', { value: cp.id }, cp.id === 'main' ? t('door.main_entrance') : cp.name));
  }
  let saved = null;
  try { saved = localStorage.getItem(CHECKPOINT_KEY); } catch { saved = null; }
  if (saved && Array.from(select.options).some((o) => o.value === saved)) select.value = saved;
  refreshCounter();
  clearInterval(pollTimer);
  pollTimer = setInterval(refreshCounter, COUNTER_POLL_MS);
  $('scan-input').focus();
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
    showScan();
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
  $('result').addEventListener('click', () => { hideResult(); $('scan-input').focus(); });
  $('camera-toggle').addEventListener('click', () => (camera ? stopCamera() : startCamera()));
  $('checkpoint').addEventListener('change', () => {
    try { localStorage.setItem(CHECKPOINT_KEY, $('checkpoint').value); } catch { /* private mode */ }
    refreshCounter();
    $('scan-input').focus();
  });
  i18n.onChange(() => refreshCounter());
  // The probe answers {"user": null}, not 401, to someone not signed in.
  const r = await api('GET', '/api/v1/session/probe');
  const user = r.status === 200 && r.body ? r.body.user : null;
  if (user && user.csrf_token) {
    csrf = user.csrf_token;
    showScan();
  } else {
    showLogin('');
  }
}

main();
