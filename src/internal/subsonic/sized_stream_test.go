package subsonic

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"segue/internal/library"
	"segue/internal/testutil"
)

func TestParseByteRange(t *testing.T) {
	const length = 1000
	cases := []struct {
		header string
		want   byteRange
		ok     bool
		err    error
	}{
		{"", byteRange{}, false, nil},
		{"bytes=0-", byteRange{0, 999}, true, nil},
		{"bytes=500-", byteRange{500, 999}, true, nil},
		{"bytes=100-199", byteRange{100, 199}, true, nil},
		{"bytes=900-5000", byteRange{900, 999}, true, nil},
		{"bytes=-100", byteRange{900, 999}, true, nil},
		{"bytes=-5000", byteRange{0, 999}, true, nil},
		{"bytes=1000-", byteRange{}, false, errUnsatisfiable},
		{"bytes=-0", byteRange{}, false, errUnsatisfiable},
		{"bytes=0-1,5-6", byteRange{}, false, nil}, // several ranges: the whole stream
		{"bytes=5-4", byteRange{}, false, nil},
		{"bytes=+5-", byteRange{}, false, nil},
		{"items=0-", byteRange{}, false, nil},
		{"bytes=99999999999999999999-", byteRange{}, false, nil},
	}
	for _, c := range cases {
		got, ok, err := parseByteRange(c.header, length)
		if got != c.want || ok != c.ok || !errors.Is(err, c.err) {
			t.Errorf("%q: %+v %v %v, want %+v %v %v", c.header, got, ok, err, c.want, c.ok, c.err)
		}
	}
}

// FuzzParseByteRange: any Range header a speaker sends gives either the whole stream,
// unsatisfiable, or one range inside it.
func FuzzParseByteRange(f *testing.F) {
	for _, s := range []string{"bytes=0-", "bytes=-10", "bytes=5-9", "bytes=0-1,2-3", "bytes=--"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, header string, length int64) {
		if length <= 0 {
			return
		}
		r, ok, err := parseByteRange(header, length)
		if ok && (err != nil || r.first < 0 || r.first > r.last || r.last >= length) {
			t.Fatalf("%q of %d: %+v %v", header, length, r, err)
		}
	})
}

// makeToneAfterSilence writes a WAV that is silent for its first second and a loud
// tone for its second, so where a decoded stream starts can be told from its sound.
func makeToneAfterSilence(t *testing.T, ffmpeg string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "late.wav")
	out, err := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
		"aevalsrc=exprs='if(lt(t,1),0,0.8*sin(2*PI*440*t))':s=44100:d=2", "-c:a", "pcm_s16le", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	return p
}

// loudness decodes MP3 bytes and returns the RMS level (0..1) of each 100 ms.
func loudness(t *testing.T, ffmpeg string, mp3 []byte) []float64 {
	t.Helper()
	cmd := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "8000", "pipe:1")
	cmd.Stdin = bytes.NewReader(mp3)
	pcm, err := cmd.Output()
	if err != nil {
		t.Fatalf("decoding the stream: %v", err)
	}
	var out []float64
	const window = 800 // samples: 100 ms at 8 kHz
	for i := 0; i+2*window <= len(pcm); i += 2 * window {
		var sum float64
		for j := 0; j < window; j++ {
			v := float64(int16(binary.LittleEndian.Uint16(pcm[i+2*j:]))) / 32768
			sum += v * v
		}
		out = append(out, math.Sqrt(sum/window))
	}
	return out
}

