package webui_test

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
)

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestServing checks what the Go side promises: the page at the root after setup, the
// assets under ui/, nothing else, no header that forbids framing, and revalidation.
func TestServing(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{Ingress: true})

	resp, _ := get(t, s.URL+"/", nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "setup" {
		t.Fatalf("before setup GET / = %d %q; want a relative redirect to setup", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.Setup(t, "admin", "admin-password-1")

	for _, base := range []string{s.URL, s.IngressURL} {
		resp, body := get(t, base+"/", nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s/ = %d %s", base, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, `<script type="module" src="ui/app.js">`) {
			t.Errorf("GET / does not serve the UI page:\n%s", body)
		}
		// Issue 11 item 8: only the public listener refuses other sites' frames.
		if xfo := resp.Header.Get("X-Frame-Options"); base == s.IngressURL && xfo != "" || base == s.URL && xfo != "SAMEORIGIN" {
			t.Errorf("%s: X-Frame-Options %q (ingress must stay frameable by Home Assistant, public SAMEORIGIN)", base, xfo)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "connect-src 'self'") || strings.Contains(csp, "frame-ancestors") {
			t.Errorf("CSP = %q; want requests kept on the origin and framing allowed", csp)
		}
	}

	cases := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/ui/app.js", 200, "text/javascript"},
		{"/ui/qr.js", 200, "text/javascript"},
		{"/ui/app.css", 200, "text/css"},
		{"/ui/index.html", 404, ""},
		{"/ui/missing.js", 404, ""},
		{"/ui/", 404, ""},
		{"/ui/%2e%2e/webui.go", 404, ""},
		{"/ui/..%2fwebui.go", 404, ""},
	}
	for _, c := range cases {
		resp, _ := get(t, s.URL+c.path, nil)
		if resp.StatusCode != c.status && !(c.status == 404 && resp.StatusCode >= 300 && resp.StatusCode < 500) {
			t.Errorf("GET %s = %d; want %d", c.path, resp.StatusCode, c.status)
		}
		if c.ctype != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) {
			t.Errorf("GET %s Content-Type = %q; want %s", c.path, resp.Header.Get("Content-Type"), c.ctype)
		}
	}

	resp, _ = get(t, s.URL+"/ui/app.js", nil)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("assets need an ETag and no-cache; got %q / %q", etag, resp.Header.Get("Cache-Control"))
	}
	resp, _ = get(t, s.URL+"/ui/app.js", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with the ETag = %d; want 304", resp.StatusCode)
	}
}

// TestURLsAreRelative keeps the UI working under Home Assistant's ingress base path:
// no file may name an absolute path or another origin.
func TestURLsAreRelative(t *testing.T) {
	attr := regexp.MustCompile(`(?:src|href|action)="([^"]*)"`)
	imports := regexp.MustCompile(`(?:import|from)\s*\(?\s*['"]([^'"]+)['"]`)
	absolute := regexp.MustCompile(`['"\x60](/[A-Za-z_]|[a-z]+://)`)
	err := filepath.WalkDir("static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		for _, m := range attr.FindAllStringSubmatch(src, -1) {
			if u := m[1]; strings.HasPrefix(u, "/") || strings.Contains(u, "://") {
				t.Errorf("%s: absolute URL %q", path, u)
			}
		}
		for _, m := range imports.FindAllStringSubmatch(src, -1) {
			if !strings.HasPrefix(m[1], "./") {
				t.Errorf("%s: import %q is not relative to the file", path, m[1])
			}
		}
		for _, line := range strings.Split(src, "\n") {
			// The one allowed absolute form: the address shown for Subsonic apps, built from location.
			if absolute.MatchString(line) && !strings.Contains(line, "${location.hostname}") {
				t.Errorf("%s: absolute URL in %q", path, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
