package signaling

import (
	"context"
	"time"
)

// Backoff is the gateway's reconnect schedule (MA: 10 s doubling to 300 s, reset after
// a successful registration). A replaced registration (4000) waits Max: somebody else
// holds the ID now, so retry slowly rather than fight over it, but never stop for good
// (security.md item 66: an attacker who knows the ID must not knock us off forever).
type Backoff struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the wait before the next attempt after err.
func (b *Backoff) Next(err error) time.Duration {
	if b.Min <= 0 {
		b.Min = 10 * time.Second
	}
	if b.Max < b.Min {
		b.Max = max(300*time.Second, b.Min)
	}
	if IsReplaced(err) {
		b.cur = b.Max
		return b.Max
	}
	if b.cur == 0 {
		b.cur = b.Min
	} else {
		b.cur = min(b.cur*2, b.Max)
	}
	return b.cur
}

// Reset starts the schedule over.
func (b *Backoff) Reset() { b.cur = 0 }

// KeepOptions configure KeepRegistered.
type KeepOptions struct {
	Dial       DialOptions
	Backoff    Backoff
	ICEServers func(ctx context.Context) []ICEServer  // fresh list per registration; nil = none
	OnDown     func(err error, wait time.Duration)    // each failure, before waiting (log; warn on IsReplaced)
	After      func(d time.Duration) <-chan time.Time // default time.After; tests may speed it up
}

// KeepRegistered keeps a gateway registered under remoteID until ctx ends: it
// registers, calls serve with the live Gateway (serve returns when g.Done() closes or
// ctx ends), and re-registers after the backoff when the socket is lost — including
// when the signaling server restarts. It returns ctx.Err().
func KeepRegistered(ctx context.Context, url, remoteID string, o KeepOptions, serve func(ctx context.Context, g *Gateway)) error {
	after := o.After
	if after == nil {
		after = time.After
	}
	b := o.Backoff
	for {
		var ice []ICEServer
		if o.ICEServers != nil {
			ice = o.ICEServers(ctx)
		}
		g, err := Register(ctx, url, remoteID, ice, o.Dial)
		if err == nil {
			b.Reset()
			serve(ctx, g)
			if ctx.Err() != nil {
				g.Close()
				return ctx.Err()
			}
			<-g.Done()
			err = g.Err()
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := b.Next(err)
		if o.OnDown != nil {
			o.OnDown(err, wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-after(wait):
		}
	}
}
