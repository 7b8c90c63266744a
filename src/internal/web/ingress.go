package web

import (
	"net/http"

	"segue/internal/fail"
	"segue/internal/httpx"
)

// ingressAuth trusts the HA identity headers only when the TCP peer is the
// Supervisor's ingress proxy; from any other peer they are removed unread.
func (s *Server) ingressAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpx.PeerIP(r) != s.d.TrustedPeer || s.d.TrustedPeer == "" {
			for name := range r.Header {
				if isIdentityHeader(name) {
					delete(r.Header, name)
				}
			}
			next.ServeHTTP(w, r)
			return
		}
		id := r.Header.Get("X-Remote-User-Id")
		if id == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.d.Ingress.Resolve(r.Context(), id, r.Header.Get("X-Remote-User-Name"), r.Header.Get("X-Remote-User-Display-Name"))
		if err != nil {
			if !fail.Is(err, fail.KindAuthFailed) {
				s.writeError(w, err)
				return
			}
			s.d.Log.WithField("ha_user", id).Warn("ingress login refused")
			s.writeError(w, fail.New(fail.KindAuthFailed, "Authentication failed"))
			return
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithPrincipal(r.Context(), p)))
	})
}
