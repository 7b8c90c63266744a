package players

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"segue/internal/hass/hasstest"
)

func queueOf(t testing.TB, ctx context.Context, f *fixture, id string) Queue {
	t.Helper()
	raw, err := call(t, ctx, f.reg, admin(), "player_queues/get", map[string]any{"queue_id": id})
	if err != nil {
		t.Fatal(err)
	}
	var q Queue
	if err := json.Unmarshal(raw, &q); err != nil {
		t.Fatal(err)
	}
	return q
}

func mustCall(t testing.TB, ctx context.Context, f *fixture, name string, args map[string]any) {
	t.Helper()
	if _, err := call(t, ctx, f.reg, admin(), name, args); err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
}

// playing waits until the speaker fetched one more stream than seen counts and plays
// it; it returns the URL.
func playing(t testing.TB, ctx context.Context, sp *hasstest.Speaker, seen map[string]bool) string {
	t.Helper()
	var url string
	sp.WaitFor(t, ctx, "a new stream playing", func(state string, attrs map[string]any, fetches []hasstest.Fetch) bool {
		url, _ = attrs["media_content_id"].(string)
		return state == "playing" && len(fetches) > len(seen) && fetches[len(seen)].URL == url
	})
	seen[strconv.Itoa(len(seen))] = true
	return url
}

func currentIndex(q Queue) int {
	if q.CurrentIndex == nil {
		return -1
	}
	return *q.CurrentIndex
}

