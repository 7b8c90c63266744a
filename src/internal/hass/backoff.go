package hass

import (
	"context"
	"time"
)

// SleepContext waits d or until ctx ends; it is the default of every injected sleep.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
