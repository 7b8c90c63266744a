package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"segue/internal/auth"
	"segue/internal/haauth"
	"segue/internal/hass"
	"segue/internal/web"
)

// DefaultHomeAssistantURL is HA Core as an add-on reaches it directly (the OAuth
// token endpoint and the websocket for a signed-in user's own token; the
// Supervisor proxy cannot serve those).
const DefaultHomeAssistantURL = "http://homeassistant:8123"

// HassParts are the Home Assistant clients built in add-on mode.
type HassParts struct {
	Supervisor *hass.SupervisorClient
	// Core is the reconnecting websocket through the Supervisor proxy (as the Supervisor user).
	Core *hass.Client
	// Roles maps HA users to roles for ingress and HA sign-in (system-admin ⇒ admin).
	Roles *hass.RoleSource
	// Cloud watches cloud/status; the remote-access gateway subscribes to it in "auto"
	// mode and calls ICEServers for every session.
	Cloud  *hass.CloudWatcher
	SignIn *haauth.Service
}

// HassOverrides adjust the Home Assistant wiring for tests and development; the
// zero value is production.
type HassOverrides struct {
	// CoreURL replaces DefaultHomeAssistantURL.
	CoreURL string
	// BrowserURL replaces HA's network/url answer as the URL browsers are sent to.
	BrowserURL string
	// RoleTTL replaces hass.DefaultRoleTTL.
	RoleTTL time.Duration
	// CloudPollInterval replaces hass.DefaultCloudPollInterval.
	CloudPollInterval time.Duration
	// AddonInfoWait replaces how long Listen retries /addons/self/info for the ports.
	AddonInfoWait time.Duration
	// Built receives the parts once wired (tests observe them through it).
	Built func(*HassParts)
}

// wireHass connects to Home Assistant in add-on mode (it runs first, so the other
// features can use what it builds): the Supervisor REST client, a reconnecting HA
// Core websocket, the role source for ingress users, the cloud watcher, and
// "Sign in with Home Assistant". Outside the add-on it adds nothing.
func (a *App) wireHass(ctx context.Context, w *wiring) error {
	if !a.Cfg.AddonMode {
		return nil
	}
	o := a.opts.Hass
	log := a.Log.WithField("component", "hass")
	sup, err := hass.NewSupervisorClient(hass.SupervisorOptions{BaseURL: a.Cfg.SupervisorURL, Token: a.Cfg.SupervisorToken})
	if err != nil {
		return err
	}
	wsURL, err := hass.SupervisorCoreWebsocketURL(a.Cfg.SupervisorURL)
	if err != nil {
		return fmt.Errorf("option supervisor-url: %w", err)
	}
	core, err := hass.NewClient(hass.ClientOptions{URL: wsURL, Token: a.Cfg.SupervisorToken, Logger: log})
	if err != nil {
		return err
	}
	parts := &HassParts{Supervisor: sup, Core: core}
	parts.Roles = hass.NewRoleSource(core, hass.RoleSourceOptions{TTL: o.RoleTTL, Clock: a.Clock})
	parts.Cloud = hass.NewCloudWatcher(core, hass.CloudWatcherOptions{Interval: o.CloudPollInterval, Logger: log})
	roles := freshRoles{parts.Roles}
	if w.RoleSource == nil { // app.Options.RoleSource (tests) wins
		w.RoleSource = roles
	}

	// Background work lives until shutdown; the hooks run before the database closes.
	bg, stop := context.WithCancel(context.Background())
	a.OnShutdown(func(context.Context) { stop() })
	a.goBackground(func() { _ = core.Run(bg) })
	a.goBackground(func() { _ = parts.Cloud.Run(bg) })

	coreURL := o.CoreURL
	if coreURL == "" {
		coreURL = a.Cfg.HomeAssistantURL
	}
	if coreURL == "" {
		coreURL = DefaultHomeAssistantURL
	}
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
	parts.SignIn = haauth.New(haauth.Deps{
		Users: a.Users, Tokens: a.Tokens, Throttle: a.Throttle, Clock: a.Clock, Random: a.Random, Log: log,
		Roles: w.RoleSource, Directory: roles.User,
		CoreURL: coreURL, BrowserURL: browserURL,
		Available:             func() bool { return core.HAVersion() != "" },
		AllowSelfRegistration: a.Cfg.AllowSelfRegistration,
		ReturnURLs:            web.ReturnURLPolicy{ExternalURL: a.Cfg.ExternalURL, MAFrontendOrigins: a.Cfg.MAFrontendOrigins},
	})
	w.Providers = append(w.Providers, parts.SignIn.Providers)
	// The device-login wiring (later) adopts this handler for redirect logins.
	a.Registry.Register(parts.SignIn.AuthorizationURLCommand())
	routes := parts.SignIn.Routes()
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, l web.Listener) {
		if l != web.Public {
			return // ingress users are signed in by HA already
		}
		for pattern, h := range routes {
			mux.HandleFunc(pattern, h)
		}
	})
	a.hass = parts
	if o.Built != nil {
		o.Built(parts)
	}
	return nil
}

// Hass returns the Home Assistant clients; nil outside the add-on.
func (a *App) Hass() *HassParts { return a.hass }

// freshRoles re-reads HA's user list once when an id is missing from the cached
// copy: a user created in HA a moment ago must not wait for the cache to expire
// before the sidebar or Sign in with Home Assistant lets them in. The ids come
// from the Supervisor (ingress) or from HA itself (sign-in), so this cannot be
// used to make the server hammer HA.
type freshRoles struct{ *hass.RoleSource }

func (r freshRoles) RoleFor(ctx context.Context, haUserID string) (auth.Role, error) {
	role, err := r.RoleSource.RoleFor(ctx, haUserID)
	if errors.Is(err, hass.ErrUnknownUser) {
		r.Invalidate()
		return r.RoleSource.RoleFor(ctx, haUserID)
	}
	return role, err
}

func (r freshRoles) User(ctx context.Context, haUserID string) (hass.User, error) {
	u, err := r.RoleSource.User(ctx, haUserID)
	if errors.Is(err, hass.ErrUnknownUser) {
		r.Invalidate()
		return r.RoleSource.User(ctx, haUserID)
	}
	return u, err
}

// The role source must satisfy what the ingress resolver consumes.
var _ auth.RoleSource = freshRoles{}
