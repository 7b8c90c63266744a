package hass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"

	"segue/internal/backoff"
	"segue/internal/clock"
	"segue/internal/wsx"
)

// ClientOptions configures a reconnecting Client.
type ClientOptions struct {
	URL         string // default DefaultCoreWebsocketURL
	Token       string // SUPERVISOR_TOKEN (or an HA long-lived token outside the add-on)
	Dialer      *websocket.Dialer
	Logger      logrus.FieldLogger
	CallTimeout time.Duration // per call, default DefaultCallTimeout

	MinBackoff time.Duration // default 1 s
	MaxBackoff time.Duration // default 1 min
	// PingInterval is the heartbeat period; 0 means 30 s, negative disables it.
	PingInterval time.Duration
	Clock        clock.Clock // times the heartbeat and the reconnect waits; default clock.Real
}

// Client keeps one authenticated websocket to HA Core open, reconnecting with backoff.
// Calls made while it is disconnected wait for the next connection (within their
// timeout). It is safe for concurrent use.
type Client struct {
	opts ClientOptions
	log  logrus.FieldLogger

	mu      sync.Mutex
	conn    *Conn
	ready   chan struct{} // closed while conn is set
	lastErr error
	gen     uint64

	connections fanout[uint64]
}

// NewClient checks the options; Run starts connecting.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.Token == "" {
		return nil, errors.New("home assistant client: empty token (is SUPERVISOR_TOKEN set?)")
	}
	if opts.URL == "" {
		opts.URL = DefaultCoreWebsocketURL
	}
	if opts.Logger == nil {
		opts.Logger = logrus.StandardLogger()
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(time.Minute, opts.MinBackoff)
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = 30 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	return &Client{
		opts:  opts,
		log:   opts.Logger.WithField("component", "hass"),
		ready: make(chan struct{}),
	}, nil
}

// Run connects, keeps the connection alive and reconnects until ctx ends.
func (c *Client) Run(ctx context.Context) error {
	retry := backoff.Backoff{Min: c.opts.MinBackoff, Max: c.opts.MaxBackoff}
	target := redactURL(c.opts.URL)
	for {
		conn, err := Dial(ctx, DialOptions{
			URL: c.opts.URL, Token: c.opts.Token, Dialer: c.opts.Dialer,
			Logger: c.log, CallTimeout: c.opts.CallTimeout,
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.setLastErr(err)
			wait := retry.Next()
			c.log.WithError(err).WithFields(logrus.Fields{"url": target, "retry_in": wait}).
				Warn("home assistant websocket: cannot connect")
			if err := clock.Sleep(ctx, c.opts.Clock, wait); err != nil {
				return err
			}
			continue
		}
		retry.Reset()
		gen := c.attach(conn)
		c.log.WithFields(logrus.Fields{"url": target, "ha_version": conn.HAVersion(), "connection": gen}).
			Info("home assistant websocket: connected")
		c.connections.publish(gen)

		c.keepAlive(ctx, conn)
		c.detach(conn)
		if ctx.Err() != nil {
			conn.Close()
			return ctx.Err()
		}
		wait := retry.Next()
		c.log.WithError(conn.Err()).WithField("retry_in", wait).Warn("home assistant websocket: connection lost")
		if err := clock.Sleep(ctx, c.opts.Clock, wait); err != nil {
			return err
		}
	}
}

// keepAlive pings until the connection ends or ctx does; a failed ping (HA's ping is a
// round trip, bounded by the call timeout) closes it so Run reconnects instead of
// waiting on a dead TCP connection.
func (c *Client) keepAlive(ctx context.Context, conn *Conn) {
	if c.opts.PingInterval > 0 {
		alive := wsx.StartKeepalive(c.opts.Clock, wsx.Timing{Every: c.opts.PingInterval},
			func() error { return conn.Ping(ctx) },
			func(err error) {
				if ctx.Err() == nil {
					c.log.WithError(err).Warn("home assistant websocket: heartbeat failed, reconnecting")
				}
				conn.Close()
			})
		defer alive.Stop()
	}
	select {
	case <-conn.Done():
	case <-ctx.Done():
	}
}

func (c *Client) attach(conn *Conn) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conn = conn
	c.lastErr = nil
	c.gen++
	close(c.ready)
	return c.gen
}

func (c *Client) detach(conn *Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == conn {
		c.conn = nil
		c.lastErr = conn.Err()
		c.ready = make(chan struct{})
	}
}

func (c *Client) setLastErr(err error) {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
}

// Connections returns a channel that receives the connection number (1, 2, …) after every
// successful (re)connect, newest only; watchers use it to re-check state after a gap.
func (c *Client) Connections() (<-chan uint64, func()) { return c.connections.subscribe() }

// HAVersion is the Core version of the current connection ("" while disconnected).
func (c *Client) HAVersion() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return ""
	}
	return c.conn.HAVersion()
}

// Call implements Caller on the current connection, waiting for one if needed.
func (c *Client) Call(ctx context.Context, cmdType string, params any, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	conn, err := c.current(ctx)
	if err != nil {
		return fmt.Errorf("home assistant command %q: %w", cmdType, err)
	}
	return conn.Call(ctx, cmdType, params, out)
}

// Subscribe runs Conn.Subscribe on the current connection (waiting for one within the
// call timeout) and returns that connection's Done channel: when it closes, the
// subscription is gone and the caller subscribes again (and re-reads what it missed).
func (c *Client) Subscribe(ctx context.Context, cmdType string, params any, onEvent func(json.RawMessage)) (<-chan struct{}, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	conn, err := c.current(callCtx)
	if err != nil {
		return nil, fmt.Errorf("home assistant subscription %q: %w", cmdType, err)
	}
	if err := conn.Subscribe(callCtx, cmdType, params, onEvent); err != nil {
		return nil, err
	}
	return conn.Done(), nil
}

// Ping runs a heartbeat on the current connection.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	conn, err := c.current(ctx)
	if err != nil {
		return err
	}
	return conn.Ping(ctx)
}

func (c *Client) current(ctx context.Context) (*Conn, error) {
	for {
		c.mu.Lock()
		conn, ready := c.conn, c.ready
		c.mu.Unlock()
		if conn != nil {
			return conn, nil
		}
		select {
		case <-ready:
		case <-ctx.Done():
			c.mu.Lock()
			lastErr := c.lastErr
			c.mu.Unlock()
			if lastErr != nil {
				return nil, fmt.Errorf("not connected to home assistant (last error: %w): %w", lastErr, ctx.Err())
			}
			return nil, fmt.Errorf("not connected to home assistant: %w", ctx.Err())
		}
	}
}
