package testutil

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites golden files instead of comparing: go test ./internal/<pkg> -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/golden files with the current output")

// Updating reports whether the run was asked to rewrite golden files (-update);
// packages with their own golden layout use it so the flag is declared once.
func Updating() bool { return *update }

// Golden compares got with testdata/golden/<name>; with -update it writes got there.
// Golden files are the wire contract: review a diff in them like code.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run the test with -update to create it)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("golden %s differs (run with -update if the change is deliberate)\n got: %s\nwant: %s", path, got, want)
	}
}
