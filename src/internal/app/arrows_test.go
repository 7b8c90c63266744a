package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// goList runs `go list` with args in the module and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestDependenciesPointInward keeps the import rules of DESIGN.md §2 true:
// the HA client knows nothing of Segue's auth, HA sign-in sits below the web
// server, the remote client shares only internal/remote/peer with the gateway
// (never the gateway itself), and the composition root is imported by the
// binary alone (tests may import it).
func TestDependenciesPointInward(t *testing.T) {
	for _, rule := range []struct{ pkg, mustNotReach string }{
		{"segue/internal/hass", "segue/internal/auth"},
		{"segue/internal/haauth", "segue/internal/web"},
		{"segue/internal/apptest", "segue/internal/app"},
		{"segue/internal/remote/client", "segue/internal/remote"},
		{"segue/internal/remote/peer", "segue/internal/remote"},
	} {
		if slices.Contains(goList(t, "-deps", rule.pkg), rule.mustNotReach) {
			t.Errorf("%s imports %s (directly or through another package)", rule.pkg, rule.mustNotReach)
		}
	}
	for _, line := range goList(t, "-f", `{{.ImportPath}}:{{range .Imports}}{{if eq . "segue/internal/app"}}app{{end}}{{end}}`, "segue/...") {
		pkg, imports, _ := strings.Cut(line, ":")
		if imports != "" && pkg != "segue/cmd/segue" {
			t.Errorf("%s imports segue/internal/app; only cmd/segue may (tests may too)", pkg)
		}
	}
}
