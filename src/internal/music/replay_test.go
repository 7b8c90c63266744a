package music_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// walkStep is one command the real MA frontend sent, recorded page by page by
// testdata/js/mafe.mjs (TestRealFrontendDirect with SEGUE_MA_RECORD) against
// Segue. Item ids are placeholders ("$ALBUM_ID", "$ALBUM" for a whole album
// object, …) filled from this run's library.
type walkStep struct {
	Step    string          `json:"step"`
	Command string          `json:"command"`
	Args    json.RawMessage `json:"args"`
}

const walkFixture = "testdata/frontend/walk.json"

// TestReplayFrontendWalk replays the real frontend's recorded start-up and
// page-by-page walk (Library albums, artists, tracks, playlists, genres, an album
// page, an artist page, search, a favourite toggled, Discover) against a generated
// library: every command
// must succeed (each error is a toast in the real app) and answer the reference's
// shape.
func TestReplayFrontendWalk(t *testing.T) {
	walk := readFixture(t, walkFixture)
	e := newEnv(t, 24)
	seen := replay(t, e, walk, placeholders(e.pick(t), adminID(t, e)), nil)
	// The reference's start-up list must be part of the walk.
	for _, c := range []string{"auth/me", "players/all", "player_queues/all", "providers/manifests", "providers", "config/providers",
		"music/artists/count", "music/albums/count", "music/tracks/count", "music/playlists/count", "music/radios/count",
		"music/podcasts/count", "music/audiobooks/count", "music/genres/count", "music/albums/library_items", "music/artists/library_items",
		"music/tracks/library_items", "music/playlists/library_items", "music/genres/library_items", "music/artists/artist_albums",
		"music/albums/get_album", "music/albums/album_tracks", "music/artists/get_artist", "music/search", "music/favorites/add_item",
		"music/recommendations"} {
		if !seen[c] {
			t.Errorf("the walk never ran %s", c)
		}
	}
}

// readFixture reads a replay fixture, which must have been recorded from the real frontend.
func readFixture(t *testing.T, path string) []walkStep {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file walkFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(file.RecordedFrom, "music-assistant/frontend@") || len(file.Steps) == 0 {
		t.Fatalf("%s must be recorded from the real frontend (SEGUE_MA_RECORD, see TestRealFrontendDirect): recorded_from %q, %d steps",
			path, file.RecordedFrom, len(file.Steps))
	}
	return file.Steps
}

func adminID(t *testing.T, e *env) string {
	t.Helper()
	var me struct {
		UserID string `json:"user_id"`
	}
	e.call(t, "auth/me", nil, &me)
	return me.UserID
}

// replay sends a recorded walk's commands in order: every one must succeed (each
// error is a toast in the real app) and answer the reference's shape. stepDone,
// when set, runs after the last command of each step. It returns the commands run.
func replay(t *testing.T, e *env, walk []walkStep, fill map[string]any, stepDone func(step string)) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	spent := map[string]time.Duration{} // per step: Segue's share of the app's waiting, logged only
	for i, s := range walk {
		args := fillArgs(t, s.Args, fill)
		t0 := time.Now()
		r := e.ws.Command(s.Command, args)
		spent[s.Step] += time.Since(t0)
		switch {
		case r.ErrorCode != 0:
			t.Errorf("#%d %s %s %s: error %d %q (a toast in the app)", i, s.Step, s.Command, args, r.ErrorCode, r.Details)
		default:
			if err := checkShape(s.Command, r.Result); err != nil {
				t.Errorf("#%d %s %s: %v\n%s", i, s.Step, s.Command, err, truncate(r.Result))
			}
			seen[s.Command] = true
		}
		if stepDone != nil && (i == len(walk)-1 || walk[i+1].Step != s.Step) {
			stepDone(s.Step)
		}
	}
	t.Logf("replayed %d commands (%d distinct); round trips per step: %v", len(walk), len(seen), spent)
	return seen
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

func placeholders(p ids, userID string) map[string]any {
	var album, track, track2 any
	_ = json.Unmarshal(p.AlbumJSON, &album)
	_ = json.Unmarshal(p.TrackJSON, &track)
	_ = json.Unmarshal(p.Track2JSON, &track2)
	return map[string]any{
		"$ALBUM_ID": p.Album.ItemID, "$ARTIST_ID": p.Artist.ItemID, "$TRACK_ID": p.Track.ItemID, "$GENRE_ID": p.Genre.ItemID,
		"$ALBUM_NAME": p.Album.Name, "$TRACK_NAME": p.Track.Name, "$ALBUM": album, "$ALBUM_URI": p.Album.URI, "$ADMIN_ID": userID,
		"$TRACK": track, "$TRACK_2": track2,
	}
}

func fillArgs(t *testing.T, raw json.RawMessage, fill map[string]any) json.RawMessage {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(replace(v, fill))
	return out
}

func replace(v any, fill map[string]any) any {
	switch x := v.(type) {
	case string:
		if r, ok := fill[x]; ok {
			return r
		}
	case []any:
		for i := range x {
			x[i] = replace(x[i], fill)
		}
	case map[string]any:
		for k := range x {
			x[k] = replace(x[k], fill)
		}
	}
	return v
}
