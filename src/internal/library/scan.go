package library

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Scan tuning: a batch is written when it holds this many files or has waited
// this long; progress goes out at most this often.
const (
	batchFiles     = 500
	batchWait      = time.Second
	progressEvery  = 500 * time.Millisecond
	maxDirDepth    = 64
	jobQueue       = 64
	problemMissing = "missing"
	problemUnread  = "unreadable"
	problemEmpty   = "empty (not mounted?)"
)

// scanState is the scanner's live status, guarded by its mutex.
type scanState struct {
	mu           sync.Mutex
	status       ScanStatus
	lastProgress time.Time
}

// Status is the scanner's progress now.
func (l *Library) Status() ScanStatus {
	l.scan.mu.Lock()
	defer l.scan.mu.Unlock()
	return l.scan.status
}

func (l *Library) updateStatus(force bool, fn func(s *ScanStatus)) {
	l.scan.mu.Lock()
	fn(&l.scan.status)
	now := l.clock.Now()
	send := force || now.Sub(l.scan.lastProgress) >= progressEvery
	if send {
		l.scan.lastProgress = now
	}
	st := l.scan.status
	l.scan.mu.Unlock()
	if send {
		l.publish(Event{Scan: &st})
	}
}

// scanAll scans every configured folder once. full re-checks every file; a
// quick scan (after a watched change) is the same walk, which skips unchanged
// files by path, size and mtime anyway.
func (l *Library) scanAll(ctx context.Context, full bool) {
	total := 0
	for _, f := range l.AllFolders() {
		total += f.TrackCount
	}
	l.updateStatus(true, func(s *ScanStatus) {
		*s = ScanStatus{Scanning: true, FullScan: full, Started: l.clock.Now(), FilesTotal: total,
			Finished: s.Finished, Tracks: s.Tracks}
	})
	var scanErr error
	var gone []Change
	for _, f := range l.AllFolders() {
		if ctx.Err() != nil {
			scanErr = ctx.Err()
			break
		}
		if !f.Configured {
			continue
		}
		l.updateStatus(true, func(s *ScanStatus) { s.CurrentFolder = f.Name })
		removed, err := l.scanFolder(ctx, f, total > 0)
		gone = append(gone, removed...)
		if err != nil {
			scanErr = err
			switch {
			case l.log == nil:
			case ctx.Err() != nil:
				// Shutdown (or the caller) ended the scan: nothing is wrong, and
				// the next start scans again.
				l.log.WithField("folder", f.Path).Info("library: scan stopped before it finished")
			default:
				l.log.WithError(err).WithField("folder", f.Path).Error("library: scan of a music folder failed")
			}
		}
	}
	// Totals and orphans once per scan: cheap next to the walk, and lists stay
	// consistent while it runs.
	err := l.db.Tx(context.WithoutCancel(ctx), func(tx dbtx) error {
		orphans, err := removeOrphans(ctx, tx)
		gone = append(gone, orphans...)
		if err != nil {
			return err
		}
		return refreshArtistStats(ctx, tx)
	})
	if err != nil && scanErr == nil {
		scanErr = err
	}
	_ = l.reloadFolders(context.WithoutCancel(ctx))
	var tracks int
	_ = l.db.R.QueryRowContext(context.WithoutCancel(ctx), "SELECT count(*) FROM lib_tracks").Scan(&tracks)
	var st ScanStatus
	l.scan.mu.Lock()
	l.scan.status.Scanning = false
	l.scan.status.CurrentFolder = ""
	l.scan.status.Finished = l.clock.Now()
	l.scan.status.Tracks = tracks
	l.scan.status.LastError = ""
	if scanErr != nil {
		l.scan.status.LastError = "the scan did not finish; see the log"
	}
	st = l.scan.status
	l.scan.mu.Unlock()
	l.publish(Event{Changes: coalesce(gone), Scan: &st})
	l.releaseMemory(context.WithoutCancel(ctx))
	if l.log != nil {
		l.log.WithFields(map[string]any{"added": st.Added, "updated": st.Updated, "removed": st.Removed,
			"failed": st.Failed, "tracks": tracks, "seconds": st.Finished.Sub(st.Started).Seconds()}).Info("library: scan finished")
	}
}

// folderRun is one folder's scan.
type folderRun struct {
	l        *Library
	ctx      context.Context
	folder   Folder
	root     *os.Root
	failures map[string]knownFailure // failures recorded earlier, by path
	seen     int                     // audio files found by the walk
	// followMoves is false when the library was empty: nothing can have moved.
	followMoves bool
	jobs        chan probeJob
	results     chan scanItem
	watch       func(rel string)
}

