// The door when the server cannot be reached. While online the page keeps
// the checkpoint's copy from GET /api/v1/checkpoints/{id}/sync (whole
// once, then what changed since its cursor) in door-store.js; offline it
// decides a scan from it as the server would: the typed code normalised
// as the server does (token.c), its lookup hash and entry key derived by
// HKDF-SHA256 with the copy's salt (door-crypto.c, door-hkdf.js), the
// entry opened with AES-256-GCM. Each check-in made offline is queued with
// its nonce and time and uploaded by POST /api/v1/checkins/batch when the
// server answers again; the server applies them with their own times and
// lists the conflicts for the organisers.
//
// A decision is shown as soon as it is made: the copy is in memory (maps
// by hash, by id, and the check-ins seen, which are updated before the
// answer). The check-in's write to the queue starts once the answer is
// painted (making the transaction costs milliseconds on a slow phone), or
// when the page is left, if that comes first, and no decision waits for
// it: the next one reads the memory, and IndexedDB runs the writes in the
// order they were started. A write asks for strict durability (flushed to
// disk, not only handed to the system), which takes longer than a scan
// should wait but far less than the next person takes to step up; the
// count of the queue and an upload wait for every write started. Until
// its write is done a check-in is also in localStorage, which keeps it at
// once, so that a page reloaded or killed right after an answer writes it
// when it loads again. A write that fails is kept in memory, sent from
// there, and tried again at the next count.
import { api } from './api.js';
import * as store from './door-store.js';
import { hkdf, hkdfSalt } from './door-hkdf.js';

const DEVICE_KEY = 'techtank.door.device';
const BATCH_MAX = 200; // scans in one upload (DOOR_BATCH_MAX)
const BODY_CHARS = 27; // a pass code's part after the prefix, check character included
const enc = new TextEncoder();

const PENDING = 'techtank.door.pending.'; // localStorage: a check-in until it is in the queue
let replayed = false;

/** The checkpoint's copy in memory: {cp, copy, passes: Map, seen: Map, names}. */
let here = null;
let keyCache = null; // the salt's HMAC state, the infos as bytes, for here.copy
let device = null; // deviceName(), once read
let writing = Promise.resolve(); // the last check-in's write to the queue
const unwritten = []; // [cp, item, seenKeys] whose write failed
const toStart = []; // the writes waiting for their answer to be painted

/** How long the parts of the last decision took, ms (for the benchmark). */
export const lastDecision = {};

// ------------------------------------------------------------- the code

const SEPARATORS = /[\s\u00a0\u2010-\u2015\u2212-]/g;

/**
 * A code as typed, in the form it was issued, as token_pass_code_normalise()
 * makes it: separators dropped, lower case raised, 0 and 1 read as O and I
 * after the prefix, and the prefix's dash put back.
 */
export function normaliseCode(typed) {
  const plain = String(typed).replace(SEPARATORS, '').replace(/[a-z]/g, (c) => c.toUpperCase());
  if (plain.length <= BODY_CHARS || /[^\x00-\x7f]/.test(plain)) return plain;
  const cut = plain.length - BODY_CHARS;
  return `${plain.slice(0, cut)}-${plain.slice(cut).replace(/0/g, 'O').replace(/1/g, 'I')}`;
}

// ----------------------------------------------------------- the crypto

function fromB64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toB64(bytes) {
  let bin = '';
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin);
}

function keys() {
  if (!keyCache || keyCache.copy !== here.copy) {
    const c = here.copy.crypto;
    keyCache = {
      copy: here.copy,
      salt: hkdfSalt(fromB64(c.salt)),
      infos: [enc.encode(c.lookup_info), enc.encode(c.key_info)],
      bytes: [c.lookup_bits / 8, 32],
      ivBytes: c.iv_bytes,
    };
  }
  return keyCache;
}

/** A code's lookup hash (base64, as the copy lists passes) and its entry's key (bytes). */
function derive(code) {
  const k = keys();
  const [lookup, key] = hkdf(k.salt, enc.encode(code), k.infos, k.bytes);
  return { h: toB64(lookup), key };
}