// Issue 15: a speaker that reconnects to a transcoded MP3 stream with Range: bytes=N-
// (after a pause) gets 206 and audio from the time N stands for, not from the start;
// the stream has an exact Content-Length (CBR: 192 kbit/s = 24000 bytes a second)
// that every answer is consistent with. Real ffmpeg both ways.
func TestSizedMP3StreamResumesAtTheRangesTime(t *testing.T) {
	ffmpeg := testutil.RequireTool(t, "ffmpeg")
	src := makeToneAfterSilence(t, ffmpeg)
	tc := NewTranscoder(ffmpeg, 2)
	var offset atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fh, err := os.Open(src)
		if err != nil {
			t.Error(err)
			return
		}
		defer fh.Close()
		info, _ := fh.Stat()
		f := &library.TrackFile{File: fh, Info: info, Track: library.Track{Path: "late.wav", Duration: 2 * time.Second,
			Audio: library.AudioFormat{Format: "wav", ContentType: "audio/wav", BitRate: 1411}}}
		if _, err := tc.ServeTrack(w, r, f, "mp3", int(offset.Load())); err != nil {
			t.Errorf("ServeTrack: %v", err)
		}
	}))
	defer srv.Close()
	fetch := func(method, rangeHeader string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL, nil)
		if rangeHeader != "" {
			req.Header.Set("Range", rangeHeader)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %q: body: %v (a length the body does not match breaks it)", method, rangeHeader, err)
		}
		return resp, body
	}
	const length = 2 * 24000

	resp, whole := fetch(http.MethodGet, "")
	if resp.StatusCode != 200 || resp.ContentLength != length || len(whole) != length || resp.Header.Get("Accept-Ranges") != "bytes" ||
		resp.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("whole stream: %d, length %d, %d bytes, %q", resp.StatusCode, resp.ContentLength, len(whole), resp.Header.Get("Accept-Ranges"))
	}
	if l := loudness(t, ffmpeg, whole); len(l) < 18 || l[2] > 0.05 || l[14] < 0.3 {
		t.Fatalf("whole stream: silence then tone expected, levels %.2f", l)
	}

	head, _ := fetch(http.MethodHead, "")
	if head.StatusCode != 200 || head.ContentLength != length {
		t.Fatalf("HEAD: %d length %d", head.StatusCode, head.ContentLength)
	}

	// Resuming at byte 24000 is resuming at 1 s: the tone from the first moment.
	resp, rest := fetch(http.MethodGet, "bytes=24000-")
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != "bytes 24000-47999/48000" ||
		resp.ContentLength != 24000 || len(rest) != 24000 {
		t.Fatalf("resume at 1 s: %d %q length %d, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), resp.ContentLength, len(rest))
	}
	if l := loudness(t, ffmpeg, rest); len(l) < 8 || l[1] < 0.3 || l[5] < 0.3 {
		t.Fatalf("resume at 1 s starts with the tone? levels %.2f", l)
	}
	// At byte 12000 (0.5 s): half a second of silence, then the tone.
	_, half := fetch(http.MethodGet, "bytes=12000-")
	if l := loudness(t, ffmpeg, half); len(l) < 13 || l[2] > 0.05 || l[8] < 0.3 {
		t.Fatalf("resume at 0.5 s: silence then tone expected, levels %.2f", l)
	}

	if resp, body := fetch(http.MethodGet, "bytes=100-199"); resp.StatusCode != http.StatusPartialContent || len(body) != 100 ||
		resp.Header.Get("Content-Range") != "bytes 100-199/48000" {
		t.Fatalf("a closed range: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
	}
	if resp, _ := fetch(http.MethodGet, "bytes=48000-"); resp.StatusCode != http.StatusRequestedRangeNotSatisfiable ||
		resp.Header.Get("Content-Range") != "bytes */48000" {
		t.Fatalf("past the end: %d %q", resp.StatusCode, resp.Header.Get("Content-Range"))
	}

	// From an offset (a seek or a resumed queue): the length counts from there.
	offset.Store(1)
	if resp, body := fetch(http.MethodGet, ""); resp.ContentLength != 24000 || len(body) != 24000 {
		t.Fatalf("from 1 s: length %d, %d bytes", resp.ContentLength, len(body))
	} else if l := loudness(t, ffmpeg, body); len(l) < 8 || l[1] < 0.3 {
		t.Fatalf("from 1 s: levels %.2f", l)
	}
	// The body is cut at the advertised length: ffmpeg, asked for a little more, is
	// stopped rather than left running.
	testutil.WaitFor(t, 10*time.Second, "no ffmpeg left", func() bool { return ffmpegChildren(t) == 0 })
}
