package library

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMovedRetaggedAndDeletedFilesAreFollowed(t *testing.T) {
	f := newFixture(t, 1)
	dir := f.dirs[0]
	v := f.user("u")
	writeTrack(t, dir, "A/Album/01.mp3", tags("One", "Art", "Album", 1), false)
	writeTrack(t, dir, "A/Album/02.mp3", tags("Two", "Art", "Album", 2), false)
	writeTrack(t, dir, "B/Other/01.mp3", tags("Gone", "Bart", "Other", 1), false)
	f.scan()
	byTitle := func() map[string]Track {
		m := map[string]Track{}
		for _, tr := range f.tracks(v, TrackQuery{}) {
			m[tr.Title] = tr
		}
		return m
	}
	before := byTitle()
	one, gone := before["One"], before["Gone"]
	if err := f.lib.Star(f.ctx, v, KindTrack, one.ID, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.lib.Scrobble(f.ctx, v, one.ID, f.clock.Now(), true, "test"); err != nil {
		t.Fatal(err)
	}
	pl, err := f.lib.CreatePlaylist(f.ctx, v, "Mix", []int64{one.ID, gone.ID})
	if err != nil {
		t.Fatal(err)
	}

	// Move "One" to a directory walked before its old one, retag "Two", delete "Gone".
	if err := os.MkdirAll(filepath.Join(dir, "0-moved"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "A/Album/01.mp3"), filepath.Join(dir, "0-moved/one.mp3")); err != nil {
		t.Fatal(err)
	}
	writeTrack(t, dir, "A/Album/02.mp3", tags("Two (retagged)", "Art", "Album", 2), false)
	future := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(dir, "A/Album/02.mp3"), future, future); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "B")); err != nil {
		t.Fatal(err)
	}
	st := f.scan()
	if st.Removed != 1 {
		t.Fatalf("status %+v", st)
	}
	after := byTitle()
	moved, ok := after["One"]
	if !ok || moved.ID != one.ID || moved.Path != "0-moved/one.mp3" {
		t.Fatalf("moved file: %+v (before id %d)", moved, one.ID)
	}
	if moved.User.Starred.IsZero() || moved.User.PlayCount != 1 {
		t.Fatalf("moved file lost its user data: %+v", moved.User)
	}
	if re, ok := after["Two (retagged)"]; !ok || re.ID != before["Two"].ID {
		t.Fatalf("retagged file: %+v", after)
	}
	if _, ok := after["Gone"]; ok {
		t.Fatal("deleted file still listed")
	}
	// The deleted track's album, artist and star are gone from every list.
	for _, a := range f.albums(v) {
		if a.Name == "Other" {
			t.Fatal("empty album kept")
		}
	}
	if as, _ := f.lib.Artists(f.ctx, v, ArtistQuery{}); len(as) != 1 {
		t.Fatalf("artists = %+v", as)
	}
	starred := f.tracks(v, TrackQuery{Favorite: true})
	if len(starred) != 1 || starred[0].ID != one.ID {
		t.Fatalf("starred = %+v", starred)
	}
	entries, err := f.lib.PlaylistTracks(f.ctx, v, pl.ID, Page{})
	if err != nil || len(entries) != 1 || entries[0].ID != one.ID {
		t.Fatalf("playlist = %+v, %v", entries, err)
	}
	var n int
	if err := f.db.R.QueryRow("SELECT count(*) FROM lib_annotations WHERE kind = 3 AND item_id = ?", gone.ID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("annotations of the deleted track: %d, %v", n, err)
	}
}