type knownFailure struct{ size, mtime int64 }

type probeJob struct {
	facts      fileFacts
	existingID int64
	cover      dirCover
}

type dirCover struct {
	path  string
	mtime int64
}

// scanItem is what the collector writes: a probed file, a failure, rows whose
// files are gone from a directory, or a directory whose cover changed.
type scanItem struct {
	file     *pendingFile
	failure  *FileFailure
	fsize    int64
	fmtime   int64
	missing  []missingRow
	coverFix *coverFix
}

type missingRow struct {
	id        int64
	dir, file string
}

type coverFix struct {
	dir   string
	cover dirCover
}

// hadTracks is false on a first scan: then no file can be a moved one.
func (l *Library) scanFolder(ctx context.Context, f Folder, hadTracks bool) ([]Change, error) {
	root, err := os.OpenRoot(f.Path)
	if err != nil {
		problem := problemUnread
		if errors.Is(err, fs.ErrNotExist) {
			problem = problemMissing
		}
		return nil, l.setOffline(ctx, f, problem, err)
	}
	defer root.Close()
	if _, err := l.db.W.ExecContext(ctx, "UPDATE lib_tracks SET missing = 0 WHERE folder_id = ? AND missing = 1", f.ID); err != nil {
		return nil, err
	}
	r := &folderRun{l: l, ctx: ctx, folder: f, root: root, failures: map[string]knownFailure{}, followMoves: hadTracks,
		jobs: make(chan probeJob, jobQueue), results: make(chan scanItem, jobQueue), watch: l.watchDir(f)}
	if err := r.loadFailures(); err != nil {
		return nil, err
	}
	var workers sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		workers.Go(r.probeWorker)
	}
	collected := make(chan error, 1)
	go func() { collected <- r.collect() }()

	walkErr := r.walk()
	close(r.jobs)
	workers.Wait()
	close(r.results)
	if err := <-collected; err != nil {
		return nil, err
	}
	if walkErr != nil {
		if errors.Is(walkErr, errRootUnreadable) {
			return nil, l.setOffline(ctx, f, problemUnread, walkErr)
		}
		return nil, walkErr
	}
	if r.seen == 0 && f.TrackCount > 0 {
		// A folder that suddenly holds nothing is most likely not mounted yet:
		// keep every track (and everyone's data) until it comes back.
		if _, err := l.db.W.ExecContext(ctx, "UPDATE lib_tracks SET missing = 0 WHERE folder_id = ?", f.ID); err != nil {
			return nil, err
		}
		return nil, l.setOffline(ctx, f, problemEmpty, nil)
	}
	return r.finish()
}

var errRootUnreadable = errors.New("the music folder cannot be read")

func (l *Library) setOffline(ctx context.Context, f Folder, problem string, cause error) error {
	if l.log != nil {
		e := l.log.WithField("folder", f.Path).WithField("problem", problem)
		if cause != nil {
			e = e.WithError(cause)
		}
		e.Warn("library: music folder is offline; its tracks are kept as unavailable")
	}
	_, err := l.db.W.ExecContext(ctx, "UPDATE lib_folders SET online = 0, problem = ? WHERE id = ?", problem, f.ID)
	if err != nil {
		return err
	}
	return l.reloadFolders(ctx)
}

func (r *folderRun) loadFailures() error {
	rows, err := r.l.db.R.QueryContext(r.ctx, "SELECT path, size, mtime FROM lib_failures WHERE folder_id = ?", r.folder.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var k knownFailure
		if err := rows.Scan(&p, &k.size, &k.mtime); err != nil {
			return err
		}
		r.failures[p] = k
	}
	return rows.Err()
}

type devIno struct{ dev, ino uint64 }

func fileID(fi fs.FileInfo) (devIno, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return devIno{}, false
	}
	return devIno{uint64(st.Dev), uint64(st.Ino)}, true
}

type dirFrame struct {
	rel       string
	ancestors []devIno
}

