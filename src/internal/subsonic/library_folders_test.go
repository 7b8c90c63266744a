package subsonic_test

import (
	"slices"
	"testing"

	"segue/internal/library"
)

// TestFolderLimitedUserSeesOnlyTheirFolder: with two folders and alice limited
// to the first (provider_filter), nothing of the second reaches her through
// lists, search, stream or getCoverArt; musicFolderId narrows every list.
func TestFolderLimitedUserSeesOnlyTheirFolder(t *testing.T) {
	le := newLibEnv(t, 20, 15)
	folders := le.srv.App.Library.Folders(library.Viewer{})
	if len(folders) != 2 {
		t.Fatalf("folders: %+v", folders)
	}
	a, b := folders[0], folders[1]
	admin := le.admin()
	inB := le.allSongs(t, admin, "musicFolderId", itoa(int(b.ID)))
	inA := le.allSongs(t, admin, "musicFolderId", itoa(int(a.ID)))
	if len(inA) != 20 || len(inB) != 15 {
		t.Fatalf("musicFolderId: %d songs in A, %d in B; want 20 and 15", len(inA), len(inB))
	}
	bSongs, bAlbums := map[string]bool{}, map[string]bool{}
	for _, s := range inB {
		bSongs[s["id"].(string)] = true
		bAlbums[s["albumId"].(string)] = true
	}
	le.srv.MustCall(t, le.adminToken, "auth/user/update", map[string]any{"user_id": le.userID, "provider_filter": []string{a.ProviderInstance}}, nil)
	alice := le.alice()

	if fs := list(le.ok(t, alice, "getMusicFolders"), "musicFolders", "musicFolder"); len(fs) != 1 || fs[0]["id"] != float64(a.ID) {
		t.Errorf("alice's music folders: %v", fs)
	}
	songs := le.allSongs(t, alice)
	if len(songs) != 20 {
		t.Errorf("alice's empty search3 lists %d songs, want folder A's 20", len(songs))
	}
	for _, s := range songs {
		if bSongs[s["id"].(string)] {
			t.Errorf("search3 gave alice %s of folder B", s["id"])
		}
	}
	if n := len(le.allSongs(t, alice, "musicFolderId", itoa(int(b.ID)))); n != 0 {
		t.Errorf("alice with musicFolderId=B gets %d songs", n)
	}
	for _, kind := range []string{"random", "newest", "alphabeticalByName", "alphabeticalByArtist"} {
		for _, al := range list(le.ok(t, alice, "getAlbumList2", "type", kind, "size", "500"), "albumList2", "album") {
			if bAlbums[al["id"].(string)] {
				t.Errorf("getAlbumList2 %s gave alice album %s of folder B", kind, al["id"])
			}
		}
	}
	for _, s := range list(le.ok(t, alice, "getRandomSongs", "size", "500"), "randomSongs", "song") {
		if bSongs[s["id"].(string)] {
			t.Errorf("getRandomSongs gave alice %s of folder B", s["id"])
		}
	}
	for _, al := range list(le.ok(t, alice, "search3", "query", "", "albumCount", "500", "songCount", "0", "artistCount", "0"), "searchResult3", "album") {
		if bAlbums[al["id"].(string)] {
			t.Errorf("search3 gave alice album %s of folder B", al["id"])
		}
	}
	for id := range bSongs {
		for _, m := range []string{"getSong", "stream", "download", "getCoverArt", "star", "scrobble"} {
			if code := errCode(le.call(t, alice, m, "id", id)); code != 70 {
				t.Errorf("alice %s on %s of folder B: code %d, want 70", m, id, code)
			}
		}
		break
	}
	for id := range bAlbums {
		for _, m := range []string{"getAlbum", "getCoverArt", "getMusicDirectory"} {
			if code := errCode(le.call(t, alice, m, "id", id)); code != 70 {
				t.Errorf("alice %s on album %s of folder B: code %d, want 70", m, id, code)
			}
		}
	}
}

// TestListsHonourSizeAndOffset: every list's size and offset are bounded, and
// the empty search3 query pages through everything exactly once.
func TestListsHonourSizeAndOffset(t *testing.T) {
	le := newLibEnv(t, 45)
	alice := le.alice()
	var paged []string
	for off := 0; off < 100; off += 7 {
		page := ids(list(le.ok(t, alice, "search3", "query", "", "songCount", "7", "songOffset", itoa(off), "artistCount", "0", "albumCount", "0"), "searchResult3", "song"))
		paged = append(paged, page...)
	}
	all := ids(le.allSongs(t, alice))
	if len(paged) != 45 || len(all) != 45 {
		t.Fatalf("paging by 7: %d songs, all: %d, want 45", len(paged), len(all))
	}
	sorted := slices.Clone(paged)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != 45 {
		t.Errorf("paging the empty query repeated songs: %v", paged)
	}
	if quoted := ids(list(le.ok(t, alice, "search3", "query", `""`, "songCount", "500"), "searchResult3", "song")); len(quoted) != 45 {
		t.Errorf(`query="" (Symfonium) lists %d songs, want 45`, len(quoted))
	}
	albums := ids(list(le.ok(t, alice, "getAlbumList2", "type", "alphabeticalByName", "size", "500"), "albumList2", "album"))
	cases := []struct {
		name string
		kv   []string
		want int
	}{
		{"size 3", []string{"size", "3"}, 3},
		{"size 0", []string{"size", "0"}, 0},
		{"negative size", []string{"size", "-5"}, 0},
		{"huge size clamps to 500", []string{"size", "100000"}, len(albums)},
		{"offset past the end", []string{"size", "10", "offset", "100000"}, 0},
		{"negative offset is 0", []string{"size", "2", "offset", "-3"}, 2},
		{"malformed size is the default 10", []string{"size", "ten"}, min(10, len(albums))},
	}
	for _, c := range cases {
		got := ids(list(le.ok(t, alice, "getAlbumList2", append([]string{"type", "alphabeticalByName"}, c.kv...)...), "albumList2", "album"))
		if len(got) != c.want {
			t.Errorf("%s: %d albums, want %d", c.name, len(got), c.want)
		}
	}
	second := ids(list(le.ok(t, alice, "getAlbumList2", "type", "alphabeticalByName", "size", "2", "offset", "2"), "albumList2", "album"))
	if len(albums) >= 4 && !slices.Equal(second, albums[2:4]) {
		t.Errorf("offset 2 size 2: %v, want %v", second, albums[2:4])
	}
	if n := len(list(le.ok(t, alice, "getRandomSongs", "size", "100000"), "randomSongs", "song")); n != 45 {
		t.Errorf("getRandomSongs with a huge size: %d, want all 45", n)
	}
	for _, c := range [][]string{{"getAlbumList2"}, {"getAlbumList2", "type", "byGenre"}, {"getAlbumList2", "type", "byYear"}, {"search3"}, {"getSongsByGenre"}} {
		if code := errCode(le.call(t, alice, c[0], c[1:]...)); code != 10 {
			t.Errorf("%v without its required parameter: code %d, want 10", c, code)
		}
	}
}
