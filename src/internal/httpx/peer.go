package httpx

import (
	"context"
	"net/http"

	"segue/internal/auth"
)

type peerKey struct{}

// Peer names the client of r for the credential throttle and the fair hash
// queue: what the web layer resolved for the request (the HA user on the
// ingress listener, the forwarded client behind a configured trusted proxy),
// else the TCP peer (an IPv6 client by its /64).
func Peer(r *http.Request) string {
	if p, ok := r.Context().Value(peerKey{}).(string); ok {
		return p
	}
	return auth.PeerOf(r.RemoteAddr)
}

// WithPeer stores the resolved client name for Peer.
func WithPeer(ctx context.Context, peer string) context.Context {
	return context.WithValue(ctx, peerKey{}, peer)
}
