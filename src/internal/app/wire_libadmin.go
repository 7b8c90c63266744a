package app

import (
	"context"

	"segue/internal/libadmin"
)

// wireLibAdmin adds the admins' Library page commands (library/status,
// library/scan) and scan progress events.
func (a *App) wireLibAdmin(context.Context, *wiring) error {
	m := libadmin.New(libadmin.Deps{Library: a.Library, Registry: a.Registry, Publish: a.API.PublishTo, Clock: a.Clock})
	a.shutdownHooks = append(a.shutdownHooks, func(context.Context) { m.Close() })
	return nil
}
