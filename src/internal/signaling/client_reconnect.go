package signaling

import (
	"context"
	"time"

	"segue/internal/backoff"
	"segue/internal/clock"
)

// nextWait is the wait before re-registering after err: the schedule's next
// step, or its maximum when another connection took the registration over (4000):
// somebody else holds the ID now, so retry slowly rather than fight over it, but
// never stop for good (security.md item 66: an attacker who knows the ID must not
// knock us off forever; MA's gateway stops here).
func nextWait(b *backoff.Backoff, err error) time.Duration {
	d := b.Next()
	if IsReplaced(err) {
		return b.Max
	}
	return d
}

// DefaultBackoff is MA's gateway schedule (10 s doubling to 300 s, reset after a
// registration), each wait spread over its last 10 % so many servers do not
// return to a restarted signaling server in step.
func DefaultBackoff() backoff.Backoff {
	return backoff.Backoff{Min: 10 * time.Second, Max: 300 * time.Second, Jitter: 0.1}
}

// KeepOptions configure KeepRegistered.
type KeepOptions struct {
	Dial       DialOptions
	Backoff    backoff.Backoff                       // zero: DefaultBackoff
	ICEServers func(ctx context.Context) []ICEServer // fresh list per registration; nil = none
	OnDown     func(err error, wait time.Duration)   // each failure, before waiting (log; warn on IsReplaced)
	Clock      clock.Clock                           // times the waits; default clock.Real
}

// KeepRegistered keeps a gateway registered under remoteID until ctx ends: it
// registers, calls serve with the live Gateway (serve returns when g.Done() closes or
// ctx ends), and re-registers after the backoff when the socket is lost — including
// when the signaling server restarts. It returns ctx.Err().
func KeepRegistered(ctx context.Context, url, remoteID string, o KeepOptions, serve func(ctx context.Context, g *Gateway)) error {
	clk := o.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	b := o.Backoff
	if b.Min <= 0 {
		b = DefaultBackoff()
	}
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
		wait := nextWait(&b, err)
		if o.OnDown != nil {
			o.OnDown(err, wait)
		}
		if err := clock.Sleep(ctx, clk, wait); err != nil {
			return err
		}
	}
}