// Issue 15 acceptance against the fake HA: play an album; the queue advances by
// itself at the end of a track; next/previous/seek/volume/pause; a pause longer than
// 30 s and a resume; a speaker going unavailable mid-track and coming back; a restart
// with the queue intact. Time is the test's clock: nothing sleeps.
func TestQueuePlaysAlbumOnFakeSpeaker(t *testing.T) {
	ctx := testContext(t)
	f, _, srv := newPlayerFixture(t, ctx, 3)
	sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen", Volume: 0.2})
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	seen := map[string]bool{}

	mustCall(t, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.kitchen",
		"media": map[string]any{"uri": "library://album/1", "media_type": "album"}, "option": "replace"})
	first := playing(t, ctx, sp, seen)
	if !strings.HasPrefix(first, srv.URL+StreamPath) || !strings.HasSuffix(first, ".mp3") {
		t.Fatalf("stream URL %s", first)
	}
	if strings.Contains(first, "eyJ") || strings.Contains(first, "token") {
		t.Fatalf("stream URL carries a token: %s", first)
	}
	fetch := sp.Fetches()[0]
	if fetch.Status != 200 || fetch.ContentType != "audio/mpeg" {
		t.Fatalf("speaker's fetch %+v", fetch)
	}
	_, attrs := sp.State()
	if attrs["media_title"] != "Song 1" || attrs["media_artist"] != "Artist" {
		t.Errorf("HA's card gets no metadata: %v", attrs)
	}
	q := queueOf(t, ctx, f, "media_player.kitchen")
	if q.Items != 3 || currentIndex(q) != 0 || q.State != StatePlaying || !q.Active {
		t.Fatalf("queue after play_media %+v", q)
	}
	raw, _ := call(t, ctx, f.reg, admin(), "players/get", map[string]any{"player_id": "media_player.kitchen"})
	var p Player
	_ = json.Unmarshal(raw, &p)
	if p.CurrentMedia == nil || p.CurrentMedia.Title != "Song 1" || p.PlaybackState != StatePlaying ||
		p.CurrentMedia.ImageURL != srv.URL+"/imageproxy/c1?size=512" {
		t.Fatalf("now playing %+v", p.CurrentMedia)
	}
	raw, _ = call(t, ctx, f.reg, admin(), "player_queues/items", map[string]any{"queue_id": "media_player.kitchen", "limit": 2, "offset": 1})
	var page []QueueItem
	_ = json.Unmarshal(raw, &page)
	if len(page) != 2 || page[0].Name != "Artist - Song 2" {
		t.Fatalf("items page %s", raw)
	}

	// The end of the track: the speaker goes idle and the queue moves on by itself.
	<-sp.Drained()
	f.clock.Advance(181 * time.Second)
	f.core.TickSpeakers()
	playing(t, ctx, sp, seen)
	if q := queueOf(t, ctx, f, "media_player.kitchen"); currentIndex(q) != 1 {
		t.Fatalf("queue did not advance: %+v", q)
	}

	mustCall(t, ctx, f, "players/cmd/next", map[string]any{"player_id": "media_player.kitchen"})
	playing(t, ctx, sp, seen)
	mustCall(t, ctx, f, "players/cmd/previous", map[string]any{"player_id": "media_player.kitchen"})
	playing(t, ctx, sp, seen)
	if q := queueOf(t, ctx, f, "media_player.kitchen"); currentIndex(q) != 1 {
		t.Fatalf("after next, previous: index %d", currentIndex(q))
	}

	mustCall(t, ctx, f, "players/cmd/seek", map[string]any{"player_id": "media_player.kitchen", "position": 60})
	playing(t, ctx, sp, seen)
	if q := queueOf(t, ctx, f, "media_player.kitchen"); q.ElapsedTime != 60 {
		t.Fatalf("after seek: elapsed %v", q.ElapsedTime)
	}

	mustCall(t, ctx, f, "players/cmd/volume_set", map[string]any{"player_id": "media_player.kitchen", "volume_level": 40})
	sp.WaitFor(t, ctx, "volume 0.4", func(_ string, a map[string]any, _ []hasstest.Fetch) bool { return a["volume_level"] == 0.4 })

	// A pause longer than 30 s lets the speaker go; play starts a new stream where it was.
	f.clock.Advance(10 * time.Second)
	mustCall(t, ctx, f, "players/cmd/pause", map[string]any{"player_id": "media_player.kitchen"})
	sp.WaitFor(t, ctx, "paused", func(s string, _ map[string]any, _ []hasstest.Fetch) bool { return s == "paused" })
	f.clock.Advance(45 * time.Second) // the registry's tick runs on the clock
	sp.WaitFor(t, ctx, "stopped after the long pause", func(s string, _ map[string]any, _ []hasstest.Fetch) bool { return s == "idle" })
	if q := queueOf(t, ctx, f, "media_player.kitchen"); q.State != StateIdle || q.ElapsedTime < 69 || q.ElapsedTime > 71 || currentIndex(q) != 1 {
		t.Fatalf("queue after the long pause %+v", q)
	}
	mustCall(t, ctx, f, "players/cmd/play", map[string]any{"player_id": "media_player.kitchen"})
	resumed := playing(t, ctx, sp, seen)
	if q := queueOf(t, ctx, f, "media_player.kitchen"); q.State != StatePlaying || q.ElapsedTime < 69 || currentIndex(q) != 1 {
		t.Fatalf("queue after resume %+v (url %s)", q, resumed)
	}

	// Unavailable mid-track: the queue stops where it was; back, play resumes there.
	f.clock.Advance(5 * time.Second)
	sp.SetAvailable(false)
	ev := f.ev.waitFor(t, ctx, &from, func(e event) bool {
		p, ok := e.Data.(Player)
		return e.Event == "player_updated" && ok && !p.Available
	})
	if p := ev.Data.(Player); p.PlaybackState != StateIdle {
		t.Fatalf("unavailable speaker still playing: %+v", p)
	}
	sp.SetAvailable(true)
	mustCall(t, ctx, f, "players/cmd/play", map[string]any{"player_id": "media_player.kitchen"})
	playing(t, ctx, sp, seen)
	if q := queueOf(t, ctx, f, "media_player.kitchen"); q.ElapsedTime < 74 || currentIndex(q) != 1 {
		t.Fatalf("queue after coming back %+v", q)
	}

	// Restart: the queue is still there, at its item and position.
	again, err := NewRegistry(ctx, f.deps(nil, srv, ""))
	if err != nil {
		t.Fatal(err)
	}
	f.reg = again
	q = queueOf(t, ctx, f, "media_player.kitchen")
	if q.Items != 3 || currentIndex(q) != 1 || q.CurrentItem == nil || q.CurrentItem.Name != "Artist - Song 2" {
		t.Fatalf("queue after restart %+v", q)
	}
}
