package app

import "segue/internal/apphooks"

// HassOverrides adjust the Home Assistant wiring for tests and development.
type HassOverrides = apphooks.Hass
