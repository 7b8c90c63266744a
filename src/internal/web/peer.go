package web

import (
	"net/http"
	"net/netip"
	"strings"

	"segue/internal/auth"
	"segue/internal/httpx"
)

// withPeer resolves httpx.Peer once per request, before any handler: the HA
// user on the ingress listener (every ingress request comes from the
// Supervisor), the forwarded client behind a configured trusted proxy, else
// the TCP peer.
func (s *Server) withPeer(l httpx.Listener, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer := s.resolvePeer(l, r)
		next.ServeHTTP(w, r.WithContext(httpx.WithPeer(r.Context(), peer)))
	})
}

func (s *Server) resolvePeer(l httpx.Listener, r *http.Request) string {
	if l == httpx.Ingress && s.d.TrustedPeer != "" && httpx.PeerIP(r) == s.d.TrustedPeer {
		if id := r.Header.Get("X-Remote-User-Id"); auth.ValidHAUserID(id) {
			return auth.HAUserPeer(id)
		}
	}
	if l == httpx.Public && len(s.d.TrustedProxies) > 0 {
		if client, ok := forwardedClient(r, s.d.TrustedProxies); ok {
			return auth.PeerOf(client.String())
		}
	}
	return auth.PeerOf(r.RemoteAddr)
}

// forwardedClient walks X-Forwarded-For from the right while the hops are
// trusted proxies; the first untrusted hop is the client. Only a request whose
// TCP peer is itself a trusted proxy is read at all.
func forwardedClient(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	peer, err := netip.ParseAddr(httpx.PeerIP(r))
	if err != nil || !isTrusted(peer.Unmap(), trusted) {
		return netip.Addr{}, false
	}
	values := r.Header.Values("X-Forwarded-For")
	const maxHops = 32
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
		if len(hops) > maxHops {
			return netip.Addr{}, false
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		ip = ip.Unmap()
		if !isTrusted(ip, trusted) {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
