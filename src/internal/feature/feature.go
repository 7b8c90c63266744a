// Package feature is the shape every feature takes: one value that says what
// the feature adds to the server. app.New collects the modules and wires each
// part in one place (commands into the registry, routes onto their listeners,
// authenticators into the token chain, kill reactions into the fan-out,
// background work under one errgroup); a feature never reaches into another.
package feature

import (
	"context"
	"net/http"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/httpx"
)

// Route is one HTTP endpoint.
type Route struct {
	// Pattern is an http.ServeMux pattern with its method ("POST /auth/code").
	Pattern string
	Handler http.Handler
	// On lists the listeners that serve the route; empty means every listener.
	On []httpx.Listener
}

// Module is what one feature adds. Every field may be empty.
type Module struct {
	// Name identifies the module in logs and errors.
	Name     string
	Commands []api.Command
	Routes   []Route
	// Authenticators accept further kinds of bearer tokens (tried after session tokens).
	Authenticators []httpx.TokenAuthenticator
	// Providers adds login providers to auth/providers.
	Providers func(ctx context.Context) []api.ProviderInfo
	// OnKill reacts when a user's or a token's sessions end (revoke, disable,
	// delete, password change). It runs synchronously, before the call that
	// killed returns, so it must be quick.
	OnKill func(auth.Kill)
	// Background runs until ctx ends; an error is logged, it does not stop the server.
	Background []func(ctx context.Context) error
	// Home serves GET / after setup (at most one module: the web UI).
	Home http.Handler
}

// Serves reports whether r is served on l.
func (r Route) Serves(l httpx.Listener) bool {
	if len(r.On) == 0 {
		return true
	}
	for _, on := range r.On {
		if on == l {
			return true
		}
	}
	return false
}

// Handle is a Route for every listener from a handler function.
func Handle(pattern string, h http.HandlerFunc) Route { return Route{Pattern: pattern, Handler: h} }

// PublicOnly marks routes that only the public listener serves.
func PublicOnly(routes ...Route) []Route {
	for i := range routes {
		routes[i].On = []httpx.Listener{httpx.Public}
	}
	return routes
}
