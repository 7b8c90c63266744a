package app

import "segue/internal/feature"

// Modules exposes the feature modules New built, in order (tests only).
func (a *App) Modules() []feature.Module { return a.modules }
