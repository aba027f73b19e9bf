// "My registration" through the private link (manage.html#t=TOKEN[&new=1]).
// The token lives in the URL fragment, which browsers never send to servers
// or put in Referer headers.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear, copyText } from './dom.js';
import { formatDateTime, formatPrice } from './format.js';

const { t } = i18n;

const content = document.getElementById('content');
const title = document.getElementById('page-title');
const pageAlert = document.getElementById('page-alert');
const pageStatus = document.getElementById('page-status');
const loading = document.getElementById('manage-loading');
const dialog = document.getElementById('cancel-dialog');
const dialogText = document.getElementById('cancel-dialog-text');
const dialogAlert = document.getElementById('cancel-dialog-alert');
const confirmButton = document.getElementById('cancel-confirm');
const keepButton = document.getElementById('cancel-keep');

let token = null;
let isNew = false;
let reg = null;
let state = 'loading'; // loading | ok | not_found | no_token | error
let failure = null; // the answer that failed, worded at each render
let justCancelled = false;
let cancelling = false;

function readFragment() {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  token = params.get('t');
  isNew = params.get('new') === '1';
}

function fullName(p) {
  return [p.first_name, p.last_name].filter(Boolean).join(' ');
}

function manageLink() {
  if (reg && typeof reg.manage_url === 'string' && /^https?:\/\//.test(reg.manage_url)) return reg.manage_url;
  const url = new URL('manage.html', window.location.href);
  url.hash = `t=${encodeURIComponent(token)}`;
  return url.href;
}

function statusBadge(status) {
  return el('span', { class: `status status--${status}` }, t(`status.${status}`));
}

function dlRow(labelKey, value) {
  if (value === undefined || value === null || value === '') return [];
  return [el('dt', {}, t(labelKey)), el('dd', {}, value)];
}

/**
 * The pass code in a large monospace block, shown in groups of three for
 * reading aloud or typing. The groups are spans spaced by CSS, so the text
 * (and what a copy gives) is the code exactly as issued.
 */
function passCode(code, labelId) {
  const p = el('p', { class: 'pass-code', 'aria-labelledby': labelId, translate: 'no' });
  const m = /^([A-Z]+-)(.*)$/.exec(code);
  const head = m ? m[1] : '';
  const rest = m ? m[2] : code;
  const groups = rest.match(/.{1,3}/g) || [];
  if (head && groups.length) groups[0] = head + groups[0];
  for (const g of groups) p.append(el('span', { class: 'pass-group' }, g));
  return p;
}

function attendeePath(a) {
  return `/api/v1/registrations/${encodeURIComponent(token)}/attendees/${encodeURIComponent(a.id)}`;
}

/**
 * Download links for the printable pass (PDF) and the phone image (PNG).
 * The server names the files after the person (Content-Disposition), so
 * the download attribute names none.
 */
function passLinks(a) {
  const base = `${attendeePath(a)}/pass`;
  return el('p', { class: 'pass-links' },
    el('a', { href: `${base}.pdf`, class: 'pass-link', download: true }, t('manage.pass_pdf')),
    ' ',
    el('a', { href: `${base}.png`, class: 'pass-link', download: true }, t('manage.pass_png')));
}

/** The pass code as a QR code, as the door's scanner reads it. */
function passQR(a) {
  return el('img', {
    class: 'pass-qr', src: `${attendeePath(a)}/qr.svg`, width: 200, height: 200,
    alt: t('manage.qr_alt', { name: fullName(a), code: a.pass_code }),
  });
}

/**
 * What the registration costs: the price of each confirmed attendee's
 * ticket, VAT and the total, from the server's sums in öre; a free ticket
 * says so, with no VAT line.
 */
function pricePanel() {
  const p = reg.price;
  if (!p || typeof p.unit_ore !== 'number') return null;
  const lang = i18n.getLang();
  const dl = el('dl', { class: 'details price', id: 'price' });
  if (p.unit_ore === 0) {
    dl.append(el('dt', {}, t('price.each')), el('dd', { id: 'price-total' }, t('price.free')));
  } else {
    dl.append(
      el('dt', {}, t('price.each')), el('dd', {}, t('price.excl_vat', { price: formatPrice(p.unit_ore, lang) })),
      el('dt', {}, t('price.attendees', { n: p.attendees })), el('dd', {}, formatPrice(p.subtotal_ore, lang)),
      el('dt', {}, t('price.vat', { rate: p.vat_rate })), el('dd', {}, formatPrice(p.vat_ore, lang)),
      el('dt', {}, t('price.total')), el('dd', { id: 'price-total', class: 'price-total' }, formatPrice(p.total_ore, lang)));
  }
  return el('section', { class: 'panel', 'aria-labelledby': 'price-heading' },
    el('h2', { id: 'price-heading' }, t('price.heading')),
    dl,
    p.unit_ore !== 0 && p.attendees === 0 ? el('p', { class: 'muted' }, t('price.none_confirmed')) : '');
}

function attendeeCard(a, i) {
  const li = el('li', { class: `attendee-card attendee-card--${a.status}` });
  li.append(el('h3', { class: 'attendee-name' }, fullName(a)));
  li.append(el('p', { class: 'attendee-status' },
    el('span', { class: 'visually-hidden' }, t('manage.attendee_status'), ' '), statusBadge(a.status)));
  if (a.status === 'confirmed' && a.pass_code) {
    const id = `pass-${i}`;
    li.append(el('div', { class: 'pass' },
      el('p', { class: 'pass-label', id }, t('manage.pass_code')),
      passCode(a.pass_code, id),
      passQR(a),
      el('p', { class: 'pass-hint' }, t('manage.pass_hint')),
      passLinks(a)));
  } else if (a.status === 'waitlisted') {
    li.append(el('p', { class: 'waitlist' },
      a.waitlist_position ? t('manage.waitlist_position', { n: a.waitlist_position }) : t('manage.waitlisted')));
  }
  const dl = el('dl', { class: 'details' },
    dlRow('field.email', a.email),
    dlRow('field.company', a.company),
    dlRow('field.job_title', a.job_title),
    dlRow('field.dietary', a.dietary),
    dlRow('manage.listed', a.listed ? t('common.yes') : t('common.no')));
  li.append(dl);
  const sessions = Array.isArray(a.sessions) ? a.sessions : [];
  if (sessions.length) {
    li.append(el('h4', { class: 'signed-up-heading' }, t('manage.signed_up')),
      el('ul', { class: 'signed-up' }, ...sessions.map((s) => el('li', {}, s.title || ''))));
  }
  return li;
}

function nextSteps(link) {
  const section = el('section', { class: 'panel next-steps', 'aria-labelledby': 'next-heading' },
    el('h2', { id: 'next-heading' }, t('manage.next_heading')));
  const ol = el('ol', { class: 'steps' });
  ol.append(el('li', {}, t('manage.next_details')));
  if (reg.status === 'waitlisted' || reg.status === 'partial') ol.append(el('li', {}, t('manage.next_waitlist')));
  ol.append(el('li', {}, t('manage.next_pass')));
  ol.append(el('li', {}, t('manage.next_link')));
  section.append(ol);
  return section;
}

function linkPanel(link) {
  const input = el('input', { id: 'manage-link', type: 'text', readonly: true, value: link, spellcheck: 'false', class: 'link-input', 'aria-describedby': 'manage-link-hint' });
  const copy = el('button', { type: 'button', class: 'button', id: 'copy-link' }, t('manage.copy_link'));
  const copied = el('p', { class: 'copy-status', role: 'status', id: 'copy-status' });
  copy.addEventListener('click', async () => {
    const ok = await copyText(link, input);
    copied.textContent = ok ? t('manage.copied') : t('manage.copy_failed');
  });
  input.addEventListener('focus', () => input.select());
  return el('section', { class: 'panel', 'aria-labelledby': 'link-heading' },
    el('h2', { id: 'link-heading' }, t('manage.link_heading')),
    el('p', { id: 'manage-link-hint', class: 'muted' }, t('manage.link_hint')),
    el('label', { for: 'manage-link', class: 'visually-hidden' }, t('manage.link_label')),
    el('div', { class: 'link-row' }, input, copy),
    el('p', {}, el('a', { href: link, id: 'manage-link-anchor' }, t('manage.open_link'))),
    copied);
}

function cancelPanel() {
  const open = el('button', { type: 'button', class: 'button button-danger', id: 'cancel-open' }, t('manage.cancel_button'));
  open.addEventListener('click', openDialog);
  return el('section', { class: 'panel', 'aria-labelledby': 'cancel-heading' },
    el('h2', { id: 'cancel-heading' }, t('manage.cancel_heading')),
    el('p', { class: 'muted' }, t('manage.cancel_text')),
    el('p', {}, open));
}

function render() {
  clear(content);
  loading.hidden = state !== 'loading';
  pageAlert.textContent = '';
  if (state === 'no_token' || state === 'not_found') {
    i18n.setText(title, state === 'no_token' ? 'manage.no_token_heading' : 'manage.not_found_heading');
    content.append(
      el('p', {}, t(state === 'no_token' ? 'manage.no_token_text' : 'manage.not_found_text')),
      el('p', {}, el('a', { href: 'register.html', class: 'button' }, t('common.nav_register')),
        ' ', el('a', { href: 'index.html' }, t('common.nav_programme'))));
    document.title = t('manage.page_title');
    return;
  }
  if (state === 'error') {
    i18n.setText(title, 'manage.heading');
    pageAlert.textContent = errorText(failure);
    const retry = el('button', { type: 'button', class: 'button' }, t('common.retry'));
    retry.addEventListener('click', load);
    content.append(el('p', {}, retry));
    return;
  }
  if (state !== 'ok' || !reg) return;

  const cancelled = reg.status === 'cancelled';
  if (justCancelled) i18n.setText(title, 'manage.cancelled_heading');
  else if (isNew && !cancelled) {
    i18n.setText(title, reg.status === 'waitlisted' ? 'manage.new_heading_waitlist'
      : (reg.status === 'partial' ? 'manage.new_heading_partial' : 'manage.new_heading'));
  } else i18n.setText(title, 'manage.heading');
  document.title = t('manage.page_title');

  const link = manageLink();
  const lang = i18n.getLang();
  if (isNew && !cancelled) content.append(nextSteps(link));

  const summary = el('section', { class: 'panel summary', 'aria-labelledby': 'summary-heading' },
    el('h2', { id: 'summary-heading' }, t('manage.summary_heading')),
    el('dl', { class: 'details' },
      el('dt', {}, t('manage.status')), el('dd', { id: 'registration-status' }, statusBadge(reg.status)),
      dlRow('manage.event', lang === 'en' && reg.event_en ? reg.event_en : reg.event),
      dlRow('manage.ticket_type', i18n.pick(reg.ticket_type, 'name')),
      dlRow('manage.registered_at', reg.created_at ? formatDateTime(reg.created_at, i18n.getLang()) : '')));
  content.append(summary);
  const price = pricePanel();
  if (price) content.append(price);

  const attendees = Array.isArray(reg.attendees) ? reg.attendees : [];
  const list = el('ul', { class: 'attendee-cards', id: 'attendee-list' });
  attendees.forEach((a, i) => list.append(attendeeCard(a, i)));
  content.append(el('section', { 'aria-labelledby': 'attendees-heading', class: 'attendees' },
    el('h2', { id: 'attendees-heading' }, t('manage.attendees_heading', { n: attendees.length })),
    list));

  const c = reg.contact || {};
  content.append(el('section', { class: 'panel', 'aria-labelledby': 'contact-heading' },
    el('h2', { id: 'contact-heading' }, t('register.contact_heading')),
    el('dl', { class: 'details' },
      dlRow('manage.name', fullName(c)),
      dlRow('field.email', c.email),
      dlRow('field.company', c.company),
      dlRow('field.phone', c.phone))));

  if (!cancelled) {
    content.append(linkPanel(link));
    content.append(cancelPanel());
  }
}

function openDialog() {
  if (!reg) return;
  const n = (reg.attendees || []).filter((a) => a.status !== 'cancelled').length;
  dialogText.textContent = t('manage.cancel_confirm_text', { n });
  dialogAlert.textContent = '';
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  keepButton.focus(); // the safe choice is the default
}

function closeDialog() {
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}

async function confirmCancel() {
  if (cancelling) return;
  cancelling = true;
  confirmButton.setAttribute('aria-disabled', 'true');
  i18n.setText(confirmButton, 'manage.cancelling');
  const res = await api('DELETE', `/api/v1/registrations/${encodeURIComponent(token)}`);
  cancelling = false;
  confirmButton.removeAttribute('aria-disabled');
  i18n.setText(confirmButton, 'manage.cancel_confirm_yes');
  if (res.status >= 200 && res.status < 300 && res.body) {
    reg = res.body;
    justCancelled = true;
    closeDialog();
    render();
    pageStatus.textContent = t('manage.cancelled_notice');
    title.focus();
    return;
  }
  dialogAlert.textContent = errorText(res);
}

async function load() {
  readFragment();
  justCancelled = false;
  pageStatus.textContent = '';
  if (!token) {
    state = 'no_token';
    render();
    return;
  }
  state = 'loading';
  render();
  const res = await api('GET', `/api/v1/registrations/${encodeURIComponent(token)}`);
  if (res.status === 200 && res.body) {
    reg = res.body;
    state = 'ok';
  } else if (res.status === 404) {
    reg = null;
    state = 'not_found';
  } else {
    reg = null;
    state = 'error';
    failure = res;
  }
  render();
}

async function main() {
  await i18n.init();
  confirmButton.addEventListener('click', confirmCancel);
  keepButton.addEventListener('click', closeDialog);
  window.addEventListener('hashchange', load);
  i18n.onChange(() => {
    render();
    if (justCancelled) pageStatus.textContent = t('manage.cancelled_notice');
  });
  await load();
}

main();
