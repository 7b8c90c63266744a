package hass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"
)

// DefaultCoreWebsocketURL is HA Core's websocket as an add-on reaches it through the Supervisor.
const DefaultCoreWebsocketURL = "ws://supervisor/core/websocket"

// authPhaseTimeout mirrors HA's own 10 s limit for the auth message.
const authPhaseTimeout = 10 * time.Second

// DefaultCallTimeout bounds a call when the caller's context has no earlier deadline.
const DefaultCallTimeout = 10 * time.Second

// Caller runs one websocket command. Conn and Client implement it; the typed commands
// (FetchCloudStatus, ListUsers, …) take any Caller.
type Caller interface {
	// Call sends {"id":…, "type": cmdType, …params} and decodes the result into out
	// (when out is not nil). A success=false answer is a *CommandError.
	Call(ctx context.Context, cmdType string, params any, out any) error
}

// DialOptions configures one websocket connection.
type DialOptions struct {
	URL         string // ws:// or wss:// URL; DefaultCoreWebsocketURL when empty
	Token       string // SUPERVISOR_TOKEN through the Supervisor, or an HA access token directly
	Dialer      *websocket.Dialer
	Logger      logrus.FieldLogger
	CallTimeout time.Duration // default DefaultCallTimeout
}

// Conn is one authenticated websocket to HA Core. It is safe for concurrent use;
// ids strictly increase in the order messages are written, as HA requires.
type Conn struct {
	ws          *websocket.Conn
	log         logrus.FieldLogger
	haVersion   string
	callTimeout time.Duration

	writeMu sync.Mutex // orders id allocation and writes together
	lastID  int64

	mu      sync.Mutex
	pending map[int64]chan serverMessage
	subs    map[int64]func(json.RawMessage) // event handlers by subscription id
	err     error                           // why the connection ended; set once
	done    chan struct{}
}

// CoreWebsocketURL turns an HA base URL (http://homeassistant:8123) into its websocket
// URL (ws://homeassistant:8123/api/websocket), for calls made with a user's own token.
func CoreWebsocketURL(haBaseURL string) (string, error) {
	return websocketURL(haBaseURL, "/api/websocket", "home assistant URL")
}

// SupervisorCoreWebsocketURL turns the Supervisor base URL (http://supervisor) into its
// Core websocket proxy URL (ws://supervisor/core/websocket).
func SupervisorCoreWebsocketURL(supervisorURL string) (string, error) {
	return websocketURL(supervisorURL, "/core/websocket", "supervisor URL")
}

// websocketURL maps an http(s) base URL to the ws(s) URL of path below it; what
// names the setting in errors.
func websocketURL(base, path, what string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", what, base, err)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("%s %q: scheme must be http or https", what, base)
	}
	if u.Host == "" {
		return "", fmt.Errorf("%s %q has no host", what, base)
	}
	u.Path += path
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// Dial connects and runs the auth phase. A refused token gives an error matching ErrAuthInvalid.
func Dial(ctx context.Context, opts DialOptions) (*Conn, error) {
	target := opts.URL
	if target == "" {
		target = DefaultCoreWebsocketURL
	}
	if opts.Token == "" {
		return nil, errors.New("home assistant websocket: empty access token")
	}
	log := opts.Logger
	if log == nil {
		log = logrus.StandardLogger()
	}
	dialer := opts.Dialer
	if dialer == nil {
		// No proxy from the environment: the Supervisor and HA are on the local network.
		dialer = &websocket.Dialer{HandshakeTimeout: authPhaseTimeout}
	}
	authCtx, cancel := context.WithTimeout(ctx, authPhaseTimeout)
	defer cancel()
	ws, resp, err := dialer.DialContext(authCtx, target, nil)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("home assistant websocket %s: handshake HTTP %d: %w", redactURL(target), resp.StatusCode, err)
		}
		return nil, fmt.Errorf("home assistant websocket %s: %w", redactURL(target), err)
	}
	ws.SetReadLimit(MaxFrameBytes)
	version, err := authenticate(authCtx, ws, opts.Token)
	if err != nil {
		ws.Close()
		return nil, err
	}
	c := &Conn{
		ws:          ws,
		log:         log,
		haVersion:   version,
		callTimeout: opts.CallTimeout,
		pending:     map[int64]chan serverMessage{},
		subs:        map[int64]func(json.RawMessage){},
		done:        make(chan struct{}),
	}
	if c.callTimeout <= 0 {
		c.callTimeout = DefaultCallTimeout
	}
	go c.readLoop()
	return c, nil
}

