// Package redisx is a minimal RESP2 client: the few commands the signaling cluster needs
// (GET, SET with EX/PX/NX/GET, DEL, EXPIRE, PUBLISH, EVAL, SUBSCRIBE), with bounded reads,
// context deadlines and cancellation, a small connection pool and reconnects.
package redisx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Options configure a Client. Zero values pick the defaults noted.
type Options struct {
	Addr        string
	Username    string
	Password    string
	DB          int
	PoolSize    int           // idle and open connections; default 8
	DialTimeout time.Duration // default 5 s
	OpTimeout   time.Duration // used when the context has no deadline; default 5 s
	Limits      Limits        // reply size bounds; default 1 MiB bulk, 4096 elements
}

func (o Options) withDefaults() Options {
	if o.PoolSize <= 0 {
		o.PoolSize = 8
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 5 * time.Second
	}
	if o.OpTimeout <= 0 {
		o.OpTimeout = 5 * time.Second
	}
	if o.Limits == (Limits{}) {
		o.Limits = defaultLimits
	}
	return o
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("redis: client closed")

// Client is safe for concurrent use. Connections are dialled lazily, so a Redis that is
// down at start only fails the calls made while it is down.
type Client struct {
	opts  Options
	slots chan struct{} // one token per open connection: bounds the pool
	idle  chan *conn

	mu     sync.Mutex
	closed bool
}

type conn struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
}

// New makes a client; it does not dial.
func New(opts Options) *Client {
	opts = opts.withDefaults()
	return &Client{
		opts:  opts,
		slots: make(chan struct{}, opts.PoolSize),
		idle:  make(chan *conn, opts.PoolSize),
	}
}

// Close closes idle connections; busy ones close when returned.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	for {
		select {
		case cn := <-c.idle:
			cn.nc.Close()
			<-c.slots
		default:
			return nil
		}
	}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// dial opens and prepares one connection (AUTH, SELECT).
func (c *Client) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: c.opts.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", c.opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("redis: dial %s: %w", c.opts.Addr, err)
	}
	cn := &conn{nc: nc, r: bufio.NewReaderSize(nc, 16<<10), w: bufio.NewWriterSize(nc, 16<<10)}
	var setup [][]string
	if c.opts.Password != "" {
		if c.opts.Username != "" {
			setup = append(setup, []string{"AUTH", c.opts.Username, c.opts.Password})
		} else {
			setup = append(setup, []string{"AUTH", c.opts.Password})
		}
	}
	if c.opts.DB != 0 {
		setup = append(setup, []string{"SELECT", strconv.Itoa(c.opts.DB)})
	}
	for _, args := range setup {
		v, err := c.roundTrip(ctx, cn, args)
		if err == nil {
			err = v.asError()
		}
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("redis: %s: %w", args[0], err)
		}
	}
	return cn, nil
}

// roundTrip writes one command and reads its reply under the context's deadline;
// cancelling the context interrupts blocked I/O by moving the deadline to the past.
func (c *Client) roundTrip(ctx context.Context, cn *conn, args []string) (Value, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(c.opts.OpTimeout)
	}
	cn.nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := writeCommand(cn.w, args); err != nil {
		return Value{}, ctxErr(ctx, err)
	}
	v, err := readValue(cn.r, c.opts.Limits, 0)
	if err != nil {
		return Value{}, ctxErr(ctx, err)
	}
	return v, nil
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("redis: %w (%v)", ctx.Err(), err)
	}
	return fmt.Errorf("redis: %w", err)
}

