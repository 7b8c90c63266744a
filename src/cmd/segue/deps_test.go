package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The server must not link text/template (html/template builds on it): its
// reflective method calls make the linker keep every exported method of every
// type in the binary, about 9 MB of the ~19 MB that is mapped at run time, and
// on kernels that keep the binary in large folios nearly all of it is resident
// (issue 12: idle RSS <= 30 MiB). The server's pages are filled by hand
// (internal/web/pages.go, internal/haauth/page.go).
func TestServerDoesNotLinkTextTemplate(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "sqlite_fts5", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "text/template" || p == "html/template" {
			t.Fatalf("segue links %s; see this test's comment", p)
		}
	}
}
