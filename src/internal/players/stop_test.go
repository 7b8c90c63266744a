package players

import (
	"testing"

	"segue/internal/hass/hasstest"
)

// A speaker without HA's STOP feature refuses media_stop; stop falls back to pause
// (MA's rule) and the queue stops all the same.
func TestStopFallsBackToPause(t *testing.T) {
	ctx := testContext(t)
	f, _, _ := newPlayerFixture(t, ctx, 1)
	sp := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.nostop", Name: "No stop",
		Features: hasstest.DefaultSpeakerFeatures &^ hasstest.FeatureStop})
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	mustCall(t, ctx, f, "player_queues/play_media", map[string]any{"queue_id": "media_player.nostop", "media": "library://track/1"})
	playing(t, ctx, sp, map[string]bool{})
	mustCall(t, ctx, f, "players/cmd/stop", map[string]any{"player_id": "media_player.nostop"})
	sp.WaitFor(t, ctx, "paused instead of stopped", func(s string, _ map[string]any, _ []hasstest.Fetch) bool { return s == "paused" })
	if q := queueOf(t, ctx, f, "media_player.nostop"); q.State != StateIdle {
		t.Fatalf("queue after stop: %s", q.State)
	}
}
