// Console section: the team, the staff accounts. The list, a new account
// (its made-up password shown once), and for each account: make it door
// staff or an organiser, disable or enable it, reset its password (the new
// one shown once). The server refuses to leave no active organiser.
import * as i18n from '../js/i18n.js';
import { el, text, clear } from '../js/dom.js';
import { formatDateTime } from '../js/format.js';
import {
  resourceForm, showSaveError, showLocalErrors, clearSummary, busy, isBusy, openDialog, apiErrorText,
} from './form.js';
import { pager } from './list.js';
import { oneTimePassword } from './password.js';

const PAGE = 50;
const PREFIX = 'console.user';
export const STAFF_ROLES = ['door', 'organiser'];

export const section = { id: 'team', navKey: 'console.nav.team', href: () => '#/team' };

/** An account's fields, as in the server's table (daemon/admin-users.c). */
const FIELDS = [
  { name: 'name', type: 'text', required: true, max: 63, hint: true },
  { name: 'role', type: 'choice', choices: STAFF_ROLES, choiceKey: (r) => `console.staff_role.${r}`, hint: true },
];
/** The forms of this section, for the check that all their words exist. */
export const forms = [{ prefix: PREFIX, fields: FIELDS }];

// -------------------------------------------------------------------- list

async function listView(ctx) {
  ctx.title('console.team.title');
  const offset = Math.max(0, Number.parseInt(ctx.query.get('offset') || '0', 10) || 0);
  const root = ctx.root;
  root.append(el('div', { class: 'view-head' },
    text('h1', 'console.team.title'),
    text('a', 'console.team.new', undefined, { href: '#/team/new', class: 'button button-primary', id: 'new-user' })));
  const loading = text('p', 'common.loading', undefined, { class: 'muted' });
  root.append(loading);
  const list = await ctx.call('GET', `/api/v1/admin/users?limit=${PAGE}&offset=${offset}`);
  if (ctx.stale()) return;
  loading.remove();
  if (list.status !== 200 || !list.body) {
    ctx.apiError(list);
    return;
  }
  const items = list.body.items || [];
  const body = el('div');
  root.append(text('p', 'console.team.intro', undefined, { class: 'muted' }), body);

  /** Draw the list again; the focus goes to focusSel if given. */
  const render = (focusSel) => {
    clear(body);
    const ul = el('ul', { class: 'cards', id: 'team-list' });
    const lang = i18n.getLang();
    for (const u of items) {
      const li = el('li', { class: `card${u.disabled ? ' card--archived' : ''}`, 'data-user-id': String(u.id) });
      const title = el('h2', { class: 'card-title' }, el('span', { class: 'user-name' }, u.name));
      if (ctx.user && u.name === ctx.user.name) title.append(' ', text('span', 'console.team.you', undefined, { class: 'card-alt' }));
      const badges = el('p', { class: 'badges' },
        text('span', `console.staff_role.${u.role}`, undefined, { class: 'badge user-role' }));
      if (u.disabled) badges.append(text('span', 'console.team.disabled_badge', undefined, { class: 'badge badge--archived user-disabled' }));
      const actions = el('div', { class: 'toolbar', role: 'group', 'aria-label': i18n.t('console.team.actions', { name: u.name }), 'data-i18n-attr': 'aria-label:console.team.actions', 'data-i18n-args': JSON.stringify({ name: u.name }) });
      const other = u.role === 'organiser' ? 'door' : 'organiser';
      const roleButton = text('button', `console.team.make_${other}`, undefined, { type: 'button', class: 'button button-small', 'data-role': String(u.id) });
      const disableButton = text('button', u.disabled ? 'console.team.enable' : 'console.team.disable', undefined,
        { type: 'button', class: `button button-small${u.disabled ? '' : ' button-danger'}`, 'data-disable': String(u.id) });
      const resetButton = text('button', 'console.team.reset', undefined, { type: 'button', class: 'button button-small', 'data-reset': String(u.id) });
      for (const b of [roleButton, disableButton, resetButton]) {
        b.append(el('span', { class: 'visually-hidden' }, ` – ${u.name}`));
      }
      roleButton.addEventListener('click', () => changeRole(u, roleButton, other));
      disableButton.addEventListener('click', () => toggleDisabled(u));
      resetButton.addEventListener('click', () => resetPassword(u));
      actions.append(roleButton, disableButton, resetButton);
      li.append(title, badges,
        text('p', 'console.team.created_at', { when: formatDateTime(u.created_at, lang) }, { class: 'card-meta' }),
        actions);
      ul.append(li);
    }
    body.append(ul);
    const p = pager(list.body.total, offset, PAGE, (o) => `#/team?offset=${o}`);
    if (p) body.append(p);
    if (focusSel) {
      const node = body.querySelector(focusSel);
      if (node) node.focus();
    }
  };
  render();
  ctx.onLang(() => render());

  const replaceRow = (row) => {
    const i = items.findIndex((x) => x.id === row.id);
    if (i >= 0) items[i] = row;
  };

  /** What a refused change means: a stale row, the last organiser, or else. */
  const refused = (u, r, focusSel) => {
    const err = (r.body && r.body.error) || {};
    if (r.status === 409 && err.code === 'conflict' && err.current) {
      replaceRow(err.current);
      render(focusSel);
      ctx.alert('console.team.conflict', { name: u.name });
      return;
    }
    if (r.status === 409 && err.code === 'last_organiser') {
      ctx.alert('console.team.last_organiser', { name: u.name });
      return;
    }
    ctx.apiError(r);
  };

  async function patch(u, changes, focusSel, doneKey) {
    const r = await ctx.call('PATCH', `/api/v1/admin/users/${u.id}`, { version: u.version, ...changes });
    if (ctx.stale() || r.status === 401) return false;
    if (r.status === 200 && r.body) {
      replaceRow(r.body);
      render(focusSel);
      ctx.alert(null);
      ctx.status(doneKey, { name: r.body.name });
      return true;
    }
    refused(u, r, focusSel);
    return false;
  }

  async function changeRole(u, button, role) {
    if (isBusy(button)) return;
    // Making oneself door staff ends one's own way into the console: asked first.
    if (ctx.user && u.name === ctx.user.name && role !== 'organiser') {
      const answer = await openDialog({
        id: 'own-role-dialog',
        headingKey: 'console.team.own_role_heading',
        content: [text('p', 'console.team.own_role_text')],
        buttons: [
          { value: 'change', key: 'console.team.make_door', className: 'button-danger', id: 'own-role-confirm' },
          { value: null, key: 'console.dialog.cancel', id: 'own-role-cancel', autofocus: true },
        ],
      });
      if (answer !== 'change') return;
    }
    busy(button, true);
    await patch(u, { role }, `[data-role="${u.id}"]`, `console.team.made_${role}`);
    busy(button, false);
  }

  async function toggleDisabled(u) {
    const enable = u.disabled;
    const confirm = await openDialog({
      id: 'disable-dialog',
      headingKey: enable ? 'console.team.enable_heading' : 'console.team.disable_heading',
      headingArgs: { name: u.name },
      content: [text('p', enable ? 'console.team.enable_text' : 'console.team.disable_text', { name: u.name })],
      buttons: [
        { value: 'yes', key: enable ? 'console.team.enable_confirm' : 'console.team.disable_confirm', className: enable ? 'button-primary' : 'button-danger', id: 'disable-confirm' },
        { value: null, key: 'console.dialog.cancel', id: 'disable-cancel', autofocus: true },
      ],
    });
    if (confirm !== 'yes' || ctx.stale()) return;
    await patch(u, { disabled: !enable }, `[data-disable="${u.id}"]`, enable ? 'console.team.enabled' : 'console.team.disabled');
  }

  async function resetPassword(u) {
    let made = null;
    const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1' });
    await openDialog({
      id: 'reset-dialog',
      headingKey: 'console.team.reset_heading',
      headingArgs: { name: u.name },
      content: [text('p', 'console.team.reset_text', { name: u.name }), summary],
      buttons: [
        { value: 'yes', key: 'console.team.reset_confirm', className: 'button-danger', id: 'reset-confirm' },
        { value: null, key: 'console.dialog.cancel', id: 'reset-cancel', autofocus: true },
      ],
      onSubmit: async (value, button) => {
        if (value !== 'yes' || isBusy(button)) return false;
        clearSummary(summary);
        busy(button, true);
        const r = await ctx.call('POST', `/api/v1/admin/users/${u.id}/password`);
        busy(button, false);
        if (r.status === 200 && r.body && r.body.password) {
          made = r.body;
          return true;
        }
        if (r.status === 401) return true;
        const { key, args } = apiErrorText(r);
        i18n.setText(summary, key, args);
        summary.focus();
        return false;
      },
    });
    if (!made || ctx.stale()) return;
    // The reset counts as a change of the account: its version moved on.
    const fresh = await ctx.call('GET', `/api/v1/admin/users/${u.id}`);
    if (fresh.status === 200 && fresh.body) {
      replaceRow(fresh.body);
      render();
    }
    ctx.alert(null);
    ctx.status('console.team.reset_done', { name: u.name });
    await openDialog({
      id: 'password-dialog',
      headingKey: 'console.team.reset_done_heading',
      headingArgs: { name: u.name },
      content: [oneTimePassword({ name: u.name, password: made.password, idPrefix: 'reset', headingKey: null })],
      buttons: [{ value: null, key: 'console.password.done', id: 'password-done', className: 'button-primary' }],
    });
    const again = body.querySelector(`[data-reset="${u.id}"]`);
    if (again) again.focus();
  }
}

