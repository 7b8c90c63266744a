package library

import (
	"context"
	"testing"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// TestScanStoppedByShutdownIsNotAnError: a scan whose context ends mid-folder
// (the server shutting down) logs at info, not error.
func TestScanStoppedByShutdownIsNotAnError(t *testing.T) {
	f := newFixture(t, 1)
	writeTrack(t, f.dirs[0], "A/01.mp3", tags("One", "Art", "Alb", 1), false)
	hook := logtest.NewLocal(f.lib.log)
	f.lib.log.SetLevel(logrus.DebugLevel)
	ctx, cancel := context.WithCancel(f.ctx)
	defer f.lib.Subscribe(func(e Event) {
		if e.Scan != nil && e.Scan.CurrentFolder != "" {
			cancel() // shutdown arrives while the folder is being scanned
		}
	})()
	st := f.lib.Scan(ctx, true)
	if st.LastError == "" {
		t.Fatal("a scan cut short reported no error in its status")
	}
	var stopped bool
	for _, e := range hook.AllEntries() {
		if e.Level <= logrus.ErrorLevel {
			t.Fatalf("logged at %v: %s %v", e.Level, e.Message, e.Data)
		}
		stopped = stopped || (e.Level == logrus.InfoLevel && e.Message == "library: scan stopped before it finished")
	}
	if !stopped {
		t.Fatalf("no info line for the stopped scan: %v", hook.AllEntries())
	}
}
