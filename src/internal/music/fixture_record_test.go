package music_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// walkFile is the replay fixture: the commands the real MA frontend sent during
// mafe.mjs's walk, page by page, with this run's item ids turned into placeholders.
type walkFile struct {
	// RecordedFrom names the frontend build (repository, commit, local changes).
	RecordedFrom string     `json:"recorded_from"`
	RecordedAt   string     `json:"recorded_at"`
	Steps        []walkStep `json:"steps"`
}

// writeFixture turns a walk's raw recording into a replay fixture
// (testdata/frontend/walk.json, players.json).
func writeFixture(t *testing.T, fixture, raw, from string, p ids) {
	t.Helper()
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	var steps []walkStep
	if err := json.Unmarshal(b, &steps); err != nil {
		t.Fatal(err)
	}
	for i := range steps {
		steps[i].Args = placeholderArgs(t, steps[i].Command, steps[i].Args, p)
	}
	out, err := json.MarshalIndent(walkFile{RecordedFrom: from, RecordedAt: time.Now().UTC().Format(time.DateOnly), Steps: steps}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixture, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %d commands into %s", len(steps), fixture)
}

// placeholderArgs replaces the ids of the items the walk visited by name, by
// what the command means (album and artist ids can be equal numbers).
func placeholderArgs(t *testing.T, command string, raw json.RawMessage, p ids) json.RawMessage {
	t.Helper()
	var args map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &args) != nil {
		return raw
	}
	idOf := map[string]string{"album": "$ALBUM_ID", "artist": "$ARTIST_ID", "track": "$TRACK_ID", "genre": "$GENRE_ID"}
	real := map[string]string{"album": p.Album.ItemID, "artist": p.Artist.ItemID, "track": p.Track.ItemID, "genre": p.Genre.ItemID}
	kind := ""
	for k := range idOf {
		if strings.HasPrefix(command, "music/"+k+"s/") {
			kind = k
		}
	}
	if mt, ok := args["media_type"].(string); ok && args["media_id"] != nil {
		if args["media_id"] == real[mt] {
			args["media_id"] = idOf[mt]
		}
	}
	if kind != "" && args["item_id"] == real[kind] {
		args["item_id"] = idOf[kind]
	}
	// Whole items: favourites' item, play_media's media, the lyrics' track.
	for _, k := range []string{"item", "media", "track"} {
		item, ok := args[k].(map[string]any)
		switch {
		case !ok:
		case item["media_type"] == "album" && item["item_id"] == p.Album.ItemID:
			args[k] = "$ALBUM"
		case item["media_type"] == "track" && item["item_id"] == p.Track.ItemID:
			args[k] = "$TRACK"
		case item["media_type"] == "track" && item["item_id"] == p.Track2.ItemID:
			args[k] = "$TRACK_2"
		}
	}
	if command == "auth/user/update" && args["user_id"] != nil {
		args["user_id"] = "$ADMIN_ID" // the walks only change the signed-in admin's preferences
	}
	for _, k := range []string{"search", "search_query"} {
		if args[k] == p.Track.Name {
			args[k] = "$TRACK_NAME"
		}
	}
	out, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
