package haaddon

import (
	"context"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/feature"
	"segue/internal/haauth"
	"segue/internal/hass"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

// SignInDeps are what Sign in with Home Assistant needs besides the connection.
type SignInDeps struct {
	Users    *auth.Users
	Tokens   *auth.Tokens
	Throttle *auth.Throttle
	Random   *secrets.Random
	// Roles decides a signed-in HA user's Segue role (Conn.Roles unless a test replaces it).
	Roles auth.RoleSource
}

// SignIn builds "Sign in with Home Assistant" over the connection. It returns
// the module and the auth/authorization_url handler that device login offers
// (HA's sign-in page); outside the add-on, neither (device login then answers
// with its default).
func (c *Conn) SignIn(d SignInDeps) (feature.Module, func(ctx context.Context, call *api.Call) (any, error)) {
	if c == nil {
		return feature.Module{}, nil
	}
	cfg, o := c.deps.Config, c.deps.Overrides
	coreURL := o.CoreURL
	if coreURL == "" {
		coreURL = cfg.HomeAssistantURL
	}
	if coreURL == "" {
		coreURL = DefaultCoreURL
	}
	core := c.Core
	browserURL := func(ctx context.Context) (string, error) {
		if o.BrowserURL != "" {
			return o.BrowserURL, nil
		}
		n, err := hass.FetchNetworkURLs(ctx, core)
		if err != nil {
			return "", err
		}
		return n.BrowserBaseURL(), nil
	}
	svc := haauth.New(haauth.Deps{
		Users: d.Users, Tokens: d.Tokens, Throttle: d.Throttle, Clock: c.deps.Clock, Random: d.Random, Log: c.log,
		Roles: d.Roles, Directory: c.users.User,
		CoreURL: coreURL, BrowserURL: browserURL,
		Available:             func() bool { return core.HAVersion() != "" },
		AllowSelfRegistration: cfg.AllowSelfRegistration,
		ReturnURLs:            httpx.ReturnURLPolicy{ExternalURL: cfg.ExternalURL, MAFrontendOrigins: cfg.MAFrontendOrigins},
	})
	return svc.Module(), svc.AuthorizationURL
}
