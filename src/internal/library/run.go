package library

import (
	"context"
	"time"

	"segue/internal/clock"
)

// watchDebounce waits for a burst of file-system changes to settle before the
// quick scan that follows them.
const watchDebounce = 2 * time.Second

// Run scans in the background until ctx ends: a full scan at once, then on
// StartScan, every ScanInterval, and shortly after watched changes.
func (l *Library) Run(ctx context.Context) error {
	if l.watch {
		w, err := newWatcher(l.log, l.clock)
		if err == nil {
			l.watcher.Store(w)
			defer func() { l.watcher.Store(nil); w.close() }()
		} else if l.log != nil {
			l.log.WithError(err).Warn("library: file-system watching is not available; rescans run on request and at the interval")
		}
	}
	var interval clock.Timer
	var tick <-chan time.Time
	if l.scanInterval > 0 {
		interval = l.clock.NewTimer(l.scanInterval)
		defer interval.Stop()
		tick = interval.C()
	}
	l.Scan(ctx, true)
	for {
		var changed <-chan struct{}
		if w := l.watcher.Load(); w != nil {
			changed = w.settled
		}
		select {
		case <-ctx.Done():
			return nil
		case <-l.trigger:
			l.Scan(ctx, true)
		case <-tick:
			l.Scan(ctx, true)
			// The next interval counts from the end of this scan, so a scan
			// that outlasts the interval is not followed by another at once.
			interval.Reset(l.scanInterval)
		case <-changed:
			l.Scan(ctx, false)
		}
	}
}

// StartScan asks for a full scan. It returns false when one is already waiting
// to start; a scan under way finishes first and the new one follows it.
func (l *Library) StartScan() bool {
	select {
	case l.trigger <- struct{}{}:
		l.updateStatus(true, func(s *ScanStatus) {})
		return true
	default:
		return false
	}
}

// Scan scans every configured folder now and returns the final status. Run
// does this in the background; tests and tools call it to fill a library
// synchronously. Scans never overlap.
func (l *Library) Scan(ctx context.Context, full bool) ScanStatus {
	l.scanning.Lock()
	defer l.scanning.Unlock()
	l.scanAll(ctx, full)
	return l.Status()
}