// walk visits every directory beneath the root depth-first, in name order. A
// symlink is followed only while it stays beneath the root (os.Root refuses the
// rest), and never into one of its own ancestors, so loops end.
func (r *folderRun) walk() error {
	stack := []dirFrame{{rel: ""}}
	for len(stack) > 0 {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		fr := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		subdirs, err := r.visitDir(fr)
		if err != nil {
			if fr.rel == "" {
				return errors.Join(errRootUnreadable, err)
			}
			r.results <- scanItem{failure: &FileFailure{FolderID: r.folder.ID, Path: fr.rel, Reason: "directory could not be read"}}
			continue
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return nil
}

type audioEntry struct {
	name        string
	size, mtime int64
}

func (r *folderRun) visitDir(fr dirFrame) ([]dirFrame, error) {
	name := fr.rel
	if name == "" {
		name = "."
	}
	d, err := r.root.Open(name)
	if err != nil {
		return nil, err
	}
	self, err := d.Stat()
	if err != nil {
		d.Close()
		return nil, err
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	if r.watch != nil {
		r.watch(fr.rel)
	}
	id, _ := fileID(self)
	ancestors := append(fr.ancestors[:len(fr.ancestors):len(fr.ancestors)], id)
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var subdirs []dirFrame
	var audio []audioEntry
	var cover dirCover
	coverBest := 0
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") {
			continue // hidden files, AppleDouble "._x.mp3" and the like
		}
		rel := joinRel(fr.rel, n)
		var info fs.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			info, err = r.root.Stat(rel) // follows the link, beneath the root only
			if err != nil {
				if isAudio(n) {
					r.results <- scanItem{failure: &FileFailure{FolderID: r.folder.ID, Path: rel,
						Reason: "symbolic link leads outside the music folder or nowhere"}}
				}
				continue
			}
		} else if info, err = e.Info(); err != nil {
			continue // removed meanwhile
		}
		switch {
		case info.IsDir():
			if len(ancestors) >= maxDirDepth {
				continue
			}
			if sid, ok := fileID(info); ok && containsID(ancestors, sid) {
				continue // a symlink back up the tree
			}
			subdirs = append(subdirs, dirFrame{rel: rel, ancestors: ancestors})
		case !info.Mode().IsRegular():
		case isAudio(n):
			audio = append(audio, audioEntry{name: n, size: info.Size(), mtime: info.ModTime().UnixNano()})
		default:
			if rank := coverRank(n); rank > coverBest {
				coverBest, cover = rank, dirCover{path: rel, mtime: info.ModTime().UnixNano()}
			}
		}
	}
	return subdirs, r.diffDir(fr.rel, audio, cover)
}

func containsID(ids []devIno, id devIno) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

type dbTrackRow struct {
	id          int64
	size, mtime int64
	hasPicture  bool
	artPath     string
	artMtime    int64
}

