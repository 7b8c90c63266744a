package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"segue/internal/remote/peer"

	"github.com/pion/datachannel"
	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"
)

// Conn is one paired session with a remote server.
type Conn struct {
	cfg      Config
	remoteID string
	sig      *sigPump
	pc       *webrtc.PeerConnection
	trickle  *peer.Trickle // set by pair before the signaling loops read it
	api      *channel
	proxyCh  chan *channel
	proxy    *channel
	proxyMu  sync.Mutex
	log      logrus.FieldLogger

	serverInfo json.RawMessage
	first      chan []byte
	firstOnce  sync.Once

	mu      sync.Mutex
	pending map[string]*pendingCall
	raw     chan []byte // set in raw mode (tunnel): every message goes here
	seq     atomic.Int64
	group   atomic.Int64

	closeOnce sync.Once
	closed    chan struct{}
}

// Error is an error result from the server.
type Error struct {
	Code    int
	Details string
}

func (e *Error) Error() string { return fmt.Sprintf("server error %d: %s", e.Code, e.Details) }

type pendingCall struct {
	parts []json.RawMessage
	done  chan error
}

// channel is one detached data channel.
type channel struct {
	dc  *webrtc.DataChannel
	rw  datachannel.ReadWriteCloser
	wmu sync.Mutex
}

func openChannel(dc *webrtc.DataChannel, out chan *channel) {
	rw, err := dc.Detach()
	if err != nil {
		return
	}
	out <- &channel{dc: dc, rw: rw}
}

func (ch *channel) write(data []byte, text bool) error {
	ch.wmu.Lock()
	defer ch.wmu.Unlock()
	_, err := ch.rw.WriteDataChannel(data, text)
	return err
}

// ServerInfo is the first frame the server sent.
func (c *Conn) ServerInfo() json.RawMessage { return c.serverInfo }

// Done is closed when the connection ends.
func (c *Conn) Done() <-chan struct{} { return c.closed }

// Close ends the session.
func (c *Conn) Close() {
	c.closeOnce.Do(func() {
		close(c.closed)
		if c.pc != nil {
			_ = c.pc.Close()
		}
		if c.sig != nil {
			c.sig.close()
		}
	})
}

// readAPI reassembles chunks and routes messages: ServerInfo first, then results by
// message_id, or everything to the raw channel in tunnel mode.
func (c *Conn) readAPI() {
	defer c.Close()
	re := peer.NewReassembler(c.cfg.MaxMessage, 8)
	buf := make([]byte, peer.MaxMessageSize+1)
	for {
		n, text, err := c.api.rw.ReadDataChannel(buf)
		if err != nil {
			c.failAll(err)
			return
		}
		if !text {
			continue
		}
		msg := append([]byte(nil), buf[:n]...)
		whole, ok, err := re.Add(msg)
		if err != nil {
			c.failAll(err)
			return
		}
		if ok {
			c.route(whole)
		}
	}
}

func (c *Conn) route(msg []byte) {
	first := false
	c.firstOnce.Do(func() { first = true })
	if first {
		c.first <- msg
		return
	}
	c.mu.Lock()
	raw := c.raw
	c.mu.Unlock()
	if raw != nil {
		select {
		case raw <- msg:
		case <-c.closed:
		}
		return
	}
	// Pushed events (no message_id) answer no call: outside tunnel mode nobody
	// reads them, so they are dropped here.
	var env struct {
		MessageID json.RawMessage `json:"message_id"`
		Result    json.RawMessage `json:"result"`
		Partial   bool            `json:"partial"`
		ErrorCode *int            `json:"error_code"`
		Details   string          `json:"details"`
	}
	if json.Unmarshal(msg, &env) != nil || len(env.MessageID) == 0 {
		return
	}
	key := string(env.MessageID)
	c.mu.Lock()
	p := c.pending[key]
	if p != nil && (!env.Partial || env.ErrorCode != nil) {
		delete(c.pending, key)
	}
	c.mu.Unlock()
	if p == nil {
		return
	}
	if env.ErrorCode != nil {
		p.done <- &Error{Code: *env.ErrorCode, Details: env.Details}
		return
	}
	p.parts = append(p.parts, env.Result)
	if !env.Partial {
		p.done <- nil
	}
}

