package addon

import (
	"os"
	"os/exec"
	"testing"
)

// The same convention as segue/internal/testutil (copied: this is a separate module):
// a missing external tool skips the test, unless SEGUE_REQUIRE_ALL=1 (scripts/test.sh),
// where it fails.

func strict() bool { return os.Getenv("SEGUE_REQUIRE_ALL") == "1" }

func missing(t testing.TB, what string) {
	t.Helper()
	if strict() {
		t.Fatalf("%s is missing; scripts/test-deps.sh should have installed it", what)
	}
	t.Skipf("%s is not installed; run scripts/test-deps.sh (scripts/test.sh does)", what)
}

func requireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name)
	}
	return p
}
