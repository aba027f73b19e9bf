// The public attendee list (attendees.html): the confirmed attendees of
// the current event who ticked "list me" at registration, name and
// company, in the server's Swedish order, a page at a time
// (attendees.html#page=2 keeps the page across a reload).
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';

const { t } = i18n;
const PAGE = 50;

const rows = document.getElementById('attendee-rows');
const table = document.getElementById('attendee-table');
const count = document.getElementById('attendees-count');
const loading = document.getElementById('attendees-loading');
const alertBox = document.getElementById('page-alert');
const pager = document.getElementById('pager');
const prev = document.getElementById('page-prev');
const next = document.getElementById('page-next');
const pageOf = document.getElementById('page-of');

let page = 1;
let answer = null; // the last list the server sent
let failure = null; // or the answer that failed

function pageFromHash() {
  const n = Number(new URLSearchParams(window.location.hash.replace(/^#/, '')).get('page'));
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function render() {
  loading.hidden = answer !== null || failure !== null;
  alertBox.textContent = failure ? errorText(failure) : '';
  clear(rows);
  if (!answer) {
    table.hidden = true;
    pager.hidden = true;
    count.textContent = '';
    return;
  }
  const list = Array.isArray(answer.attendees) ? answer.attendees : [];
  const total = Number(answer.total) || 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  count.textContent = total ? t('attendees.count', { n: total }) : t('attendees.none');
  for (const a of list) {
    rows.append(el('tr', {},
      el('td', {}, [a.first_name, a.last_name].filter(Boolean).join(' ')),
      el('td', {}, a.company || '')));
  }
  table.hidden = list.length === 0;
  pager.hidden = pages <= 1;
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  pageOf.textContent = t('attendees.page_of', { page, pages });
}

async function load() {
  page = pageFromHash();
  const r = await api('GET', `/api/v1/attendees?offset=${(page - 1) * PAGE}&limit=${PAGE}`);
  if (r.status === 200 && r.body) {
    answer = r.body;
    failure = null;
  } else {
    answer = null;
    failure = r;
  }
  render();
}

function go(n) {
  window.location.hash = `page=${n}`;
}

async function main() {
  await i18n.init();
  prev.addEventListener('click', () => go(page - 1));
  next.addEventListener('click', () => go(page + 1));
  window.addEventListener('hashchange', load);
  i18n.onChange(render);
  await load();
}

main();
