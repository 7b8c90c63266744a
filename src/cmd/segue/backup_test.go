package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/config"
	"segue/internal/logging"
	"segue/internal/store"
)

// supervisorDataPath is where the Supervisor sees the add-on's /data; backup_exclude
// patterns are matched against these paths (PurePath.match, from the right).
const supervisorDataPath = "/mnt/data/supervisor/addons/data/local_segue/"

// manifestBackupExclude reads config.yaml's backup_exclude list.
func manifestBackupExclude(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?m)^backup_exclude:\n((?:[ \t]+-.*\n)+)`).FindSubmatch(raw)
	if block == nil {
		t.Fatal("config.yaml has no backup_exclude list")
	}
	var out []string
	for _, m := range regexp.MustCompile(`-\s*"?([^"\n]+?)"?\s*\n`).FindAllSubmatch(block[1], -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// pureMatch is Python's PurePosixPath(p).match(pattern) for relative patterns.
func pureMatch(pattern, p string) bool {
	pat, parts := strings.Split(pattern, "/"), strings.Split(strings.Trim(p, "/"), "/")
	if len(pat) > len(parts) {
		return false
	}
	for i := 1; i <= len(pat); i++ {
		if ok, _ := path.Match(pat[len(pat)-i], parts[len(parts)-i]); !ok {
			return false
		}
	}
	return true
}

// archive copies what a hot backup keeps of src into dst, as the Supervisor's tar does.
func archive(t *testing.T, src, dst string, exclude []string) (kept []string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		for _, pat := range exclude {
			if pureMatch(pat, supervisorDataPath+filepath.ToSlash(rel)) {
				return nil
			}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		kept = append(kept, filepath.ToSlash(rel))
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return kept
}

func openApp(t *testing.T, dataDir string, logs io.Writer) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = dataDir
	a, err := app.New(context.Background(), cfg, logging.New(logs, "info"), app.Options{})
	if err != nil {
		t.Fatalf("start on %s: %v", dataDir, err)
	}
	t.Cleanup(func() { a.DB.Close() })
	return a
}

// Issue 14 item 3: a hot backup taken while the server writes, restored, has every
// write acknowledged before backup_pre was called and a gap-free prefix of the rest (the
// snapshot is one instant inside the backup_pre call), and passes integrity_check.
func TestBackupDuringWriteBurstRestores(t *testing.T) {
	ctx := context.Background()
	live := filepath.Join(t.TempDir(), "data")
	server := openApp(t, live, io.Discard)

	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the write burst: each write is acknowledged once SetSetting returns
		defer wg.Done()
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := server.DB.SetSetting(ctx, fmt.Sprintf("burst-%07d", i), "x"); err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
			acked.Store(i)
		}
	}()
	for acked.Load() < 200 {
		runtimeGosched()
	}
	before := acked.Load()
	var out, errOut strings.Builder
	if code := run([]string{"backup", "pre", "--data-dir", live}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backup pre: %d %s", code, errOut.String())
	}
	returned := acked.Load()
	for acked.Load() < returned+200 { // the burst goes on while the Supervisor archives
		runtimeGosched()
	}
	restoreDir := filepath.Join(t.TempDir(), "data")
	kept := archive(t, live, restoreDir, manifestBackupExclude(t))
	close(stop)
	wg.Wait()
	if code := run([]string{"backup", "post", "--data-dir", live}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backup post: %d %s", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(live, store.SnapshotFile)); !os.IsNotExist(err) {
		t.Fatalf("backup post left the snapshot: %v", err)
	}
	for _, k := range kept {
		if strings.HasPrefix(k, "segue.db") {
			t.Fatalf("the archive holds the live database file %s (kept: %v)", k, kept)
		}
	}
	if !contains(kept, store.SnapshotFile) || !contains(kept, "jwt.key") {
		t.Fatalf("the archive lacks the snapshot or the signing key: %v", kept)
	}

	logs := &apptest.LockedBuffer{}
	restored := openApp(t, restoreDir, logs)
	if !strings.Contains(logs.String(), "database restored from the backup's snapshot") {
		t.Fatalf("restore not logged: %s", logs.String())
	}
	var check string
	if err := restored.DB.W.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	var n, highest int64
	if err := restored.DB.R.QueryRowContext(ctx,
		`SELECT count(*), coalesce(max(CAST(substr(key, 7) AS INTEGER)), 0) FROM settings WHERE key LIKE 'burst-%'`).Scan(&n, &highest); err != nil {
		t.Fatal(err)
	}
	if n != highest {
		t.Fatalf("the restored writes have holes: %d rows, highest %d", n, highest)
	}
	if highest < before || highest > returned {
		t.Fatalf("restored writes up to %d; acknowledged before backup_pre: %d, when it returned: %d", highest, before, returned)
	}
	t.Logf("acknowledged before backup_pre %d, restored %d, acknowledged when it returned %d", before, highest, returned)
	if _, err := os.Stat(filepath.Join(restoreDir, store.SnapshotFile)); !os.IsNotExist(err) {
		t.Fatalf("the snapshot is still there after the restore: %v", err)
	}
}

// A snapshot next to a live database is left by a failed backup_post: it is deleted at
// start and the live database, newer, is kept.
func TestStaleSnapshotIsDeleted(t *testing.T) {
	ctx := context.Background()
	live := filepath.Join(t.TempDir(), "data")
	a := openApp(t, live, io.Discard)
	if err := a.DB.SetSetting(ctx, "marker", "old"); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	if code := run([]string{"backup", "pre", "--data-dir", live}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backup pre: %d %s", code, errOut.String())
	}
	if err := a.DB.SetSetting(ctx, "marker", "new"); err != nil {
		t.Fatal(err)
	}
	a.DB.Close()
	logs := &apptest.LockedBuffer{}
	b := openApp(t, live, logs)
	if v, _, _ := b.DB.Setting(ctx, "marker"); v != "new" {
		t.Fatalf("the live database was replaced by a stale snapshot: marker=%q", v)
	}
	if _, err := os.Stat(filepath.Join(live, store.SnapshotFile)); !os.IsNotExist(err) || !strings.Contains(logs.String(), "deleted a backup snapshot") {
		t.Fatalf("stale snapshot kept (%v) or not logged: %s", err, logs.String())
	}
}

// backup pre before the server ever ran creates nothing (no database, no keys).
func TestBackupPreWithoutDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var out, errOut strings.Builder
	if code := run([]string{"backup", "pre", "--data-dir", dir}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backup pre: %d %s", code, errOut.String())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "backup" {
			t.Fatalf("backup pre created %s", e.Name())
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func runtimeGosched() { runtime.Gosched() }
