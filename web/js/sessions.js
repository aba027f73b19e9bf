// What the public pages share about the published programme (index.html,
// changes.html, now.html): a session's words in the page's language, the
// release line with its links, and the exports of the whole programme.
// The programme document is a release's: "release" null before the first,
// per session "cancelled" and "sequence", which may be absent (false, 0).
import * as i18n from './i18n.js';
import { el, text } from './dom.js';
import { formatDateTime } from './format.js';

const { t } = i18n;

export const FEED = '/api/v1/programme/changes.atom';
export const EXPORTS = [
  { href: '/api/v1/programme.ics', key: 'programme.export_ics' },
  { href: '/api/v1/schedule.xml', key: 'programme.export_frab' },
  { href: '/api/v1/schedule.json', key: 'programme.export_c3voc' },
];

export function sessionTitle(s) {
  return i18n.pick(s, 'title');
}

export function isCancelled(s) {
  return !!(s && s.cancelled === true);
}

/** Every session of a programme document, in its order. */
export function allSessions(doc) {
  const out = [];
  for (const day of (doc && Array.isArray(doc.days)) ? doc.days : []) {
    for (const s of day.sessions || []) out.push(s);
  }
  return out;
}

/** The feed in the page's language. */
export function feedHref() {
  return i18n.withLang(FEED);
}

/** A session's own calendar file, in the page's language. */
export function sessionIcsHref(s) {
  return i18n.withLang(`/api/v1/sessions/${encodeURIComponent(s.uid)}.ics`);
}

/**
 * "Version 3, published 2 December 2026, 10:15", or that nothing is
 * published yet.
 */
export function releaseLine(release) {
  if (!release || !release.number) return text('p', 'programme.not_published', null, { class: 'release-line' });
  return el('p', { class: 'release-line' }, t('programme.release', {
    n: release.number, date: formatDateTime(release.published_at, i18n.getLang()),
  }));
}

/**
 * The change list, the feed, the screen view and the exports, as links,
 * each in the page's language (made again when it changes).
 */
export function programmeLinks({ changes = true, now = true } = {}) {
  const ul = el('ul', { class: 'programme-links' });
  if (changes) ul.append(el('li', {}, el('a', { href: i18n.withLang('changes.html') }, t('programme.changes_link'))));
  ul.append(el('li', {}, el('a', { href: feedHref(), type: 'application/atom+xml' }, t('programme.feed_link'))));
  if (now) ul.append(el('li', {}, el('a', { href: i18n.withLang('now.html') }, t('programme.now_link'))));
  for (const x of EXPORTS) ul.append(el('li', {}, el('a', { href: i18n.withLang(x.href) }, t(x.key))));
  return ul;
}