function lookupHash(code) {
  return derive(code).h;
}

/** A pass's sealed entry opened with its key: {i, n, c, t, d, s}, or null. */
async function openEntry(keyBytes, sealed) {
  const k = keys();
  const raw = fromB64(sealed);
  try {
    const key = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: raw.subarray(0, k.ivBytes) }, key,
      raw.subarray(k.ivBytes));
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null;
  } finally {
    keyBytes.fill(0);
  }
}

// ------------------------------------------------------------ the copy

/** This browser's name in the uploads (the server tells devices apart by it). */
export function deviceName() {
  if (device) return device;
  let name = null;
  try { name = localStorage.getItem(DEVICE_KEY); } catch { name = null; }
  if (!name) {
    const bytes = crypto.getRandomValues(new Uint8Array(4));
    name = `door-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    try { localStorage.setItem(DEVICE_KEY, name); } catch { /* private mode: a new name each load */ }
  }
  device = name;
  return name;
}

function inMemory(cp, kept) {
  here = {
    cp,
    copy: kept.copy,
    passes: new Map(kept.passes.map((p) => [p.h, p])),
    seen: new Map(kept.seen.map((v) => [v.k, v])),
    names: new Map(kept.names.map((n) => [n.id, n])),
  };
}

/**
 * The check-ins an earlier load of the page decided but did not write to
 * the queue (reloaded or killed at once), written now, once a load.
 */
async function replayPending() {
  if (replayed) return;
  replayed = true;
  const keys = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith(PENDING)) keys.push(k);
    }
  } catch {
    return;
  }
  for (const k of keys) {
    let e = null;
    try { e = JSON.parse(localStorage.getItem(k)); } catch { e = null; }
    try {
      if (e && e.item && e.cp) await store.addOffline(e.cp, e.item, e.seenKeys || []);
      localStorage.removeItem(k);
    } catch {
      // Kept for the next load.
    }
  }
}

/** Take the checkpoint's copy kept here (if any) into memory. */
export async function useCheckpoint(cp) {
  if (here && here.cp === cp) return true;
  here = null;
  try {
    await replayPending();
    const kept = await store.loadCheckpoint(cp);
    if (kept) inMemory(cp, kept);
  } catch {
    here = null;
  }
  return here !== null;
}

/** How much the copy holds and when it was made: {passes, synced_at}, or null. */
export function copyState() {
  if (!here) return null;
  return { passes: here.passes.size, synced_at: here.copy.synced_at, names: here.copy.names_enabled };
}

function seenOf(v) {
  return { k: v.h, at: v.at, device: v.device || null };
}

/**
 * Bring the checkpoint's copy up to date: a delta since its cursor, or the
 * whole copy the first time, for another event or when the server does
 * not know the cursor. Resolves to the HTTP status (0: unreachable).
 */
export async function sync(cp) {
  await useCheckpoint(cp);
  // A names list kept without the server's fold table (an older page's) comes again whole.
  const foldless = here && here.copy.names_enabled && !here.copy.fold;
  let since = here && here.copy.cursor && !foldless ? here.copy.cursor : 0;
  let r = await api('GET', `/api/v1/checkpoints/${encodeURIComponent(cp)}/sync${since ? `?since=${since}` : ''}`);
  const stale = (b) => b && here && (b.event.id !== here.copy.event || b.crypto.salt !== here.copy.crypto.salt);
  if (since && (r.status === 422 || (r.status === 200 && stale(r.body)))) {
    since = 0;
    r = await api('GET', `/api/v1/checkpoints/${encodeURIComponent(cp)}/sync`);
  }
  if (r.status !== 200 || !r.body) return r.status;
  const b = r.body;
  const whole = !b.delta;
  const copy = {
    event: b.event.id,
    cursor: b.cursor,
    synced_at: new Date().toISOString(),
    crypto: b.crypto,
    checkpoint: b.checkpoint,
    ticket_types: b.ticket_types,
    names_enabled: !!b.names_enabled,
    // The server's fold of each character of the names (a delta's adds to the kept one's).
    fold: b.names_enabled ? { ...(!whole && here && here.copy.fold ? here.copy.fold : {}), ...(b.fold || {}) } : null,
  };
  const checkins = b.checkins || [];
  const changes = {
    copy,
    whole,
    passes: b.passes || [],
    seen: checkins.filter((v) => !v.undone).map(seenOf),
    unseen: checkins.filter((v) => v.undone).map((v) => v.h),
    names: b.names || [],
    namesGone: whole ? [] : (b.names_gone || []),
  };
  // A copy without names any more drops the names kept.
  if (!copy.names_enabled && here) changes.namesGone = [...here.names.keys()];
  await store.writeSync(cp, changes);
  if (whole || !here || here.cp !== cp) {
    here = null;
    await useCheckpoint(cp);
    return 200;
  }
  here.copy = { ...copy, cp };
  for (const p of changes.passes) here.passes.set(p.h, { ...p, cp });
  for (const k of changes.unseen) here.seen.delete(k);
  for (const v of changes.seen) here.seen.set(v.k, { ...v, cp });
  for (const id of changes.namesGone) here.names.delete(id);
  for (const n of changes.names) here.names.set(n.id, { cp, id: n.id, name: n.name });
  return 200;
}

// -------------------------------------------------------- the decision

function nonce() {
  return crypto.randomUUID();
}

function attendeeOf(entry) {
  const type = (here.copy.ticket_types || []).find((t) => t.id === entry.t);
  const a = { id: entry.i, name: entry.n, company: entry.c || '', ticket_type: type ? type.name : '', ticket_type_en: type ? type.name_en || '' : '',
    role: type ? type.role : '' };
  // Who serves the meal needs the dietary needs; no one else does.
  if (here.copy.checkpoint && here.copy.checkpoint.kind === 'meal') a.dietary = entry.d || '';
  return a;
}

/**
 * A time made here (UTC, as uploaded) in the device's own zone, with its
 * offset, as the server writes times: the page shows the wall clock's
 * hours and minutes of the text.
 */
function shownTime(at) {
  if (!at || !at.endsWith('Z')) return at;
  const t = new Date(at);
  const off = -t.getTimezoneOffset();
  const two = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(t.getTime() + off * 60000).toISOString().slice(0, 19);
  return `${local}${off < 0 ? '-' : '+'}${two(off / 60)}:${two(off % 60)}`;
}

function firstOf(v) {
  return { at: shownTime(v.at), checkpoint: here.cp, by: v.device || '' };
}

/**
 * Decide a scan at checkpoint cp from the copy, as the server would, and
 * queue it when the person may enter: resolves to an answer shaped as the
 * server's ({result, checkpoint, attendee, first_checkin}) with offline:
 * true, or null when there is no copy of the checkpoint.
 */
export async function decide(scan, cp) {
  const t1 = performance.now();
  let t2 = t1;
  let t3 = t1;
  if (!(await useCheckpoint(cp))) return null;
  const at = new Date().toISOString();
  const answer = { result: 'unknown', checkpoint: cp, attendee: null, first_checkin: null, offline: true };
  const item = { nonce: scan.nonce || nonce(), at, device: deviceName() };
  let seenKeys;
  if (scan.attendee_id) {
    // Found in the names list: only those who may enter here are in it.
    const n = here.names.get(scan.attendee_id);
    if (!n) return answer;
    answer.attendee = { id: n.id, name: n.name, company: '', ticket_type: '' };
    seenKeys = [`#${n.id}`];
    item.attendee_id = n.id;
  } else {
    const { h, key } = derive(normaliseCode(scan.code));
    t2 = performance.now();
    const pass = here.passes.get(h);
    if (!pass || pass.s === 'replaced') return answer;
    if (pass.s) {
      answer.result = pass.s;
      return answer;
    }
    const entry = await openEntry(key, pass.e);
    t3 = performance.now();
    if (!entry) return answer;
    answer.attendee = attendeeOf(entry);
    seenKeys = [h, `#${entry.i}`];
    item.hash = h;
  }
  const before = seenKeys.map((k) => here.seen.get(k)).find(Boolean);
  if (before) {
    answer.result = 'already_checked_in';
    answer.first_checkin = firstOf(before);
    return answer;
  }
  for (const k of seenKeys) here.seen.set(k, { cp, k, at, device: item.device });
  queueWrite(cp, item, seenKeys);
  answer.result = 'ok';
  answer.first_checkin = firstOf({ at, device: item.device });
  const t4 = performance.now();
  Object.assign(lastDecision, { hash: t2 - t1, open: t3 - t2, rest: t4 - t3 });
  return answer;
}

