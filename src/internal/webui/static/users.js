// Admin: users — create, edit role and filters, enable/disable, reset password, delete.
import { h, fill, when, list } from './dom.js';
import { roleName } from './account.js';

const roles = [['user', 'User'], ['admin', 'Administrator'], ['guest', 'Guest']];

export const usersSection = {
  id: 'users',
  title: 'Users',
  admin: true,
  events: /user|auth_session/,

  async render(ui, root) {
    const msg = h('p', { class: 'msg', id: 'users-msg' });
    const f = {
      username: h('input', { id: 'new-user-name', required: true, minlength: 2, autocomplete: 'off' }),
      password: h('input', { id: 'new-user-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' }),
      display: h('input', { id: 'new-user-display', autocomplete: 'off' }),
      role: h('select', { id: 'new-user-role' }, roles.map(([v, l]) => h('option', { value: v }, l))),
    };
    const form = h('form', { class: 'grid', id: 'user-form' },
      h('label', {}, 'Username', f.username),
      h('label', {}, 'Password', f.password),
      h('label', {}, 'Display name (optional)', f.display),
      h('label', {}, 'Role', f.role),
      h('div', {}, h('button', { type: 'submit' }, 'Create user')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const args = { username: f.username.value.trim(), password: f.password.value, role: f.role.value };
      if (f.display.value.trim()) args.display_name = f.display.value.trim();
      try {
        const u = await ui.api.call('auth/user/create', args);
        form.reset();
        ui.status(msg, `User “${u.username}” created.`);
        await renderList();
      } catch (err) { ui.fail(err, msg); }
    });

    const listBox = h('div', { class: 'table-wrap' });
    const act = async (label, fn, done) => {
      try { await fn(); ui.status(msg, done); await renderList(); } catch (err) { ui.fail(err, msg); }
    };
    const renderList = async () => {
      const users = await ui.api.call('auth/users');
      fill(listBox, h('table', { id: 'users-table' },
        h('thead', {}, h('tr', {}, ['User', 'Role', 'Status', 'Created', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, users.map((u) => {
          const self = u.user_id === ui.me.user_id;
          return h('tr', { 'data-username': u.username },
            h('td', {}, h('strong', {}, u.display_name || u.username), u.display_name ? h('div', { class: 'you' }, u.username) : null,
              self ? h('div', { class: 'you' }, 'you') : null),
            h('td', {}, roleName(u.role)),
            h('td', {}, u.enabled ? h('span', { class: 'badge ok' }, 'enabled') : h('span', { class: 'badge err' }, 'disabled')),
            h('td', {}, when(u.created_at)),
            h('td', { class: 'actions' },
              h('button', { type: 'button', class: 'secondary', onclick: () => edit(u, self) }, 'Edit'),
              h('button', { type: 'button', class: 'secondary', onclick: () => reset(u) }, 'Reset password'),
              self ? null : h('button', { type: 'button', class: 'secondary', onclick: () => toggle(u) }, u.enabled ? 'Disable' : 'Enable'),
              self ? null : h('button', { type: 'button', class: 'danger', onclick: () => remove(u) }, 'Delete')));
        }))));
    };
    const edit = async (u, self) => {
      const fields = [
        { name: 'display_name', label: 'Display name', value: u.display_name || '' },
        { name: 'email', label: 'Email', type: 'email', value: u.email || '' },
      ];
      if (!self) fields.push({ name: 'role', label: 'Role', type: 'select', value: u.role, options: roles.concat(u.role === 'service' ? [['service', 'Service']] : []) });
      fields.push(
        { name: 'player_filter', label: 'Players this user may use', type: 'textarea', value: (u.player_filter || []).join(', '), placeholder: 'empty = all players' },
        { name: 'provider_filter', label: 'Music providers this user may use', type: 'textarea', value: (u.provider_filter || []).join(', '), placeholder: 'empty = all providers' });
      const v = await ui.form(`Edit ${u.username}`, fields, 'Save');
      if (!v) return;
      const args = { user_id: u.user_id, display_name: v.display_name.trim(), email: v.email.trim(),
        player_filter: list(v.player_filter), provider_filter: list(v.provider_filter) };
      if (!self) args.role = v.role;
      await act('edit', () => ui.api.call('auth/user/update', args), `User “${u.username}” saved.`);
    };
    const reset = async (u) => {
      const v = await ui.form(`New password for ${u.username}`, [
        { name: 'password', label: 'New password', type: 'password', required: true, min: 8, autocomplete: 'new-password' }], 'Set password');
      if (!v) return;
      await act('reset', () => ui.api.call('auth/user/update', { user_id: u.user_id, password: v.password }),
        `Password of “${u.username}” changed. Their devices were signed out.`);
    };
    const toggle = async (u) => {
      if (u.enabled && !(await ui.confirm(`Disable ${u.username}?`, 'They are signed out everywhere and cannot sign in until enabled again.', 'Disable', true))) return;
      await act('toggle', () => ui.api.call(u.enabled ? 'auth/user/disable' : 'auth/user/enable', { user_id: u.user_id }),
        `User “${u.username}” ${u.enabled ? 'disabled' : 'enabled'}.`);
    };
    const remove = async (u) => {
      if (!(await ui.confirm(`Delete ${u.username}?`, 'The account, its tokens and its app-password are removed for good.', 'Delete', true))) return;
      await act('delete', () => ui.api.call('auth/user/delete', { user_id: u.user_id }), `User “${u.username}” deleted.`);
    };

    fill(root,
      h('div', { class: 'card' }, h('h2', {}, 'Create a user'),
        h('p', { class: 'hint' }, 'Home Assistant users get their account automatically when they open Segue from the sidebar.'),
        form, msg),
      h('div', { class: 'card' }, h('h2', {}, 'Users'), listBox));
    root.refreshList = renderList; // events refresh the list, not the forms
    await renderList();
  },
};
