package players

import (
	"net/http"
	"strings"
	"testing"

	"segue/internal/hass/hasstest"
)

// Issue 15: through the speaker's capability URL, the MP3 a speaker is given has a
// Content-Length (the album's files last 2 s: 48000 bytes at 192 kbit/s), and a
// reconnect with Range: bytes=N- is answered 206 against that length (the subsonic
// package's test shows the audio then starts at N's time).
func TestSpeakerMP3StreamHasLengthAndRanges(t *testing.T) {
	ctx := testContext(t)
	f, _, _ := newPlayerFixture(t, ctx, 1)
	sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.den", Name: "Den"}) // takes MP3 only
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	mustCall(t, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.den", "media": "library://track/1"})
	url := playing(t, ctx, sp, map[string]bool{})
	if first := sp.Fetches()[0]; !strings.HasSuffix(url, ".mp3") || first.ContentType != "audio/mpeg" || first.ContentLength != 48000 {
		t.Fatalf("the speaker's MP3: %s %+v", url, first)
	}
	if r := get(t, http.MethodHead, url, nil); r.StatusCode != 200 || r.ContentLength != 48000 || r.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD %d %d %q", r.StatusCode, r.ContentLength, r.Header.Get("Accept-Ranges"))
	}
	r := get(t, http.MethodGet, url, map[string]string{"Range": "bytes=24000-"})
	if r.StatusCode != http.StatusPartialContent || r.Header.Get("Content-Range") != "bytes 24000-47999/48000" || r.ContentLength != 24000 {
		t.Fatalf("reconnect with a range: %d %q %d", r.StatusCode, r.Header.Get("Content-Range"), r.ContentLength)
	}
}
