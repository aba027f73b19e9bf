// Console, in the Programme section: publishing the programme. What
// publishing now would change (the draft against the latest release), a
// button that publishes the next release after asking (off, with the
// reason, while nothing has changed since the latest), and every release
// with its changes and the attendees signed up to a session it moved or
// cancelled: the people to tell.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatDateTime, hhmm } from '../js/format.js';
import { busy, isBusy, openDialog, apiErrorText } from './form.js';
import { rememberEvent } from './events.js';

const { t } = i18n;

/** The kinds of change, in the order the server counts them. */
export const CHANGE_KINDS = ['new', 'cancelled', 'moved', 'room_changed', 'changed'];

/** "30 November 2027, 10:30–11:15, Sal Ronneby", or "..., no room" for one in none. */
function place(p) {
  if (!p) return '';
  const when = `${formatDateTime(p.starts_at, i18n.getLang())}–${hhmm(p.ends_at)}`;
  return `${when}, ${p.room && p.room.name ? p.room.name : t('console.releases.no_room')}`;
}

function countsText(counts) {
  const parts = CHANGE_KINDS.filter((k) => counts && counts[k] > 0)
    .map((k) => `${t(`changes.kind.${k}`)}: ${counts[k]}`);
  return parts.length ? parts.join(' · ') : t('console.releases.no_changes');
}

/** A list of changes, each session with what happened to it. */
export function changeList(changes, id) {
  if (!changes.length) return text('p', 'console.releases.no_changes', undefined, { class: 'muted', id });
  const ul = el('ul', { class: 'release-changes', id });
  for (const c of changes) {
    const s = c.session || {};
    const kinds = (c.kinds || []).map((k) => t(`changes.kind.${k}`)).join(', ');
    const li = el('li', { class: 'release-change', dataset: { session: String(s.id) } },
      el('strong', {}, kinds), ': ',
      s.id && !c.gone ? el('a', { href: `#/sessions/${s.id}` }, s.title) : s.title);
    const moved = (c.kinds || []).some((k) => k === 'moved' || k === 'room_changed');
    if (moved && c.before && c.after) {
      li.append(el('br'), el('span', { class: 'muted' },
        t('changes.was', { place: place(c.before) }), ' → ', place(c.after)));
    }
    ul.append(li);
  }
  return ul;
}

/** The attendees to tell: name, email, session and what happened. */
function affectedTable(list, number) {
  if (!list.length) return text('p', 'console.releases.affected_none', undefined, { class: 'muted' });
  const id = `affected-${number}`;
  const table = el('table', { class: 'data-table', id, 'aria-labelledby': `${id}-heading` });
  const head = el('tr', {});
  for (const k of ['name', 'email', 'session', 'what']) head.append(text('th', `console.releases.col.${k}`, undefined, { scope: 'col' }));
  const body = el('tbody', {});
  for (const a of list) {
    body.append(el('tr', {},
      el('td', {}, el('a', { href: `#/attendees/${a.attendee_id}` }, `${a.first_name} ${a.last_name}`)),
      el('td', {}, el('a', { href: `mailto:${a.email}` }, a.email)),
      el('td', {}, a.session ? a.session.title : '',
        a.place && a.place !== 'seat' ? el('span', { class: 'muted' }, ` (${t('console.releases.in_line')})`) : ''),
      el('td', {}, (a.kinds || []).map((k) => t(`changes.kind.${k}`)).join(', '))));
  }
  table.append(el('thead', {}, head), body);
  // A person in two changed sessions is one message, and one person here.
  const people = new Set(list.map((a) => a.attendee_id)).size;
  return el('div', { class: 'table-wrap' },
    text('h3', 'console.releases.affected', { n: people }, { id: `${id}-heading` }), table);
}

function releaseItem(ctx, base, r) {
  const details = el('details', { class: 'release-item', id: `release-${r.number}` });
  const summary = el('summary', {}, el('strong', {}, t('console.releases.version', { n: r.number })), ' · ',
    formatDateTime(r.published_at, i18n.getLang()), r.who ? ` · ${r.who}` : '', ' · ',
    el('span', { class: 'muted' }, countsText(r.counts)));
  const body = el('div', { class: 'release-body' }, text('p', 'common.loading', undefined, { class: 'muted' }));
  details.append(summary, body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    const got = await ctx.call('GET', `${base}/releases/${r.number}`);
    if (ctx.stale()) return;
    clear(body);
    if (got.status !== 200 || !got.body) {
      loaded = false;
      const { key, args } = apiErrorText(got);
      body.append(text('p', key, args, { class: 'alert' }));
      return;
    }
    body.append(changeList(got.body.changes || [], `release-${r.number}-changes`),
      affectedTable(got.body.affected || [], r.number));
  });
  return details;
}

