package subsonic

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"segue/internal/testutil"
)

func TestTranscodePlan(t *testing.T) {
	flac := audioFile{Suffix: "flac", BitRate: 900}
	mp3 := audioFile{Suffix: "mp3", BitRate: 320}
	tc := NewTranscoder("/usr/bin/ffmpeg", 2)
	cases := []struct {
		name    string
		tc      *Transcoder
		f       audioFile
		req     streamRequest
		suffix  string
		bitRate int
		ok      bool
	}{
		{"no params: as is", tc, flac, streamRequest{}, "", 0, false},
		{"raw wins over maxBitRate", tc, flac, streamRequest{Format: "raw", MaxBitRate: 128}, "", 0, false},
		{"maxBitRate below source: default format", tc, flac, streamRequest{MaxBitRate: 96}, "opus", 96, true},
		{"maxBitRate above source: as is", tc, mp3, streamRequest{MaxBitRate: 500}, "", 0, false},
		{"format mp3 from flac: default rate", tc, flac, streamRequest{Format: "mp3"}, "mp3", 192, true},
		{"format mp3 capped", tc, flac, streamRequest{Format: "mp3", MaxBitRate: 128}, "mp3", 128, true},
		{"same format, no cap: as is", tc, mp3, streamRequest{Format: "mp3"}, "", 0, false},
		{"same format, lower cap: re-encoded", tc, mp3, streamRequest{Format: "mp3", MaxBitRate: 128}, "mp3", 128, true},
		{"unknown format: as is", tc, flac, streamRequest{Format: "wma"}, "", 0, false},
		{"no ffmpeg: as is", NewTranscoder("", 1), flac, streamRequest{Format: "mp3"}, "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, b, ok := c.tc.plan(c.f, c.req)
			if s != c.suffix || b != c.bitRate || ok != c.ok {
				t.Fatalf("plan = %q %d %v, want %q %d %v", s, b, ok, c.suffix, c.bitRate, c.ok)
			}
		})
	}
}

// makeAudio writes a silent WAV of the given length with the real ffmpeg.
func makeAudio(t *testing.T, ffmpeg string, seconds int) (string, audioFile) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "long.wav")
	out, err := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
		"-t", strconv.Itoa(seconds), "-c:a", "pcm_s16le", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, audioFile{Size: st.Size(), ModTime: st.ModTime(), Suffix: "wav", ContentType: "audio/wav", Duration: seconds, BitRate: 128}
}

func TestTranscodeThroughFFmpeg(t *testing.T) {
	ffmpeg := testutil.RequireTool(t, "ffmpeg")
	src, f := makeAudio(t, ffmpeg, 20)
	tc := NewTranscoder(ffmpeg, 2)
	for _, c := range []struct {
		format, contentType string
		magic               []byte
	}{
		{"mp3", "audio/mpeg", nil},
		{"opus", "audio/ogg", []byte("OggS")},
		{"aac", "audio/aac", []byte{0xff}},
	} {
		t.Run(c.format, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				req := streamRequest{Format: c.format, MaxBitRate: 64, EstimateLength: true}
				s, b, ok := tc.plan(f, req)
				if !ok {
					t.Error("plan: not transcoded")
					return
				}
				fh := open(t, src)
				defer fh.Close()
				_ = tc.transcode(w, r, fh, f, req, s, b)
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != c.contentType {
				t.Fatalf("content type %q", ct)
			}
			if want := strconv.FormatInt(estimateLength(20, 64), 10); resp.Header.Get("Content-Length") != want {
				t.Fatalf("estimated length %q, want %s", resp.Header.Get("Content-Length"), want)
			}
			if len(body) < 1000 || (c.magic != nil && !bytes.HasPrefix(body, c.magic)) {
				t.Fatalf("body %d bytes, starts %x", len(body), body[:min(8, len(body))])
			}
		})
	}
}

// ffmpegChildren counts ffmpeg processes whose parent is this test process.
func ffmpegChildren(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	self := strconv.Itoa(os.Getpid())
	n := 0
	for _, e := range ents {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(stat)
		close := strings.LastIndexByte(s, ')')
		if close < 0 || !strings.Contains(s[:close], "(ffmpeg") {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if len(fields) > 1 && fields[1] == self && fields[0] != "Z" {
			n++
		}
	}
	return n
}

func TestTranscodeKilledWhenClientGoes(t *testing.T) {
	ffmpeg := testutil.RequireTool(t, "ffmpeg")
	src, f := makeAudio(t, ffmpeg, 3600) // far more output than the socket buffers hold
	tc := NewTranscoder(ffmpeg, 1)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		fh := open(t, src)
		defer fh.Close()
		_ = tc.transcode(w, r, fh, f, streamRequest{Format: "mp3", MaxBitRate: 320}, "mp3", 320)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	if n := ffmpegChildren(t); n != 1 {
		t.Fatalf("%d ffmpeg processes while streaming, want 1", n)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("handler still running after the client went")
	}
	if n := ffmpegChildren(t); n != 0 {
		t.Fatalf("%d ffmpeg processes left after the client went", n)
	}
	if len(tc.slots) != 0 {
		t.Fatal("transcode slot not released")
	}
}

func open(t *testing.T, p string) *os.File {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Error(err)
	}
	return f
}
