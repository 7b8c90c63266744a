// Package clock lets tests control time: code takes a Clock instead of calling
// the time package, and tests pass clocktest.Fake.
package clock

import "time"

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the system clock.
type Real struct{}

func (Real) Now() time.Time { return time.Now() }
