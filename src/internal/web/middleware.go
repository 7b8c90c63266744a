package web

import (
	"net/http"
	"runtime/debug"

	"github.com/sirupsen/logrus"

	"segue/internal/httpx"
	"segue/internal/text"
)

// isIdentityHeader matches every spelling of the HA identity headers
// (X-Remote-User-*, x_remote_user_*, …) and X-Ingress-Path.
func isIdentityHeader(name string) bool {
	return hasPrefixFold(name, "x-remote-user") || (len(name) == len("x-ingress-path") && hasPrefixFold(name, "x-ingress-path"))
}

// hasPrefixFold compares ASCII case-insensitively, treating '_' as '-'.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		} else if c == '_' {
			c = '-'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// stripIdentityHeaders removes identity headers on the public listener, where
// nobody may claim to be an HA user.
func stripIdentityHeaders(log *logrus.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stripped := false
		for name := range r.Header {
			if isIdentityHeader(name) {
				delete(r.Header, name)
				stripped = true
			}
		}
		if stripped {
			log.WithField("remote", r.RemoteAddr).Warn("ignored identity headers on the public listener")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics answers 500 and keeps the server up.
func recoverPanics(log *logrus.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.WithField("path", r.URL.Path).Errorf("handler panicked: %v\n%s", v, debug.Stack())
				http.Error(w, "Internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets headers; only the public listener forbids framing by
// other sites (the ingress listener is framed by Home Assistant's sidebar).
func securityHeaders(l httpx.Listener, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if l == httpx.Public {
			// Pages that set their own policy replace this one; the
			// X-Frame-Options header still stands for them.
			h.Set("Content-Security-Policy", "frame-ancestors 'self'")
			h.Set("X-Frame-Options", "SAMEORIGIN")
		}
		next.ServeHTTP(w, r)
	})
}

// sameOriginOnly guards the ingress listener, where HA's session cookie signs
// every request in by itself: a state-changing request a browser marks as sent
// from another site (a form on another page posting to /api) is refused before
// it is read. The sidebar's own requests share HA's origin and pass.
func sameOriginOnly(log logrus.FieldLogger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := httpx.CheckSameOrigin(r); err != nil {
			log.WithField("origin", text.Truncate(r.Header.Get("Origin"), 100)).Warn("ingress: cross-site request refused")
			httpx.WriteError(w, log, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
