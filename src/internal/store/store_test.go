package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var conns []*sql.Conn
	for i := 0; i < 4; i++ { // the reader pool size
		c, err := db.R.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	w, _ := db.W.Conn(ctx)
	conns = append(conns, w)
	for i, c := range conns {
		var mode string
		var sync, fk, busy int
		_ = c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		_ = c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		_ = c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		_ = c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || sync != 2 || fk != 1 || busy != 5000 {
			t.Errorf("conn %d: journal=%s synchronous=%d foreign_keys=%d busy=%d", i, mode, sync, fk, busy)
		}
		c.Close()
	}
	if _, err := db.R.Exec("INSERT INTO settings(key, value) VALUES('x','y')"); err == nil {
		t.Error("reader pool accepted a write")
	}
}

func TestFailedMigrationRollsBackAndRefuses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	bad := append(ms, Migration{Version: len(ms) + 1, Name: "bad.sql", SQL: "CREATE TABLE half(x); SELECT * FROM no_such_table;"})
	err = Apply(ctx, db.W, bad)
	if err == nil || !strings.Contains(err.Error(), "bad.sql") {
		t.Fatalf("want a failure naming the migration, got %v", err)
	}
	var v int
	_ = db.W.QueryRow("PRAGMA user_version").Scan(&v)
	if v != len(ms) {
		t.Fatalf("schema version moved to %d", v)
	}
	var n int
	_ = db.W.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'half'").Scan(&n)
	if n != 0 {
		t.Fatal("half-applied migration left a table behind")
	}
	db.Close()
}

func TestCorruptFileRefusedNotRecreated(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	garbage := []byte(strings.Repeat("this is not a database ", 400))
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, path); err == nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("want ErrCorrupt, got %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(garbage) {
		t.Fatal("the corrupt file was modified or re-created")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	db, _ := Open(ctx, path)
	_, _ = db.W.Exec("PRAGMA user_version = 99")
	db.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("want refusal of a newer schema, got %v", err)
	}
}
