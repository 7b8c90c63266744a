package client

import (
	"context"
	"errors"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/backoff"
	"segue/internal/clock"
	"segue/internal/remote/peer"
)

// Retry is the client's reconnect schedule; the zero value is the MA frontend's: 1 s
// growing ×1.5 up to 30 s, each wait drawn from 50–100 % of the step so many clients
// do not retry in step, until ctx ends.
type Retry struct {
	Attempts int // 0 means until ctx ends
	Initial  time.Duration
	Max      time.Duration
	Clock    clock.Clock // times the waits; default clock.Real
}

// permanent errors are not retried: a wrong ID or an impostor will not get better.
func permanent(err error) bool {
	return errors.Is(err, peer.ErrFingerprintMismatch) || errors.Is(err, peer.ErrBadRemoteID)
}

// DialRetry dials until it succeeds, the error is permanent, attempts run out or ctx ends.
func DialRetry(ctx context.Context, cfg Config, r Retry) (*Conn, error) {
	if r.Initial <= 0 {
		r.Initial = time.Second
	}
	if r.Max <= 0 {
		r.Max = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = logrus.StandardLogger()
	}
	if r.Clock == nil {
		r.Clock = clock.Real{}
	}
	wait := backoff.Backoff{Min: r.Initial, Max: r.Max, Factor: 1.5, Jitter: 0.5}
	for attempt := 1; ; attempt++ {
		c, err := Dial(ctx, cfg)
		if err == nil {
			return c, nil
		}
		if permanent(err) || (r.Attempts > 0 && attempt >= r.Attempts) || ctx.Err() != nil {
			return nil, err
		}
		cfg.Log.WithError(err).WithField("attempt", attempt).Info("remote: pairing failed; retrying")
		if err := clock.Sleep(ctx, r.Clock, wait.Next()); err != nil {
			return nil, err
		}
	}
}
