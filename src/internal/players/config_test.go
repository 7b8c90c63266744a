package players

import (
	"crypto/rand"
	"encoding/json"
	"testing"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/hass/hasstest"
	"segue/internal/testutil"
)

func configsOf(t *testing.T, raw json.RawMessage) []PlayerConfig {
	t.Helper()
	var out []PlayerConfig
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Issue 15: the settings › players page lists every player the user may see in MA's
// PlayerConfig shape — hidden ones too, since that is where they are unhidden — and
// the edit page gets one player's entries; config/players/save answers the
// PlayerConfig (the page reads its values). A user's player_filter applies; only an
// admin saves. Players HA does not report now drop out with include_unavailable=false
// (what the settings page asks), as MA drops players it has no object for.
func TestPlayerConfigs(t *testing.T) {
	ctx := testContext(t)
	f := newFixture(t, ctx)
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen",
		Device: &hasstest.Device{Manufacturer: "Google Inc.", Model: "Nest Audio", ModelID: "H2C", SWVersion: "1.56.309385", MAC: "aa:bb:cc:dd:ee:ff"}})
	f.core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.hall", Name: "Hall", Platform: "dlna_dmr"})
	f.follow(t)
	for _, id := range []string{"media_player.kitchen", "media_player.hall"} {
		start := 0
		f.ev.waitFor(t, ctx, &start, func(e event) bool { return e.Event == "queue_added" && e.ObjectID == id })
	}

	raw, err := call(t, ctx, f.reg, admin(), "config/players/save", map[string]any{"player_id": "media_player.hall",
		"values": map[string]any{"hide_in_ui": true, "output_format": "original", "enabled": true}})
	if err != nil {
		t.Fatal(err)
	}
	var saved PlayerConfig
	_ = json.Unmarshal(raw, &saved)
	if saved.PlayerID != "media_player.hall" || saved.Values[confHideInUI].Value != true || saved.Values[confOutputFormat].Value != formatOriginal {
		t.Fatalf("save answers %s", raw)
	}

	raw, err = call(t, ctx, f.reg, admin(), "config/players", nil)
	if err != nil {
		t.Fatal(err)
	}
	pretty, _ := json.MarshalIndent(json.RawMessage(raw), "", "  ")
	testutil.Golden(t, "config_players.json", pretty)
	if all := configsOf(t, raw); len(all) != 2 || all[0].PlayerID != "media_player.hall" || len(all[0].Values) != 0 {
		t.Fatalf("config/players lists %s", raw)
	}
	raw, _ = call(t, ctx, f.reg, admin(), "config/players", map[string]any{"include_values": true})
	if all := configsOf(t, raw); len(all) != 2 || all[0].Values[confHideInUI].Value != true {
		t.Fatalf("hidden player's values %s", raw)
	}
	raw, err = call(t, ctx, f.reg, admin(), "config/players/get", map[string]any{"player_id": "media_player.kitchen"})
	if err != nil {
		t.Fatal(err)
	}
	pretty, _ = json.MarshalIndent(json.RawMessage(raw), "", "  ")
	testutil.Golden(t, "config_players_get.json", pretty)

	// MA's device_info from HA's device registry, on the player the page shows beside it.
	raw, _ = call(t, ctx, f.reg, admin(), "players/get", map[string]any{"player_id": "media_player.kitchen"})
	var p Player
	_ = json.Unmarshal(raw, &p)
	if d := p.DeviceInfo; d.Model != "Nest Audio" || d.Manufacturer != "Google Inc." || d.SoftwareVersion == nil ||
		*d.SoftwareVersion != "1.56.309385" || d.ModelID == nil || *d.ModelID != "H2C" || d.Identifiers["mac_address"] != "aa:bb:cc:dd:ee:ff" {
		t.Fatalf("device_info %+v", d)
	}
	raw, _ = call(t, ctx, f.reg, admin(), "players/get", map[string]any{"player_id": "media_player.hall"})
	var hall Player
	_ = json.Unmarshal(raw, &hall)
	if d := hall.DeviceInfo; d.Model != "Unknown model" || d.Manufacturer != "Unknown Manufacturer" || d.SoftwareVersion != nil || len(d.Identifiers) != 0 {
		t.Fatalf("no device: %+v", d)
	}

	limited := user("media_player.kitchen")
	raw, _ = call(t, ctx, f.reg, limited, "config/players", map[string]any{"include_values": true})
	if all := configsOf(t, raw); len(all) != 1 || all[0].PlayerID != "media_player.kitchen" {
		t.Fatalf("a limited user's config/players: %s", raw)
	}
	if _, err := call(t, ctx, f.reg, limited, "config/players/get", map[string]any{"player_id": "media_player.hall"}); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("config/players/get of a filtered player: %v", err)
	}
	if limited.Can(auth.ScopeConfigPlayersWrite) || !admin().Can(auth.ScopeConfigPlayersWrite) {
		t.Fatal("only admins save player settings")
	}
	raw, _ = call(t, ctx, f.reg, admin(), "config/players", map[string]any{"provider": "airplay"})
	if string(raw) != "[]" {
		t.Fatalf("another provider's players: %s", raw)
	}
	if _, err := call(t, ctx, f.reg, admin(), "config/players/save", map[string]any{"player_id": "media_player.hall",
		"values": map[string]any{"output_format": "ogg"}}); !fail.Is(err, fail.KindInvalid) {
		t.Fatalf("unknown output_format: %v", err)
	}
	raw, _ = call(t, ctx, f.reg, admin(), "config/players/save", map[string]any{"player_id": "media_player.hall",
		"values": map[string]any{"output_format": "auto"}})
	_ = json.Unmarshal(raw, &saved)
	if saved.Values[confOutputFormat].Value != formatAuto {
		t.Fatalf("back to automatic: %s", raw)
	}

	// After a restart, before HA reports anything: remembered players are configs, but
	// not "available" ones for the settings page's call.
	again, err := NewRegistry(ctx, Deps{DB: f.db, Clock: f.clock, Log: quiet(), DataDir: f.dir, Rand: rand.Reader})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = call(t, ctx, again, admin(), "config/players", map[string]any{"include_unavailable": false, "include_disabled": true})
	if string(raw) != "[]" {
		t.Fatalf("players HA does not report with include_unavailable=false: %s", raw)
	}
	raw, _ = call(t, ctx, again, admin(), "config/players", nil)
	if all := configsOf(t, raw); len(all) != 2 || all[1].DefaultName == nil || *all[1].DefaultName != "Kitchen" {
		t.Fatalf("remembered players: %s", raw)
	}
}
