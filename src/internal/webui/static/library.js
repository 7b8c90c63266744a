// Admin: the music library — folders (online/offline), scan progress, totals,
// files that could not be read, and a Rescan button. Scan progress arrives as
// library_scan_progress events; the page repaints from them without reloading.
import { h, fill, when } from './dom.js';
import { Code } from './api.js';

export const librarySection = {
  id: 'library',
  title: 'Library',
  admin: true,
  events: /^library_/,

  async available(ui) {
    try {
      await ui.api.call('library/status');
      return true;
    } catch (err) {
      return !(err.code === Code.UnknownCommand || err.code === Code.Forbidden);
    }
  },

  // Progress events carry the scan status: paint it at once, no round trip.
  onEvent(ui, root, ev) {
    if (ev.event === 'library_scan_progress' && ev.data && root.paintScan) root.paintScan(ev.data);
  },

  async render(ui, root) {
    const msg = h('p', { class: 'msg', id: 'library-msg' });
    const rescan = h('button', { type: 'button', id: 'library-rescan' }, 'Rescan');
    const scanBox = h('div', { id: 'library-scan' });
    const foldersBox = h('div', { class: 'table-wrap', id: 'library-folders' });
    const countsBox = h('dl', { class: 'facts counts', id: 'library-counts' });
    const failedBox = h('div', { class: 'table-wrap', id: 'library-failed' });

    rescan.addEventListener('click', async () => {
      rescan.disabled = true;
      try {
        const st = await ui.api.call('library/scan');
        paintScan(st);
        ui.status(msg, 'Scan started.');
      } catch (err) {
        ui.fail(err, msg);
      } finally {
        rescan.disabled = false;
      }
    });

    const paintScan = (s) => {
      const total = Math.max(s.files_total || 0, s.files_seen || 0);
      const pct = total > 0 ? Math.min(100, Math.round((100 * (s.files_seen || 0)) / total)) : (s.scanning ? 0 : 100);
      const fillBar = h('div', { class: 'progress-fill' + (s.scanning ? ' active' : '') });
      fillBar.style.width = pct + '%'; // CSSOM, not a style attribute: the CSP allows no inline styles
      const bar = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, id: 'library-progress' }, fillBar);
      const state = s.scanning
        ? h('span', { class: 'badge warn', id: 'library-scan-state' }, 'scanning')
        : h('span', { class: 'badge ok', id: 'library-scan-state' }, 'idle');
      fill(scanBox,
        h('div', { class: 'row' }, state,
          h('span', { id: 'library-files' }, `${s.files_seen || 0} of ${total} files`),
          s.scanning && s.current_folder ? h('span', { class: 'hint', id: 'library-current' }, 'in ', h('code', { class: 'value' }, s.current_folder)) : null),
        bar,
        h('p', { class: 'hint' },
          s.scanning ? `Started ${when(s.started)}.` : `Last scan finished ${when(s.finished)}.`,
          ` Added ${s.added || 0}, updated ${s.updated || 0}, removed ${s.removed || 0}, failed ${s.failed || 0}.`,
          s.last_error ? h('span', { class: 'msg error' }, ' ' + s.last_error) : null));
    };
    root.paintScan = paintScan;

    const renderAll = async () => {
      const st = await ui.api.call('library/status');
      paintScan(st.scan);
      fill(foldersBox, st.folders.length === 0
        ? h('p', { class: 'empty' }, 'No music folder is configured. Start Segue with --music-dirs (add-on option music_dirs).')
        : h('table', { id: 'library-folders-table' },
          h('thead', {}, h('tr', {}, ['Folder', 'Status', 'Tracks', 'Last scan'].map((t) => h('th', {}, t)))),
          h('tbody', {}, st.folders.map((f) => h('tr', { 'data-folder': f.name },
            h('td', {}, h('strong', {}, f.name), h('div', { class: 'you' }, f.path)),
            h('td', {}, f.online
              ? h('span', { class: 'badge ok' }, 'online')
              : [h('span', { class: 'badge err' }, 'offline'), f.problem ? h('div', { class: 'you' }, f.problem) : null]),
            h('td', {}, String(f.track_count)),
            h('td', {}, when(f.last_scan)))))));
      const c = st.counts;
      fill(countsBox,
        h('dt', {}, 'Artists'), h('dd', { id: 'count-artists' }, String(c.artists)),
        h('dt', {}, 'Albums'), h('dd', { id: 'count-albums' }, String(c.albums)),
        h('dt', {}, 'Tracks'), h('dd', { id: 'count-tracks' }, String(c.tracks)),
        h('dt', {}, 'Genres'), h('dd', { id: 'count-genres' }, String(c.genres)));
      fill(failedBox, st.failures.length === 0
        ? h('p', { class: 'empty', id: 'library-no-failures' }, 'Every file could be read.')
        : h('table', { id: 'library-failed-table' },
          h('thead', {}, h('tr', {}, ['File', 'Why'].map((t) => h('th', {}, t)))),
          h('tbody', {}, st.failures.map((f) => h('tr', {},
            h('td', {}, h('code', { class: 'value' }, f.path)),
            h('td', {}, f.reason))))));
    };

    fill(root,
      h('div', { class: 'card' }, h('h2', {}, 'Scan'),
        h('p', { class: 'hint' }, 'Segue scans the music folders at start, when files change and when you ask. Unchanged files are skipped.'),
        scanBox, h('div', { class: 'row' }, rescan), msg),
      h('div', { class: 'card' }, h('h2', {}, 'Music folders'),
        h('p', { class: 'hint' }, 'A folder that is missing or empty (a disk not mounted yet) shows offline: its tracks, stars and playlists stay until it is back.'),
        foldersBox),
      h('div', { class: 'card' }, h('h2', {}, 'In the library'), countsBox),
      h('div', { class: 'card' }, h('h2', {}, 'Files that could not be read'), failedBox));
    root.refreshList = renderAll;
    await renderAll();
  },
};