// diffDir compares a directory's audio files with the rows stored for it: new
// and changed files go to the probers, unchanged ones are skipped, and rows whose
// files are gone are marked missing (removed when the folder's scan ends, unless
// the file turns up elsewhere as a move).
func (r *folderRun) diffDir(dir string, audio []audioEntry, cover dirCover) error {
	rows, err := r.l.db.R.QueryContext(r.ctx, `SELECT t.id, t.file, t.size, t.mtime, t.has_picture, coalesce(a.path, ''), coalesce(a.mtime, 0)
		FROM lib_tracks t LEFT JOIN lib_art a ON a.id = t.cover_id WHERE t.folder_id = ? AND t.dir = ?`, r.folder.ID, dir)
	if err != nil {
		return err
	}
	stored := map[string]dbTrackRow{}
	for rows.Next() {
		var row dbTrackRow
		var file string
		if err := rows.Scan(&row.id, &file, &row.size, &row.mtime, &row.hasPicture, &row.artPath, &row.artMtime); err != nil {
			rows.Close()
			return err
		}
		stored[file] = row
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	fixCover := false
	for _, a := range audio {
		r.seen++
		r.l.updateStatus(false, func(s *ScanStatus) {
			s.FilesSeen++
			s.FilesTotal = max(s.FilesTotal, s.FilesSeen)
		})
		row, ok := stored[a.name]
		delete(stored, a.name)
		if ok && row.size == a.size && row.mtime == a.mtime {
			if !row.hasPicture && (row.artPath != cover.path || (cover.path != "" && row.artMtime != cover.mtime)) {
				fixCover = true
			}
			continue
		}
		rel := joinRel(dir, a.name)
		if k, failed := r.failures[rel]; failed && k.size == a.size && k.mtime == a.mtime {
			continue // still the same unreadable file
		}
		job := probeJob{facts: fileFacts{folderID: r.folder.ID, dir: dir, file: a.name, size: a.size, mtime: a.mtime}, cover: cover}
		if ok {
			job.existingID = row.id
		}
		select {
		case r.jobs <- job:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	if fixCover {
		r.results <- scanItem{coverFix: &coverFix{dir: dir, cover: cover}}
	}
	if len(stored) > 0 {
		gone := make([]missingRow, 0, len(stored))
		for file, row := range stored {
			gone = append(gone, missingRow{id: row.id, dir: dir, file: file})
		}
		r.results <- scanItem{missing: gone}
	}
	return nil
}

func (r *folderRun) probeWorker() {
	for job := range r.jobs {
		rel := joinRel(job.facts.dir, job.facts.file)
		f, err := r.root.Open(rel)
		if err == nil {
			err = probeFile(f, &job.facts)
			f.Close()
		} else {
			err = errors.New("could not be opened")
		}
		if err != nil {
			r.results <- scanItem{failure: &FileFailure{FolderID: r.folder.ID, Path: rel, Reason: err.Error()},
				fsize: job.facts.size, fmtime: job.facts.mtime}
			continue
		}
		r.results <- scanItem{file: &pendingFile{facts: job.facts, existingID: job.existingID,
			dirCover: job.cover.path, dirCoverMtime: job.cover.mtime}}
	}
}

// finish removes the rows of files that are gone, now that moves had their
// chance: files missing from directories that still exist were marked during
// the walk; here the directories that are gone altogether are marked too.
func (r *folderRun) finish() ([]Change, error) {
	ctx := r.ctx
	dirs, err := r.l.stringList(ctx, "SELECT DISTINCT dir FROM lib_tracks WHERE folder_id = ? AND missing = 0", r.folder.ID)
	if err != nil {
		return nil, err
	}
	var goneDirs []string
	for _, d := range dirs {
		name := d
		if name == "" {
			name = "."
		}
		if _, err := r.root.Stat(name); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			goneDirs = append(goneDirs, d)
		}
	}
	failures, err := r.l.stringList(ctx, "SELECT path FROM lib_failures WHERE folder_id = ?", r.folder.ID)
	if err != nil {
		return nil, err
	}
	var goneFailures []string
	for _, p := range failures {
		if _, err := r.root.Lstat(p); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			goneFailures = append(goneFailures, p)
		}
	}
	var removed []Change
	err = r.l.db.Tx(ctx, func(tx dbtx) error {
		for _, d := range goneDirs {
			if _, err := tx.ExecContext(ctx, "UPDATE lib_tracks SET missing = 1 WHERE folder_id = ? AND dir = ?", r.folder.ID, d); err != nil {
				return err
			}
		}
		for _, p := range goneFailures {
			if _, err := tx.ExecContext(ctx, "DELETE FROM lib_failures WHERE folder_id = ? AND path = ?", r.folder.ID, p); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, "DELETE FROM lib_tracks WHERE folder_id = ? AND missing = 1 RETURNING id, album_id", r.folder.ID)
		if err != nil {
			return err
		}
		var albums []int64
		for rows.Next() {
			var id, album int64
			if err := rows.Scan(&id, &album); err != nil {
				rows.Close()
				return err
			}
			removed = append(removed, Change{Op: Deleted, Kind: KindTrack, ID: id})
			albums = append(albums, album)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := refreshAlbums(ctx, tx, uniqueIDs(albums), millis(r.l.clock.Now())); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE lib_folders SET online = 1, problem = '', last_scan_at = ? WHERE id = ?",
			millis(r.l.clock.Now()), r.folder.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	r.l.updateStatus(false, func(s *ScanStatus) { s.Removed += len(removed) })
	return removed, r.l.reloadFolders(ctx)
}

func uniqueIDs(ids []int64) []int64 {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// coalesce keeps one change per item: the last one wins, except that an item
// added and then updated stays added.
func coalesce(cs []Change) []Change {
	type key struct {
		kind Kind
		id   int64
		user string
	}
	idx := map[key]int{}
	var out []Change
	for _, c := range cs {
		k := key{c.Kind, c.ID, c.UserID}
		if i, ok := idx[k]; ok {
			if !(out[i].Op == Added && c.Op == Updated) {
				out[i].Op = c.Op
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, c)
	}
	return out
}

// releaseMemory gives back what a scan used: SQLite's page caches on the writer
// (and the C heap pages they freed) and the Go heap the batches grew, so an
// idle server stays small.
func (l *Library) releaseMemory(ctx context.Context) {
	l.db.ReleaseMemory(ctx)
	trimCHeap()
	debug.FreeOSMemory()
}
