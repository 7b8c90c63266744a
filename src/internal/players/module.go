package players

import (
	"context"
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/feature"
)

// tickInterval is how often the registry looks for pauses that became stops.
const tickInterval = time.Second

// Module is the players feature: MA's player and queue commands, the speakers' stream
// route on the public listener only (speakers are on the LAN; ingress and remote
// access never need it), and the clock that ends long pauses. Following Home
// Assistant is wired by the caller (hass.WatchMediaPlayers with the registry as sink).
func (r *Registry) Module() feature.Module {
	streams := &streamServer{keys: r.keys, clock: r.d.Clock, throttle: r.d.Throttle, open: r.d.Open, audio: r.d.Audio, log: r.d.Log}
	return feature.Module{Name: "players", Commands: r.Commands(),
		Routes:     feature.PublicOnly(feature.Route{Pattern: "GET " + StreamPath + "{capability}", Handler: streams}),
		Background: []func(context.Context) error{r.tickUntilDone},
	}
}

// tickUntilDone runs tick every tickInterval on the registry's clock until ctx ends.
// The tick runs in the timer's callback and arms the next one before returning, so a
// test that advances a fake clock past the interval finds the tick done.
func (r *Registry) tickUntilDone(ctx context.Context) error {
	var mu sync.Mutex
	var next func()
	var pending clock.Timer
	arm := func() {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() == nil {
			pending = r.d.Clock.AfterFunc(tickInterval, next)
		}
	}
	next = func() {
		r.tick(ctx)
		arm()
	}
	arm()
	<-ctx.Done()
	mu.Lock()
	defer mu.Unlock()
	if pending != nil {
		pending.Stop()
	}
	return nil
}
