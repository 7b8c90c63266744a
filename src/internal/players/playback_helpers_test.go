package players

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/hass"
	"segue/internal/library"
	"segue/internal/subsonic"
	"segue/internal/testutil"
)

// hassSpeakers runs services over the fixture's HA client.
type hassSpeakers struct{ c *hass.Client }

func (s hassSpeakers) Call(ctx context.Context, id, service string, data map[string]any) error {
	return hass.CallMediaPlayer(ctx, s.c, id, service, data)
}

// album is a little library: audio files made by ffmpeg, and the tracks MA would list.
type album struct {
	dir    string
	tracks []Track
}

// makeAlbum writes n FLAC files of seconds each (sine tones) and describes them as
// tracks lasting duration seconds: the fake speakers play on the test's clock, so the
// files can be short.
func makeAlbum(t testing.TB, ffmpeg string, n, seconds, duration int) *album {
	t.Helper()
	a := &album{dir: t.TempDir()}
	for i := 1; i <= n; i++ {
		path := filepath.Join(a.dir, fmt.Sprintf("%d.flac", i))
		out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
			fmt.Sprintf("sine=frequency=%d:duration=%d", 300+100*i, seconds), "-ac", "2", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v %s", err, out)
		}
		a.tracks = append(a.tracks, Track{ID: int64(i), Name: fmt.Sprintf("Artist - Song %d", i), Title: fmt.Sprintf("Song %d", i),
			Artist: "Artist", Album: "Album", Duration: duration, Suffix: "flac", ImagePath: "/imageproxy/c1?size=512",
			URI: fmt.Sprintf("library://track/%d", i), MediaItem: map[string]any{"item_id": strconv.Itoa(i), "media_type": "track"}})
	}
	return a
}

// resolve is Deps.Tracks over the album: library://album/1 is every track, a track URI one.
func (a *album) resolve(_ context.Context, _ *auth.Principal, uris []string) ([]Track, error) {
	var out []Track
	for _, u := range uris {
		switch {
		case u == "library://album/1":
			out = append(out, a.tracks...)
		case strings.HasPrefix(u, "library://track/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(u, "library://track/"))
			if n < 1 || n > len(a.tracks) {
				return nil, fail.NotFound("no track")
			}
			out = append(out, a.tracks[n-1])
		default:
			return nil, fail.NotFound("no media")
		}
	}
	return out, nil
}

// open is Deps.Open over the album's files.
func (a *album) open(_ context.Context, _ library.Viewer, id int64) (*library.TrackFile, error) {
	if id < 1 || int(id) > len(a.tracks) {
		return nil, fail.NotFound("no track")
	}
	path := filepath.Join(a.dir, fmt.Sprintf("%d.flac", id))
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, _ := f.Stat()
	tr := a.tracks[id-1]
	return &library.TrackFile{File: f, Info: info, Track: library.Track{ID: id, Path: filepath.Base(path), Title: tr.Title,
		Duration: 2 * time.Second, Audio: library.AudioFormat{Format: "flac", ContentType: "audio/flac", BitRate: 1000}, Available: true}}, nil
}

// player is a fixture whose registry plays on the fake speakers: commands, the
// stream route on a loopback server, HA calls over the Supervisor proxy.
func newPlayerFixture(t testing.TB, ctx context.Context, tracks int) (*fixture, *album, *httptest.Server) {
	t.Helper()
	ffmpeg := testutil.RequireTool(t, "ffmpeg")
	f := &fixture{clock: newTestClock(), dir: t.TempDir()}
	f.core, f.client = startHADirect(t, f.clock)
	f.db = openDB(t, ctx, f.dir)
	f.ev = newEvents()
	al := makeAlbum(t, ffmpeg, tracks, 2, 180)
	var srv *httptest.Server
	mux := http.NewServeMux()
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var err error
	f.reg, err = NewRegistry(ctx, f.deps(al, srv, ffmpeg))
	if err != nil {
		t.Fatal(err)
	}
	m := f.reg.Module()
	for _, rt := range m.Routes {
		mux.Handle(rt.Pattern, rt.Handler)
	}
	// The module's background work (the tick ending long pauses) runs on the fake
	// clock; the test advances the clock only once its first timer is armed.
	armed := f.clock.Timers()
	for _, bg := range m.Background {
		run(t, bg)
	}
	if !f.clock.WaitForTimers(armed+len(m.Background), ctx.Done()) {
		t.Fatal("the registry's tick was never armed")
	}
	return f, al, srv
}

func (f *fixture) deps(al *album, srv *httptest.Server, ffmpeg string) Deps {
	return Deps{DB: f.db, Clock: f.clock, Log: quiet(), Publish: f.ev.publish, DataDir: f.dir, Rand: rand.Reader,
		Speakers: hassSpeakers{f.client}, Tracks: al.resolveOrNone(), StreamBase: func() string { return srv.URL },
		Throttle: auth.NewThrottle(f.clock), Open: al.openOrNone(), Audio: subsonic.NewTranscoder(ffmpeg, 4)}
}

// resolveOrNone and openOrNone let a restarted registry be built without the album.
func (a *album) resolveOrNone() func(context.Context, *auth.Principal, []string) ([]Track, error) {
	if a == nil {
		return func(context.Context, *auth.Principal, []string) ([]Track, error) {
			return nil, fail.NotFound("no library")
		}
	}
	return a.resolve
}

func (a *album) openOrNone() TrackOpener {
	if a == nil {
		return func(context.Context, library.Viewer, int64) (*library.TrackFile, error) {
			return nil, fail.NotFound("no library")
		}
	}
	return a.open
}