/**
 * Write a check-in to the queue once its answer is painted (making the
 * transaction alone costs milliseconds on a slow phone), or at once when
 * the page is left before that; settle() waits for it. Until it is
 * written it is in localStorage too, which takes it at once: a page
 * reloaded or killed before the write writes it when it loads again.
 */
function queueWrite(cp, item, seenKeys) {
  try {
    localStorage.setItem(PENDING + item.nonce, JSON.stringify({ cp, item, seenKeys }));
  } catch {
    // No localStorage (private mode): the write is all there is.
  }
  const write = new Promise((resolve) => { toStart.push(resolve); })
    .then(() => {
      const t = performance.now();
      return store.addOffline(cp, item, seenKeys).then(() => { lastDecision.write = performance.now() - t; });
    })
    .then(() => { try { localStorage.removeItem(PENDING + item.nonce); } catch { /* none kept */ } })
    .catch(() => { unwritten.push([cp, item, seenKeys]); });
  writing = Promise.all([writing, write]);
  if (toStart.length > 1) return;
  // After the next frame; a hidden page paints none.
  if (document.hidden || typeof requestAnimationFrame !== 'function') setTimeout(startWrites, 0);
  else requestAnimationFrame(() => setTimeout(startWrites, 0));
}

function startWrites() {
  for (const start of toStart.splice(0)) start();
}