// authenticate runs auth_required → auth → auth_ok | auth_invalid.
func authenticate(ctx context.Context, ws *websocket.Conn, token string) (string, error) {
	deadline, _ := ctx.Deadline()
	ws.SetReadDeadline(deadline)
	ws.SetWriteDeadline(deadline)
	defer ws.SetReadDeadline(time.Time{})
	defer ws.SetWriteDeadline(time.Time{})

	first, err := readOne(ws)
	if err != nil {
		return "", fmt.Errorf("home assistant websocket auth phase: %w", err)
	}
	if first.Type != typeAuthRequired {
		return "", fmt.Errorf("home assistant websocket auth phase: expected auth_required, got %q", first.Type)
	}
	auth, _ := json.Marshal(map[string]string{"type": "auth", "access_token": token})
	if err := ws.WriteMessage(websocket.TextMessage, auth); err != nil {
		return "", fmt.Errorf("home assistant websocket auth phase: send auth: %w", err)
	}
	answer, err := readOne(ws)
	if err != nil {
		return "", fmt.Errorf("home assistant websocket auth phase: %w", err)
	}
	switch answer.Type {
	case typeAuthOK:
		return answer.HAVersion, nil
	case typeAuthInvalid:
		return "", &AuthError{Message: answer.Message}
	default:
		return "", fmt.Errorf("home assistant websocket auth phase: expected auth_ok or auth_invalid, got %q", answer.Type)
	}
}

func readOne(ws *websocket.Conn) (serverMessage, error) {
	_, data, err := ws.ReadMessage()
	if err != nil {
		return serverMessage{}, err
	}
	msgs, err := decodeFrame(data)
	if err != nil {
		return serverMessage{}, err
	}
	if len(msgs) != 1 {
		return serverMessage{}, fmt.Errorf("expected one message in the auth phase, got %d", len(msgs))
	}
	return msgs[0], nil
}

// HAVersion is the ha_version of auth_ok.
func (c *Conn) HAVersion() string { return c.haVersion }

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err tells why the connection ended (nil while it is open).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection; calls in flight fail with ErrConnectionLost.
func (c *Conn) Close() error {
	c.fail(errors.New("closed by the client"))
	return nil
}

// Call implements Caller.
func (c *Conn) Call(ctx context.Context, cmdType string, params any, out any) error {
	reply, err := c.roundTrip(ctx, cmdType, params)
	if err != nil {
		return err
	}
	if reply.Type != typeResult {
		return fmt.Errorf("home assistant command %q: unexpected %q answer", cmdType, reply.Type)
	}
	if !*reply.Success {
		ce := *reply.Error
		ce.Command = cmdType
		return &ce
	}
	if out == nil || len(reply.Result) == 0 {
		return nil
	}
	if err := json.Unmarshal(reply.Result, out); err != nil {
		return fmt.Errorf("home assistant command %q: decode result: %w", cmdType, err)
	}
	return nil
}

// Ping sends HA's heartbeat and waits for the pong.
func (c *Conn) Ping(ctx context.Context) error {
	reply, err := c.roundTrip(ctx, "ping", nil)
	if err != nil {
		return err
	}
	if reply.Type != typePong {
		return fmt.Errorf("home assistant ping: unexpected %q answer", reply.Type)
	}
	return nil
}

