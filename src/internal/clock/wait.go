package clock

import (
	"context"
	"time"
)

// Sleep waits d on c, or until ctx ends (it then returns ctx.Err()).
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Every calls f each time d has passed on c, counted from the end of the
// previous call (so a slow call is not followed by another at once), until ctx
// ends.
func Every(ctx context.Context, c Clock, d time.Duration, f func(ctx context.Context)) {
	t := c.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			f(ctx)
			t.Reset(d)
		}
	}
}
