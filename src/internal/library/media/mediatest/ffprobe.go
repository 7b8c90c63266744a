// Package mediatest holds test helpers around the real ffmpeg tools, which
// scripts/test-deps.sh installs.
package mediatest

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"segue/internal/testutil"
)

// Facts is what ffprobe says about a file's first audio stream.
type Facts struct {
	Codec      string
	SampleRate int
	Channels   int
	Duration   time.Duration
}

// FFprobe runs ffprobe on path (skipping, or failing under scripts/test.sh, when
// it is missing).
func FFprobe(t testing.TB, path string) Facts {
	t.Helper()
	bin := testutil.RequireTool(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream=codec_name,sample_rate,channels:format=duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var r struct {
		Streams []struct {
			Codec      string `json:"codec_name"`
			SampleRate string `json:"sample_rate"`
			Channels   int    `json:"channels"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &r); err != nil || len(r.Streams) == 0 {
		t.Fatalf("ffprobe %s: %v in %s", path, err, out)
	}
	sr, _ := strconv.Atoi(r.Streams[0].SampleRate)
	secs, _ := strconv.ParseFloat(r.Format.Duration, 64)
	return Facts{Codec: r.Streams[0].Codec, SampleRate: sr, Channels: r.Streams[0].Channels,
		Duration: time.Duration(secs * float64(time.Second))}
}

// Decode runs the whole file through ffmpeg's decoder and fails the test on
// any error it reports: the file is valid audio, not just valid headers.
func Decode(t testing.TB, path string) {
	t.Helper()
	bin := testutil.RequireTool(t, "ffmpeg")
	out, err := exec.Command(bin, "-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-f", "null", "-").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("ffmpeg decode %s: %v: %s", path, err, out)
	}
}

// FFmpeg runs ffmpeg with args (after -nostdin -v error -y), failing the test on error.
func FFmpeg(t testing.TB, args ...string) {
	t.Helper()
	bin := testutil.RequireTool(t, "ffmpeg")
	out, err := exec.Command(bin, append([]string{"-nostdin", "-v", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, out)
	}
}
