package music_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// subsonic calls the Subsonic endpoint as the admin and returns the JSON body.
func (e *env) subsonic(t *testing.T, method string, params url.Values) map[string]any {
	t.Helper()
	status, body := e.srv.Do(t, "GET", "/users/me/subsonic-password", e.token, nil)
	var pw struct {
		Password string `json:"password"`
	}
	if status != 200 || json.Unmarshal(body, &pw) != nil {
		t.Fatalf("subsonic password: %d %s", status, body)
	}
	sum := md5.Sum([]byte(pw.Password + "salt42"))
	q := url.Values{"u": {adminUser}, "t": {hex.EncodeToString(sum[:])}, "s": {"salt42"}, "v": {"1.16.1"}, "c": {"test"}, "f": {"json"}}
	for k, v := range params {
		q[k] = v
	}
	code, _, raw := get(t, e.srv.URL+"/rest/"+method+"?"+q.Encode())
	var env struct {
		R map[string]any `json:"subsonic-response"`
	}
	if code != 200 || json.Unmarshal(raw, &env) != nil || env.R["status"] != "ok" {
		t.Fatalf("subsonic %s: %d %s", method, code, raw)
	}
	return env.R
}

func names(list any, key string) []string {
	var out []string
	l, _ := list.([]any)
	for _, it := range l {
		if m, ok := it.(map[string]any); ok {
			if s, ok := m[key].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Issue 13: favourites, play counts and playlists are the same data through the
// MA API and the Subsonic API.
func TestSameDataAsSubsonic(t *testing.T) {
	e := newEnv(t, 12)
	p := e.pick(t)

	// An MA favourite is a Subsonic star.
	e.call(t, "music/favorites/add_item", map[string]any{"item": json.RawMessage(p.AlbumJSON)}, nil)
	starred := e.subsonic(t, "getStarred2", nil)["starred2"].(map[string]any)
	if !has(names(starred["album"], "name"), p.Album.Name) {
		t.Fatalf("album starred through MA is not a Subsonic star: %v", starred)
	}
	// A Subsonic star is an MA favourite.
	found := e.subsonic(t, "search3", url.Values{"query": {p.Track.Name}, "songCount": {"5"}})["searchResult3"].(map[string]any)
	var songID string
	for _, s := range found["song"].([]any) {
		if m := s.(map[string]any); m["title"] == p.Track.Name {
			songID = m["id"].(string)
		}
	}
	if songID == "" {
		t.Fatalf("Subsonic search3 did not find %q: %v", p.Track.Name, found)
	}
	e.subsonic(t, "star", url.Values{"id": {songID}})
	var favTracks []ref
	e.call(t, "music/tracks/library_items", map[string]any{"favorite": true}, &favTracks)
	if len(favTracks) != 1 || favTracks[0].Name != p.Track.Name || !favTracks[0].Favorite {
		t.Fatalf("a Subsonic star is not an MA favourite: %+v", favTracks)
	}
	if n := string(e.call(t, "music/tracks/count", map[string]any{"favorite_only": true}, nil)); n != "1" {
		t.Fatalf("favourite track count %s", n)
	}
	// Removing the favourite in MA unstars it in Subsonic.
	e.call(t, "music/favorites/remove_item", map[string]any{"media_type": "album", "library_item_id": p.Album.ItemID}, nil)
	starred = e.subsonic(t, "getStarred2", nil)["starred2"].(map[string]any)
	if has(names(starred["album"], "name"), p.Album.Name) {
		t.Fatalf("album still starred after MA removed the favourite: %v", starred)
	}

	// A play scrobbled through Subsonic is MA's recently played and last_played.
	e.subsonic(t, "scrobble", url.Values{"id": {songID}, "submission": {"true"}})
	var recent []ref
	e.call(t, "music/recently_played_items", map[string]any{"limit": 5}, &recent)
	if len(recent) == 0 || recent[0].Name != p.Track.Name {
		t.Fatalf("recently played after a Subsonic scrobble: %+v", recent)
	}
	var played []struct {
		ref
		LastPlayed int64 `json:"last_played"`
	}
	e.call(t, "music/tracks/library_items", map[string]any{"played_only": true}, &played)
	if len(played) != 1 || played[0].LastPlayed == 0 {
		t.Fatalf("played tracks: %+v", played)
	}

	// A playlist made in Subsonic is an MA playlist with the same tracks.
	e.subsonic(t, "createPlaylist", url.Values{"name": {"Road trip"}, "songId": {songID}})
	var lists []ref
	e.call(t, "music/playlists/library_items", nil, &lists)
	if len(lists) != 1 || lists[0].Name != "Road trip" {
		t.Fatalf("playlists: %+v", lists)
	}
	var entries []ref
	e.call(t, "music/playlists/playlist_tracks", map[string]any{"item_id": lists[0].ItemID, "provider_instance_id_or_domain": "library"}, &entries)
	if len(entries) != 1 || entries[0].Name != p.Track.Name {
		t.Fatalf("playlist tracks: %+v", entries)
	}
	if n := strings.TrimSpace(string(e.call(t, "music/playlists/count", nil, nil))); n != "1" {
		t.Fatalf("playlist count %s", n)
	}
}
