package music_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/config"
	"segue/internal/library"
	"segue/internal/library/media/mediagen"
)

// env is a real server over a generated library, with an admin signed in on the
// MA WebSocket.
type env struct {
	srv   *apptest.Server[*app.App]
	ws    *apptest.WS
	token string
	music string
}

const (
	adminUser = "admin"
	adminPass = "admin-password-123"
)

func newEnv(t *testing.T, tracks int) *env { return newEnvTB(t, tracks, envOptions{}) }

func newEnvB(b *testing.B) *env { return newEnvTB(b, 600, envOptions{}) }

// envOptions tune newEnvTB.
type envOptions struct {
	// trackLength is the longest generated track (default 2 s); the shortest is half of it.
	trackLength time.Duration
	// config, when set, changes the server's configuration further.
	config func(c *config.Config)
}

// newEnvTB starts the server over a generated library of tracks.
func newEnvTB(t testing.TB, tracks int, o envOptions) *env {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "music")
	if o.trackLength == 0 {
		o.trackLength = 2 * time.Second
	}
	if _, err := mediagen.Generate(dir, mediagen.Options{Tracks: tracks, Seed: 7, MinDuration: o.trackLength / 2, MaxDuration: o.trackLength}); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Start(t, app.New, apptest.Options{Config: func(c *config.Config) {
		c.MusicDirs = []string{dir}
		if o.config != nil {
			o.config(c)
		}
	}})
	waitScanned(t, srv.App.Library)
	e := &env{srv: srv, music: dir}
	e.token = srv.Setup(t, adminUser, adminPass)
	e.ws = e.dial(t, e.token)
	return e
}

// waitScanned waits for the server's own start-up scan to finish (the library
// scans when the server runs; a second, concurrent Scan call is not the point here).
func waitScanned(t testing.TB, lib *library.Library) {
	t.Helper()
	done := make(chan library.ScanStatus, 1)
	cancel := lib.Subscribe(func(e library.Event) {
		if e.Scan != nil && !e.Scan.Scanning && e.Scan.Tracks > 0 {
			select {
			case done <- *e.Scan:
			default:
			}
		}
	})
	defer cancel()
	if st := lib.Status(); !st.Scanning && st.Tracks > 0 {
		return
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("the start-up scan did not finish: %+v", lib.Status())
	}
}

func (e *env) dial(t testing.TB, token string) *apptest.WS {
	t.Helper()
	ws := apptest.DialWS(t, e.srv.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": token, "device_name": "replay"}); r.ErrorCode != 0 {
		t.Fatalf("auth: %+v", r)
	}
	return ws
}

// call runs a command and decodes its result; an error result fails the test.
func (e *env) call(t *testing.T, command string, args any, out any) json.RawMessage {
	t.Helper()
	r := e.ws.Command(command, args)
	if r.ErrorCode != 0 {
		t.Fatalf("%s %v: error %d %s", command, args, r.ErrorCode, r.Details)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			t.Fatalf("%s: decode %s: %v", command, r.Result, err)
		}
	}
	return r.Result
}

type ref struct {
	ItemID    string `json:"item_id"`
	Name      string `json:"name"`
	MediaType string `json:"media_type"`
	URI       string `json:"uri"`
	Favorite  bool   `json:"favorite"`
}

// ids are the library items a walk visits: the first album (by name), one of its
// artists and its first two tracks (Track2 empty when it has one).
type ids struct {
	Album, Artist, Track, Track2, Genre ref
	AlbumJSON, TrackJSON, Track2JSON    json.RawMessage
}

func (e *env) pick(t *testing.T) ids {
	t.Helper()
	var albums []json.RawMessage
	e.call(t, "music/albums/library_items", map[string]any{"limit": 1, "order_by": "name"}, &albums)
	if len(albums) == 0 {
		t.Fatal("no albums")
	}
	var out ids
	out.AlbumJSON = albums[0]
	var album struct {
		ref
		Artists []ref `json:"artists"`
	}
	_ = json.Unmarshal(albums[0], &album)
	out.Album, out.Artist = album.ref, album.Artists[0]
	var tracks []json.RawMessage
	e.call(t, "music/albums/album_tracks", map[string]any{"item_id": out.Album.ItemID, "provider_instance_id_or_domain": "library"}, &tracks)
	if len(tracks) == 0 {
		t.Fatal("album without tracks")
	}
	out.TrackJSON = tracks[0]
	_ = json.Unmarshal(tracks[0], &out.Track)
	if len(tracks) > 1 {
		out.Track2JSON = tracks[1]
		_ = json.Unmarshal(tracks[1], &out.Track2)
	}
	var genres []ref
	e.call(t, "music/genres/library_items", map[string]any{"limit": 1}, &genres)
	if len(genres) > 0 {
		out.Genre = genres[0]
	}
	return out
}