// A page closed or hidden right after an answer starts its write then.
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', startWrites);
  document.addEventListener('visibilitychange', () => { if (document.hidden) startWrites(); });
}

/**
 * Wait until the check-ins decided so far are in the queue on disk; a
 * write that failed is tried again (and kept in memory, to be sent from
 * there, if it fails again).
 */
async function settle() {
  // Not started here: the answer shown now is painted first.
  await writing;
  while (unwritten.length) {
    const [cp, item, seenKeys] = unwritten[0];
    try {
      await store.addOffline(cp, item, seenKeys);
    } catch {
      break;
    }
    unwritten.shift();
  }
}

/**
 * An online check-in the server answered "ok": kept here too, so that the
 * same person is "already checked in" if the network fails before the
 * next sync brings it.
 */
export async function noteOnline(scan, cp, answer) {
  if (answer.result !== 'ok' || !here || here.cp !== cp) return;
  const keysSeen = [];
  if (answer.attendee) keysSeen.push(`#${answer.attendee.id}`);
  if (scan.code) keysSeen.push(await lookupHash(normaliseCode(scan.code)));
  const at = (answer.first_checkin && answer.first_checkin.at) || new Date().toISOString();
  for (const k of keysSeen) here.seen.set(k, { cp, k, at, device: null });
  await store.addSeen(cp, keysSeen, at);
}

/**
 * The words of s folded as the server folds them (db/fold.c), with the
 * copy's table of the fold of each character of the names and of ASCII.
 * A character no name has is taken apart (NFKD) and its pieces looked up
 * in turn; a piece not there either is kept when it is a letter or digit.
 */
export function foldWords(s, table) {
  let out = '';
  for (const ch of String(s)) {
    let f = table[ch];
    if (f === undefined) {
      f = '';
      for (const c of ch.normalize('NFKD').toLowerCase()) {
        const g = table[c];
        if (g !== undefined) f += g;
        else if (/\p{M}/u.test(c)) f += '';
        else f += /[\p{L}\p{N}]/u.test(c) ? c : ' ';
      }
    }
    out += f;
  }
  return out.split(' ').filter(Boolean);
}

/** The folded words of a kept name, made once. */
function nameWords(n) {
  if (!n.words) n.words = foldWords(n.name, here.copy.fold || {});
  return n.words;
}

