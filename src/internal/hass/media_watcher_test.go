package hass

import (
	"context"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
)

// recordingSink hands what the watcher reports to the test, in order.
type recordingSink struct{ events chan sinkEvent }

type sinkEvent struct {
	full     []EntityState // set for MediaPlayers
	registry map[string]MediaPlayerEntry
	one      EntityState
	removed  bool
}

func (s recordingSink) MediaPlayers(states []EntityState, registry map[string]MediaPlayerEntry) {
	s.events <- sinkEvent{full: states, registry: registry}
}
func (s recordingSink) MediaPlayerChanged(st EntityState, removed bool) {
	s.events <- sinkEvent{one: st, removed: removed}
}

func (s recordingSink) next(t *testing.T, ctx context.Context) sinkEvent {
	t.Helper()
	select {
	case e := <-s.events:
		return e
	case <-ctx.Done():
		t.Fatal("watcher reported nothing")
		return sinkEvent{}
	}
}

// Through the Supervisor's proxy: the full list first, then live changes; after the
// Core drops the socket, a fresh full list that includes what changed meanwhile.
func TestWatchMediaPlayersFollowsAndResyncs(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	kitchen := core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen", Volume: 0.3, Platform: "cast",
		Device: &hasstest.Device{Manufacturer: "Google Inc.", Model: "Nest Audio", SWVersion: "1.56.309385", MAC: "aa:bb:cc:dd:ee:ff"}})
	core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.den", Name: "Den", Platform: "dlna_dmr"}) // no device
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	sink := recordingSink{events: make(chan sinkEvent, 16)}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	// A clock that never moves: every resync below comes from a new connection.
	go WatchMediaPlayers(wctx, client, sink, clocktest.NewFake(time.Unix(0, 0)), quietLogger())

	first := sink.next(t, ctx)
	if len(first.full) != 2 || first.full[0].EntityID != "media_player.kitchen" || first.full[0].State != "idle" ||
		first.full[0].Attributes["friendly_name"] != "Kitchen" || first.registry["media_player.kitchen"].Platform != "cast" {
		t.Fatalf("first report %+v", first)
	}
	// The device registry behind the entity registry (MA's device_info).
	want := Device{Manufacturer: "Google Inc.", Model: "Nest Audio", SWVersion: "1.56.309385", MAC: "aa:bb:cc:dd:ee:ff"}
	if got := first.registry["media_player.kitchen"].Device; got != want {
		t.Fatalf("kitchen device %+v, want %+v", got, want)
	}
	if den := first.registry["media_player.den"]; den.Platform != "dlna_dmr" || den.Device != (Device{}) {
		t.Fatalf("an entity without a device: %+v", den)
	}
	if err := CallMediaPlayer(ctx, client, "media_player.kitchen", "volume_set", map[string]any{"volume_level": 0.5}); err != nil {
		t.Fatal(err)
	}
	if ev := sink.next(t, ctx); ev.full != nil || ev.one.Attributes["volume_level"] != 0.5 {
		t.Fatalf("volume change %+v", ev)
	}
	err := CallMediaPlayer(ctx, client, "media_player.kitchen", "join", nil)
	if !IsCommandError(err, CodeNotFound) {
		t.Fatalf("unknown service: %v", err)
	}

	core.DropConnections()
	kitchen.SetAvailable(false) // while nobody listens
	// Whether the resync or the new subscription sees it first, unavailable must arrive.
	for {
		ev := sink.next(t, ctx)
		if (len(ev.full) == 2 && ev.full[0].State == "unavailable") || (ev.one.EntityID == "media_player.kitchen" && ev.one.State == "unavailable") {
			break
		}
	}
	resubscribed := map[string]bool{}
	for _, cmd := range core.Received() {
		if cmd.Connection > 1 {
			resubscribed[cmd.Type] = true
		}
	}
	if !resubscribed["subscribe_events"] || !resubscribed["get_states"] {
		t.Fatalf("after the drop the watcher sent %v, want subscribe_events and get_states again", resubscribed)
	}
}
