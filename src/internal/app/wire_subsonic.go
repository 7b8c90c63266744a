package app

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"

	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/subsonic"
	"segue/internal/web"
)

// wireSubsonic adds per-user app-passwords (commands and /users/.../subsonic-password)
// and the Subsonic endpoint /rest/ on the public listener.
func (a *App) wireSubsonic(ctx context.Context, w *wiring) error {
	passwords, err := apppass.Open(ctx, apppass.Deps{
		DB: a.DB, Users: a.Users, Kills: a.Kills, Random: a.Random, Clock: a.Clock,
		KeyPath: filepath.Join(a.Cfg.DataDir, apppass.KeyFile),
	})
	if err != nil {
		return err
	}
	// A password change replaces the app-password too (the kill runs before the
	// change is answered, so the old app-password is dead by then).
	a.Kills.Subscribe(func(k auth.Kill) {
		if !k.PasswordChanged {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := passwords.Rotate(ctx, k.UserID); err != nil {
			a.Log.WithError(err).WithField("user", k.UserID).Error("could not replace the Subsonic app-password after a password change")
		}
	})
	subsonic.RegisterCommands(a.Registry, passwords, a.Log)
	rest := subsonic.NewHandler(subsonic.Deps{
		Auth: subsonic.NewAuthenticator(subsonic.AuthDeps{
			Passwords: passwords,
			Tokens:    a.auth,
			LongLived: func(ctx context.Context, tokenID string) (bool, error) {
				info, err := a.Tokens.Get(ctx, tokenID)
				return info.IsLongLived, err
			},
			Throttle: a.Throttle,
			Log:      a.Log,
		}),
		Users:         a.Users,
		ServerVersion: Version,
		Library:       a.Library,
		Transcoder:    subsonic.NewTranscoder(a.ffmpeg(), a.Cfg.TranscodeLimit),
		Clock:         a.Clock,
		Log:           a.Log,
	})
	// a.Web is built after the wiring runs: reach it lazily.
	principal := func(r *http.Request) (*auth.Principal, error) { return a.Web.Principal(r) }
	w.Mounts = append(w.Mounts, func(mux *http.ServeMux, l web.Listener) {
		subsonic.MountAccountRoutes(mux, principal, passwords, a.Log)
		if l == web.Public {
			rest.Mount(mux) // Subsonic apps are never behind HA ingress
		}
	})
	return nil
}

// ffmpeg is the ffmpeg binary for transcoding, or "" when it is not installed
// (streams are then sent as they are).
func (a *App) ffmpeg() string {
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		a.Log.Info("ffmpeg not found: Subsonic streams are sent as they are, never transcoded")
		return ""
	}
	return p
}
