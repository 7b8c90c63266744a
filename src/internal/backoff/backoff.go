// Package backoff is the one reconnect schedule every client in Segue uses (the
// HA websocket, the remote-access gateway, the remote client): waits grow by a
// factor from Min to Max, optionally spread by jitter so many servers do not
// retry in step, and start over after a success.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff is a schedule. The zero Factor means doubling; the zero Jitter means
// exact waits. It is not safe for concurrent use (each retry loop owns one).
type Backoff struct {
	Min, Max time.Duration
	// Factor multiplies the step after each wait (default 2).
	Factor float64
	// Jitter draws each wait from [(1−Jitter)·step, step] (0 to 1).
	Jitter float64
	// Rand returns a number in [0, n) (tests fix it); default math/rand/v2. The
	// jitter only spreads load: it guards nothing, so it needs no crypto.
	Rand func(n int64) int64

	step time.Duration
}

// Next returns the wait before the next attempt and moves the schedule on.
func (b *Backoff) Next() time.Duration {
	if b.step == 0 {
		b.step = b.Min
	}
	d := min(b.step, b.Max)
	factor := b.Factor
	if factor <= 1 {
		factor = 2
	}
	b.step = min(time.Duration(float64(b.step)*factor), b.Max)
	if b.Jitter > 0 {
		spread := int64(float64(d) * min(b.Jitter, 1))
		if spread > 0 {
			draw := rand.Int64N
			if b.Rand != nil {
				draw = b.Rand
			}
			d -= time.Duration(draw(spread + 1))
		}
	}
	return d
}

// Reset starts the schedule over (after a success).
func (b *Backoff) Reset() { b.step = 0 }
