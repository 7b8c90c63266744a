// Package api is the MA command API: one registry of commands and the session
// logic shared by every transport (WebSocket, JSON-RPC, WebRTC data channel).
package api

import (
	"context"

	"segue/internal/auth"
)

// Conn is one message-oriented, bidirectional link to a client: a WebSocket or a
// WebRTC data channel. Messages are whole JSON texts.
type Conn interface {
	// Receive blocks for the next text message. It returns an error when the link ends.
	// The message is the caller's: the session keeps slices of it (a command's args).
	Receive(ctx context.Context) ([]byte, error)
	// Send writes one text message. Only the session's writer goroutine calls it.
	// msg is only lent for the call: the session reuses the buffer afterwards.
	Send(ctx context.Context, msg []byte) error
	// Close ends the link; code follows WebSocket close codes (1000 normal, 1001 going away,
	// 1008 policy, 1009 too big). Safe to call more than once and from any goroutine.
	Close(code int, reason string) error
}

// ConnInfo describes where a connection came from.
type ConnInfo struct {
	Channel    auth.Channel
	RemoteAddr string
	// Principal is set when the transport already authenticated the peer (ingress headers).
	Principal *auth.Principal
	// Ingress marks a connection on the ingress listener (where the HA system user is allowed).
	Ingress bool
	// BaseURL is the URL the client used to reach us, when known.
	BaseURL string
	// Peer names the client for the credential throttle and the fair hash
	// queue (auth.PeerOf of the client address, auth.HAUserPeer for ingress).
	// Empty means auth.PeerOf(RemoteAddr).
	Peer string
	// Promote, when set, is called once when the session authenticates: the
	// transport moves the connection from its unauthenticated pool to the
	// authenticated one. False (that pool is full) closes the connection.
	Promote func() bool
}

// ThrottlePeer is the client's name for the credential throttle.
func (i ConnInfo) ThrottlePeer() string {
	if i.Peer != "" {
		return i.Peer
	}
	return auth.PeerOf(i.RemoteAddr)
}
