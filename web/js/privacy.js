// The privacy notice (privacy.html) of the current event: who is
// responsible for the attendees' data (the organiser's name and contact
// email from the event's settings), what is kept and why, for how long
// (the event's erasure period), the person's rights, and the organisers'
// own words when they wrote any. Everything the organisers typed is text,
// never markup.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { formatDay, datePart } from './format.js';

const { t } = i18n;

const who = document.getElementById('privacy-who');
const contact = document.getElementById('privacy-contact');
const howLong = document.getElementById('privacy-how-long');
const more = document.getElementById('privacy-more');
const notice = document.getElementById('privacy-notice');
const loading = document.getElementById('privacy-loading');
const alertBox = document.getElementById('page-alert');

let ev = null; // the event as the server sent it
let failure = null; // or the answer that failed

/** The day the event's data is erased: its last day plus the period. */
function erasureDay(endsAt, days) {
  const end = datePart(endsAt);
  if (!end) return '';
  const d = new Date(`${end}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return formatDay(d.toISOString().slice(0, 10), i18n.getLang(), { weekday: false });
}

function render() {
  loading.hidden = ev !== null || failure !== null;
  alertBox.textContent = failure ? errorText(failure) : '';
  if (!ev) return;
  const p = ev.privacy || {};
  const name = i18n.getLang() === 'en' && ev.name_en ? ev.name_en : ev.name;
  who.textContent = p.organiser_name
    ? t('privacy.who_text', { organiser: p.organiser_name, event: name })
    : t('privacy.who_unnamed', { event: name });
  clear(contact);
  if (p.contact_email) {
    contact.append(t('privacy.contact_text'), ' ',
      el('a', { href: `mailto:${p.contact_email}`, id: 'privacy-email' }, p.contact_email));
  } else contact.textContent = t('privacy.contact_none');
  howLong.textContent = Number.isInteger(p.erase_after_days)
    ? t('privacy.how_long_days', { n: p.erase_after_days, date: erasureDay(ev.ends_at, p.erase_after_days) })
    : t('privacy.how_long_manual');
  const words = i18n.getLang() === 'en' && p.notice_en ? p.notice_en : p.notice;
  clear(notice);
  for (const para of (words || '').split(/\n{2,}/)) if (para.trim()) notice.append(el('p', {}, para));
  more.hidden = !notice.childNodes.length;
}

async function main() {
  await i18n.init();
  i18n.onChange(render);
  const res = await api('GET', '/api/v1/event');
  if (res.status === 200 && res.body) ev = res.body;
  else failure = res;
  render();
}

main();
