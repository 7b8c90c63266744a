// The admin's Library page: folders online/offline, counts, the failed file and
// why, Rescan with its progress bar; light and dark screenshots.
// Usage: node librarypage.mjs http://127.0.0.1:PORT/  (env SEGUE_ADMIN_USER, SEGUE_ADMIN_PASS, SEGUE_TRACKS)
import { launch, record, assertSameOrigin, shots, uiReady, expectText, check, log, run } from './lib.mjs';

const base = process.argv[2];
const tracks = process.env.SEGUE_TRACKS;

run(async () => {
  const { ctx, close } = await launch();
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const rec = record(page);
    await page.goto(new URL('login', base).href);
    await page.fill('#u', process.env.SEGUE_ADMIN_USER);
    await page.fill('#p', process.env.SEGUE_ADMIN_PASS);
    await page.click('#submit');
    await uiReady(page);
    await page.click('#tab-library');
    await page.waitForSelector('#section-library:not([hidden]) #library-folders-table');
    const rows = await page.locator('#library-folders-table tbody tr').count();
    check(rows === 2, `two music folders listed (got ${rows})`);
    await expectText(page, '#library-folders-table tbody tr:nth-child(1) td:nth-child(2)', /online/, 'the generated folder is online');
    await expectText(page, '#library-folders-table tbody tr:nth-child(2) td:nth-child(2)', /offline/, 'the missing folder is offline');
    await expectText(page, '#count-tracks', new RegExp('^' + tracks + '$'), 'the track count is shown');
    await expectText(page, '#library-failed-table', /broken\.mp3/, 'the unreadable file is listed');
    await expectText(page, '#library-scan-state', /idle/, 'no scan runs');
    await shots(page, 'library');
    await page.click('#library-rescan');
    await expectText(page, '#library-msg', /Scan started/, 'Rescan starts a scan');
    await page.waitForSelector('#library-progress');
    await expectText(page, '#library-scan-state', /idle/, 'the scan finishes and the page says so (from events)');
    await expectText(page, '#library-files', new RegExp(`of \\d+ files`), 'files seen of total');
    await shots(page, 'library-rescanned');
    assertSameOrigin(rec.urls, base);
    check(rec.errors.length === 0, 'no page errors: ' + rec.errors.join('; '));
  } finally {
    await close();
  }
});
