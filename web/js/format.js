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

/** "2027-11-30" -> "Tuesday 30 November 2027" / "Tisdag 30 november 2027". */
export function formatDay(dateStr, lang, { weekday = true, year = true } = {}) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateStr || '');
  if (!m) return dateStr || '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const opts = { timeZone: 'UTC', day: 'numeric', month: 'long' };
  if (weekday) opts.weekday = 'long';
  if (year) opts.year = 'numeric';
  return capitalise(new Intl.DateTimeFormat(locale(lang), opts).format(d));
}

/** "2027-11-30T09:05:00+01:00" -> "30 November 2027, 09:05" (no zone conversion). */
export function formatDateTime(iso, lang) {
  const day = datePart(iso);
  const time = hhmm(iso);
  if (!day) return iso || '';
  return time ? `${formatDay(day, lang, { weekday: false })}, ${time}` : formatDay(day, lang, { weekday: false });
}

/** 250000 öre -> "2 500 kr"; 123450 -> "1 234,50 kr". */
export function formatPrice(ore) {
  const n = Number(ore) || 0;
  const kr = Math.trunc(n / 100);
  const rest = Math.abs(n % 100);
  const grouped = String(Math.abs(kr)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const sign = n < 0 ? '-' : '';
  return rest ? `${sign}${grouped},${String(rest).padStart(2, '0')} kr` : `${sign}${grouped} kr`;
}
