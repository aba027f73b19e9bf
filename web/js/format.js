// Formatting helpers. Times are shown exactly as the server gives them in
// the event's UTC offset: we read HH:MM from the ISO string and never
// convert to the browser's time zone.

export function hhmm(iso) {
  const m = /T(\d{2}):(\d{2})/.exec(iso || '');
  return m ? `${m[1]}:${m[2]}` : '';
}

export function datePart(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(iso || '');
  return m ? m[1] : '';
}

function locale(lang) {
  return lang === 'sv' ? 'sv-SE' : 'en-GB';
}

function capitalise(s) {
  return s ? s.charAt(0).toLocaleUpperCase() + s.slice(1) : s;
}

const dayFormats = new Map();

/**
 * "2027-11-30" -> "Tuesday 30 November 2027" / "Tisdag 30 november 2027".
 * Swedish writes a weekday small inside a sentence ("... – onsdag 1
 * december"): capital: false keeps it so. One form with or without the
 * year: the words in the language's order, a space between them (en-GB
 * puts a comma after the weekday only when the year is there, which
 * made the two ends of a range differ).
 */
export function formatDay(dateStr, lang, { weekday = true, year = true, capital = true } = {}) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateStr || '');
  if (!m) return dateStr || '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const key = `${locale(lang)}:${weekday}:${year}`;
  let f = dayFormats.get(key);
  if (!f) {
    const opts = { timeZone: 'UTC', day: 'numeric', month: 'long' };
    if (weekday) opts.weekday = 'long';
    if (year) opts.year = 'numeric';
    f = new Intl.DateTimeFormat(locale(lang), opts);
    dayFormats.set(key, f);
  }
  const day = f.formatToParts(d).filter((p) => p.type !== 'literal').map((p) => p.value).join(' ');
  return capital ? capitalise(day) : day;
}

/** "2027-11-30T09:05:00+01:00" -> "30 November 2027, 09:05" (no zone conversion). */
export function formatDateTime(iso, lang) {
  const day = datePart(iso);
  const time = hhmm(iso);
  if (!day) return iso || '';
  return time ? `${formatDay(day, lang, { weekday: false })}, ${time}` : formatDay(day, lang, { weekday: false });
}

/**
 * Kronor from öre, exactly (no floating point), as each language writes
 * them: 125000 -> "1 250 kr" (sv) or "SEK 1,250" (en); 123450 ->
 * "1 234,50 kr" or "SEK 1,234.50".
 */
export function formatPrice(ore, lang = 'sv') {
  const n = Math.trunc(Number(ore) || 0);
  const kr = Math.trunc(Math.abs(n) / 100);
  const rest = Math.abs(n % 100);
  const en = lang === 'en';
  const grouped = String(kr).replace(/\B(?=(\d{3})+(?!\d))/g, en ? ',' : ' ');
  const sign = n < 0 ? '-' : '';
  const amount = rest ? `${grouped}${en ? '.' : ','}${String(rest).padStart(2, '0')}` : grouped;
  return en ? `${sign}SEK ${amount}` : `${sign}${amount} kr`;
}

// ------------------------------------------------ wall-clock times in a zone
//
// The console edits times as the wall clock of the event's time zone (the
// datetime-local inputs), whatever zone the browser is in. The server
// shows times in that zone already, so reading is taking the digits; to
// write, the offset the zone had at that wall time is found through Intl.

const zoneFormats = new Map();

function zoneFormat(zone) {
  let f = zoneFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    zoneFormats.set(zone, f);
  }
  return f;
}

/** Whether the browser knows the IANA zone ("Europe/Stockholm"). */
export function knownZone(zone) {
  if (!zone) return false;
  try {
    zoneFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC in minutes at the instant ms (east positive). */
function offsetAt(zone, ms) {
  const p = {};
  for (const { type, value } of zoneFormat(zone).formatToParts(new Date(ms))) p[type] = value;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day),
    Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

/** "2027-11-30T08:30:00+01:00" -> "2027-11-30T08:30" for a datetime-local input. */
export function isoToLocalInput(iso) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(iso || '');
  if (!m) return '';
  return m[2] && m[2] !== ':00' ? m[1] + m[2] : m[1];
}

function wallMs(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || '');
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) : null;
}

/** A datetime-local value min minutes of wall clock later ("" for none): "2027-11-30T09:00" + 45 -> "...T09:45". */
export function localInputPlus(value, min) {
  const ms = wallMs(value);
  return ms === null ? '' : new Date(ms + min * 60000).toISOString().slice(0, 16);
}

/** The wall-clock minutes from one datetime-local value to another, or null. */
export function localInputMinutes(from, to) {
  const a = wallMs(from);
  const b = wallMs(to);
  return a === null || b === null ? null : Math.round((b - a) / 60000);
}

/**
 * A datetime-local value read as the wall clock in zone, as ISO 8601 with
 * the offset the zone has then: "2027-11-30T08:30" in Europe/Stockholm is
 * "2027-11-30T08:30:00+01:00", and "2027-06-01T08:30" is "...+02:00".
 * A wall time the clocks skip (spring forward) gives null; one they pass
 * twice (autumn) is the first of the two.
 */
export function localInputToISO(value, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || '');
  if (!m || !knownZone(zone)) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]),
    Number(m[4]), Number(m[5]), Number(m[6] || 0));
  const DAY = 86400000;
  let best = null;
  for (const off of new Set([offsetAt(zone, wall - DAY), offsetAt(zone, wall), offsetAt(zone, wall + DAY)])) {
    const at = wall - off * 60000;
    if (offsetAt(zone, at) === off && (best === null || at < best.at)) best = { at, off };
  }
  if (!best) return null;
  const abs = Math.abs(best.off);
  const sign = best.off < 0 ? '-' : '+';
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || '00'}${sign}${hh}:${mm}`;
}

// -------------------------------------------------------- kronor and öre

/** 250050 öre -> "2500,50" (sv) or "2500.50" (en), for an input. */
export function oreToKronorInput(ore, lang) {
  const n = Math.trunc(Number(ore) || 0);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const sep = lang === 'sv' ? ',' : '.';
  return `${sign}${Math.trunc(abs / 100)}${sep}${String(abs % 100).padStart(2, '0')}`;
}

/**
 * What a person typed as kronor, in öre: "2500", "2 500", "2500,50",
 * "2500.5", "1 234,50 kr". Exact (no floating point); null when it is not
 * an amount with at most two decimals, or negative.
 */
export function kronorInputToOre(text) {
  const s = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(/(kr|sek)$/i, '');
  const m = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const ore = Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
  return Number.isSafeInteger(ore) ? ore : null;
}