async function releasesView(ctx, eventText) {
  const eventId = Number(eventText);
  const base = `/api/v1/admin/events/${eventId}`;
  ctx.title('console.releases.title');
  const root = ctx.root;
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const [evR, draftR, listR] = await Promise.all([ctx.call('GET', base),
    ctx.call('GET', `${base}/schedule/draft-changes`), ctx.call('GET', `${base}/releases`)]);
  if (ctx.stale()) return;
  loading.remove();
  if (evR.status !== 200 || draftR.status !== 200 || listR.status !== 200) {
    root.append(text('h1', evR.status === 404 ? 'console.events.not_found' : 'console.releases.title'));
    if (evR.status !== 404) ctx.apiError(evR.status !== 200 ? evR : (draftR.status !== 200 ? draftR : listR));
    return;
  }
  const event = evR.body;
  rememberEvent(eventId);
  let draft = draftR.body;
  let releases = listR.body.releases || [];
  ctx.title('console.releases.title_event', { name: event.name });
  const status = el('p', { class: 'notice', role: 'status', id: 'publish-status', tabindex: '-1' });
  const draftPanel = el('section', { class: 'panel', 'aria-labelledby': 'draft-heading' });
  const listPanel = el('section', { class: 'panel', 'aria-labelledby': 'releases-heading' });
  root.append(
    el('p', { class: 'breadcrumb' }, el('a', { href: `#/events/${eventId}/programme` }, t('console.programme.title')),
      ' · ', el('span', { lang: 'sv' }, event.name)),
    text('h1', 'console.releases.title'), status, draftPanel, listPanel);

  const publishButton = text('button', 'console.releases.publish', undefined, {
    type: 'button', class: 'button button-primary', id: 'publish-button' });
  const publishReason = text('p', 'console.releases.publish_none', undefined, { class: 'field-hint', id: 'publish-reason' });

  // With nothing changed since the latest release the server would refuse
  // (409 nothing_changed): the button is off, and says why.
  const renderDraft = () => {
    clear(draftPanel).append(text('h2', 'console.releases.draft_heading', undefined, { id: 'draft-heading' }));
    const none = !!draft.nothing_changed;
    if (none) {
      draftPanel.append(text('p', 'console.releases.same', { n: draft.release }, { id: 'draft-same' }));
    } else {
      draftPanel.append(el('p', { id: 'draft-counts' }, countsText(draft.counts)),
        changeList(draft.changes || [], 'draft-changes'));
    }
    publishButton.disabled = none;
    if (none) publishButton.setAttribute('aria-describedby', publishReason.id);
    else publishButton.removeAttribute('aria-describedby');
    draftPanel.append(el('p', { class: 'view-actions' }, publishButton), none ? publishReason : '');
  };
  // A change made meanwhile (in another tab, by a colleague) turns the
  // button on when the organiser comes back to this page.
  const refreshDraft = async () => {
    if (ctx.stale()) {
      window.removeEventListener('focus', refreshDraft);
      document.removeEventListener('visibilitychange', refreshDraft);
      return;
    }
    if (document.visibilityState === 'hidden') return;
    const d = await ctx.call('GET', `${base}/schedule/draft-changes`);
    if (ctx.stale() || d.status !== 200 || JSON.stringify(d.body) === JSON.stringify(draft)) return;
    draft = d.body;
    renderDraft();
  };
  window.addEventListener('focus', refreshDraft);
  document.addEventListener('visibilitychange', refreshDraft);
  const renderList = () => {
    clear(listPanel).append(text('h2', 'console.releases.list_heading', undefined, { id: 'releases-heading' }));
    if (!releases.length) listPanel.append(text('p', 'console.releases.none', undefined, { class: 'empty' }));
    for (const r of releases) listPanel.append(releaseItem(ctx, base, r));
    if (releases.length) listPanel.append(el('p', {}, el('a', { href: '/changes.html' }, t('console.releases.public_page'))));
  };
  const reload = async () => {
    const [d, l] = await Promise.all([ctx.call('GET', `${base}/schedule/draft-changes`), ctx.call('GET', `${base}/releases`)]);
    if (ctx.stale()) return;
    if (d.status === 200) draft = d.body;
    if (l.status === 200) releases = l.body.releases || [];
    renderDraft();
    renderList();
  };

  publishButton.addEventListener('click', async () => {
    if (isBusy(publishButton)) return;
    const next = (draft.release || 0) + 1;
    const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
    let published = null;
    await openDialog({
      id: 'publish-dialog',
      headingKey: 'console.releases.confirm_heading',
      headingArgs: { n: next },
      content: [text('p', 'console.releases.confirm_text', { changes: countsText(draft.counts) }), summary],
      buttons: [
        { value: 'publish', key: 'console.releases.confirm', className: 'button-primary', id: 'publish-confirm' },
        { value: null, key: 'console.dialog.cancel', id: 'publish-cancel', autofocus: true },
      ],
      onSubmit: async (value, button) => {
        if (value !== 'publish' || isBusy(button)) return false;
        busy(button, true);
        const r = await ctx.call('POST', `${base}/releases`);
        busy(button, false);
        const code = r.body && r.body.error && r.body.error.code;
        if (r.status === 201) {
          published = r.body.release;
          return true;
        }
        if (r.status === 401) return true;
        if (code === 'nothing_changed') i18n.setText(summary, 'console.releases.same', { n: draft.release });
        else {
          const { key, args } = apiErrorText(r);
          i18n.setText(summary, key, args);
        }
        summary.focus();
        return false;
      },
    });
    if (ctx.stale() || !published) return;
    i18n.setText(status, 'console.releases.published', { n: published.number });
    await reload();
    status.focus();
  });

  renderDraft();
  renderList();
  ctx.onLang(() => { renderDraft(); renderList(); });
}

export const routes = [
  { path: /^events\/(\d+)\/releases$/, render: releasesView },
];
