package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/remote"
)

// Issue 10: a fresh server with remote access off creates no DTLS identity, warns
// about nothing, and says it has no remote ID yet (the identity is made, and logged
// at info, the first time remote access is turned on).
func TestRemoteAccessOffCreatesNoIdentity(t *testing.T) {
	dir := t.TempDir()
	s := apptest.Start(t, app.New, apptest.Options{DataDir: dir}) // remote access off
	tok := s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": tok}); r.ErrorCode != 0 {
		t.Fatalf("auth: %+v", r)
	}
	r := ws.Command("remote_access/info", nil)
	var info remote.Info
	if err := json.Unmarshal(r.Result, &info); r.ErrorCode != 0 || err != nil || info.RemoteID != "" || info.Enabled {
		t.Fatalf("remote_access/info while off: %+v (%v)", r, err)
	}
	s.Stop(t)
	for _, name := range []string{remote.CertFile, remote.KeyFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s exists after a start with remote access off (%v)", name, err)
		}
	}
	for _, line := range strings.Split(s.Logs(), "\n") {
		if strings.Contains(line, "level=warning") || strings.Contains(line, "level=error") ||
			strings.Contains(line, "DTLS") {
			t.Errorf("logged with remote access off: %s", line)
		}
	}
}
