// Package haaddon is what Segue does with Home Assistant as an add-on: it opens
// the connection (the Supervisor REST client, the Core websocket through the
// Supervisor proxy, HA's user directory, the cloud watcher), keeps it up as
// background work, answers "which Segue role has this HA user" and builds
// "Sign in with Home Assistant" on top. Outside the add-on Connect returns nil,
// and every method of a nil *Conn adds nothing, so the composition root needs
// no branch.
package haaddon

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
	"segue/internal/hass"
)

// DefaultCoreURL is HA Core as an add-on reaches it directly (the OAuth token
// endpoint and the websocket for a signed-in user's own token; the Supervisor
// proxy cannot serve those).
const DefaultCoreURL = "http://homeassistant:8123"

// Deps are what Connect needs.
type Deps struct {
	Config config.Config
	Log    *logrus.Logger
	Clock  clock.Clock
	// Overrides adjust the wiring for tests and development; zero in production.
	Overrides apphooks.Hass
}

// Conn is the add-on's connection to Home Assistant.
type Conn struct {
	Supervisor *hass.SupervisorClient
	// Core is the reconnecting websocket through the Supervisor proxy (as the Supervisor user).
	Core *hass.Client
	// Users is HA's user list (cached) for ingress and HA sign-in.
	Users *hass.Directory
	// Cloud watches cloud/status; remote access follows it in "auto" mode and
	// asks it for ICE servers for every session.
	Cloud *hass.CloudWatcher

	users freshUsers
	log   logrus.FieldLogger
	deps  Deps
}

// Connect builds the HA clients in add-on mode (nothing connects before the
// module's background work runs); outside the add-on it returns nil.
func Connect(d Deps) (*Conn, error) {
	cfg, o := d.Config, d.Overrides
	if !cfg.AddonMode {
		return nil, nil
	}
	l := d.Log.WithField("component", "hass")
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
	c := &Conn{Supervisor: sup, Core: core, log: l, deps: d}
	c.Users = hass.NewDirectory(core, hass.DirectoryOptions{TTL: o.RoleTTL, Clock: d.Clock})
	c.Cloud = hass.NewCloudWatcher(core, hass.CloudWatcherOptions{Interval: o.CloudPollInterval, Logger: l})
	c.users = freshUsers{c.Users}
	return c, nil
}

// Module is the connection's background work: the Core websocket and the cloud watcher.
func (c *Conn) Module() feature.Module {
	if c == nil {
		return feature.Module{}
	}
	return feature.Module{Name: "hass", Background: []func(context.Context) error{c.Core.Run, c.Cloud.Run}}
}

// Roles are HA users' Segue roles, by auth's rule (HA admin ⇒ admin); nil
// outside the add-on.
func (c *Conn) Roles() auth.RoleSource {
	if c == nil {
		return nil
	}
	return auth.HAAdminLookup(func(ctx context.Context, haUserID string) (bool, error) {
		u, err := c.users.User(ctx, haUserID)
		return u.IsAdmin(), err
	})
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
