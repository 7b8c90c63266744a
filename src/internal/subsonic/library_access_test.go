package subsonic_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"segue/internal/library"
)

// TestTwoUsersSeeOnlyTheirOwnData: stars, ratings, play counts and playlists
// of one user never show for the other; a private playlist of one cannot be
// read, changed, deleted or streamed/shown through by the other; a public one
// is readable but not changeable.
func TestTwoUsersSeeOnlyTheirOwnData(t *testing.T) {
	le := newLibEnv(t, 30)
	alice, bob := le.alice(), le.admin() // an admin is a user here too
	songs := le.allSongs(t, alice)
	if len(songs) != 30 {
		t.Fatalf("%d songs", len(songs))
	}
	song, _ := songs[0]["id"].(string)
	album, _ := songs[0]["albumId"].(string)
	artist, _ := songs[0]["artistId"].(string)
	le.ok(t, alice, "star", "id", song, "albumId", album, "artistId", artist)
	le.ok(t, alice, "setRating", "id", song, "rating", "5")
	le.ok(t, alice, "setRating", "id", album, "rating", "3")
	le.ok(t, alice, "scrobble", "id", song)
	priv := le.ok(t, alice, "createPlaylist", "name", "alice private", "songId", song)
	privID := priv["playlist"].(map[string]any)["id"].(string)
	pub := le.ok(t, alice, "createPlaylist", "name", "alice public", "songId", song)
	pubID := pub["playlist"].(map[string]any)["id"].(string)
	le.ok(t, alice, "updatePlaylist", "playlistId", pubID, "public", "true")

	// Alice sees her data.
	st := le.ok(t, alice, "getStarred2")
	if len(list(st, "starred2", "song")) != 1 || len(list(st, "starred2", "album")) != 1 || len(list(st, "starred2", "artist")) != 1 {
		t.Fatalf("alice's starred2: %v", st["starred2"])
	}
	s := le.ok(t, alice, "getSong", "id", song)["song"].(map[string]any)
	if s["starred"] == nil || s["userRating"] != 5.0 || s["playCount"] != 1.0 {
		t.Fatalf("alice's song: %v", s)
	}

	// Bob sees none of it.
	for _, m := range []string{"getStarred", "getStarred2"} {
		r := le.ok(t, bob, m)
		key := map[string]string{"getStarred": "starred", "getStarred2": "starred2"}[m]
		for _, f := range []string{"artist", "album", "song"} {
			if n := len(list(r, key, f)); n != 0 {
				t.Errorf("bob's %s lists %d %s of alice's", m, n, f)
			}
		}
	}
	s = le.ok(t, bob, "getSong", "id", song)["song"].(map[string]any)
	for _, f := range []string{"starred", "userRating", "playCount", "played"} {
		if s[f] != nil {
			t.Errorf("bob sees alice's %s on a song: %v", f, s[f])
		}
	}
	a := le.ok(t, bob, "getAlbum", "id", album)["album"].(map[string]any)
	for _, f := range []string{"starred", "userRating", "playCount", "played"} {
		if a[f] != nil {
			t.Errorf("bob sees alice's %s on an album: %v", f, a[f])
		}
	}
	for _, kind := range []string{"highest", "frequent", "recent", "starred"} {
		if n := len(list(le.ok(t, bob, "getAlbumList2", "type", kind), "albumList2", "album")); n != 0 {
			t.Errorf("bob's %s album list has %d of alice's albums", kind, n)
		}
	}
	pls := ids(list(le.ok(t, bob, "getPlaylists"), "playlists", "playlist"))
	if slices.Contains(pls, privID) || !slices.Contains(pls, pubID) {
		t.Errorf("bob's playlists %v: private %s must be hidden, public %s shown", pls, privID, pubID)
	}

	// The private playlist cannot be read, changed, deleted or used for art or streams.
	for _, c := range []struct {
		method string
		kv     []string
	}{
		{"getPlaylist", []string{"id", privID}},
		{"updatePlaylist", []string{"playlistId", privID, "name", "taken"}},
		{"createPlaylist", []string{"playlistId", privID, "songId", song}},
		{"deletePlaylist", []string{"id", privID}},
		{"getCoverArt", []string{"id", privID}},
		{"stream", []string{"id", privID}},
		{"download", []string{"id", privID}},
		{"star", []string{"id", privID}},
	} {
		if code := errCode(le.call(t, bob, c.method, c.kv...)); code != 70 {
			t.Errorf("bob %s on alice's private playlist: code %d, want 70", c.method, code)
		}
	}
	// The public one is readable, not changeable.
	if got := le.ok(t, bob, "getPlaylist", "id", pubID)["playlist"].(map[string]any); got["readonly"] != true || got["songCount"] != 1.0 {
		t.Errorf("bob reads alice's public playlist as %v", got)
	}
	for _, c := range [][]string{{"updatePlaylist", "playlistId", pubID, "name", "taken"}, {"deletePlaylist", "id", pubID}} {
		if code := errCode(le.call(t, bob, c[0], c[1:]...)); code != 50 {
			t.Errorf("bob %s on alice's public playlist: code %d, want 50", c[0], code)
		}
	}
	// And alice's playlists are intact.
	got := le.ok(t, alice, "getPlaylist", "id", privID)["playlist"].(map[string]any)
	if got["name"] != "alice private" || got["songCount"] != 1.0 {
		t.Errorf("alice's private playlist after bob's attempts: %v", got)
	}
}

