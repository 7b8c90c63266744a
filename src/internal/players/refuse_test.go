package players

import (
	"strings"
	"testing"

	"segue/internal/fail"
	"segue/internal/hass/hasstest"
)

// A speaker that cannot decode what it is sent makes HA answer home_assistant_error;
// the user reads that the speaker refused and what to change, not "try later".
func TestSpeakerRefusalIsExplained(t *testing.T) {
	ctx := testContext(t)
	f, _, _ := newPlayerFixture(t, ctx, 1)
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.picky", Name: "Picky", Accepts: []string{"audio/x-none"}})
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	_, err := call(t, ctx, f.reg, admin(), "player_queues/play_media", map[string]any{"queue_id": "media_player.picky", "media": "library://track/1"})
	if err == nil {
		t.Fatal("a speaker refusing the stream: play_media succeeded")
	}
	e := fail.As(err)
	if e == nil || e.Kind != fail.KindInvalid || !strings.HasPrefix(e.Msg, "The speaker refused: cannot play stream") || !strings.Contains(e.Msg, "MP3") {
		t.Fatalf("refusal answered %v (kind %v)", err, fail.KindOf(err))
	}
}
