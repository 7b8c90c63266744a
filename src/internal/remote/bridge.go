package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"

	"segue/internal/remote/peer"
)

// Inbound bounds for the API channel (security checklist 68).
const (
	maxReassembled = 1 << 20 // a client command is small; 1 MiB is generous
	maxChunkGroups = 4
	// preAuthMessages is how many messages a channel may send before it authenticates:
	// a real client needs a handful (auth/login, auth, info); a flood ends the session.
	preAuthMessages = 64
)

var errFlood = errors.New("remote: too many messages before authentication")

// apiConn adapts the API data channel to api.Conn: the command API runs over it exactly
// as over /ws. Receive is called by the API session's one reader goroutine and reads the
// channel itself; chunks are reassembled and HTTP proxy requests answered on the side.
type apiConn struct {
	s     *session
	l     *link
	re    *peer.Reassembler
	buf   []byte
	sem   chan struct{} // proxied requests in flight
	group atomic.Int64

	authed  atomic.Bool
	preAuth int // Receive's goroutine only
	authMu  sync.Mutex
	authIDs map[string]struct{}
}

func newAPIConn(s *session, l *link) *apiConn {
	return &apiConn{s: s, l: l, re: peer.NewReassembler(maxReassembled, maxChunkGroups), buf: make([]byte, peer.MaxMessageSize+1),
		sem: make(chan struct{}, maxProxyInFlight), authIDs: map[string]struct{}{}}
}

// Receive implements api.Conn. It returns when the next API message is complete; any
// protocol violation (oversized message, chunk abuse, pre-auth flood) ends the session.
// The link is closed when the session ends, which unblocks the read.
func (c *apiConn) Receive(ctx context.Context) ([]byte, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msg, text, err := c.s.readMessage(c.l, c.buf)
		if err != nil {
			c.s.cancel() // the API channel is the session
			return nil, err
		}
		if !text {
			continue // MA ignores binary frames on the API channel
		}
		whole, ok, err := c.re.Add(msg)
		if err != nil {
			return nil, c.violation(err)
		}
		if !ok {
			continue
		}
		if req, isProxy := parseProxyRequest(whole); isProxy {
			if err := c.s.startProxy(c.sem, req, c.replyHex(req.ID)); err != nil {
				return nil, c.violation(err)
			}
			continue
		}
		if !c.authed.Load() {
			if c.preAuth++; c.preAuth > preAuthMessages {
				return nil, c.violation(errFlood)
			}
			c.sniffCommand(whole)
		}
		return whole, nil
	}
}

func (c *apiConn) violation(err error) error {
	c.s.log.WithError(err).Info("remote: data channel protocol violation; closing session")
	c.s.cancel()
	c.l.close()
	return err
}

// replyHex answers a proxied request on the API channel in the old hex form.
func (c *apiConn) replyHex(id string) func(proxyResult) {
	return func(res proxyResult) {
		out, err := hexResponse(id, res)
		if err == nil {
			err = c.Send(c.s.ctx, out)
		}
		if err != nil {
			c.s.cancel()
		}
	}
}

// Send implements api.Conn; messages above ChunkSize go out as __chunk__ frames.
func (c *apiConn) Send(ctx context.Context, msg []byte) error {
	if !c.authed.Load() {
		c.sniffResult(msg)
	}
	frames := peer.ChunkFrames(c.group.Add(1), msg)
	if frames == nil {
		return c.l.write(ctx, msg, true)
	}
	c.l.wmu.Lock()
	defer c.l.wmu.Unlock()
	for _, f := range frames {
		if err := c.l.writeLocked(ctx, f, true); err != nil {
			return err
		}
	}
	return nil
}

// Close implements api.Conn. The whole peer session ends with its API channel.
func (c *apiConn) Close(code int, reason string) error {
	c.l.close()
	c.s.cancel()
	return nil
}

// The gateway does not see inside the API session, so to enforce "authenticate within N
// seconds" it watches for a successful reply to an auth or auth/login command it saw.
var authMarker = []byte(`"auth`)

const (
	maxAuthIDs  = 16
	sniffMaxLen = 64 << 10
)

func (c *apiConn) sniffCommand(msg []byte) {
	if len(msg) > sniffMaxLen || !bytes.Contains(msg, authMarker) {
		return
	}
	var cmd struct {
		MessageID json.RawMessage `json:"message_id"`
		Command   string          `json:"command"`
	}
	if json.Unmarshal(msg, &cmd) != nil || (cmd.Command != "auth" && cmd.Command != "auth/login") || len(cmd.MessageID) == 0 {
		return
	}
	c.authMu.Lock()
	if len(c.authIDs) < maxAuthIDs {
		c.authIDs[string(cmd.MessageID)] = struct{}{}
	}
	c.authMu.Unlock()
}

func (c *apiConn) sniffResult(msg []byte) {
	if len(msg) > sniffMaxLen {
		return
	}
	c.authMu.Lock()
	pending := len(c.authIDs)
	c.authMu.Unlock()
	if pending == 0 {
		return
	}
	var res struct {
		MessageID json.RawMessage `json:"message_id"`
		Result    struct {
			Authenticated bool   `json:"authenticated"`
			Success       bool   `json:"success"`
			AccessToken   string `json:"access_token"`
		} `json:"result"`
	}
	if json.Unmarshal(msg, &res) != nil {
		return
	}
	c.authMu.Lock()
	_, ours := c.authIDs[string(res.MessageID)]
	delete(c.authIDs, string(res.MessageID))
	c.authMu.Unlock()
	if ours && (res.Result.Authenticated || (res.Result.Success && res.Result.AccessToken != "")) {
		if !c.authed.Swap(true) {
			c.s.markAuthed()
		}
	}
}
