// Remote access: status, mode, and the remote ID as text and QR code for pairing a phone.
import { h, fill } from './dom.js';
import { Code } from './api.js';
import { toCanvas } from './qr.js';

// Grouped 8-5-5-8 as the Music Assistant apps show it, so both read the same.
export function groupID(id) {
  const s = String(id || '').replace(/[\s-]/g, '');
  return [s.slice(0, 8), s.slice(8, 13), s.slice(13, 18), s.slice(18)].filter(Boolean).join('-');
}

export const remoteSection = {
  id: 'remote',
  title: 'Remote access',
  events: /^(remote_access_updated|core_state_updated)$/,

  async available(ui) {
    try {
      await ui.api.call('remote_access/info');
      return true;
    } catch (err) {
      if (err.code === Code.UnknownCommand || err.code === Code.Forbidden) return false;
      return true;
    }
  },

  async render(ui, root) {
    const info = await ui.api.call('remote_access/info');
    const msg = h('p', { class: 'msg', id: 'remote-msg' });
    const badge = (on, yes, no, cls = 'ok') => h('span', { class: 'badge ' + (on ? cls : 'off') }, on ? yes : no);
    const mode = h('select', { id: 'remote-mode' },
      [['auto', 'Automatic (on with Home Assistant Cloud)'], ['on', 'On'], ['off', 'Off']]
        .map(([v, l]) => h('option', { value: v, selected: (info.mode || (info.enabled ? 'on' : 'off')) === v }, l)));
    mode.addEventListener('change', async () => {
      mode.disabled = true;
      try {
        await ui.api.call('remote_access/configure', { mode: mode.value });
        ui.status(msg, 'Remote access setting saved.');
        await remoteSection.render(ui, root);
      } catch (err) { ui.fail(err, msg); } finally { mode.disabled = false; }
    });

    const id = info.remote_id || '';
    const pair = id
      ? h('div', { class: 'split' },
        h('div', { class: 'qr-box', id: 'remote-qr' }, toCanvas(id, 6)),
        h('div', {},
          h('p', { class: 'hint' }, 'Remote ID'),
          h('p', { class: 'remote-id', id: 'remote-id', 'data-remote-id': id }, groupID(id)),
          h('p', { class: 'hint' }, 'In the Music Assistant app choose to connect remotely, then scan this code or type the ID. It also proves to the app that it reached this server.')))
      : h('p', { class: 'empty' }, 'Turn on remote access to get your remote ID.');

    fill(root,
      h('div', { class: 'card' },
        h('h2', {}, 'Remote access'),
        h('p', { class: 'hint' }, 'Lets the Music Assistant apps reach this server from outside your home, through an encrypted peer-to-peer link.'),
        h('div', { class: 'row', id: 'remote-status' },
          badge(info.running, 'Running', 'Stopped'),
          badge(info.connected, 'Connected', 'Not connected'),
          info.using_ha_cloud ? h('span', { class: 'badge ok' }, 'via Home Assistant Cloud') : h('span', { class: 'badge off' }, 'without Home Assistant Cloud')),
        info.error ? h('p', { class: 'msg error', role: 'alert' }, info.error) : null,
        ui.isAdmin ? h('label', {}, 'Remote access', mode) : null,
        msg),
      h('div', { class: 'card' }, h('h2', {}, 'Pair your phone'), pair));
  },
};
