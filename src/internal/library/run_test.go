package library

import (
	"context"
	"fmt"
	"testing"
	"time"

	"segue/internal/testutil"
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
	// wait returns once a scan found want tracks; settle moves the clock past
	// the watcher's debounce on every poll (file events keep re-arming it).
	wait := func(want int, settle bool) {
		t.Helper()
		testutil.WaitFor(t, 30*time.Second, fmt.Sprintf("a scan that finds %d tracks", want), func() bool {
			if settle {
				f.clock.Advance(watchDebounce)
			}
			for {
				select {
				case st := <-finished:
					if st.Tracks == want {
						return true
					}
				default:
					return false
				}
			}
		})
	}
	wait(1, false)
	f.lib.Scan(f.ctx, true) // alongside Run
	writeTrack(t, f.dirs[0], "A/02.mp3", tags("Two", "Art", "Alb", 2), false)
	wait(2, true)
	if n := len(f.tracks(v, TrackQuery{})); n != 2 {
		t.Fatalf("tracks = %d", n)
	}
	if !f.lib.StartScan() {
		t.Fatal("StartScan refused")
	}
	wait(2, false)
}

// TestRunRescansAtTheInterval: with a scan interval, the next full scan starts
// once the fake clock passes it (no watcher), and not before.
func TestRunRescansAtTheInterval(t *testing.T) {
	f := newFixture(t, 1)
	f.lib.scanInterval = time.Hour
	writeTrack(t, f.dirs[0], "A/01.mp3", tags("One", "Art", "Alb", 1), false)
	finished := make(chan ScanStatus, 16)
	defer f.lib.Subscribe(func(e Event) {
		if e.Scan != nil && !e.Scan.Scanning && !e.Scan.Finished.IsZero() {
			finished <- *e.Scan
		}
	})()
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = f.lib.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	if st := <-finished; st.Tracks != 1 {
		t.Fatalf("first scan found %d tracks", st.Tracks)
	}
	writeTrack(t, f.dirs[0], "A/02.mp3", tags("Two", "Art", "Alb", 2), false)
	f.clock.WaitForTimers(1, ctx.Done())
	f.clock.Advance(time.Hour - time.Second)
	select {
	case st := <-finished:
		t.Fatalf("a scan ran before the interval: %+v", st)
	default:
	}
	f.clock.Advance(time.Second)
	if st := <-finished; st.Tracks != 2 {
		t.Fatalf("interval scan found %d tracks, want 2", st.Tracks)
	}
	// The loop re-arms for the next interval once the scan is done.
	if !f.clock.WaitForTimers(1, ctx.Done()) {
		t.Fatal("no timer for the next interval")
	}
}
