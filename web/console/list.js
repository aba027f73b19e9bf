// What the console's lists share: numbers in the page's language and the
// pager under a list the server pages ({"items", "total", "limit",
// "offset"}, with "total_exact": false when the server stopped counting).
import * as i18n from '../js/i18n.js';
import { el, text } from '../js/dom.js';

/** A number as the page's language writes it. */
export function num(n) {
  return Number(n).toLocaleString(i18n.getLang() === 'sv' ? 'sv-SE' : 'en-GB');
}

/**
 * The pager of a page of a list: where it is, previous and next as links
 * to hashOf(offset). With exact false the total is a lower bound. null
 * when everything is on this page. idPrefix names the links.
 */
export function pager(total, offset, limit, hashOf, { exact = true, shown = limit, idPrefix = null } = {}) {
  if (total <= limit && offset === 0 && exact) return null;
  const nav = el('nav', { class: 'pager', 'aria-label': i18n.t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' });
  const to = Math.min(exact ? total : Infinity, offset + Math.min(limit, shown));
  nav.append(exact
    ? text('p', 'console.pager.showing', { from: Math.min(total, offset + 1), to, total })
    : text('p', 'console.pager.showing_more', { from: offset + 1, to, total: num(total) }));
  const id = (k) => (idPrefix ? `${idPrefix}-${k}` : null);
  if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { href: hashOf(Math.max(0, offset - limit)), class: 'button', id: id('previous') }));
  if (offset + limit < total || (!exact && shown >= limit)) {
    nav.append(text('a', 'console.pager.next', undefined, { href: hashOf(offset + limit), class: 'button', id: id('next') }));
  }
  return nav;
}