// Subscribe sends a subscription command (subscribe_events, subscribe_entities …) and
// hands the "event" payload of every event HA sends for it to onEvent, in order, on
// the connection's reader. onEvent must not block or call HA. The subscription ends
// with the connection; HA keeps no subscriptions across reconnects.
func (c *Conn) Subscribe(ctx context.Context, cmdType string, params any, onEvent func(json.RawMessage)) error {
	reply, err := c.exchange(ctx, cmdType, params, onEvent)
	if err != nil {
		return err
	}
	if !*reply.Success {
		c.mu.Lock()
		delete(c.subs, reply.ID)
		c.mu.Unlock()
		ce := *reply.Error
		ce.Command = cmdType
		return &ce
	}
	return nil
}

func (c *Conn) roundTrip(ctx context.Context, cmdType string, params any) (serverMessage, error) {
	return c.exchange(ctx, cmdType, params, nil)
}

// exchange sends one command and waits for its answer; a non-nil onEvent is registered
// for the command's events before the command is written, so none is missed.
func (c *Conn) exchange(ctx context.Context, cmdType string, params any, onEvent func(json.RawMessage)) (serverMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.callTimeout)
	defer cancel()
	reply := make(chan serverMessage, 1)
	id, err := c.send(ctx, cmdType, params, reply, onEvent)
	if err != nil {
		return serverMessage{}, err
	}
	select {
	case m := <-reply:
		return m, nil
	case <-c.done:
		c.forget(id)
		return serverMessage{}, fmt.Errorf("home assistant command %q: %w", cmdType, errors.Join(ErrConnectionLost, c.Err()))
	case <-ctx.Done():
		c.forget(id)
		return serverMessage{}, fmt.Errorf("home assistant command %q: no answer: %w", cmdType, ctx.Err())
	}
}

// send allocates the next id and writes the command while holding writeMu, so ids reach
// HA in increasing order even with many concurrent callers.
func (c *Conn) send(ctx context.Context, cmdType string, params any, reply chan serverMessage, onEvent func(json.RawMessage)) (int64, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	id := c.lastID + 1
	frame, err := encodeCommand(id, cmdType, params)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return 0, fmt.Errorf("home assistant command %q: %w", cmdType, errors.Join(ErrConnectionLost, err))
	}
	c.pending[id] = reply
	if onEvent != nil {
		c.subs[id] = onEvent
	}
	c.mu.Unlock()
	c.lastID = id
	deadline, _ := ctx.Deadline()
	c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		c.fail(fmt.Errorf("write: %w", err))
		return 0, fmt.Errorf("home assistant command %q: %w", cmdType, errors.Join(ErrConnectionLost, err))
	}
	return id, nil
}

func (c *Conn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	delete(c.subs, id)
	c.mu.Unlock()
}

func (c *Conn) readLoop() {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.fail(fmt.Errorf("read: %w", err))
			return
		}
		msgs, err := decodeFrame(data)
		if err != nil {
			// A peer that breaks the protocol is not trusted for later frames either.
			c.log.WithError(err).Warn("home assistant websocket: malformed frame, closing")
			c.fail(fmt.Errorf("malformed frame: %w", err))
			return
		}
		for _, m := range msgs {
			c.deliver(m)
		}
	}
}

func (c *Conn) deliver(m serverMessage) {
	if m.Type == typeEvent {
		c.mu.Lock()
		onEvent := c.subs[m.ID]
		c.mu.Unlock()
		if onEvent != nil {
			onEvent(m.Event)
		}
		return
	}
	if m.Type != typeResult && m.Type != typePong {
		return
	}
	c.mu.Lock()
	ch, ok := c.pending[m.ID]
	delete(c.pending, m.ID)
	c.mu.Unlock()
	if ok {
		ch <- m // buffered 1, one answer per id
	}
}

// fail ends the connection once, recording why.
func (c *Conn) fail(reason error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = reason
	c.pending = map[int64]chan serverMessage{}
	c.subs = map[int64]func(json.RawMessage){}
	c.mu.Unlock()
	c.ws.Close()
	close(c.done)
}

// redactURL drops user info and query from a URL before it is logged or put in errors.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