func TestOfflineFolderKeepsEverything(t *testing.T) {
	f := newFixture(t, 1)
	dir := f.dirs[0]
	v := f.user("u")
	writeTrack(t, dir, "A/01.mp3", tags("One", "Art", "Album", 1), false)
	writeTrack(t, dir, "A/02.mp3", tags("Two", "Art", "Album", 2), false)
	f.scan()
	tracks := f.tracks(v, TrackQuery{})
	if err := f.lib.Star(f.ctx, v, KindTrack, tracks[0].ID); err != nil {
		t.Fatal(err)
	}
	pl, err := f.lib.CreatePlaylist(f.ctx, v, "Keep", []int64{tracks[0].ID, tracks[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	aside := dir + ".aside"
	check := func(label string, wantOnline bool) {
		t.Helper()
		fo := f.lib.Folders(v)[0]
		if fo.Online != wantOnline {
			t.Fatalf("%s: folder online = %v (%s)", label, fo.Online, fo.Problem)
		}
		all := f.tracks(v, TrackQuery{IncludeOffline: true})
		if len(all) != 2 || all[0].Available != wantOnline {
			t.Fatalf("%s: tracks = %+v", label, all)
		}
		listed := f.tracks(v, TrackQuery{})
		if wantOnline != (len(listed) == 2) {
			t.Fatalf("%s: default lists show %d tracks", label, len(listed))
		}
		star := f.tracks(v, TrackQuery{Favorite: true, IncludeOffline: true})
		if len(star) != 1 {
			t.Fatalf("%s: star lost", label)
		}
		p, err := f.lib.Playlist(f.ctx, v, pl.ID)
		if err != nil || p.TrackCount != 2 {
			t.Fatalf("%s: playlist %+v, %v", label, p, err)
		}
		_, err = f.lib.OpenTrack(f.ctx, v, tracks[0].ID)
		if (err == nil) != wantOnline {
			t.Fatalf("%s: open = %v", label, err)
		}
	}
	// Unmounted: the folder itself is gone.
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	f.scan()
	check("missing", false)
	if p := f.lib.Folders(v)[0].Problem; p != problemMissing {
		t.Fatalf("problem = %q", p)
	}
	// Mount point back but empty (the disk not mounted yet).
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.scan()
	check("empty", false)
	// Unreadable.
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		f.scan()
		check("unreadable", false)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Back: everything available again, same ids.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(aside, dir); err != nil {
		t.Fatal(err)
	}
	st := f.scan()
	check("back", true)
	if st.Added != 0 || st.Removed != 0 {
		t.Fatalf("coming back re-added or removed: %+v", st)
	}
	if again := f.tracks(v, TrackQuery{}); again[0].ID != tracks[0].ID {
		t.Fatal("ids changed")
	}
}

func TestSymlinksNeverLeadOutside(t *testing.T) {
	f := newFixture(t, 1)
	dir := f.dirs[0]
	v := f.user("u")
	outside := t.TempDir()
	writeTrack(t, outside, "secret.mp3", tags("Secret", "Out", "Side", 1), false)
	writeTrack(t, dir, "In/01.mp3", tags("Inside", "In", "Side", 1), false)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(outside, "secret.mp3"), filepath.Join(dir, "In", "link.mp3")))
	must(os.Symlink(outside, filepath.Join(dir, "outdir")))
	must(os.Symlink("..", filepath.Join(dir, "In", "loop")))     // back up: a loop
	must(os.Symlink("../In", filepath.Join(dir, "In", "again"))) // itself: a loop
	must(os.Symlink("01.mp3", filepath.Join(dir, "In", "alias.mp3")))
	st := f.scan()
	titles := map[string]int{}
	for _, tr := range f.tracks(v, TrackQuery{}) {
		titles[tr.Title]++
	}
	if titles["Secret"] != 0 {
		t.Fatal("a file outside the music folder was scanned")
	}
	if titles["Inside"] != 2 { // the file and its alias inside the folder
		t.Fatalf("titles = %v, status %+v", titles, st)
	}
	fails, _ := f.lib.Failures(f.ctx, Page{})
	if len(fails) != 1 || fails[0].Path != "In/link.mp3" {
		t.Fatalf("failures = %+v", fails)
	}
	// ".." or absolute paths in a stored path are refused when opening.
	for _, bad := range []string{"../x.mp3", "/etc/passwd", "In/../../x", ""} {
		if _, err := f.lib.openInFolder(f.lib.folders[0].ID, bad); err == nil {
			t.Errorf("opened %q", bad)
		}
	}
}
