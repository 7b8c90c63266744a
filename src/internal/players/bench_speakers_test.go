package players

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"segue/internal/hass"
	"segue/internal/hass/hasstest"
	"segue/internal/subsonic"
	"segue/internal/testutil"
)

// benchSeconds is the length of the benchmark's track: noise, so FLAC cannot shrink
// it to nothing and the streams carry realistic byte counts (≈1.7 MB per 10 s).
const benchSeconds = 10

// newBenchFixture is the playback fixture with one noise track and room for limit
// transcodes at once.
func newBenchFixture(b *testing.B, ctx context.Context, limit int) (*fixture, *album, string) {
	b.Helper()
	ffmpeg := testutil.RequireTool(b, "ffmpeg")
	f := &fixture{clock: newTestClock(), dir: b.TempDir()}
	var out []byte
	var err error
	// A long call timeout: twenty play_media calls at once each wait for their speaker's
	// first bytes, which on a loaded machine can take longer than the default 10 s.
	f.core = hasstest.StartCore(b, hasstest.CoreOptions{Clock: f.clock})
	owner := f.core.AddUser(hasstest.User{Username: "owner", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	if f.client, err = hass.NewClient(hass.ClientOptions{URL: f.core.WebsocketURL(), Token: f.core.CreateLongLivedToken(owner.ID),
		Logger: quiet(), PingInterval: -1, CallTimeout: 5 * time.Minute,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}); err != nil {
		b.Fatal(err)
	}
	run(b, f.client.Run)
	f.db = openDB(b, ctx, f.dir)
	f.ev = newEvents()
	al := makeAlbum(b, ffmpeg, 1, 1, benchSeconds)
	path := filepath.Join(al.dir, "1.flac")
	out, err = exec.Command(ffmpeg, "-y", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
		fmt.Sprintf("anoisesrc=duration=%d:amplitude=0.3", benchSeconds), "-ac", "2", "-ar", "44100", path).CombinedOutput()
	if err != nil {
		b.Fatalf("ffmpeg: %v %s", err, out)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	d := f.deps(al, srv, ffmpeg)
	d.Audio = subsonic.NewTranscoder(ffmpeg, limit)
	if f.reg, err = NewRegistry(ctx, d); err != nil {
		b.Fatal(err)
	}
	for _, rt := range f.reg.Module().Routes {
		mux.Handle(rt.Pattern, rt.Handler)
	}
	f.follow(b)
	return f, al, path
}

// addBenchSpeaker adds a speaker and waits for its queue; original makes it take FLAC
// as it is (the per-player override), else it gets MP3 through ffmpeg.
func addBenchSpeaker(b *testing.B, ctx context.Context, f *fixture, id string, original bool) *hasstest.Speaker {
	b.Helper()
	from := 0
	sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: id, Name: id, Accepts: []string{"audio/mpeg", "audio/flac"}})
	f.ev.waitFor(b, ctx, &from, func(e event) bool { return e.Event == "queue_added" && e.ObjectID == id })
	if original {
		mustCall(b, ctx, f, "config/players/save", map[string]any{"player_id": id, "values": map[string]any{"output_format": "original"}})
	}
	return sp
}

// benchContext bounds a benchmark (longer than a test's: a loaded machine).
func benchContext(b *testing.B) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	b.Cleanup(cancel)
	return ctx
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rssBytes is this process's resident set (VmRSS), which excludes ffmpeg children.
func rssBytes(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("SKIP reason: no /proc/self/status (%v)", err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Skip("SKIP reason: no VmRSS")
	return 0
}

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Issue 15 Performance: 20 fake speakers start at once, each with its own MP3
// transcode (transcode limit 20). Reports the process's peak RSS while they stream
// (ffmpeg processes are children and not counted; the fake HA and speakers are in
// this process, so it is an upper bound for the server) and the process's CPU time
// per stream (again without ffmpeg). Target: RSS ≤ 120 MiB.
//
//	go test ./internal/players -run x -bench TwentySpeakers -benchtime 3x
func BenchmarkTwentySpeakersTranscoding(b *testing.B) {
	const speakers = 20
	ctx := benchContext(b)
	f, _, _ := newBenchFixture(b, ctx, speakers)
	var sps []*hasstest.Speaker
	for i := range speakers {
		sps = append(sps, addBenchSpeaker(b, ctx, f, fmt.Sprintf("media_player.s%02d", i), false))
	}
	var peak int64
	var cpu, wall time.Duration
	b.ResetTimer()
	for b.Loop() {
		stop := make(chan struct{})
		sampled := make(chan int64)
		go func() {
			var top int64
			for {
				top = max(top, rssBytes(b))
				select {
				case <-stop:
					sampled <- top
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		cpu0, start := cpuSelf(), time.Now()
		var wg sync.WaitGroup
		for i, sp := range sps {
			wg.Go(func() {
				mustCall(b, ctx, f, "player_queues/play_media", map[string]any{"queue_id": fmt.Sprintf("media_player.s%02d", i),
					"media": map[string]any{"uri": "library://track/1", "media_type": "track"}, "option": "replace"})
				select {
				case <-sp.Drained():
				case <-ctx.Done():
				}
			})
		}
		wg.Wait()
		cpu += cpuSelf() - cpu0
		wall += time.Since(start)
		close(stop)
		peak = max(peak, <-sampled)
	}
	b.StopTimer()
	for _, sp := range sps {
		fs := sp.Fetches()
		if last := fs[len(fs)-1]; last.ContentType != "audio/mpeg" || last.Bytes == 0 {
			b.Fatalf("a speaker's stream: %+v", last)
		}
	}
	rounds := float64(b.N)
	b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
	b.ReportMetric(ms(cpu)/rounds/speakers, "cpu-ms/stream")
	b.ReportMetric(ms(cpu)/rounds/speakers/benchSeconds, "cpu-ms/stream-audio-s")
	b.ReportMetric(ms(wall)/rounds, "ms-wall/round")
}
