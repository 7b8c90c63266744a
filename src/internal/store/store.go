// Package store opens the SQLite database: one writer connection, a reader pool,
// embedded numbered migrations and an integrity check at start. It knows no HTTP.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mattn/go-sqlite3"
)

// DB is the database with a single writer and a pool of readers.
type DB struct {
	// W is the only connection that writes; SQLite serialises writers anyway.
	W *sql.DB
	// R serves reads; query_only is set so a stray write fails loudly.
	R       *sql.DB
	path    string
	readers int
}

// ErrCorrupt means the file failed quick_check; the server must not start.
var ErrCorrupt = errors.New("database failed its integrity check")

// Open opens (creating if absent) the database at path, checks it and migrates it.
// It never deletes or re-creates an existing file.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	// Create a new file owner-only (SQLite gives its -wal and -shm files the
	// same mode); an existing file is left as it is.
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	w, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{W: w, path: path}
	if err := db.check(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database readers: %w", err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.R = r
	db.readers = n
	return db, nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL") // a revocation must survive a power cut
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	if readOnly {
		q.Set("_query_only", "on")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func (db *DB) check(ctx context.Context) error {
	var res string
	if err := db.W.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		if isNotADB(err) {
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, db.path, err)
		}
		return fmt.Errorf("check database %s: %w", db.path, err)
	}
	if res != "ok" {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, db.path, res)
	}
	return nil
}

func isNotADB(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt)
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close checkpoints the WAL and closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.R != nil {
		errs = append(errs, db.R.Close())
	}
	_, err := db.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	errs = append(errs, err, db.W.Close())
	return errors.Join(errs...)
}

// Tx runs fn in one immediate write transaction.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// IsUniqueViolation reports a UNIQUE or PRIMARY KEY constraint failure.
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// ReleaseMemory hands back the page caches after a burst of work (a library
// scan): the writer shrinks its cache and idle readers are closed (they reopen
// on demand, each with an empty cache).
func (db *DB) ReleaseMemory(ctx context.Context) {
	_, _ = db.W.ExecContext(ctx, "PRAGMA shrink_memory")
	db.R.SetMaxIdleConns(0)
	db.R.SetMaxIdleConns(db.readers)
}
