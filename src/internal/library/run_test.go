package library

import (
	"context"
	"testing"
	"time"
)

// TestRunWatchesAndScansOnRequest: Run scans at start, a new file is found by
// the watcher without asking, and Scan may be called meanwhile (no race).
func TestRunWatchesAndScansOnRequest(t *testing.T) {
	f := newFixture(t, 1)
	f.lib.watch = true
	v := f.user("u")
	writeTrack(t, f.dirs[0], "A/01.mp3", tags("One", "Art", "Alb", 1), false)
	finished := make(chan ScanStatus, 16)
	cancelSub := f.lib.Subscribe(func(e Event) {
		if e.Scan != nil && !e.Scan.Scanning && !e.Scan.Finished.IsZero() {
			finished <- *e.Scan
		}
	})
	defer cancelSub()
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = f.lib.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	wait := func(want int) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case st := <-finished:
				if st.Tracks == want {
					return
				}
			case <-deadline:
				t.Fatalf("no scan found %d tracks", want)
			}
		}
	}
	wait(1)
	f.lib.Scan(f.ctx, true) // alongside Run
	writeTrack(t, f.dirs[0], "A/02.mp3", tags("Two", "Art", "Alb", 2), false)
	wait(2)
	if n := len(f.tracks(v, TrackQuery{})); n != 2 {
		t.Fatalf("tracks = %d", n)
	}
	if !f.lib.StartScan() {
		t.Fatal("StartScan refused")
	}
	wait(2)
}
