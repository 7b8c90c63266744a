package signaling

import (
	"context"
	"fmt"
)

// Gateway is the server side of remote access on the signaling connection: it is
// registered under a remote ID and answers the sessions clients open towards it.
//
// After Register, read events with Recv: client-connected (answer with SessionReady),
// offer (answer with Answer), ice-candidate, client-disconnected, error. When Done
// closes, Err tells why; IsReplaced(Err()) means another connection took the ID.
type Gateway struct {
	*Conn
	remoteID   string
	registered Message
}

// Register dials url, sends register-server with ice (the fallback ICE servers the
// signaling server gives clients when session-ready is late) and waits for registered.
func Register(ctx context.Context, url, remoteID string, ice []ICEServer, opts DialOptions) (*Gateway, error) {
	rid := NormalizeRemoteID(remoteID)
	if rid == "" {
		return nil, fmt.Errorf("signaling: invalid remote ID %q", remoteID)
	}
	c, err := Dial(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	if err := c.Send(ctx, Message{Type: TypeRegisterServer, RemoteID: rid, ICEServers: ice}); err != nil {
		c.Close()
		return nil, err
	}
	m, err := c.await(ctx, TypeRegistered)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("signaling: register %s: %w", rid, err)
	}
	return &Gateway{Conn: c, remoteID: m.RemoteID, registered: m}, nil
}

// RemoteID is the ID as registered (upper case).
func (g *Gateway) RemoteID() string { return g.remoteID }

// Registered is the server's registered answer; from `segue signaling` it
// carries the ownership challenge the gateway answers with a signed
// register-server (ownership.go).
func (g *Gateway) Registered() Message { return g.registered }

// UpdateICEServers re-sends register-server on the same socket; the server only
// replaces its cached ICE servers (and answers registered, which Recv will return).
func (g *Gateway) UpdateICEServers(ctx context.Context, ice []ICEServer) error {
	return g.Send(ctx, Message{Type: TypeRegisterServer, RemoteID: g.remoteID, ICEServers: ice})
}

// SessionReady answers client-connected with the ICE servers for this session.
func (g *Gateway) SessionReady(ctx context.Context, sessionID string, ice []ICEServer) error {
	return g.Send(ctx, Message{Type: TypeSessionReady, SessionID: sessionID, ICEServers: ice})
}

// Answer sends the SDP answer for a session.
func (g *Gateway) Answer(ctx context.Context, sessionID string, sd SessionDescription) error {
	return g.Send(ctx, Message{Type: TypeAnswer, SessionID: sessionID, Data: mustData(sd)})
}

// Candidate trickles one local ICE candidate to a session's client.
func (g *Gateway) Candidate(ctx context.Context, sessionID string, c ICECandidate) error {
	return g.Send(ctx, Message{Type: TypeICECandidate, SessionID: sessionID, Data: mustData(c)})
}
