package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/sirupsen/logrus"

	"segue/internal/apphooks"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/feature"
	"segue/internal/haauth"
	"segue/internal/hass"
	"segue/internal/httpx"
	"segue/internal/secrets"
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
	// Users is HA's user list (cached) for ingress and HA sign-in.
	Users *hass.Directory
	// Cloud watches cloud/status; the remote-access gateway subscribes to it in "auto"
	// mode and calls ICEServers for every session.
	Cloud  *hass.CloudWatcher
	SignIn *haauth.Service

	users     freshUsers
	log       logrus.FieldLogger
	clock     clock.Clock
	overrides HassOverrides
}

// HassOverrides adjust the Home Assistant wiring for tests and development.
type HassOverrides = apphooks.Hass

// newHass connects to Home Assistant in add-on mode: the Supervisor REST client,
// a reconnecting HA Core websocket, the role source for ingress users and the
// cloud watcher. Outside the add-on it returns nil (and its Module is empty).
func newHass(cfg config.Config, log *logrus.Logger, clk clock.Clock, o HassOverrides) (*HassParts, error) {
	if !cfg.AddonMode {
		return nil, nil
	}
	l := log.WithField("component", "hass")
	sup, err := hass.NewSupervisorClient(hass.SupervisorOptions{BaseURL: cfg.SupervisorURL, Token: cfg.SupervisorToken})
	if err != nil {
		return nil, err
	}
	wsURL, err := hass.SupervisorCoreWebsocketURL(cfg.SupervisorURL)
	if err != nil {
		return nil, fmt.Errorf("option supervisor-url: %w", err)
	}
	core, err := hass.NewClient(hass.ClientOptions{URL: wsURL, Token: cfg.SupervisorToken, Logger: l})
	if err != nil {
		return nil, err
	}
	parts := &HassParts{Supervisor: sup, Core: core, log: l, overrides: o}
	parts.Users = hass.NewDirectory(core, hass.DirectoryOptions{TTL: o.RoleTTL, Clock: clk})
	parts.Cloud = hass.NewCloudWatcher(core, hass.CloudWatcherOptions{Interval: o.CloudPollInterval, Logger: l})
	parts.users = freshUsers{parts.Users}
	parts.clock = clk
	return parts, nil
}

// Module is the HA connection's background work: the Core websocket and the
// cloud watcher.
func (h *HassParts) Module() feature.Module {
	if h == nil {
		return feature.Module{}
	}
	return feature.Module{Name: "hass", Background: []func(context.Context) error{
		h.Core.Run, h.Cloud.Run,
	}}
}

// signIn builds "Sign in with Home Assistant" over this connection.
func (h *HassParts) signIn(users *auth.Users, tokens *auth.Tokens, throttle *auth.Throttle, rnd *secrets.Random,
	roles auth.RoleSource, cfg config.Config) *haauth.Service {
	o := h.overrides
	coreURL := o.CoreURL
	if coreURL == "" {
		coreURL = cfg.HomeAssistantURL
	}
	if coreURL == "" {
		coreURL = DefaultHomeAssistantURL
	}
	core := h.Core
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
	h.SignIn = haauth.New(haauth.Deps{
		Users: users, Tokens: tokens, Throttle: throttle, Clock: h.clock, Random: rnd, Log: h.log,
		Roles: roles, Directory: h.users.User,
		CoreURL: coreURL, BrowserURL: browserURL,
		Available:             func() bool { return core.HAVersion() != "" },
		AllowSelfRegistration: cfg.AllowSelfRegistration,
		ReturnURLs:            httpx.ReturnURLPolicy{ExternalURL: cfg.ExternalURL, MAFrontendOrigins: cfg.MAFrontendOrigins},
	})
	return h.SignIn
}

// freshUsers re-reads HA's user list once when an id is missing from the cached
// copy: a user created in HA a moment ago must not wait for the cache to expire
// before the sidebar or Sign in with Home Assistant lets them in. The ids come
// from the Supervisor (ingress) or from HA itself (sign-in), so this cannot be
// used to make the server hammer HA.
type freshUsers struct{ *hass.Directory }

func (d freshUsers) User(ctx context.Context, haUserID string) (hass.User, error) {
	u, err := d.Directory.User(ctx, haUserID)
	if errors.Is(err, hass.ErrUnknownUser) {
		d.Invalidate()
		return d.Directory.User(ctx, haUserID)
	}
	return u, err
}

// roles are HA users' Segue roles, by auth's rule (HA admin ⇒ admin).
func (d freshUsers) roles() auth.RoleSource {
	return auth.HAAdminLookup(func(ctx context.Context, haUserID string) (bool, error) {
		u, err := d.User(ctx, haUserID)
		return u.IsAdmin(), err
	})
}
