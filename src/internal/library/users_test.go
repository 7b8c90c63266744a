package library

import (
	"fmt"
	"sync"
	"testing"

	"segue/internal/fail"
)

func TestTwoUsersDataIsolated(t *testing.T) {
	f := newFixture(t, 1)
	alice, bob := f.user("alice"), f.user("bob")
	for i := range 3 {
		writeTrack(t, f.dirs[0], fmt.Sprintf("A/%02d.mp3", i), tags(fmt.Sprint("T", i), "Art", "Alb", i+1), false)
	}
	f.scan()
	ts := f.tracks(alice, TrackQuery{Sort: Sort{By: OrderPosition}})
	album := f.albums(alice)[0]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.lib.Star(f.ctx, alice, KindTrack, ts[0].ID))
	must(f.lib.Star(f.ctx, alice, KindAlbum, album.ID))
	must(f.lib.SetRating(f.ctx, alice, KindTrack, ts[1].ID, 5))
	must(f.lib.Scrobble(f.ctx, alice, ts[2].ID, f.clock.Now(), true, "app"))
	private, err := f.lib.CreatePlaylist(f.ctx, alice, "Private", []int64{ts[0].ID})
	must(err)
	public, err := f.lib.CreatePlaylist(f.ctx, alice, "Shared", []int64{ts[1].ID})
	must(err)
	pub := true
	must(f.lib.UpdatePlaylist(f.ctx, alice, public.ID, PlaylistUpdate{Public: &pub}))

	for _, tr := range f.tracks(bob, TrackQuery{}) {
		if tr.User != (Annotation{}) {
			t.Fatalf("bob sees alice's data on %s: %+v", tr.Title, tr.User)
		}
	}
	if n := len(f.tracks(bob, TrackQuery{Favorite: true})); n != 0 {
		t.Fatalf("bob's starred = %d", n)
	}
	if as, _ := f.lib.Albums(f.ctx, bob, AlbumQuery{Played: true}); len(as) != 0 {
		t.Fatalf("bob's played albums = %+v", as)
	}
	q, _ := AlbumList(ListStarred, 0, 0, "", Page{})
	if as, _ := f.lib.Albums(f.ctx, alice, q); len(as) != 1 {
		t.Fatalf("alice's starred albums = %+v", as)
	}
	if as, _ := f.lib.Albums(f.ctx, bob, q); len(as) != 0 {
		t.Fatalf("bob's starred albums = %+v", as)
	}
	pls, err := f.lib.Playlists(f.ctx, bob, PlaylistQuery{})
	if err != nil || len(pls) != 1 || pls[0].ID != public.ID || pls[0].Editable || pls[0].OwnerName != "alice" {
		t.Fatalf("bob's playlists = %+v, %v", pls, err)
	}
	if _, err := f.lib.Playlist(f.ctx, bob, private.ID); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("bob reads alice's private playlist: %v", err)
	}
	if _, err := f.lib.PlaylistTracks(f.ctx, bob, private.ID, Page{}); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("bob lists alice's private playlist: %v", err)
	}
	name := "mine now"
	if err := f.lib.UpdatePlaylist(f.ctx, bob, public.ID, PlaylistUpdate{Name: &name}); !fail.Is(err, fail.KindForbidden) {
		t.Fatalf("bob changes alice's public playlist: %v", err)
	}
	if err := f.lib.DeletePlaylist(f.ctx, bob, public.ID); !fail.Is(err, fail.KindForbidden) {
		t.Fatalf("bob deletes alice's public playlist: %v", err)
	}
	if err := f.lib.ReplacePlaylistTracks(f.ctx, bob, private.ID, nil); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("bob replaces alice's private playlist: %v", err)
	}
	if tr, _ := f.lib.PlaylistTracks(f.ctx, bob, public.ID, Page{}); len(tr) != 1 {
		t.Fatalf("bob cannot read the public playlist: %+v", tr)
	}

	// Deleting alice deletes her data and playlists; bob is untouched.
	must(f.lib.Star(f.ctx, bob, KindTrack, ts[2].ID))
	if _, err := f.db.W.Exec("DELETE FROM users WHERE user_id = 'alice'"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.db.R.QueryRow("SELECT (SELECT count(*) FROM lib_annotations WHERE user_id = 'alice') + (SELECT count(*) FROM lib_playlists WHERE owner_id = 'alice')").Scan(&n); err != nil || n != 0 {
		t.Fatalf("alice's rows left: %d, %v", n, err)
	}
	if n := len(f.tracks(bob, TrackQuery{Favorite: true})); n != 1 {
		t.Fatalf("bob's stars = %d", n)
	}
}

