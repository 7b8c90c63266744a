package signaling

import (
	"context"
	"fmt"
	"time"
)

// ConnectTimeout is how long Connect waits for connected (MA's apps wait 30 s).
const ConnectTimeout = 30 * time.Second

// Client is the app side: it asked for a remote ID and holds a session with its
// gateway. Read events with Recv: answer, ice-candidate, peer-disconnected (the
// gateway went away; open a new session), error.
type Client struct {
	*Conn
	remoteID   string
	sessionID  string
	iceServers []ICEServer
}

// Connect dials url, sends connect-request for remoteID and waits (at most
// ConnectTimeout, or less if ctx says so) for connected. An unknown ID returns an
// error matching ErrServerNotFound.
func Connect(ctx context.Context, url, remoteID string, opts DialOptions) (*Client, error) {
	c, err := Dial(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	cl, err := Request(ctx, c, remoteID)
	if err != nil {
		c.Close()
		return nil, err
	}
	return cl, nil
}

// Request sends connect-request on an open connection and waits for connected. A
// connection can request again after peer-disconnected.
func Request(ctx context.Context, c *Conn, remoteID string) (*Client, error) {
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	if err := c.Send(ctx, Message{Type: TypeConnectRequest, RemoteID: remoteID}); err != nil {
		return nil, err
	}
	m, err := c.await(ctx, TypeConnected)
	if err != nil {
		return nil, fmt.Errorf("signaling: connect to %s: %w", remoteID, err)
	}
	return &Client{Conn: c, remoteID: m.RemoteID, sessionID: m.SessionID, iceServers: m.ICEServers}, nil
}

// SessionID is the id the server assigned to this session.
func (c *Client) SessionID() string { return c.sessionID }

// RemoteID is the gateway's ID as the server knows it.
func (c *Client) RemoteID() string { return c.remoteID }

// ICEServers are the servers the gateway chose for this session (nil: use defaults).
func (c *Client) ICEServers() []ICEServer { return c.iceServers }

// Offer sends the SDP offer.
func (c *Client) Offer(ctx context.Context, sd SessionDescription) error {
	return c.Send(ctx, Message{Type: TypeOffer, RemoteID: c.remoteID, SessionID: c.sessionID, Data: mustData(sd)})
}

// Candidate trickles one local ICE candidate to the gateway.
func (c *Client) Candidate(ctx context.Context, cand ICECandidate) error {
	return c.Send(ctx, Message{Type: TypeICECandidate, RemoteID: c.remoteID, SessionID: c.sessionID, Data: mustData(cand)})
}
