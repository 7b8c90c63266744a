package subsonic

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/feature"
	"segue/internal/httpx"
)

// ModuleDeps are what the Subsonic feature needs.
type ModuleDeps struct {
	// Handler are the /rest/ endpoint's dependencies.
	Handler    Deps
	Passwords  *apppass.Service
	Principals *httpx.Resolver
	Log        *logrus.Logger
}

// NewModule is the Subsonic feature: per-user app-passwords (commands and
// /users/.../subsonic-password on every listener) and the endpoint /rest/ on
// the public listener only (Subsonic apps are never behind HA ingress). Every
// HTTP method and any path below /rest/ reaches the handler, so unknown methods
// get a Subsonic answer, never a 404 page.
func NewModule(d ModuleDeps) feature.Module {
	rest := NewHandler(d.Handler)
	return feature.Module{
		Name:     "subsonic",
		Commands: commands(d.Passwords, d.Log),
		Routes: append(accountRoutes(d.Principals, d.Passwords, d.Log),
			feature.PublicOnly(feature.Route{Pattern: "/rest/", Handler: rest})...),
		OnKill: func(k auth.Kill) { onKill(d.Passwords, d.Log, k) },
	}
}

// onKill drops the user's cached app-password; a password change replaces it
// too (the kill runs before the change is answered, so the old app-password is
// dead by then).
func onKill(pw *apppass.Service, log *logrus.Logger, k auth.Kill) {
	if k.UserID == "" {
		return
	}
	pw.Forget(k.UserID)
	if !k.PasswordChanged {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := pw.Rotate(ctx, k.UserID); err != nil {
		log.WithError(err).WithField("user", k.UserID).Error("could not replace the Subsonic app-password after a password change")
	}
}
