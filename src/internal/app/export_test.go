package app

import (
	"segue/internal/feature"
	"segue/internal/haaddon"
)

// Modules exposes the feature modules New built, in order (tests only).
func (a *App) Modules() []feature.Module { return a.modules }

// HassParts exposes the Home Assistant parts New built in add-on mode (tests only).
func (a *App) HassParts() *haaddon.Conn { return a.hass }
