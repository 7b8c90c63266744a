package library

import (
	"context"

	"segue/internal/feature"
)

// Module is the library's background work: Run, which scans at start, on
// request, every scan interval and after watched changes. The library's
// commands and routes belong to the features that present it (music,
// libadmin, subsonic).
func (l *Library) Module() feature.Module {
	return feature.Module{Name: "library", Background: []func(context.Context) error{l.Run}}
}