func (c *Conn) failAll(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, p := range c.pending {
		select {
		case p.done <- fmt.Errorf("remote: connection lost: %w", err):
		default:
		}
		delete(c.pending, k)
	}
}

// send writes one message, chunking it when large.
func (c *Conn) send(msg []byte) error {
	if frames := peer.ChunkFrames(c.group.Add(1), msg); frames != nil {
		c.api.wmu.Lock()
		defer c.api.wmu.Unlock()
		for _, f := range frames {
			if _, err := c.api.rw.WriteDataChannel(f, true); err != nil {
				return err
			}
		}
		return nil
	}
	return c.api.write(msg, true)
}

func (c *Conn) await(ctx context.Context, key string, msg []byte) (json.RawMessage, error) {
	p := &pendingCall{done: make(chan error, 1)}
	c.mu.Lock()
	c.pending[key] = p
	c.mu.Unlock()
	if err := c.send(msg); err != nil {
		return nil, err
	}
	select {
	case err := <-p.done:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, key)
		c.mu.Unlock()
		return nil, ctx.Err()
	case <-c.closed:
		return nil, errors.New("remote: connection closed")
	}
	if len(p.parts) == 1 {
		return p.parts[0], nil
	}
	// Partial results: concatenate the arrays.
	var all []json.RawMessage
	for _, part := range p.parts {
		var items []json.RawMessage
		if err := json.Unmarshal(part, &items); err != nil {
			return nil, fmt.Errorf("remote: partial result is not a list")
		}
		all = append(all, items...)
	}
	return json.Marshal(all)
}

// Call runs a command and returns its result.
func (c *Conn) Call(ctx context.Context, command string, args any) (json.RawMessage, error) {
	id := fmt.Sprintf("c%d", c.seq.Add(1))
	var rawArgs json.RawMessage
	if args != nil {
		b, err := json.Marshal(args)
		if err != nil {
			return nil, err
		}
		rawArgs = b
	}
	msg, err := json.Marshal(struct {
		MessageID string          `json:"message_id"`
		Command   string          `json:"command"`
		Args      json.RawMessage `json:"args,omitempty"`
	}{id, command, rawArgs})
	if err != nil {
		return nil, err
	}
	idJSON, _ := json.Marshal(id)
	return c.await(ctx, string(idJSON), msg)
}

// Login runs auth/login and returns the token; it does not authenticate the connection.
func (c *Conn) Login(ctx context.Context, username, password string) (string, error) {
	res, err := c.Call(ctx, "auth/login", map[string]string{"username": username, "password": password, "device_name": "segue remote"})
	if err != nil {
		return "", err
	}
	var r struct {
		Success     bool   `json:"success"`
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		return "", err
	}
	if !r.Success || r.AccessToken == "" {
		if r.Error == "" {
			r.Error = "login failed"
		}
		return "", errors.New(r.Error)
	}
	return r.AccessToken, nil
}

// Auth authenticates the connection with a token.
func (c *Conn) Auth(ctx context.Context, token string) error {
	res, err := c.Call(ctx, "auth", map[string]string{"token": token})
	if err != nil {
		return err
	}
	var r struct {
		Authenticated bool `json:"authenticated"`
	}
	if err := json.Unmarshal(res, &r); err != nil || !r.Authenticated {
		return errors.New("remote: not authenticated")
	}
	return nil
}

// Raw switches the connection to tunnel mode: every message after ServerInfo is
// delivered on the returned channel, and Send writes messages verbatim.
func (c *Conn) Raw() <-chan []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw == nil {
		c.raw = make(chan []byte, 64)
	}
	return c.raw
}

// Send writes one raw API message (tunnel mode).
func (c *Conn) Send(msg []byte) error { return c.send(msg) }
