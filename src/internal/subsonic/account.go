package subsonic

import (
	"context"
	"net/http"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/feature"
	"segue/internal/httpx"
)

// PasswordResult is the answer of reveal and rotate.
type PasswordResult struct {
	Password string `json:"password"`
}

type passwordArgs struct {
	// UserID lets an admin act for another user; empty means the caller.
	UserID string `json:"user_id"`
}

// target picks whose app-password a call is about: the caller's, or (admins
// only) another user's. Delegated tokens never get here (api.Server refuses
// subsonic/* to them, and the HTTP routes below check too).
func target(p *auth.Principal, userID string) (string, error) {
	if p == nil {
		return "", fail.New(fail.KindUnauthenticated, "Authentication required")
	}
	if p.Method == auth.MethodDelegated || p.Method == auth.MethodSubsonic {
		return "", fail.Forbidden("App-passwords can only be managed from a Segue session")
	}
	if userID == "" || userID == p.User.ID {
		return p.User.ID, nil
	}
	if !p.IsAdmin() {
		return "", fail.Forbidden("Only admins can manage another user's app-password")
	}
	return userID, nil
}

// commands are subsonic/password/reveal and subsonic/password/rotate.
func commands(pw *apppass.Service, log *logrus.Logger) []api.Command {
	run := func(rotate bool) api.Handler {
		return func(ctx context.Context, c *api.Call) (any, error) {
			a, err := api.DecodeArgs[passwordArgs](c)
			if err != nil {
				return nil, err
			}
			id, err := target(c.Principal, a.UserID)
			if err != nil {
				return nil, err
			}
			return passwordAction(ctx, pw, log, c.Principal, id, rotate)
		}
	}
	return []api.Command{
		{Name: "subsonic/password/reveal", Args: passwordArgs{},
			Description: "Show the Subsonic app-password (created on first use). Subsonic apps log in with it, never with the login password. Admins may pass user_id.",
			Handler:     run(false)},
		{Name: "subsonic/password/rotate", Args: passwordArgs{},
			Description: "Replace the Subsonic app-password; the old one stops working at once. Admins may pass user_id.",
			Handler:     run(true)},
	}
}

func passwordAction(ctx context.Context, pw *apppass.Service, log *logrus.Logger, p *auth.Principal, userID string, rotate bool) (PasswordResult, error) {
	var secret string
	var err error
	if rotate {
		secret, err = pw.Rotate(ctx, userID)
	} else {
		secret, err = pw.Reveal(ctx, userID)
	}
	if err != nil {
		return PasswordResult{}, err
	}
	action := "revealed"
	if rotate {
		action = "rotated"
	}
	log.WithFields(logrus.Fields{"user_id": userID, "by": p.User.ID}).Info("subsonic app-password " + action)
	return PasswordResult{Password: secret}, nil
}

// accountRoutes are GET/POST /users/me/subsonic-password (reveal / rotate)
// and the admin POST /users/{user_id}/subsonic-password (rotate), on every listener.
func accountRoutes(principals *httpx.Resolver, pw *apppass.Service, log *logrus.Logger) []feature.Route {
	serve := func(rotate bool, userID func(*http.Request) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			p, err := principals.Principal(r)
			if err == nil && p == nil {
				err = fail.New(fail.KindUnauthenticated, "Authentication required")
			}
			var id string
			if err == nil {
				id, err = target(p, userID(r))
			}
			var res PasswordResult
			if err == nil {
				res, err = passwordAction(r.Context(), pw, log, p, id, rotate)
			}
			if err != nil {
				status, msg := fail.HTTPStatus(err)
				if status >= 500 {
					log.WithError(err).Error("subsonic app-password request failed")
				}
				if status == http.StatusUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="Segue"`)
				}
				httpx.WriteJSON(w, status, map[string]string{"error": msg})
				return
			}
			httpx.WriteJSON(w, http.StatusOK, res)
		}
	}
	me := func(*http.Request) string { return "" }
	return []feature.Route{
		feature.Handle("GET /users/me/subsonic-password", serve(false, me)),
		feature.Handle("POST /users/me/subsonic-password", serve(true, me)),
		feature.Handle("POST /users/{user_id}/subsonic-password", serve(true, func(r *http.Request) string {
			return r.PathValue("user_id")
		})),
	}
}
