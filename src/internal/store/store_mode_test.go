package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Issue 11 item 8: a new database file is owner-only (0600).
func TestNewDatabaseIsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "segue.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("segue.db mode %v, want 0600", st.Mode().Perm())
	}
}
