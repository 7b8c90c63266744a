package app

import (
	"context"
	"net/http"
	"time"

	"segue/internal/auth"
	"segue/internal/delegation"
	"segue/internal/web"
)

// wireDelegated adds external applications: the apps/* admin commands, the
// client-credentials token endpoint and the delegated-token authenticator.
func (a *App) wireDelegated(ctx context.Context, w *wiring) error {
	svc := delegation.New(delegation.Deps{
		DB: a.DB, Users: a.Users, Signer: a.Tokens, Clock: a.Clock, Random: a.Random, Throttle: a.Throttle, Log: a.Log,
		EndSessions: func(ids []string) {
			for _, id := range ids {
				a.API.Kill(auth.Kill{TokenID: id})
			}
		},
	}, a.Kills)
	svc.Register(a.Registry)
	a.auth.Add(svc)
	token := svc.TokenHandler()
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, _ web.Listener) {
		mux.Handle("POST "+delegation.TokenPath, token)
	})
	// Expired token rows are refused on use; this only keeps the table small.
	bg, stop := context.WithCancel(context.Background())
	a.OnShutdown(func(context.Context) { stop() })
	a.goBackground(func() {
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			select {
			case <-bg.Done():
				return
			case <-tick.C:
				if err := svc.PruneExpired(bg); err != nil && bg.Err() == nil {
					a.Log.WithError(err).Warn("could not prune expired delegated tokens")
				}
			}
		}
	})
	return nil
}
