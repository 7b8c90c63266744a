package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// The add-on's backups are hot: the Supervisor tars /data while the server writes.
// Instead of the live database and its write-ahead log (archived at different moments,
// so inconsistent), backups carry a snapshot written by backup_pre with VACUUM INTO,
// which reads one consistent state of the database: every transaction committed before
// it started, nothing after. The live files are excluded from the archive
// (config.yaml backup_exclude), so after a restore the database is absent and the
// snapshot is put in its place at the next start.

// SnapshotFile is the snapshot's path relative to the data directory. Its name must not
// match the backup_exclude patterns for the live database (segue.db*).
const SnapshotFile = "backup/snapshot.sqlite"

// ErrNoDatabase means there is no database yet (the server never started).
var ErrNoDatabase = errors.New("no database to snapshot")

// WriteSnapshot writes a consistent copy of the database at dbPath to snapPath. It opens
// only that file (never creates it, never migrates) and does not block the server's
// writers: VACUUM INTO runs in a read transaction of the write-ahead log.
func WriteSnapshot(ctx context.Context, dbPath, snapPath string) error {
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrNoDatabase, dbPath)
	}
	if err := os.MkdirAll(filepath.Dir(snapPath), 0o700); err != nil {
		return fmt.Errorf("snapshot directory: %w", err)
	}
	tmp := snapPath + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	q := url.Values{}
	q.Set("mode", "rw") // never create the database
	q.Set("_busy_timeout", "10000")
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write snapshot: %w", err)
	}
	if err := checkFile(ctx, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, snapPath); err != nil {
		return err
	}
	return syncFile(filepath.Dir(snapPath))
}

// RemoveSnapshot deletes the snapshot (backup_post; a missing one is fine).
func RemoveSnapshot(snapPath string) error {
	for _, p := range []string{snapPath, snapPath + ".tmp"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// SnapshotOutcome says what PrepareFromSnapshot did.
type SnapshotOutcome int

const (
	NoSnapshot     SnapshotOutcome = iota
	Restored                       // the database was absent: the snapshot became the database
	StaleDiscarded                 // the database exists: the snapshot was left by a failed backup_post
)

// PrepareFromSnapshot runs before Open. A snapshot next to a missing database is a
// restore: it is checked and moved into place (with any stray write-ahead log of an
// older database removed first, so it cannot be replayed onto the snapshot). A snapshot
// next to an existing database is stale and deleted: the live database is newer.
func PrepareFromSnapshot(ctx context.Context, dbPath, snapPath string) (SnapshotOutcome, error) {
	if _, err := os.Stat(snapPath); errors.Is(err, fs.ErrNotExist) {
		return NoSnapshot, RemoveSnapshot(snapPath) // a leftover .tmp
	} else if err != nil {
		return NoSnapshot, err
	}
	if _, err := os.Stat(dbPath); err == nil {
		return StaleDiscarded, RemoveSnapshot(snapPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return NoSnapshot, err
	}
	if err := checkFile(ctx, snapPath); err != nil {
		return NoSnapshot, fmt.Errorf("backup snapshot %s: %w", snapPath, err)
	}
	for _, stray := range []string{dbPath + "-wal", dbPath + "-shm", dbPath + "-journal"} {
		if err := os.Remove(stray); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return NoSnapshot, err
		}
	}
	if err := os.Rename(snapPath, dbPath); err != nil {
		return NoSnapshot, err
	}
	return Restored, syncFile(filepath.Dir(dbPath))
}

// checkFile runs integrity_check on a database file that nobody else uses.
func checkFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	if res != "ok" {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, path, res)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
