package players

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

// BenchmarkPlayMediaFirstByte: from player_queues/play_media to the fake speaker's first
// byte of audio, the file as it is ("original") and transcoded to MP3, over loopback with
// the HA websocket in between. Reports the median (ms) of b.N plays; the baseline in
// the same run is a plain GET's first byte of the same file from http.ServeFile.
// Issue 15 target: ≤ 150 ms original, ≤ 400 ms MP3.
func BenchmarkPlayMediaFirstByte(b *testing.B) {
	for _, format := range []string{"original", "mp3"} {
		b.Run(format, func(b *testing.B) {
			ctx := testContext(b)
			f, al, _ := newPlayerFixture(b, ctx, 1)
			sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.bench", Accepts: []string{"audio/mpeg", "audio/flac"}})
			f.follow(b)
			from := 0
			f.ev.waitFor(b, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
			if format == "original" {
				mustCall(b, ctx, f, "config/players/save", map[string]any{"player_id": "media_player.bench", "values": map[string]any{"output_format": "original"}})
			}
			baseline := serveFileFirstByte(b, filepath.Join(al.dir, "1.flac"))
			var took []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n := len(sp.Fetches())
				start := time.Now()
				mustCall(b, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.bench", "media": "library://track/1"})
				var first time.Time
				sp.WaitFor(b, ctx, "first byte", func(_ string, _ map[string]any, fetches []hasstest.Fetch) bool {
					if len(fetches) > n && !fetches[len(fetches)-1].FirstByte.IsZero() {
						first = fetches[len(fetches)-1].FirstByte
						return true
					}
					return false
				})
				took = append(took, first.Sub(start))
			}
			b.StopTimer()
			slices.Sort(took)
			med := took[len(took)/2]
			b.ReportMetric(float64(med.Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(baseline.Microseconds())/1000, "servefile-ms")
		})
	}
}

// serveFileFirstByte is the median first-byte time of http.ServeFile for path.
func serveFileFirstByte(b *testing.B, path string) time.Duration {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) }))
	defer srv.Close()
	var took []time.Duration
	for i := 0; i < 21; i++ {
		start := time.Now()
		resp, err := http.Get(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		var one [1]byte
		_, _ = io.ReadFull(resp.Body, one[:])
		took = append(took, time.Since(start))
		resp.Body.Close()
	}
	slices.Sort(took)
	return took[len(took)/2]
}

// BenchmarkStreamThroughput: bytes per second of the capability route sending an
// original file, against http.ServeFile of the same file in the same run (issue 15
// target: ≥ 0.8×).
func BenchmarkStreamThroughput(b *testing.B) {
	ffmpeg := testutil.RequireTool(b, "ffmpeg")
	ctx := testContext(b)
	f, al, _ := newPlayerFixture(b, ctx, 1)
	path := filepath.Join(al.dir, "1.flac")
	// a 3-minute file, the size of a real track
	out, err := exec.Command(ffmpeg, "-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=180:c=pink", "-ac", "2", path).CombinedOutput()
	if err != nil {
		b.Fatalf("ffmpeg %v %s", err, out)
	}
	info, _ := os.Stat(path)
	f.reg.mu.Lock()
	e := f.reg.addLocked("media_player.bench", settings{Name: "Bench", Format: formatOriginal})
	e.q.items = []QueueItem{f.reg.newItem(e, al.tracks[0])}
	url, err := f.reg.streamURLLocked(e, &e.q.items[0], 0)
	f.reg.mu.Unlock()
	if err != nil {
		b.Fatal(err)
	}
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) }))
	defer plain.Close()
	for _, c := range []struct{ name, url string }{{"servefile", plain.URL}, {"capability", url}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(info.Size())
			for i := 0; i < b.N; i++ {
				resp, err := http.Get(c.url)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if n != info.Size() {
					b.Fatalf("%s sent %d of %d bytes", c.name, n, info.Size())
				}
			}
		})
	}
}