func TestFoldersLimitWhatAViewerSees(t *testing.T) {
	f := newFixture(t, 2)
	writeTrack(t, f.dirs[0], "a.mp3", tags("Ayy", "One", "First", 1), true)
	writeTrack(t, f.dirs[1], "b.mp3", tags("Bee", "Two", "Second", 1), true)
	f.scan()
	f.user("u")
	all := f.lib.Viewer("u", nil)
	first := f.lib.Viewer("u", []string{f.lib.Folders(all)[0].ProviderInstance})
	nobody := f.lib.Viewer("u", []string{"spotify--x"})
	if n := len(f.tracks(all, TrackQuery{})); n != 2 {
		t.Fatalf("all: %d", n)
	}
	ts := f.tracks(first, TrackQuery{})
	if len(ts) != 1 || ts[0].Title != "Ayy" {
		t.Fatalf("first: %+v", ts)
	}
	if n := len(f.tracks(nobody, TrackQuery{})); n != 0 {
		t.Fatalf("a filter naming no folder shows %d tracks", n)
	}
	other := f.tracks(all, TrackQuery{Search: "bee"})[0]
	if _, err := f.lib.Track(f.ctx, first, other.ID); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("track of the other folder: %v", err)
	}
	if _, err := f.lib.OpenTrack(f.ctx, first, other.ID); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("stream of the other folder: %v", err)
	}
	if _, err := f.lib.CoverArt(f.ctx, first, other.CoverID, 0); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("cover of the other folder: %v", err)
	}
	res, _ := f.lib.Search(f.ctx, first, SearchQuery{})
	if len(res.Tracks) != 1 || len(res.Albums) != 1 || len(res.Artists) != 1 {
		t.Fatalf("search: %+v", res)
	}
	// A ranked search filters by folder only when the scope is not every folder.
	for _, c := range []struct {
		v      Viewer
		text   string
		tracks int
	}{{all, "bee", 1}, {first, "bee", 0}, {first, "ayy", 1}, {nobody, "ayy", 0}} {
		res, err := f.lib.Search(f.ctx, c.v, SearchQuery{Text: c.text})
		if err != nil || len(res.Tracks) != c.tracks {
			t.Fatalf("search %q as %+v: %d tracks, %v", c.text, c.v, len(res.Tracks), err)
		}
	}
	// musicFolderId narrows further, never widens.
	second := f.lib.Folders(all)[1].ID
	if n := len(f.tracks(first, TrackQuery{Folders: []int64{second}})); n != 0 {
		t.Fatalf("requesting a folder the viewer may not see: %d", n)
	}
}

func TestSearchPagesThroughEverything(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u")
	for i := range 25 {
		writeTrack(t, f.dirs[0], fmt.Sprintf("A%d/%02d.mp3", i%5, i), tags(fmt.Sprintf("Night %d", i), fmt.Sprint("Artist ", i%5), fmt.Sprint("Album ", i%5), i), false)
	}
	f.scan()
	seen := map[int64]bool{}
	for off := 0; ; off += 10 {
		res, err := f.lib.Search(f.ctx, v, SearchQuery{Text: "", Artists: Page{Limit: -1}, Albums: Page{Limit: -1}, Tracks: Page{Offset: off, Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Artists)+len(res.Albums) != 0 {
			t.Fatal("a negative limit did not leave the kind out")
		}
		for _, tr := range res.Tracks {
			if seen[tr.ID] {
				t.Fatalf("track %d twice", tr.ID)
			}
			seen[tr.ID] = true
		}
		if len(res.Tracks) < 10 {
			break
		}
	}
	if len(seen) != 25 {
		t.Fatalf("paged %d of 25", len(seen))
	}
	res, _ := f.lib.Search(f.ctx, v, SearchQuery{Text: "nigh art"})
	if len(res.Tracks) != 25 {
		t.Fatalf("prefix words: %d tracks", len(res.Tracks))
	}
	res, _ = f.lib.Search(f.ctx, v, SearchQuery{Text: `night 7 "`})
	if len(res.Tracks) != 1 || res.Tracks[0].Title != "Night 7" {
		t.Fatalf("exact: %+v", res.Tracks)
	}
}

func TestScanWhileReadingLosesNothing(t *testing.T) {
	f := newFixture(t, 1)
	v := f.user("u")
	for i := range 120 {
		writeTrack(t, f.dirs[0], fmt.Sprintf("D%d/%03d.mp3", i%12, i), tags(fmt.Sprint("Song ", i), fmt.Sprint("Art ", i%12), fmt.Sprint("Alb ", i%12), i), false)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 100)
	var reads int
	var mu sync.Mutex
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := f.lib.Search(f.ctx, v, SearchQuery{Text: "song"}); err != nil {
					errs <- err
					return
				}
				if err := f.lib.Scrobble(f.ctx, v, 1, f.clock.Now(), false, "p"); err != nil && !fail.Is(err, fail.KindNotFound) {
					errs <- err
					return
				}
				mu.Lock()
				reads++
				mu.Unlock()
			}
		})
	}
	st := f.scan()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("request failed during the scan: %v", err)
	}
	if st.Added != 120 || reads == 0 {
		t.Fatalf("status %+v, reads %d", st, reads)
	}
}
