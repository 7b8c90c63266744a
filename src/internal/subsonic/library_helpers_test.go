package subsonic_test

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
)

// goldenTime is the fixed clock of library tests: created/starred dates in the
// golden files do not move between runs.
var goldenTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// libEnv is a running server over generated music folders, scanned.
type libEnv struct {
	*env
	dirs  []string
	plans []mediagen.Library
}

// newLibEnv generates one music folder per track count (seeds 1, 2, …), starts
// the server on them and waits for a full scan.
func newLibEnv(t *testing.T, tracks ...int) *libEnv {
	t.Helper()
	root := t.TempDir()
	le := &libEnv{}
	for i, n := range tracks {
		dir := filepath.Join(root, "folder"+string(rune('A'+i)))
		plan, err := mediagen.Generate(dir, mediagen.Options{Tracks: n, Seed: uint64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		le.dirs = append(le.dirs, dir)
		le.plans = append(le.plans, plan)
	}
	le.env = newEnvWith(t, clocktest.NewFake(goldenTime), func(c *config.Config) {
		c.MusicDirs = le.dirs
		c.ScanIntervalMinutes = 0
	})
	le.rescan(t)
	return le
}

// rescan runs a full scan and waits for it.
func (le *libEnv) rescan(t *testing.T) library.ScanStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := le.srv.App.Library.Scan(ctx, true)
	if st.LastError != "" {
		t.Fatalf("scan: %+v", st)
	}
	return st
}

// as is one Subsonic user of the test server.
type as struct {
	name, app string
}

func (e *env) alice() as { return as{userName, e.userApp} }
func (e *env) admin() as { return as{adminName, e.adminApp} }

// call sends a Subsonic request as who and returns the decoded inner response.
func (e *env) call(t *testing.T, who as, method string, kv ...string) map[string]any {
	t.Helper()
	v := url.Values{"u": {who.name}, "p": {who.app}, "c": {"test"}, "v": {"1.16.1"}, "f": {"json"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	status, body, _ := e.raw(t, "GET", "/rest/"+method, v, "")
	if status != 200 {
		t.Fatalf("%s: HTTP %d %s", method, status, body)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %v: %s", method, err, body)
	}
	return out["subsonic-response"]
}

// ok calls and fails the test unless the answer is a success.
func (e *env) ok(t *testing.T, who as, method string, kv ...string) map[string]any {
	t.Helper()
	r := e.call(t, who, method, kv...)
	if r["status"] != "ok" {
		t.Fatalf("%s %v as %s: %v", method, kv, who.name, r["error"])
	}
	return r
}

// errCode is the Subsonic error code of an answer, 0 for success.
func errCode(r map[string]any) int {
	if r["status"] == "ok" {
		return 0
	}
	e, _ := r["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return int(c)
}

// list reads r[key][field] as a list of objects.
func list(r map[string]any, key, field string) []map[string]any {
	obj, _ := r[key].(map[string]any)
	arr, _ := obj[field].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, a := range arr {
		if m, ok := a.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func ids(items []map[string]any) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, _ := it["id"].(string)
		out = append(out, s)
	}
	return out
}

// allSongs pages search3's empty query through everything as who.
func (e *env) allSongs(t *testing.T, who as, kv ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for offset := 0; ; offset += 100 {
		args := append([]string{"query", "", "artistCount", "0", "albumCount", "0", "songCount", "100", "songOffset", itoa(offset)}, kv...)
		page := list(e.ok(t, who, "search3", args...), "searchResult3", "song")
		out = append(out, page...)
		if len(page) < 100 {
			return out
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
