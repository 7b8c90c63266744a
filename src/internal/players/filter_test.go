package players

import (
	"strings"
	"testing"

	"segue/internal/fail"
	"segue/internal/hass/hasstest"
)

// Issue 15 acceptance "player_filter": through no command can a user see or control a
// player outside their filter — every player and queue command that names one answers
// "not found" (player_queues/items: an empty list, as MA answers an unknown queue),
// and the speaker is never asked to do anything.
func TestPlayerFilterCoversEveryCommand(t *testing.T) {
	ctx := testContext(t)
	f, _, _ := newPlayerFixture(t, ctx, 1)
	hall := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.hall", Name: "Hall"})
	f.follow(t)
	from := 0
	f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "queue_added" })
	limited := user("media_player.kitchen")
	target := "media_player.hall"
	checked := 0
	for _, c := range f.reg.Commands() {
		args := map[string]any{"player_id": target, "queue_id": target, "media": "library://track/1", "index": 0,
			"queue_item_id": "x", "item_id_or_index": 0, "volume_level": 10, "position": 1, "shuffle_enabled": true,
			"repeat_mode": "all", "muted": true, "powered": false, "values": map[string]any{"hide_in_ui": true}}
		if !limited.Can(c.Scope) {
			continue // config/players/save needs admin scopes a user does not have
		}
		raw, err := call(t, ctx, f.reg, limited, c.Name, args)
		switch c.Name {
		case "players/all", "player_queues/all", "config/players":
			if strings.Contains(string(raw), target) {
				t.Errorf("%s shows the filtered player", c.Name)
			}
		case "player_queues/items":
			if string(raw) != "[]" {
				t.Errorf("%s: %s", c.Name, raw)
			}
		default:
			if !fail.Is(err, fail.KindNotFound) {
				t.Errorf("%s on a filtered player: %v %s", c.Name, err, raw)
			}
		}
		checked++
	}
	if checked < 25 {
		t.Fatalf("only %d commands checked", checked)
	}
	if len(hall.Fetches()) != 0 {
		t.Fatal("the filtered speaker fetched a stream")
	}
	if state, attrs := hall.State(); state != "idle" || attrs["volume_level"] != 0.0 {
		t.Fatalf("the filtered speaker changed: %s %v", state, attrs)
	}
}
