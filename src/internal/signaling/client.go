package signaling

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/clock"
	"segue/internal/wsx"
)

// DialOptions tune a client-side signaling connection. Zero values pick the defaults.
type DialOptions struct {
	Header          http.Header       // extra handshake headers
	Dialer          *websocket.Dialer // default: 10 s handshake, proxy from environment
	MaxMessageBytes int               // largest accepted frame; default 64 KiB
	KeepAlive       time.Duration     // protocol ping period; a ping unanswered for 1.5× ends the link; default 30 s
	WriteTimeout    time.Duration     // per frame when ctx has no deadline; default 10 s
	Buffer          int               // received messages queued for Recv; default 64
	Clock           clock.Clock       // times the keepalive; default clock.Real
}

// CloseError says how the server closed the socket. Code 4000 (CloseReplaced) means
// another connection registered the same remote ID.
type CloseError struct {
	Code int
	Text string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("signaling closed: %d %s", e.Code, e.Text)
}

// CloseCode extracts the close code from an error returned by Conn (0 if none).
func CloseCode(err error) int {
	var ce *CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

// IsReplaced reports a 4000 close: the registration was taken over elsewhere. MA's
// gateway stops for good here; ours should back off and warn (security.md item 66).
func IsReplaced(err error) bool { return CloseCode(err) == CloseReplaced }

// ServerError is an {"type":"error"} reply received while waiting for an answer.
type ServerError struct{ Text string }

func (e *ServerError) Error() string { return "signaling: " + e.Text }

// ErrServerNotFound matches (errors.Is) a ServerError for an unknown remote ID.
var ErrServerNotFound = errors.New("signaling: server not found")

func (e *ServerError) Is(target error) bool {
	return target == ErrServerNotFound && e.Text == ErrTextServerNotFound
}

// ErrClosed is returned by Send and Recv after Close.
var ErrClosed = errors.New("signaling: connection closed")

// Conn is one signaling WebSocket. Send is safe for concurrent use; Recv is meant for
// one consumer. JSON pongs are absorbed and JSON pings answered (Recv); protocol
// pings keep it alive.
type Conn struct {
	ws    *websocket.Conn
	opts  DialOptions
	in    chan Message
	wmu   sync.Mutex
	alive *wsx.Keepalive

	done  chan struct{}
	once  sync.Once
	errMu sync.Mutex
	err   error
}

// Dial opens a signaling WebSocket (url like ws://host:8787/ws).
func Dial(ctx context.Context, url string, opts DialOptions) (*Conn, error) {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.KeepAlive <= 0 {
		opts.KeepAlive = 30 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 64
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	d := opts.Dialer
	if d == nil {
		d = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 10 * time.Second}
	}
	ws, resp, err := d.DialContext(ctx, url, opts.Header)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("signaling: dial %s: %w (HTTP %d)", url, err, resp.StatusCode)
		}
		return nil, fmt.Errorf("signaling: dial %s: %w", url, err)
	}
	c := &Conn{ws: ws, opts: opts, in: make(chan Message, opts.Buffer), done: make(chan struct{})}
	ws.SetReadLimit(int64(opts.MaxMessageBytes))
	c.alive = wsx.StartKeepalive(opts.Clock, wsx.Timing{Every: opts.KeepAlive, Wait: opts.KeepAlive * 3 / 2},
		wsx.ProtocolPing(ws, opts.WriteTimeout), c.fail)
	c.alive.Listen(ws)
	go c.readLoop()
	return c, nil
}

// end records why the connection ended (the first reason wins) and closes Done.
func (c *Conn) end(err error) {
	c.once.Do(func() {
		c.alive.Stop()
		c.errMu.Lock()
		c.err = err
		c.errMu.Unlock()
		close(c.done)
	})
}

func (c *Conn) fail(err error) {
	c.end(err)
	c.ws.Close()
}

// Done is closed when the connection has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is nil while open, then a *CloseError when the server closed with a code,
// ErrClosed after Close, or the network error.
func (c *Conn) Err() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// Close sends a normal close frame and ends the connection.
func (c *Conn) Close() error {
	c.end(ErrClosed) // before the frame: the server's answering close must not win
	c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.ws.Close()
	return nil
}

func (c *Conn) readLoop() {
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				c.fail(&CloseError{Code: ce.Code, Text: ce.Text})
			} else {
				c.fail(err)
			}
			return
		}
		c.alive.Heard()
		m, err := DecodeMessage(b, c.opts.MaxMessageBytes)
		if err != nil || m.Type == TypePong {
			continue // a malformed frame from the server is not worth dying for
		}
		select {
		case c.in <- m:
		case <-c.done:
			return
		}
	}
}

// Send writes one message.
func (c *Conn) Send(ctx context.Context, m Message) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
	}
	b := m.Encode()
	if len(b) > c.opts.MaxMessageBytes {
		return fmt.Errorf("signaling: %s message of %d bytes over limit", m.Type, len(b))
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(c.opts.WriteTimeout)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		c.fail(err)
		return fmt.Errorf("signaling: send %s: %w", m.Type, err)
	}
	return nil
}

// Recv returns the next message. A JSON ping is answered with a pong here, in
// order: the pong leaves once the reader has taken (and, in a read-then-handle
// loop like the gateway's, handled) every message before the ping. After the
// connection ends it returns Err().
func (c *Conn) Recv(ctx context.Context) (Message, error) {
	for {
		m, err := c.next(ctx)
		if err != nil || m.Type != TypePing {
			return m, err
		}
		if err := c.Send(ctx, Message{Type: TypePong}); err != nil {
			return Message{}, err
		}
	}
}

func (c *Conn) next(ctx context.Context) (Message, error) {
	select {
	case m := <-c.in:
		return m, nil
	default:
	}
	select {
	case m := <-c.in:
		return m, nil
	case <-c.done:
		return Message{}, c.closedErr()
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

func (c *Conn) closedErr() error {
	if err := c.Err(); err != nil {
		return err
	}
	return ErrClosed
}

// await reads until a message of one of the wanted types arrives; an error message is
// returned as *ServerError. Other messages are dropped (nothing else is expected
// before the handshake answer).
func (c *Conn) await(ctx context.Context, types ...string) (Message, error) {
	for {
		m, err := c.Recv(ctx)
		if err != nil {
			return m, err
		}
		if m.Type == TypeError {
			return m, &ServerError{Text: m.Error}
		}
		for _, t := range types {
			if m.Type == t {
				return m, nil
			}
		}
	}
}