// TestIDsAndSymlinksNeverLeaveTheMusicFolder: a symlink to a file or folder
// outside the music folder is never listed or served, and ids made of paths,
// "..", NUL bytes or huge numbers are not found by any method that takes an id.
func TestIDsAndSymlinksNeverLeaveTheMusicFolder(t *testing.T) {
	outside := t.TempDir()
	le := newLibEnv(t, 8)
	// A real audio file outside, reachable through two symlinks inside.
	src := le.dirs[0]
	var first string
	_ = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err == nil && first == "" && !d.IsDir() && (strings.HasSuffix(p, ".mp3") || strings.HasSuffix(p, ".flac")) {
			first = p
		}
		return nil
	})
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(outside, "Secret Outside"+filepath.Ext(first))
	if err := os.WriteFile(secret, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(src, "link to secret"+filepath.Ext(first))); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(src, "linked folder")); err != nil {
		t.Fatal(err)
	}
	le.rescan(t)
	songs := le.allSongs(t, le.alice())
	if len(songs) != 8 {
		t.Errorf("after adding symlinks out of the folder: %d songs, want the 8 inside", len(songs))
	}
	for _, s := range songs {
		if p, _ := s["path"].(string); strings.Contains(p, "link") || strings.Contains(p, "Secret") {
			t.Errorf("a song reached through a symlink out of the folder: %v", p)
		}
	}
	bad := []string{"..", "../..", "tr-..", "tr-../1", "../../etc/passwd", "/etc/passwd", "tr-1/../2", "al-1%2F..", "tr-\x00",
		"tr-99999999999999999999", "tr--1", "tr-0", "xx-1", secret, "file://" + secret}
	for _, method := range []string{"getSong", "stream", "download", "getCoverArt", "getAlbum", "getArtist", "getMusicDirectory",
		"getPlaylist", "getLyricsBySongId", "star", "setRating", "scrobble", "getAlbumInfo2", "getArtistInfo2"} {
		for _, id := range bad {
			kv := []string{"id", id}
			if method == "setRating" {
				kv = append(kv, "rating", "1")
			}
			if code := errCode(le.call(t, le.alice(), method, kv...)); code != 70 {
				t.Errorf("%s id=%q: code %d, want 70 (not found)", method, id, code)
			}
		}
	}
}

