package library

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/store"
)

// TestScanMeasure scans the library in $SEGUE_SCAN_DIR (make one with
// `segue-bench gen-library`) and reports the full-scan rate, the unchanged
// rescan time and memory. It measures; it asserts nothing about speed.
//
//	SEGUE_SCAN_DIR=/tmp/music go test -tags sqlite_fts5 -run TestScanMeasure -v ./internal/library
func TestScanMeasure(t *testing.T) {
	dir := os.Getenv("SEGUE_SCAN_DIR")
	if dir == "" {
		t.Skip("SEGUE_SCAN_DIR not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := logrus.New()
	log.SetLevel(logrus.ErrorLevel)
	lib, err := Open(ctx, Deps{DB: db, Log: log, Folders: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	st := lib.Scan(ctx, true)
	full := time.Since(t0)
	t.Logf("full scan: %d tracks (%d failed) in %.2f s = %.0f tracks/s; VmHWM %s", st.Tracks, st.Failed, full.Seconds(),
		float64(st.Tracks)/full.Seconds(), procStatus("VmHWM"))
	t0 = time.Now()
	st = lib.Scan(ctx, true)
	t.Logf("unchanged rescan: %.2f s (added %d updated %d removed %d)", time.Since(t0).Seconds(), st.Added, st.Updated, st.Removed)
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("after scans, idle: VmRSS %s (anon %s, file %s), VmHWM %s; Go heap in use %d KiB, Go sys %d KiB",
		procStatus("VmRSS"), procStatus("RssAnon"), procStatus("RssFile"), procStatus("VmHWM"), ms.HeapInuse>>10, ms.Sys>>10)
	if os.Getenv("SEGUE_SCAN_SMAPS") != "" {
		b, _ := os.ReadFile("/proc/self/smaps")
		var name string
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 5 && strings.Contains(f[0], "-") {
				name = f[0] + " " + strings.Join(f[5:], " ")
			} else if len(f) >= 2 && f[0] == "Rss:" && len(f[1]) > 3 {
				t.Logf("  %s kB %s", f[1], name)
			}
		}
	}
}

func procStatus(key string) string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