// ------------------------------------------------------------ a new account

async function createView(ctx) {
  ctx.title('console.team.new_title');
  const root = ctx.root;
  root.append(el('p', { class: 'breadcrumb' }, text('a', 'console.team.back', undefined, { href: '#/team' })),
    text('h1', 'console.team.new_title'));
  const form = resourceForm({ fields: FIELDS, prefix: PREFIX, idPrefix: 'account', zone: () => null });
  form.fill({ name: '', role: 'door' });
  const summary = el('div', { class: 'alert', role: 'alert', tabindex: '-1', id: 'account-form-alert' });
  const submit = text('button', 'console.team.create', undefined, { type: 'submit', class: 'button button-primary button-large', id: 'account-save' });
  const node = el('form', { class: 'resource-form panel', novalidate: true, id: 'account-form' },
    summary, form.element, el('div', { class: 'submit-row' }, submit));
  root.append(node);
  node.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (isBusy(submit)) return;
    form.clearErrors();
    clearSummary(summary);
    const { values, errors } = form.read();
    if (Object.keys(errors).length) {
      showLocalErrors(form, summary, errors);
      return;
    }
    busy(submit, true, 'console.form.saving');
    const r = await ctx.call('POST', '/api/v1/admin/users', values);
    busy(submit, false, 'console.team.create');
    if (ctx.stale() || r.status === 401) return;
    if (r.status === 201 && r.body && r.body.password) {
      shown(r.body);
      return;
    }
    showSaveError(r, { form, summary });
  });

  /** The account is made: its password, once, instead of the form. */
  function shown(user) {
    node.remove();
    ctx.title('console.team.created_title', { name: user.name });
    ctx.status('console.team.created', { name: user.name });
    const another = text('a', 'console.team.another', undefined, { href: '#/team/new', id: 'created-another' });
    const panel = el('section', { class: 'panel', 'aria-labelledby': 'created-one-time-heading' },
      oneTimePassword({ name: user.name, password: user.password, idPrefix: 'created', headingKey: 'console.password.new_for' }),
      text('p', user.role === 'door' ? 'console.team.door_hint' : 'console.team.organiser_hint'),
      el('p', { class: 'card-actions' },
        text('a', 'console.team.back', undefined, { href: '#/team', id: 'created-back' }),
        another));
    // The same address as this view: a link would not open it again.
    another.addEventListener('click', (ev) => {
      ev.preventDefault();
      ctx.navigate('#/team/new');
    });
    root.append(panel);
    ctx.focus(panel.querySelector('h2'));
  }
}

export const routes = [
  { path: /^team$/, render: listView },
  { path: /^team\/new$/, render: createView },
];
