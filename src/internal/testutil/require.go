// Package testutil holds test-only helpers shared by packages.
package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Strict reports whether the suite runs under scripts/test.sh, which installs every
// external tool; then a missing tool is a failure, not a skip.
func Strict() bool { return os.Getenv("SEGUE_REQUIRE_ALL") == "1" }

// Missing skips the test (or fails it under scripts/test.sh) because what is missing.
func Missing(t testing.TB, what string) {
	t.Helper()
	if Strict() {
		t.Fatalf("%s is missing; scripts/test-deps.sh should have installed it", what)
	}
	t.Skipf("%s is not installed; run scripts/test-deps.sh (scripts/test.sh does)", what)
}

// RequireTool returns the path of an external program or skips/fails the test.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name)
	}
	return p
}

// RequireNodeModules checks that `npm ci` ran in dir (a testdata/js folder).
func RequireNodeModules(t testing.TB, dir string) string {
	t.Helper()
	RequireTool(t, "node")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(abs, "node_modules")); err != nil {
		Missing(t, "node_modules in "+abs)
	}
	return abs
}
