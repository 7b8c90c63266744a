package library

import (
	"context"
	"errors"
	"io/fs"
	"syscall"
)

// scanBatch is what one write transaction of a scan holds.
type scanBatch struct {
	files    []pendingFile
	failures []scanItem
	missing  []missingRow
	covers   []coverFix
	claimed  map[int64]bool // rows taken over by moved files in this batch
}

func (b *scanBatch) size() int {
	return len(b.files) + len(b.failures) + len(b.missing) + len(b.covers)
}

// collect receives what the walk and the probers found and writes it in
// batches: one short transaction per batch, so readers and other writers never
// wait long, and memory stays bounded by the batch size.
func (r *folderRun) collect() error {
	b := &scanBatch{claimed: map[int64]bool{}}
	var first = r.l.clock.Now()
	var failed error
	for item := range r.results {
		if failed != nil {
			continue // drain so the walk and the probers can end
		}
		if b.size() == 0 {
			first = r.l.clock.Now()
		}
		switch {
		case item.file != nil:
			if item.file.existingID == 0 && r.followMoves {
				item.file.movedID = r.findMoved(item.file, b.claimed)
				if item.file.movedID != 0 {
					b.claimed[item.file.movedID] = true
				}
			}
			b.files = append(b.files, *item.file)
		case item.failure != nil:
			b.failures = append(b.failures, item)
		case item.missing != nil:
			b.missing = append(b.missing, item.missing...)
		case item.coverFix != nil:
			b.covers = append(b.covers, *item.coverFix)
		}
		if b.size() >= batchFiles || r.l.clock.Now().Sub(first) >= batchWait {
			if err := r.flush(b); err != nil {
				failed = err
			}
			b = &scanBatch{claimed: map[int64]bool{}}
		}
	}
	if failed != nil {
		return failed
	}
	return r.flush(b)
}

// findMoved looks for the row of a file that moved here: same content identity,
// and its old file gone (or already marked missing) from a folder that is online.
// Its id, and with it every user's stars, ratings, plays and playlist entries, is
// kept.
func (r *folderRun) findMoved(p *pendingFile, claimed map[int64]bool) int64 {
	f := p.facts
	f.normalize()
	rows, err := r.l.db.R.QueryContext(r.ctx, "SELECT id, folder_id, dir, file, missing FROM lib_tracks WHERE identity = ? ORDER BY id",
		f.identity())
	if err != nil {
		return 0
	}
	type cand struct {
		id, folder int64
		rel        string
		missing    bool
	}
	var cands []cand
	for rows.Next() {
		var c cand
		var dir, file string
		if rows.Scan(&c.id, &c.folder, &dir, &file, &c.missing) == nil {
			c.rel = joinRel(dir, file)
			cands = append(cands, c)
		}
	}
	rows.Close()
	for _, c := range cands {
		if claimed[c.id] || (c.folder == r.folder.ID && c.rel == joinRel(f.dir, f.file)) {
			continue
		}
		if c.missing || r.gone(c.folder, c.rel) {
			return c.id
		}
	}
	return 0
}

// gone reports that a file no longer exists in an online folder.
func (r *folderRun) gone(folderID int64, rel string) bool {
	if !r.l.online(folderID) && folderID != r.folder.ID {
		return false // its folder may come back with it
	}
	root := r.root
	if folderID != r.folder.ID {
		other, err := r.l.openRoot(folderID)
		if err != nil {
			return false
		}
		defer other.Close()
		root = other
	}
	_, err := root.Lstat(rel)
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func (r *folderRun) flush(b *scanBatch) error {
	if b.size() == 0 {
		return nil
	}
	ctx := r.ctx
	now := millis(r.l.clock.Now())
	var res writeResult
	err := r.l.db.Tx(ctx, func(tx dbtx) error {
		var err error
		if res, err = r.l.writeFiles(ctx, tx, b.files); err != nil {
			return err
		}
		for _, p := range b.files {
			if _, err := tx.ExecContext(ctx, "DELETE FROM lib_failures WHERE folder_id = ? AND path = ?",
				r.folder.ID, joinRel(p.facts.dir, p.facts.file)); err != nil {
				return err
			}
		}
		for _, f := range b.failures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lib_failures(folder_id, path, reason, size, mtime, at) VALUES(?, ?, ?, ?, ?, ?)
				ON CONFLICT(folder_id, path) DO UPDATE SET reason = excluded.reason, size = excluded.size, mtime = excluded.mtime, at = excluded.at`,
				r.folder.ID, f.failure.Path, f.failure.Reason, f.fsize, f.fmtime, now); err != nil {
				return err
			}
		}
		for _, m := range b.missing {
			// Only while the row is still at the old path: a move may have taken it over.
			if _, err := tx.ExecContext(ctx, "UPDATE lib_tracks SET missing = 1 WHERE id = ? AND folder_id = ? AND dir = ? AND file = ?",
				m.id, r.folder.ID, m.dir, m.file); err != nil {
				return err
			}
		}
		for _, c := range b.covers {
			albums, err := fixDirCover(ctx, tx, r.folder.ID, c)
			if err != nil {
				return err
			}
			res.albums = append(res.albums, albums...)
		}
		return refreshAlbums(ctx, tx, uniqueIDs(res.albums), now)
	})
	if err != nil {
		return err
	}
	added, updated := 0, 0
	for _, c := range res.changes {
		if c.Op == Added {
			added++
		} else {
			updated++
		}
	}
	for _, f := range b.failures {
		if r.l.log != nil {
			r.l.log.WithField("folder", r.folder.Path).WithField("file", f.failure.Path).WithField("reason", f.failure.Reason).
				Warn("library: skipped a file")
		}
	}
	for _, id := range res.albums {
		res.changes = append(res.changes, Change{Op: Updated, Kind: KindAlbum, ID: id})
	}
	var st ScanStatus
	r.l.scan.mu.Lock()
	r.l.scan.status.Added += added
	r.l.scan.status.Updated += updated
	r.l.scan.status.Failed += len(b.failures)
	st = r.l.scan.status
	r.l.scan.mu.Unlock()
	r.l.publish(Event{Changes: coalesce(res.changes), Scan: &st})
	return nil
}

// fixDirCover points the tracks of a directory that have no embedded picture at
// its (new, changed or removed) cover image.
func fixDirCover(ctx context.Context, tx dbtx, folderID int64, c coverFix) ([]int64, error) {
	var artID int64
	if c.cover.path != "" {
		if err := tx.QueryRowContext(ctx, `INSERT INTO lib_art(folder_id, path, embedded, mtime) VALUES(?, ?, 0, ?)
			ON CONFLICT(folder_id, path, embedded) DO UPDATE SET mtime = excluded.mtime RETURNING id`,
			folderID, c.cover.path, c.cover.mtime).Scan(&artID); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, "UPDATE lib_tracks SET cover_id = ? WHERE folder_id = ? AND dir = ? AND has_picture = 0 RETURNING album_id",
		artID, folderID, c.dir)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var albums []int64
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		albums = append(albums, a)
	}
	return albums, rows.Err()
}
