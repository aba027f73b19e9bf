// Console section: door conflicts. The people let in twice at one
// checkpoint while doors were offline (two doors, or two devices, each
// deciding from its own copy): the check-in kept (the earliest) and the
// admission that was not, newest first, paged on the server. Nothing here
// changes a check-in; it tells the organiser whom to look into.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';

const { t } = i18n;
const PAGE = 50;

export const section = { id: 'door-conflicts', navKey: 'console.nav.door_conflicts', href: () => '#/door-conflicts' };

/** "2027-03-01T09:05:07+01:00" -> "2027-03-01 09:05:07" (its own offset). */
function when(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso || '');
  return m ? `${m[1]} ${m[2]}` : iso || '';
}

/** A checkpoint's words: the entrance, or a session by its number. */
function checkpointNode(cp) {
  if (cp === 'main') return text('span', 'console.door_conflicts.main');
  const m = /^session-(\d+)$/.exec(cp);
  if (m) return text('span', 'console.door_conflicts.session', { id: m[1] });
  return el('code', {}, cp);
}

/** One admission: when, on which device (or online) and by whom. */
function admissionNode(a, kept, undone) {
  const device = a.device ? el('span', { class: 'value-text' }, a.device)
    : text('span', 'console.door_conflicts.online', undefined, { class: 'muted' });
  const cell = el('div', {},
    el('time', { datetime: a.at }, when(a.at)), ' · ', device, ' · ',
    el('span', { class: 'value-text' }, a.by));
  if (kept && undone) cell.append(' ', text('span', 'console.door_conflicts.kept_undone', undefined, { class: 'muted' }));
  return cell;
}

function hashOf(offset) {
  return offset > 0 ? `#/door-conflicts?offset=${offset}` : '#/door-conflicts';
}

async function listView(ctx) {
  ctx.title('console.door_conflicts.title');
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const root = ctx.root;
  root.append(text('h1', 'console.door_conflicts.title'),
    text('p', 'console.door_conflicts.intro', undefined, { class: 'muted' }));
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const list = await ctx.call('GET', `/api/v1/admin/door-conflicts?offset=${offset}&limit=${PAGE}`);
  if (ctx.stale()) return;
  loading.remove();
  if (list.status !== 200 || !list.body) {
    ctx.apiError(list);
    return;
  }
  const body = el('div');
  root.append(body);
  const render = () => {
    clear(body);
    const items = list.body.conflicts || [];
    const total = list.body.total ?? items.length;
    body.append(text('p', 'console.door_conflicts.count', { n: total }, { id: 'door-conflicts-count', class: 'muted' }));
    if (!items.length) {
      body.append(text('p', 'console.door_conflicts.none', undefined, { class: 'empty' }));
      return;
    }
    const head = el('tr', {});
    for (const k of ['who', 'where', 'kept', 'other']) head.append(text('th', `console.door_conflicts.col.${k}`, undefined, { scope: 'col' }));
    const tbody = el('tbody');
    for (const c of items) {
      const who = el('td', {}, el('a', { href: `#/attendees/${c.attendee.id}` }, c.attendee.name));
      if (c.attendee.company) who.append(el('div', { class: 'muted' }, c.attendee.company));
      tbody.append(el('tr', { 'data-conflict-id': String(c.id) }, who,
        el('td', {}, checkpointNode(c.checkpoint)),
        el('td', {}, admissionNode(c.kept, true, c.kept_undone)),
        el('td', {}, admissionNode(c.other, false, false))));
    }
    const caption = text('caption', 'console.door_conflicts.caption', undefined, { class: 'visually-hidden', id: 'door-conflicts-caption' });
    body.append(el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'door-conflicts-caption' },
      el('table', { id: 'door-conflicts-table' }, caption, el('thead', {}, head), tbody)));
    if (total > PAGE || offset > 0) {
      const nav = el('nav', { class: 'pager', 'aria-label': t('console.pager.label'), 'data-i18n-attr': 'aria-label:console.pager.label' });
      nav.append(text('p', 'console.pager.showing', { from: Math.min(total, offset + 1), to: Math.min(total, offset + items.length), total }));
      if (offset > 0) nav.append(text('a', 'console.pager.previous', undefined, { href: hashOf(Math.max(0, offset - PAGE)), class: 'button' }));
      if (offset + PAGE < total) nav.append(text('a', 'console.pager.next', undefined, { href: hashOf(offset + PAGE), class: 'button' }));
      body.append(nav);
    }
  };
  render();
  ctx.onLang(render);
}

export const routes = [
  { path: /^door-conflicts$/, render: listView },
];
