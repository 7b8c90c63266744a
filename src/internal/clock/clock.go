// Package clock lets tests control time: code takes a Clock instead of calling
// the time package (time.Now, time.AfterFunc), and tests pass a clocktest.Fake
// that they advance instead of sleeping. A timer kind joins the interface with its
// first caller (NewTimer, tickers), so every method has one.
package clock

import "time"

// Clock tells the time and runs timers.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending call; Stop reports whether it stopped the timer before it fired.
type Timer interface {
	Stop() bool
}

// Real is the system clock.
type Real struct{}

func (Real) Now() time.Time { return time.Now() }

func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
