// Admin: external applications that act for users (delegated tokens).
import { h, fill, when, list } from './dom.js';
import { Code } from './api.js';

const idOf = (a) => a.client_id || a.app_id || a.id;

export const appsSection = {
  id: 'apps',
  title: 'Applications',
  admin: true,
  events: /^apps?_|application/,

  async available(ui) {
    try {
      await ui.api.call('apps/list');
      return true;
    } catch (err) {
      if (err.code === Code.UnknownCommand || err.code === Code.Forbidden) return false;
      return true;
    }
  },

  async render(ui, root) {
    const msg = h('p', { class: 'msg', id: 'apps-msg' });
    const created = h('div', { id: 'app-created' });
    const f = {
      name: h('input', { id: 'new-app-name', required: true, maxlength: 100 }),
      scopes: h('input', { id: 'new-app-scopes', placeholder: 'players.read, players.control' }),
      emails: h('input', { id: 'new-app-emails', placeholder: 'anna@example.com' }),
      domains: h('input', { id: 'new-app-domains', placeholder: 'example.com' }),
    };
    const form = h('form', { class: 'grid', id: 'app-form' },
      h('label', {}, 'Name', f.name),
      h('label', {}, 'Allowed actions (scopes)', f.scopes),
      h('label', {}, 'Users it may act for (emails)', f.emails),
      h('label', {}, '…or whole email domains', f.domains),
      h('div', {}, h('button', { type: 'submit' }, 'Create application')));
    const showSecret = (r) => fill(created,
      ui.secret('Client ID', r.client_id || '', null),
      ui.secret('Client secret', r.client_secret || '', 'Copy the secret now: it is shown only this once.'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const r = await ui.api.call('apps/create', { name: f.name.value.trim(), scopes: list(f.scopes.value),
          allowed_emails: list(f.emails.value), allowed_domains: list(f.domains.value) });
        showSecret(r);
        form.reset();
        ui.status(msg, 'Application created.');
        await renderList();
      } catch (err) { ui.fail(err, msg); }
    });

    const listBox = h('div', { class: 'table-wrap' });
    const act = async (fn, done) => {
      try { const r = await fn(); ui.status(msg, done); await renderList(); return r; } catch (err) { ui.fail(err, msg); return null; }
    };
    const renderList = async () => {
      const apps = await ui.api.call('apps/list');
      if (!apps || !apps.length) { fill(listBox, h('p', { class: 'empty' }, 'No applications yet.')); return; }
      fill(listBox, h('table', { id: 'apps-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Client ID', 'Actions allowed', 'For users', 'Status', 'Created', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, apps.map((a) => h('tr', { 'data-app': a.name },
          h('td', {}, h('strong', {}, a.name)),
          h('td', {}, h('code', { class: 'value' }, idOf(a))),
          h('td', {}, (a.scopes || []).join(', ') || '—'),
          h('td', {}, [...(a.allowed_emails || []), ...(a.allowed_domains || []).map((d) => '@' + d)].join(', ') || 'nobody yet'),
          h('td', {}, a.enabled === false ? h('span', { class: 'badge err' }, 'disabled') : h('span', { class: 'badge ok' }, 'enabled')),
          h('td', {}, when(a.created_at, '')),
          h('td', { class: 'actions' },
            h('button', { type: 'button', class: 'secondary', onclick: () => edit(a) }, 'Edit'),
            h('button', { type: 'button', class: 'secondary', onclick: () => rotate(a) }, 'Rotate secret'),
            h('button', { type: 'button', class: 'danger', onclick: () => remove(a) }, 'Delete')))))));
    };
    const edit = async (a) => {
      const v = await ui.form(`Edit ${a.name}`, [
        { name: 'name', label: 'Name', value: a.name, required: true },
        { name: 'scopes', label: 'Allowed actions (scopes)', type: 'textarea', value: (a.scopes || []).join(', ') },
        { name: 'allowed_emails', label: 'Users it may act for (emails)', type: 'textarea', value: (a.allowed_emails || []).join(', ') },
        { name: 'allowed_domains', label: 'Email domains', type: 'textarea', value: (a.allowed_domains || []).join(', ') },
        { name: 'enabled', label: 'Enabled', type: 'checkbox', value: a.enabled !== false }], 'Save');
      if (!v) return;
      await act(() => ui.api.call('apps/update', { client_id: idOf(a), name: v.name.trim(), scopes: list(v.scopes),
        allowed_emails: list(v.allowed_emails), allowed_domains: list(v.allowed_domains), enabled: v.enabled }), `Application “${a.name}” saved.`);
    };
    const rotate = async (a) => {
      if (!(await ui.confirm(`New secret for ${a.name}?`, 'The current secret stops working at once.', 'Rotate', true))) return;
      const r = await act(() => ui.api.call('apps/rotate_secret', { client_id: idOf(a) }), `New secret for “${a.name}” created.`);
      if (r) showSecret({ client_id: idOf(a), ...r });
    };
    const remove = async (a) => {
      if (!(await ui.confirm(`Delete ${a.name}?`, 'Its tokens stop working at once.', 'Delete', true))) return;
      await act(() => ui.api.call('apps/delete', { client_id: idOf(a) }), `Application “${a.name}” deleted.`);
    };

    fill(root,
      h('div', { class: 'card' }, h('h2', {}, 'Create an application'),
        h('p', { class: 'hint' }, 'An external application signs in with its client ID and secret and may then act for the users you allow, doing only the actions you allow.'),
        form, created, msg),
      h('div', { class: 'card' }, h('h2', {}, 'Applications'), listBox));
    root.refreshList = renderList; // events refresh the list, not the forms
    await renderList();
  },
};
