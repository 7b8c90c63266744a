package app

import (
	"context"
	"net/http"

	"segue/internal/auth"
	"segue/internal/devicelogin"
	"segue/internal/web"
)

// wireDeviceLogin adds the login flow for clients that cannot receive a
// redirect: auth/authorization_url (for_remote_client) and auth/oauth_status,
// the RFC 8628 endpoints under /auth/device/, and the verification page /device.
// Pending logins are held in memory: a restart drops them (clients start again).
//
// Sign in with Home Assistant answers auth/authorization_url for redirect
// logins: register that command in wireHass (it runs first) and Register adopts
// its handler as the provider hook; or call SetProviderURL on this service.
func (a *App) wireDeviceLogin(ctx context.Context, w *wiring) error {
	svc := devicelogin.New(devicelogin.Deps{
		Clock: a.Clock, Random: a.Random, Users: a.Users, Tokens: a.Tokens, Throttle: a.Throttle, Log: a.Log,
		// a.Web is built after the wiring functions; reach it when a request comes.
		Principal:   func(r *http.Request) (*auth.Principal, error) { return a.Web.Principal(r) },
		ExternalURL: a.Cfg.ExternalURL,
	})
	svc.Register(a.Registry)
	routes := svc.Routes()
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, _ web.Listener) {
		for pattern, h := range routes {
			mux.HandleFunc(pattern, h)
		}
	})
	return nil
}
