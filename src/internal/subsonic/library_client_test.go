package subsonic_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"segue/internal/testutil"
)

// TestNpmClientDrivesEveryLibraryMethod: the real npm subsonic-api client calls
// every library method against a generated, scanned library; each answer is a
// success with the payload the method promises.
func TestNpmClientDrivesEveryLibraryMethod(t *testing.T) {
	dir := testutil.RequireNodeModules(t, "testdata/js")
	testutil.RequireTool(t, "ffmpeg")
	le := newLibEnv(t, 60)
	cmd := exec.Command("node", "library.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SEGUE_URL="+le.srv.URL, "SEGUE_USER="+userName,
		"SEGUE_APP_PASSWORD="+le.userApp, "SEGUE_SEARCH_WORD=night",
		"SEGUE_ADMIN="+adminName, "SEGUE_ADMIN_APP_PASSWORD="+le.adminApp)
	outb, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node library.mjs: %v\n%s\n%s", err, outb, stderr)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(outb, &out); err != nil {
		t.Fatalf("decode %s: %v", outb, err)
	}
	// Every envelope method answered ok and carries its payload key.
	payload := map[string]string{
		"getMusicFolders": "musicFolders", "getIndexes": "indexes", "getArtists": "artists", "getArtist": "artist",
		"getMusicDirectory_artist": "directory", "getAlbum": "album", "getMusicDirectory_album": "directory", "getSong": "song",
		"getGenres": "genres", "getArtistInfo2": "artistInfo2", "getAlbumInfo2": "albumInfo", "getAlbumList2_byYear": "albumList2",
		"getAlbumList2_byGenre": "albumList2", "getAlbumList2_folder": "albumList2", "getRandomSongs": "randomSongs",
		"getSongsByGenre": "songsByGenre", "search2": "searchResult2", "search3": "searchResult3", "search3_empty": "searchResult3",
		"star": "", "getStarred": "starred", "getStarred2": "starred2", "setRating": "", "scrobble_now": "", "getNowPlaying": "nowPlaying",
		"scrobble": "", "getAlbum_after": "album", "unstar": "", "createPlaylist": "playlist", "updatePlaylist": "", "getPlaylists": "playlists",
		"getPlaylist": "playlist", "deletePlaylist": "", "getLyrics": "lyrics", "getLyricsBySongId": "lyricsList", "getScanStatus": "scanStatus",
		"getUser": "user", "getOpenSubsonicExtensions": "openSubsonicExtensions",
		"startScan": "scanStatus", "getScanStatus_after": "scanStatus",
	}
	for _, kind := range []string{"random", "newest", "highest", "frequent", "recent", "starred", "alphabeticalByName", "alphabeticalByArtist", "byYear", "byGenre"} {
		payload["getAlbumList_"+kind] = "albumList"
		payload["getAlbumList2_"+kind] = "albumList2"
	}
	for name, key := range payload {
		r, ok := out[name]
		if !ok {
			t.Errorf("%s: not called", name)
			continue
		}
		if r["status"] != "ok" {
			t.Errorf("%s: %v", name, r)
			continue
		}
		if key != "" && r[key] == nil {
			t.Errorf("%s: no %s in %v", name, key, r)
		}
	}
	if n := len(list(out["search3_empty"], "searchResult3", "song")); n != 60 {
		t.Errorf("empty search3 listed %d songs, want all 60", n)
	}
	if n := len(list(out["search3"], "searchResult3", "song")); n == 0 {
		t.Errorf("search3 for a common word found nothing")
	}
	if n := len(list(out["getAlbumList2_newest"], "albumList2", "album")); n != 5 {
		t.Errorf("getAlbumList2 size=5 gave %d albums", n)
	}
	for name, key := range map[string]string{"getAlbumList_byYear": "albumList", "getAlbumList_byGenre": "albumList",
		"getAlbumList2_byYear": "albumList2", "getAlbumList2_byGenre": "albumList2"} {
		if n := len(list(out[name], key, "album")); n == 0 {
			t.Errorf("%s: no albums", name)
		}
	}
	// startScan is for admins (code 50 for a user); the admin's scan runs and ends
	// with every track counted.
	if e, _ := out["startScan_user"]["error"].(map[string]any); out["startScan_user"]["status"] != "failed" || e["code"] != 50.0 {
		t.Errorf("startScan as a user: %v", out["startScan_user"])
	}
	if st, _ := out["startScan"]["scanStatus"].(map[string]any); st["scanning"] != true {
		t.Errorf("startScan: %v", out["startScan"])
	}
	if st, _ := out["getScanStatus_after"]["scanStatus"].(map[string]any); st["scanning"] != false || st["count"] != 60.0 {
		t.Errorf("getScanStatus after the rescan: %v", out["getScanStatus_after"])
	}
	// What the user did shows up in their lists.
	if n := len(list(out["getStarred2"], "starred2", "song")); n != 1 {
		t.Errorf("getStarred2 after star: %d songs", n)
	}
	if n := len(list(out["getNowPlaying"], "nowPlaying", "entry")); n != 1 {
		t.Errorf("getNowPlaying after a now-playing scrobble: %d entries", n)
	}
	after, _ := out["getAlbum_after"]["album"].(map[string]any)
	if after["userRating"] != 4.0 || after["playCount"] != 1.0 {
		t.Errorf("album after setRating 4 and one scrobble: rating %v plays %v", after["userRating"], after["playCount"])
	}
	pl, _ := out["getPlaylist"]["playlist"].(map[string]any)
	if pl["name"] != "npm list 2" || pl["public"] != true || pl["songCount"] != 1.0 {
		t.Errorf("playlist after update: %v", pl)
	}
	// Binary methods.
	song, _ := out["getSong"]["song"].(map[string]any)
	if s := out["stream"]; s["status"] != 200.0 || s["bytes"] != song["size"] || s["contentType"] != song["contentType"] {
		t.Errorf("stream: %v (song %v %v)", s, song["size"], song["contentType"])
	}
	if s := out["stream_mp3"]; s["status"] != 200.0 || s["contentType"] != "audio/mpeg" || s["bytes"].(float64) < 100 || s["contentLength"] == nil {
		t.Errorf("stream format=mp3: %v", s)
	}
	if s := out["download"]; s["status"] != 200.0 || s["bytes"] != song["size"] {
		t.Errorf("download: %v", s)
	}
	if s := out["getCoverArt"]; s["status"] != 200.0 || !strings.HasPrefix(s["contentType"].(string), "image/") {
		t.Errorf("getCoverArt: %v", s)
	}
	var exts []string
	for _, x := range out["getOpenSubsonicExtensions"]["openSubsonicExtensions"].([]any) {
		exts = append(exts, x.(map[string]any)["name"].(string))
	}
	if got := strings.Join(exts, ","); got != "apiKeyAuthentication,formPost,songLyrics,transcodeOffset" {
		t.Errorf("extensions: %s", got)
	}
}