/**
 * The names list of the copy searched as the server searches: every word
 * of q starts a word of the name, in any order, folded as the server
 * folds. Each hit says whether it was checked in here: [{id, name,
 * checked_in_at}].
 */
export function searchNames(q, max = 50) {
  if (!here) return [];
  const words = foldWords(q, here.copy.fold || {});
  if (!words.length) return [];
  const hits = [];
  for (const n of here.names.values()) {
    const name = nameWords(n);
    if (!words.every((w) => name.some((part) => part.startsWith(w)))) continue;
    const v = here.seen.get(`#${n.id}`);
    hits.push({ id: n.id, name: n.name, checked_in_at: v ? shownTime(v.at) : null });
    if (hits.length >= max) break;
  }
  return hits.sort((a, b) => a.name.localeCompare(b.name));
}

// ----------------------------------------------------------- the queue

export async function queueLength() {
  await settle();
  try {
    return (await store.queuedCount()) + unwritten.length;
  } catch {
    return unwritten.length;
  }
}

/** The queue, oldest first: what is on disk and what could not be written. */
async function queuedAll() {
  await settle();
  const kept = await store.queued();
  const have = new Set(kept.map((x) => x.nonce));
  for (const [cp, item] of unwritten) if (!have.has(item.nonce)) kept.push({ ...item, cp });
  return kept.sort((a, b) => a.at.localeCompare(b.at));
}

/** Take sent scans off the queue, on disk and in memory. */
async function unqueue(nonces) {
  const gone = new Set(nonces);
  for (let i = unwritten.length - 1; i >= 0; i--) if (gone.has(unwritten[i][1].nonce)) unwritten.splice(i, 1);
  // Sent: a later load has nothing to write again (one whose write failed).
  for (const n of nonces) try { localStorage.removeItem(PENDING + n); } catch { /* none kept */ }
  await store.unqueue(nonces);
}

/** The indexes of the scans a 422 names ("scans.3.at"): they never will be taken. */
function refused(body) {
  const fields = (body && body.error && body.error.fields) || {};
  return new Set(Object.keys(fields).map((f) => /^scans\.(\d+)\./.exec(f)).filter(Boolean).map((m) => Number(m[1])));
}

/**
 * Upload the queue, oldest first, in batches of at most 200 a checkpoint.
 * Resolves to {status, sent, conflicts}: status 200 when the queue is
 * empty, 0 when the server could not be reached, 401 when the session
 * ended (the queue stays for the next login).
 */
export async function upload(csrf) {
  const out = { status: 200, sent: 0, conflicts: 0 };
  let items = await queuedAll();
  while (items.length) {
    const cp = items[0].cp;
    const batch = items.filter((x) => x.cp === cp).slice(0, BATCH_MAX);
    const scans = batch.map((x) => {
      const s = { nonce: x.nonce, at: x.at };
      if (x.hash) s.hash = x.hash;
      else s.attendee_id = x.attendee_id;
      return s;
    });
    const r = await api('POST', '/api/v1/checkins/batch', {
      body: { checkpoint: cp, device: batch[0].device || deviceName(), scans },
      headers: { 'X-CSRF-Token': csrf },
    });
    if (r.status === 200 && r.body) {
      await unqueue(batch.map((x) => x.nonce));
      out.sent += batch.length;
      out.conflicts += r.body.results.filter((x) => x.result === 'conflict').length;
    } else if (r.status === 422 && refused(r.body).size) {
      // Too old, say, or for a checkpoint gone: no retry will change it.
      const bad = refused(r.body);
      await unqueue(batch.filter((x, i) => bad.has(i) || bad.has(String(i))).map((x) => x.nonce));
    } else if (r.status === 422) {
      await unqueue(batch.map((x) => x.nonce));
    } else {
      out.status = r.status;
      return out;
    }
    items = await queuedAll();
  }
  return out;
}

/** Forget the copies kept here (a log-out); the queue stays until sent. */
export async function forget() {
  here = null;
  keyCache = null;
  try { await store.forgetCopies(); } catch { /* nothing kept */ }
}
