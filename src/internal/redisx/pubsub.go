package redisx

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Message is one published message received by a Subscription.
type Message struct {
	Channel string
	Payload string
}

// SubscribeOptions tune a Subscription. Zero values pick the defaults noted.
type SubscribeOptions struct {
	Buffer       int             // messages queued for the consumer; default 1024
	HealthEvery  time.Duration   // PING on the subscribed connection; default 15 s
	MinBackoff   time.Duration   // first reconnect wait; default 100 ms
	MaxBackoff   time.Duration   // longest reconnect wait; default 5 s
	OnSubscribed func()          // called after every (re)subscribe, e.g. to resync state
	OnError      func(err error) // called when the connection fails (then it reconnects)
}

// Subscription holds a dedicated connection in SUBSCRIBE mode and keeps it subscribed
// across reconnects until its context ends. Messages published while it is
// reconnecting are lost: Redis pub/sub is at-most-once.
type Subscription struct {
	c        *Client
	channels []string
	opts     SubscribeOptions
	msgs     chan Message
	ready    chan struct{}
	readyOne sync.Once
	done     chan struct{}
}

// Subscribe starts a subscription to channels that lives until ctx ends.
func (c *Client) Subscribe(ctx context.Context, opts SubscribeOptions, channels ...string) *Subscription {
	if opts.Buffer <= 0 {
		opts.Buffer = 1024
	}
	if opts.HealthEvery <= 0 {
		opts.HealthEvery = 15 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Second
	}
	s := &Subscription{
		c: c, channels: channels, opts: opts,
		msgs:  make(chan Message, opts.Buffer),
		ready: make(chan struct{}),
		done:  make(chan struct{}),
	}
	go s.loop(ctx)
	return s
}

// Messages delivers received messages; it is closed when the subscription ends.
func (s *Subscription) Messages() <-chan Message { return s.msgs }

// Done is closed when the subscription has ended.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Ready waits until the first SUBSCRIBE has been confirmed.
func (s *Subscription) Ready(ctx context.Context) error {
	select {
	case <-s.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Subscription) loop(ctx context.Context) {
	defer close(s.done)
	defer close(s.msgs)
	backoff := s.opts.MinBackoff
	for ctx.Err() == nil {
		subscribed, err := s.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if s.opts.OnError != nil && err != nil {
			s.opts.OnError(err)
		}
		if subscribed {
			backoff = s.opts.MinBackoff
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, s.opts.MaxBackoff)
	}
}

// session runs one connection: subscribe, then read pushes until an error. It reports
// whether the subscribe succeeded, so the caller can reset its backoff.
func (s *Subscription) session(ctx context.Context) (bool, error) {
	cn, err := s.c.dial(ctx)
	if err != nil {
		return false, err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer cn.nc.Close()
	context.AfterFunc(sctx, func() { cn.nc.Close() })

	var wmu sync.Mutex // the pinger and the subscribe call share the writer
	write := func(args ...string) error {
		wmu.Lock()
		defer wmu.Unlock()
		cn.nc.SetWriteDeadline(time.Now().Add(s.c.opts.OpTimeout))
		return writeCommand(cn.w, args)
	}
	if err := write(append([]string{"SUBSCRIBE"}, s.channels...)...); err != nil {
		return false, fmt.Errorf("redis: subscribe: %w", err)
	}
	// A missed PING answer within two periods means the link is dead.
	readWait := 2*s.opts.HealthEvery + s.c.opts.OpTimeout
	confirmed := 0
	subscribed := false
	go func() {
		t := time.NewTicker(s.opts.HealthEvery)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
				if write("PING") != nil {
					cancel()
					return
				}
			}
		}
	}()
	for {
		cn.nc.SetReadDeadline(time.Now().Add(readWait))
		v, err := readValue(cn.r, s.c.opts.Limits, 0)
		if err != nil {
			return subscribed, fmt.Errorf("redis: subscription read: %w", err)
		}
		if e := v.asError(); e != nil {
			return subscribed, e
		}
		if v.Kind != '*' || len(v.Array) < 2 {
			return subscribed, fmt.Errorf("%w: unexpected push", ErrProtocol)
		}
		switch v.Array[0].Str {
		case "subscribe":
			confirmed++
			if confirmed == len(s.channels) {
				subscribed = true
				s.readyOne.Do(func() { close(s.ready) })
				if s.opts.OnSubscribed != nil {
					s.opts.OnSubscribed()
				}
			}
		case "message":
			if len(v.Array) != 3 {
				return subscribed, fmt.Errorf("%w: bad message push", ErrProtocol)
			}
			select {
			case s.msgs <- Message{Channel: v.Array[1].Str, Payload: v.Array[2].Str}:
			case <-sctx.Done():
				return subscribed, sctx.Err()
			}
		case "pong":
		default:
			return subscribed, fmt.Errorf("%w: unexpected push %q", ErrProtocol, v.Array[0].Str)
		}
	}
}
