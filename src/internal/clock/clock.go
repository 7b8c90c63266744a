// Package clock lets tests control time: code takes a Clock instead of calling
// the time package (time.Now, time.NewTimer, time.AfterFunc), and tests pass a
// clocktest.Fake that they advance instead of sleeping. A periodic loop re-arms
// one timer with Reset after each tick, so there is no separate ticker kind.
package clock

import "time"

// Clock tells the time and runs timers.
type Clock interface {
	Now() time.Time
	// NewTimer sends the time on the timer's C once d has passed.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f in its own goroutine once d has passed (C is nil).
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending send or call, with time.Timer's semantics (Go ≥ 1.23: after
// Stop or Reset returns, no stale value is received from C).
type Timer interface {
	// C is the channel the time is sent on; nil for an AfterFunc timer.
	C() <-chan time.Time
	// Stop reports whether it stopped the timer before it fired.
	Stop() bool
	// Reset re-arms the timer for d from now; it reports whether it was armed.
	Reset(d time.Duration) bool
}

// Real is the system clock.
type Real struct{}

func (Real) Now() time.Time { return time.Now() }

func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

func (Real) AfterFunc(d time.Duration, f func()) Timer { return realTimer{time.AfterFunc(d, f)} }

type realTimer struct{ *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.Timer.C }
