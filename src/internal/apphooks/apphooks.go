// Package apphooks holds the hooks a test or tool may set on the server that
// app.New builds (clock, randomness, hashing cost, HA wiring). It sits below
// app so that internal/apptest can fill them without importing app: nothing
// but cmd/segue imports app.
package apphooks

import (
	"io"
	"time"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/secrets"
)

// Options are test and tooling hooks; production passes the zero value.
type Options struct {
	Clock  clock.Clock
	Random io.Reader
	// Argon2 overrides password hashing cost (tests only).
	Argon2 *secrets.Argon2Params
	// HashSlots overrides how many password hashes run at once (tests only).
	HashSlots int
	// HashTrace hears the hash queue's "queued"/"start"/"left" events (tests only).
	HashTrace func(event, client string)
	// RoleSource supplies HA roles for ingress users.
	RoleSource auth.RoleSource
	// APIOptions tune command sessions.
	APIOptions api.Options
	// Hass adjusts the Home Assistant wiring (tests and development).
	Hass Hass
}

// Hass adjusts the Home Assistant wiring for tests and development; the zero
// value is production.
type Hass struct {
	// CoreURL replaces the default Home Assistant Core URL.
	CoreURL string
	// BrowserURL replaces HA's network/url answer as the URL browsers are sent to.
	BrowserURL string
	// RoleTTL replaces hass.DefaultDirectoryTTL.
	RoleTTL time.Duration
	// CloudPollInterval replaces hass.DefaultCloudPollInterval.
	CloudPollInterval time.Duration
	// AddonInfoWait replaces how long Listen retries /addons/self/info for the ports.
	AddonInfoWait time.Duration
}
