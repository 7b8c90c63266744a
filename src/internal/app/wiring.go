package app

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/web"
)

// wiring collects what features contribute while New builds the server.
type wiring struct {
	AuthDeps api.AuthDeps
	// Mounts add HTTP routes to both listeners.
	Mounts []web.Mount
	// Home serves GET / after setup (the web UI).
	Home http.Handler
	// RoleSource supplies HA roles for ingress users.
	RoleSource auth.RoleSource
	// Providers add login providers to auth/providers.
	Providers []func(ctx context.Context) []api.ProviderInfo
}

func (w *wiring) providers(ctx context.Context) []api.ProviderInfo {
	var out []api.ProviderInfo
	for _, p := range w.Providers {
		out = append(out, p(ctx)...)
	}
	return out
}

// authChain tries each token authenticator in turn (session tokens, then other
// kinds such as delegated tokens). A database failure stops the chain: fail closed.
type authChain struct {
	mu   sync.RWMutex
	list []api.TokenAuthenticator
}

// Add appends an authenticator.
func (c *authChain) Add(a api.TokenAuthenticator) {
	c.mu.Lock()
	c.list = append(c.list, a)
	c.mu.Unlock()
}

func (c *authChain) Authenticate(ctx context.Context, token string) (*auth.Principal, error) {
	c.mu.RLock()
	list := c.list
	c.mu.RUnlock()
	err := error(auth.ErrInvalidToken)
	for _, a := range list {
		p, e := a.Authenticate(ctx, token)
		if e == nil {
			return p, nil
		}
		if fail.Is(e, fail.KindUnavailable) {
			return nil, e
		}
		var fe *fail.Error
		if errors.As(e, &fe) && fe.Kind != fail.KindInvalidToken {
			err = e // a more specific answer (e.g. account disabled) wins
		}
	}
	return nil, err
}
