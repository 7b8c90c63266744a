package app_test

import (
	"context"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
)

// waitForScan waits until the library's first scan has finished.
func waitForScan(t *testing.T, lib *library.Library) library.ScanStatus {
	t.Helper()
	done := make(chan library.ScanStatus, 1)
	cancel := lib.Subscribe(func(e library.Event) {
		if e.Scan != nil && !e.Scan.Scanning && !e.Scan.Finished.IsZero() {
			select {
			case done <- *e.Scan:
			default:
			}
		}
	})
	defer cancel()
	if st := lib.Status(); !st.Scanning && !st.Finished.IsZero() {
		return st
	}
	select {
	case st := <-done:
		return st
	case <-time.After(60 * time.Second):
		t.Fatal("the start-up scan did not finish")
	}
	return library.ScanStatus{}
}

func TestFreshInstallServesADemoLibrary(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	st := waitForScan(t, s.App.Library)
	if st.Tracks == 0 || st.Failed != 0 {
		t.Fatalf("demo library scan: %+v", st)
	}
	folders := s.App.Library.Folders(library.Viewer{})
	if len(folders) != 1 || folders[0].Name != "demo-music" || !folders[0].Online {
		t.Fatalf("folders = %+v", folders)
	}
}

func TestMusicDirsAreScannedAtStart(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, err := mediagen.Generate(a, mediagen.Options{Tracks: 12, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	missing := b + "/not-mounted"
	s := apptest.Start(t, app.New, apptest.Options{Config: func(c *config.Config) { c.MusicDirs = []string{a, missing} }})
	st := waitForScan(t, s.App.Library)
	if st.Tracks != 12 {
		t.Fatalf("scan: %+v", st)
	}
	folders := s.App.Library.Folders(library.Viewer{})
	if len(folders) != 2 || !folders[0].Online || folders[1].Online || folders[1].Problem == "" {
		t.Fatalf("folders = %+v", folders)
	}
	if n, err := s.App.Library.CountTracks(context.Background(), library.Viewer{}, library.TrackQuery{}); err != nil || n != 12 {
		t.Fatalf("tracks = %d, %v", n, err)
	}
	if !s.App.Library.StartScan() {
		t.Fatal("StartScan refused")
	}
}
