package hass

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
)

// MediaPlayerSink hears what the media player watcher learns. Both methods run on
// the watcher's goroutine, one at a time, and may call HA.
type MediaPlayerSink interface {
	// MediaPlayers is the full list after every (re)connect: entities missing from it
	// are gone or were renamed. registry maps entity ids to their integration and
	// device (empty when HA would not tell).
	MediaPlayers(states []EntityState, registry map[string]MediaPlayerEntry)
	// MediaPlayerChanged is one live change; removed is true when HA dropped the entity.
	MediaPlayerChanged(state EntityState, removed bool)
}

// Subscriber is what the watcher needs of the reconnecting client.
type Subscriber interface {
	Caller
	Subscribe(ctx context.Context, cmdType string, params any, onEvent func(json.RawMessage)) (<-chan struct{}, error)
	Connections() (<-chan uint64, func())
}

// eventBuffer bounds the state changes waiting for the sink; when it overflows the
// watcher re-reads every state instead of growing.
const eventBuffer = 1024

// retryEvery is how long the watcher waits, without a new connection, before
// trying again on the same one.
const retryEvery = 30 * time.Second

// WatchMediaPlayers follows HA's media players until ctx ends: on every connection it
// subscribes to state_changed first and then reads get_states, so no change falls in
// between; after a drop it does both again on the next connection. After a
// failure on a live connection it retries at the next connection or after
// retryEvery on clk, whichever comes first.
func WatchMediaPlayers(ctx context.Context, c Subscriber, sink MediaPlayerSink, clk clock.Clock, log logrus.FieldLogger) error {
	reconnects, cancel := c.Connections()
	defer cancel()
	for {
		err := watchOnce(ctx, c, sink)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			log.WithError(err).Warn("home assistant media players: cannot follow, waiting for the next connection")
		}
		retry := clk.NewTimer(retryEvery)
		select {
		case <-ctx.Done():
			retry.Stop()
			return ctx.Err()
		case <-reconnects:
		case <-retry.C():
		}
		retry.Stop()
	}
}

func watchOnce(ctx context.Context, c Subscriber, sink MediaPlayerSink) error {
	changes := make(chan StateChange, eventBuffer)
	var overflow atomic.Bool
	done, err := c.Subscribe(ctx, "subscribe_events", map[string]any{"event_type": "state_changed"}, func(raw json.RawMessage) {
		ch, err := parseStateChanged(raw)
		if err != nil || !IsMediaPlayer(ch.EntityID) {
			return
		}
		select {
		case changes <- ch:
		default:
			overflow.Store(true)
		}
	})
	if err != nil {
		return err
	}
	resync := func() error {
		states, err := FetchMediaPlayers(ctx, c)
		if err != nil {
			return err
		}
		registry, err := FetchMediaPlayerRegistry(ctx, c)
		if err != nil {
			registry = map[string]MediaPlayerEntry{} // a non-admin token: formats stay conservative
		}
		sink.MediaPlayers(states, registry)
		return nil
	}
	if err := resync(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		case ch := <-changes:
			if overflow.Swap(false) {
				if err := resync(); err != nil {
					return err
				}
				continue
			}
			if ch.NewState == nil {
				sink.MediaPlayerChanged(EntityState{EntityID: ch.EntityID, State: "unavailable"}, true)
			} else {
				sink.MediaPlayerChanged(*ch.NewState, false)
			}
		}
	}
}