// get returns a pooled connection (reused=true) or a new one.
func (c *Client) get(ctx context.Context) (cn *conn, reused bool, err error) {
	if c.isClosed() {
		return nil, false, ErrClosed
	}
	select {
	case cn := <-c.idle:
		return cn, true, nil
	default:
	}
	select {
	case cn := <-c.idle:
		return cn, true, nil
	case c.slots <- struct{}{}:
		cn, err := c.dial(ctx)
		if err != nil {
			<-c.slots
			return nil, false, err
		}
		return cn, false, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// stale reports the errors of a pooled connection the server closed while it sat
// idle (a Redis restart, an idle timeout): the command never ran, so one retry on a
// fresh connection is safe.
func stale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (c *Client) put(cn *conn, healthy bool) {
	if healthy && !c.isClosed() {
		select {
		case c.idle <- cn:
			return
		default:
		}
	}
	cn.nc.Close()
	<-c.slots
}

// Do sends one command. A Redis error reply is returned as Error (connection kept);
// I/O and protocol errors drop the connection so the next call reconnects, and a pooled
// connection found dead is replaced once transparently.
func (c *Client) Do(ctx context.Context, args ...string) (Value, error) {
	for attempt := 0; ; attempt++ {
		cn, reused, err := c.get(ctx)
		if err != nil {
			return Value{}, err
		}
		v, err := c.roundTrip(ctx, cn, args)
		c.put(cn, err == nil)
		if err != nil {
			if reused && attempt == 0 && stale(err) && ctx.Err() == nil {
				continue
			}
			return Value{}, err
		}
		if e := v.asError(); e != nil {
			return Value{}, e
		}
		return v, nil
	}
}

// Ping checks the server answers.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.Do(ctx, "PING")
	return err
}

// Get returns the value of key and whether it exists.
func (c *Client) Get(ctx context.Context, key string) (string, bool, error) {
	v, err := c.Do(ctx, "GET", key)
	if err != nil || v.Null {
		return "", false, err
	}
	return v.Str, true, nil
}

// SetOptions select SET's optional arguments.
type SetOptions struct {
	TTL time.Duration // EX/PX when > 0 (PX when not a whole number of seconds)
	NX  bool          // only set if absent
	XX  bool          // only set if present
}

func (o SetOptions) args() []string {
	var a []string
	if o.TTL > 0 {
		if o.TTL%time.Second == 0 {
			a = append(a, "EX", strconv.FormatInt(int64(o.TTL/time.Second), 10))
		} else {
			a = append(a, "PX", strconv.FormatInt(max(1, o.TTL.Milliseconds()), 10))
		}
	}
	if o.NX {
		a = append(a, "NX")
	}
	if o.XX {
		a = append(a, "XX")
	}
	return a
}

// Set stores val; it reports false when NX/XX prevented the write.
func (c *Client) Set(ctx context.Context, key, val string, o SetOptions) (bool, error) {
	v, err := c.Do(ctx, append([]string{"SET", key, val}, o.args()...)...)
	if err != nil {
		return false, err
	}
	return !v.Null, nil
}

// SetGet stores val and returns the previous value (SET ... GET, Redis ≥ 6.2) in one
// atomic step, so two writers always learn which of them replaced the other.
func (c *Client) SetGet(ctx context.Context, key, val string, o SetOptions) (string, bool, error) {
	v, err := c.Do(ctx, append(append([]string{"SET", key, val}, o.args()...), "GET")...)
	if err != nil || v.Null {
		return "", false, err
	}
	return v.Str, true, nil
}

// Del removes keys and returns how many existed.
func (c *Client) Del(ctx context.Context, keys ...string) (int64, error) {
	v, err := c.Do(ctx, append([]string{"DEL"}, keys...)...)
	return v.Int, err
}

// Expire sets a TTL (whole seconds, at least 1); false when the key does not exist.
func (c *Client) Expire(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	v, err := c.Do(ctx, "EXPIRE", key, strconv.FormatInt(max(1, int64(ttl/time.Second)), 10))
	return v.Int == 1, err
}

// Publish sends msg on channel and returns the number of receivers.
func (c *Client) Publish(ctx context.Context, channel, msg string) (int64, error) {
	v, err := c.Do(ctx, "PUBLISH", channel, msg)
	return v.Int, err
}

// Eval runs a Lua script atomically on the server.
func (c *Client) Eval(ctx context.Context, script string, keys []string, args ...string) (Value, error) {
	a := append([]string{"EVAL", script, strconv.Itoa(len(keys))}, keys...)
	return c.Do(ctx, append(a, args...)...)
}
