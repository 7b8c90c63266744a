package players

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"segue/internal/hass/hasstest"
)

func get(t *testing.T, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// retoken rebuilds a stream URL with its token changed by alter.
func retoken(url string, alter func([]byte)) string {
	i := strings.LastIndex(url, "/")
	token, ext, _ := strings.Cut(url[i+1:], ".")
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	alter(raw)
	return url[:i+1] + base64.RawURLEncoding.EncodeToString(raw) + "." + ext
}

// Issue 15 security: a capability opens one track for a while and nothing else.
// Altered, other track, other URL, expired and rotated → 403; only forged ones
// count against the throttle (a speaker retrying an expired URL is never slowed
// down); HEAD and ranges work on a capability for the original file.
func TestStreamCapability(t *testing.T) {
	ctx := testContext(t)
	f, _, srv := newPlayerFixture(t, ctx, 2)
	sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.den", Name: "Den", Accepts: []string{"audio/mpeg", "audio/flac"}})
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	mustCall(t, ctx, f, "config/players/save", map[string]any{"player_id": "media_player.den", "values": map[string]any{"output_format": "original"}})
	mustCall(t, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.den", "media": "library://track/1"})
	url := playing(t, ctx, sp, map[string]bool{})
	if !strings.HasSuffix(url, ".flac") || sp.Fetches()[0].ContentType != "audio/flac" {
		t.Fatalf("original format: %s %+v", url, sp.Fetches())
	}

	head := get(t, http.MethodHead, url, nil)
	if head.StatusCode != 200 || head.ContentLength <= 0 || head.Header.Get("Content-Type") != "audio/flac" {
		t.Fatalf("HEAD %d %d %q", head.StatusCode, head.ContentLength, head.Header.Get("Content-Type"))
	}
	if r := get(t, http.MethodGet, url, map[string]string{"Range": "bytes=100-199"}); r.StatusCode != http.StatusPartialContent || r.ContentLength != 100 {
		t.Fatalf("range: %d %d", r.StatusCode, r.ContentLength)
	}

	bad := map[string]string{
		"altered signature": retoken(url, func(b []byte) { b[len(b)-1] ^= 1 }),
		"other track":       retoken(url, func(b []byte) { b[1+4+8+7]++ }), // the track id, signature kept
		"other extension":   strings.TrimSuffix(url, ".flac") + ".mp3",
		"not a token":       srv.URL + StreamPath + "x.flac",
	}
	for name, u := range bad {
		if r := get(t, http.MethodGet, u, nil); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s: %d", name, r.StatusCode)
		}
	}
	// Three forged ones so far from this address: the next forged is throttled …
	if r := get(t, http.MethodGet, bad["altered signature"], nil); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("forged after three: %d", r.StatusCode)
	}
	// … but a genuine capability still plays from there.
	if r := get(t, http.MethodGet, url, nil); r.StatusCode != 200 {
		t.Fatalf("genuine URL while forged ones are throttled: %d", r.StatusCode)
	}

	f.clock.Advance(2*time.Hour + time.Minute) // past 2 × the track + the margin
	for i := 0; i < 5; i++ {
		if r := get(t, http.MethodGet, url, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("expired capability, try %d: %d (expired URLs are never throttled)", i, r.StatusCode)
		}
	}

	// Rotation ends every URL handed out, in the running server, within the key check interval.
	mustCall(t, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.den", "media": "library://track/2"})
	fresh := playing(t, ctx, sp, map[string]bool{"0": true})
	if r := get(t, http.MethodGet, fresh, nil); r.StatusCode != 200 {
		t.Fatalf("fresh capability: %d", r.StatusCode)
	}
	if err := RotateStreamKey(f.dir, strings.NewReader(strings.Repeat("k", 64))); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(StreamKeyCheckInterval)
	for i := 0; i < 5; i++ {
		if r := get(t, http.MethodGet, fresh, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("after rotation, try %d: %d", i, r.StatusCode)
		}
	}
}
