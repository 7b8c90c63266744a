package music_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
)

type mapped struct {
	ref
	Mappings []struct {
		ProviderInstance string `json:"provider_instance"`
	} `json:"provider_mappings"`
}

func (m mapped) instance() string {
	if len(m.Mappings) == 0 {
		return ""
	}
	return m.Mappings[0].ProviderInstance
}

// TestProviderFilterLimitsWhatMASees: with two music folders and alice limited to the
// first (provider_filter), nothing of the second reaches her through the MA library
// commands — lists, counts, search and item lookups — as it does not through Subsonic.
func TestProviderFilterLimitsWhatMASees(t *testing.T) {
	root := t.TempDir()
	var dirs []string
	for i, n := range []int{10, 8} {
		dir := filepath.Join(root, "folder"+string(rune('A'+i)))
		if _, err := mediagen.Generate(dir, mediagen.Options{Tracks: n, Seed: uint64(i + 1), MinDuration: time.Second, MaxDuration: 2 * time.Second}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	srv := apptest.Start(t, app.New, apptest.Options{Config: func(c *config.Config) { c.MusicDirs = dirs }})
	waitScanned(t, srv.App.Library)
	folders := srv.App.Library.Folders(library.Viewer{})
	if len(folders) != 2 {
		t.Fatalf("folders: %+v", folders)
	}
	a, b := folders[0].ProviderInstance, folders[1].ProviderInstance
	adminToken := srv.Setup(t, adminUser, adminPass)
	admin := &env{srv: srv, token: adminToken}
	admin.ws = admin.dial(t, adminToken)

	var allTracks, allAlbums []mapped
	admin.call(t, "music/tracks/library_items", map[string]any{"limit": 500}, &allTracks)
	admin.call(t, "music/albums/library_items", map[string]any{"limit": 500}, &allAlbums)
	var bTrack mapped
	inA := 0
	for _, tr := range allTracks {
		switch tr.instance() {
		case a:
			inA++
		case b:
			bTrack = tr
		}
	}
	if inA == 0 || bTrack.ItemID == "" || len(allTracks) != inA+countIn(allTracks, b) {
		t.Fatalf("the admin's tracks do not split over the two folders: %d in A, B example %+v, %d in all", inA, bTrack, len(allTracks))
	}

	var created struct {
		UserID string `json:"user_id"`
	}
	srv.MustCall(t, adminToken, "auth/user/create", map[string]any{"username": "alice", "password": "alice-password-123", "role": "user"}, &created)
	srv.MustCall(t, adminToken, "auth/user/update", map[string]any{"user_id": created.UserID, "provider_filter": []string{a}}, nil)
	alice := &env{srv: srv}
	alice.token = srv.Login(t, "alice", "alice-password-123")
	alice.ws = alice.dial(t, alice.token)

	var tracks, albums []mapped
	alice.call(t, "music/tracks/library_items", map[string]any{"limit": 500}, &tracks)
	alice.call(t, "music/albums/library_items", map[string]any{"limit": 500}, &albums)
	if len(tracks) != inA || countIn(tracks, a) != inA {
		t.Errorf("alice's tracks: %d, %d of folder A; want folder A's %d only", len(tracks), countIn(tracks, a), inA)
	}
	if n := countIn(albums, b); n != 0 || len(albums) == 0 {
		t.Errorf("alice's albums: %d of %d from folder B", n, len(albums))
	}
	if n := string(alice.call(t, "music/tracks/count", nil, nil)); n != strconv.Itoa(inA) {
		t.Errorf("alice's track count %s, want %d", n, inA)
	}
	if r := alice.ws.Command("music/tracks/get_track", map[string]any{"item_id": bTrack.ItemID, "provider_instance_id_or_domain": "library"}); r.ErrorCode == 0 {
		t.Errorf("alice got folder B's track %s", bTrack.ItemID)
	}
	var found struct {
		Tracks []mapped `json:"tracks"`
	}
	alice.call(t, "music/search", map[string]any{"search_query": bTrack.Name, "limit": 50}, &found)
	if slices.ContainsFunc(found.Tracks, func(m mapped) bool { return m.instance() == b }) {
		t.Errorf("alice's search for %q found a track of folder B", bTrack.Name)
	}
	// The admin, unlimited, still finds it: the search itself works.
	admin.call(t, "music/search", map[string]any{"search_query": bTrack.Name, "limit": 50}, &found)
	if !slices.ContainsFunc(found.Tracks, func(m mapped) bool { return m.ItemID == bTrack.ItemID }) {
		t.Errorf("the admin's search for %q did not find it", bTrack.Name)
	}
}

func countIn(items []mapped, instance string) int {
	n := 0
	for _, m := range items {
		if m.instance() == instance {
			n++
		}
	}
	return n
}
