package players

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"segue/internal/fail"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

func playersOf(t *testing.T, raw json.RawMessage) []Player {
	t.Helper()
	var out []Player
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Issue 15 acceptance "discovery, state changes": HA's media players become MA
// players shaped as MA's hass_players provider shapes them; changes arrive as
// player_updated; an unavailable speaker stays listed as unavailable, also after a
// restart of Segue before HA reports it.
func TestDiscoveryMapsHAMediaPlayers(t *testing.T) {
	ctx := testContext(t)
	f := newFixture(t, ctx)
	kitchen := f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen", Volume: 0.35})
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.tv_remote", Name: "Remote only",
		Features: hasstest.FeaturePause | hasstest.FeatureVolumeSet}) // cannot play media: not a player
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.basic", Name: "Basic", Features: hasstest.FeaturePlayMedia})
	f.follow(t)
	for _, id := range []string{"media_player.basic", "media_player.kitchen"} {
		start := 0
		f.ev.waitFor(t, ctx, &start, func(e event) bool { return e.Event == "queue_added" && e.ObjectID == id })
	}
	from := 0

	raw, err := call(t, ctx, f.reg, admin(), "players/all", nil)
	if err != nil {
		t.Fatal(err)
	}
	all := playersOf(t, raw)
	if len(all) != 2 || all[0].PlayerID != "media_player.basic" || all[1].PlayerID != "media_player.kitchen" {
		t.Fatalf("players %s", raw)
	}
	pretty, _ := json.MarshalIndent(all, "", "  ")
	testutil.Golden(t, "players_all.json", pretty)
	if b := all[0]; b.VolumeControl != "none" || b.PowerControl != "none" || strings.Join(b.SupportedFeatures, ",") != "play_media" ||
		b.SourceList[0].CanPlayPause || !b.SourceList[1].CanSeek {
		t.Errorf("a play-only speaker: %+v", b)
	}

	kitchen.SetAvailable(false)
	ev := f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "player_updated" && e.ObjectID == "media_player.kitchen" })
	if p := ev.Data.(Player); p.Available || p.Name != "Kitchen" {
		t.Fatalf("unavailable speaker: %+v", p)
	}
	raw, _ = call(t, ctx, f.reg, admin(), "players/all", nil)
	if all := playersOf(t, raw); len(all) != 2 || all[1].Available {
		t.Fatalf("unavailable speaker must stay listed: %s", raw)
	}

	// Segue restarts while HA is away: the speakers it knew are listed, unavailable.
	again, err := NewRegistry(ctx, Deps{DB: f.db, Clock: f.clock, Log: quiet(), DataDir: f.dir, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = call(t, ctx, again, admin(), "players/all", nil)
	if all := playersOf(t, raw); len(all) != 2 || all[1].Name != "Kitchen" || all[1].Available {
		t.Fatalf("after restart: %s", raw)
	}
}

// Issue 15 acceptance "player_filter": a filtered player does not exist for the user
// (lists, get); the admin can hide a player and that survives a restart.
func TestPlayerFilterAndHiding(t *testing.T) {
	ctx := testContext(t)
	f := newFixture(t, ctx)
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen"})
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.hall", Name: "Hall"})
	f.follow(t)
	for _, id := range []string{"media_player.kitchen", "media_player.hall"} {
		start := 0
		f.ev.waitFor(t, ctx, &start, func(e event) bool { return e.Event == "queue_added" && e.ObjectID == id })
	}
	from := 0

	limited := user("media_player.kitchen")
	for _, cmd := range []string{"players/all", "player_queues/all"} {
		raw, err := call(t, ctx, f.reg, limited, cmd, nil)
		if err != nil || strings.Contains(string(raw), "media_player.hall") || !strings.Contains(string(raw), "media_player.kitchen") {
			t.Errorf("%s for a limited user: %s %v", cmd, raw, err)
		}
	}
	for _, c := range []struct{ cmd, key string }{{"players/get", "player_id"}, {"player_queues/get", "queue_id"}} {
		if _, err := call(t, ctx, f.reg, limited, c.cmd, map[string]any{c.key: "media_player.hall"}); !fail.Is(err, fail.KindNotFound) {
			t.Errorf("%s of a filtered player: %v", c.cmd, err)
		}
		if _, err := call(t, ctx, f.reg, limited, c.cmd, map[string]any{c.key: "media_player.kitchen"}); err != nil {
			t.Errorf("%s of an allowed player: %v", c.cmd, err)
		}
	}

	if _, err := call(t, ctx, f.reg, admin(), "config/players/save", map[string]any{"player_id": "media_player.hall",
		"values": map[string]any{"hide_in_ui": true}}); err != nil {
		t.Fatal(err)
	}
	ev := f.ev.waitFor(t, ctx, &from, func(e event) bool { return e.Event == "player_updated" && e.ObjectID == "media_player.hall" })
	if !ev.Data.(Player).HideInUI {
		t.Fatalf("hidden player event %+v", ev.Data)
	}
	again, err := NewRegistry(ctx, Deps{DB: f.db, Clock: f.clock, Log: quiet(), DataDir: f.dir, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := call(t, ctx, again, admin(), "players/get", map[string]any{"player_id": "media_player.hall"})
	if !strings.Contains(string(raw), `"hide_in_ui":true`) {
		t.Fatalf("hiding is forgotten on restart: %s", raw)
	}
	if user().Can("config.players.write") {
		t.Fatal("a plain user must not be able to hide players")
	}
}