// TestDeletedFilesLeaveEveryList: deleting an album's files and rescanning
// removes the songs, the now empty album and artist, and their stars.
func TestDeletedFilesLeaveEveryList(t *testing.T) {
	le := newLibEnv(t, 40)
	alice := le.alice()
	songs := le.allSongs(t, alice)
	// Pick an album whose artist has only this album.
	var albumID, artistID, dir string
	for _, s := range songs {
		ar := le.ok(t, alice, "getArtist", "id", s["artistId"].(string))["artist"].(map[string]any)
		if ar["albumCount"] == 1.0 && s["artistId"] != "" {
			albumID, artistID = s["albumId"].(string), s["artistId"].(string)
			dir = filepath.Dir(filepath.Join(le.dirs[0], filepath.FromSlash(s["path"].(string))))
			break
		}
	}
	if albumID == "" {
		t.Fatal("no single-album artist in the generated library")
	}
	albumSongs := ids(list(le.ok(t, alice, "getAlbum", "id", albumID), "album", "song"))
	le.ok(t, alice, "star", "id", albumSongs[0], "albumId", albumID, "artistId", artistID)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	le.rescan(t)
	for _, c := range [][]string{{"getAlbum", albumID}, {"getArtist", artistID}, {"getSong", albumSongs[0]}, {"stream", albumSongs[0]}} {
		if code := errCode(le.call(t, alice, c[0], "id", c[1])); code != 70 {
			t.Errorf("%s %s after deletion: code %d, want 70", c[0], c[1], code)
		}
	}
	after := ids(le.allSongs(t, alice))
	if len(after) != len(songs)-len(albumSongs) {
		t.Errorf("%d songs after deleting %d of %d", len(after), len(albumSongs), len(songs))
	}
	for _, id := range albumSongs {
		if slices.Contains(after, id) {
			t.Errorf("deleted song %s still listed", id)
		}
	}
	st := le.ok(t, alice, "getStarred2")
	for _, f := range []string{"artist", "album", "song"} {
		if n := len(list(st, "starred2", f)); n != 0 {
			t.Errorf("getStarred2 still lists %d %s after deletion", n, f)
		}
	}
	for _, idx := range list(le.ok(t, alice, "getArtists"), "artists", "index") {
		for _, a := range idx["artist"].([]any) {
			if a.(map[string]any)["id"] == artistID {
				t.Errorf("getArtists still lists the artist of the deleted album")
			}
		}
	}
	if slices.Contains(ids(list(le.ok(t, alice, "getAlbumList2", "type", "alphabeticalByName", "size", "500"), "albumList2", "album")), albumID) {
		t.Errorf("getAlbumList2 still lists the deleted album")
	}
}

// TestOfflineFolderKeepsEverything: an emptied (unmounted) music folder is
// marked offline on rescan; nothing is deleted, stars and playlists survive,
// and when the files are back everything is available again.
func TestOfflineFolderKeepsEverything(t *testing.T) {
	le := newLibEnv(t, 12)
	alice := le.alice()
	songs := le.allSongs(t, alice)
	song := songs[0]["id"].(string)
	le.ok(t, alice, "star", "id", song)
	pl := le.ok(t, alice, "createPlaylist", "name", "keep", "songId", song, "songId", songs[1]["id"].(string))["playlist"].(map[string]any)["id"].(string)

	// Unmount: the folder is there but empty.
	dir := le.dirs[0]
	aside := dir + ".unmounted"
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	le.rescan(t)
	folders := le.srv.App.Library.Folders(library.Viewer{})
	if len(folders) != 1 || folders[0].Online {
		t.Fatalf("after emptying the folder: %+v, want it offline", folders)
	}
	var status struct {
		Folders []struct {
			Online bool `json:"online"`
		} `json:"folders"`
	}
	le.srv.MustCall(t, le.adminToken, "library/status", nil, &status)
	if len(status.Folders) != 1 || status.Folders[0].Online {
		t.Errorf("library/status shows %+v, want the folder offline", status.Folders)
	}
	if code := errCode(le.call(t, alice, "stream", "id", song)); code != 70 {
		t.Errorf("stream from an offline folder: code %d, want 70", code)
	}
	n, err := le.srv.App.Library.CountTracks(context.Background(), library.Viewer{}, library.TrackQuery{IncludeOffline: true})
	if err != nil || n != 12 {
		t.Errorf("tracks kept while offline: %d (%v), want 12", n, err)
	}

	// Back: everything is available again, with the star and the playlist.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(aside, dir); err != nil {
		t.Fatal(err)
	}
	le.rescan(t)
	if got := le.allSongs(t, alice); len(got) != 12 {
		t.Errorf("after the folder came back: %d songs, want 12", len(got))
	}
	if st := list(le.ok(t, alice, "getStarred2"), "starred2", "song"); len(st) != 1 || st[0]["id"] != song {
		t.Errorf("star after the folder came back: %v", st)
	}
	if got := le.ok(t, alice, "getPlaylist", "id", pl)["playlist"].(map[string]any); got["songCount"] != 2.0 {
		t.Errorf("playlist after the folder came back: %v", got)
	}
	if st, _, _ := le.raw(t, "GET", "/rest/stream", map[string][]string{"u": {alice.name}, "p": {alice.app}, "id": {song}}, ""); st != 200 {
		t.Errorf("stream after the folder came back: HTTP %d", st)
	}
}
