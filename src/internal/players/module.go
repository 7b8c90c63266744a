package players

import (
	"context"
	"time"

	"segue/internal/feature"
)

// Module is the players feature: MA's player and queue commands, the speakers' stream
// route on the public listener only (speakers are on the LAN; ingress and remote
// access never need it), and the clock that ends long pauses. Following Home
// Assistant is wired by the caller (hass.WatchMediaPlayers with the registry as sink).
func (r *Registry) Module() feature.Module {
	streams := &streamServer{keys: r.keys, clock: r.d.Clock, throttle: r.d.Throttle, open: r.d.Open, audio: r.d.Audio, log: r.d.Log}
	return feature.Module{Name: "players", Commands: r.Commands(),
		Routes: feature.PublicOnly(feature.Route{Pattern: "GET " + StreamPath + "{capability}", Handler: streams}),
		Background: []func(context.Context) error{func(ctx context.Context) error {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return nil
				case <-t.C:
					r.Tick(ctx)
				}
			}
		}},
	}
}
