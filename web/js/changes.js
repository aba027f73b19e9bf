// What changed in the programme (changes.html): every release, newest
// first, with its sessions moved, new, cancelled, in another room or
// changed, each from where and when it was to where and when it is now.
// Read from GET /api/v1/programme/changes; the same is the Atom feed.
import { api } from './api.js';
import { errorText } from './errors.js';
import * as i18n from './i18n.js';
import { el, clear } from './dom.js';
import { formatDateTime, hhmm } from './format.js';
import { releaseLine, programmeLinks } from './sessions.js';

const { t } = i18n;

let released = null;
let failed = null;

function place(p) {
  if (!p) return '';
  const when = formatDateTime(p.starts_at, i18n.getLang());
  const end = p.ends_at ? `–${hhmm(p.ends_at)}` : '';
  return p.room && p.room.name ? `${when}${end}, ${p.room.name}` : `${when}${end}`;
}

function changeItem(c) {
  const s = c.session || {};
  const kinds = Array.isArray(c.kinds) ? c.kinds : [];
  const li = el('li', { class: 'change' });
  const labels = el('p', { class: 'change-kinds' });
  for (const k of kinds) labels.append(el('span', { class: `change-kind change-kind--${k}` }, t(`changes.kind.${k}`)), ' ');
  li.append(labels);
  const title = i18n.pick(s, 'title');
  li.append(el('p', { class: 'change-title' }, kinds.includes('cancelled') ? el('s', {}, title) : title));
  const moved = kinds.includes('moved') || kinds.includes('room_changed');
  if (moved && c.before && c.after) {
    li.append(el('p', { class: 'change-place' },
      el('span', { class: 'change-was' }, t('changes.before', { place: place(c.before) })),
      el('br'),
      el('span', { class: 'change-now' }, t('changes.now', { place: place(c.after) }))));
  } else if (c.after) {
    li.append(el('p', { class: 'change-place' }, place(c.after)));
  } else if (c.before) {
    li.append(el('p', { class: 'change-place' }, t('changes.before', { place: place(c.before) })));
  }
  return li;
}

function releaseSection(r) {
  const id = `release-${r.number}`;
  const section = el('section', { class: 'release', id, 'aria-labelledby': `${id}-heading` });
  section.append(el('h2', { id: `${id}-heading` }, t('changes.release_heading', {
    n: r.number, date: formatDateTime(r.published_at, i18n.getLang()),
  })));
  const list = Array.isArray(r.changes) ? r.changes : [];
  if (!list.length) {
    section.append(el('p', { class: 'muted' }, t('changes.none')));
    return section;
  }
  const ul = el('ul', { class: 'changes' });
  for (const c of list) ul.append(changeItem(c));
  section.append(ul);
  return section;
}

function render() {
  document.getElementById('page-alert').textContent = failed || '';
  document.getElementById('changes-loading').hidden = !!(released || failed);
  const head = document.getElementById('changes-release');
  const list = document.getElementById('changes-list');
  clear(head);
  clear(list);
  if (!released) return;
  const name = released.event ? i18n.pick(released.event, 'name') : '';
  document.title = t('changes.page_title_event', { name: name || t('common.brand') });
  head.append(releaseLine(released.release), programmeLinks({ changes: false }));
  for (const r of released.releases || []) list.append(releaseSection(r));
  // A link to one release (#release-2) lands on it once it is drawn.
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
}

async function main() {
  await i18n.init();
  const r = await api('GET', '/api/v1/programme/changes');
  if (r.status === 200 && r.body) released = r.body;
  else failed = errorText(r, 'changes.load_failed');
  render();
  i18n.onChange(() => {
    if (failed) failed = t('changes.load_failed');
    render();
  });
}

main();
