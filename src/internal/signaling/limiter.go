package signaling

import (
	"sync"
	"time"

	"segue/internal/clock"
)

// limiter is MA's per-IP rate limiter (rate-limiter.ts) with a bounded table:
// a fixed one-minute window of messages, an exponential block for repeat offenders,
// a separate window of failed remote-ID lookups that blocks harder, and a count of
// open connections.
type limiter struct {
	mu        sync.Mutex
	clock     clock.Clock
	perMinute int
	maxFailed int
	baseBlock time.Duration
	maxBlock  time.Duration
	maxConns  int
	maxIPs    int
	ips       map[string]*ipState
	lastSweep time.Time
}

type ipState struct {
	count        int
	windowStart  time.Time
	blockedUntil time.Time
	violations   int
	failed       int
	failedStart  time.Time
	conns        int
}

const window = time.Minute

func newLimiter(cfg Config) *limiter {
	return &limiter{
		clock: cfg.Clock, perMinute: cfg.RateLimitPerMinute, maxFailed: cfg.FailedLookupsPerMinute,
		baseBlock: cfg.BaseBlock, maxBlock: cfg.MaxBlock, maxConns: cfg.MaxConnsPerIP,
		maxIPs: cfg.MaxTrackedIPs, ips: make(map[string]*ipState),
	}
}

// state returns the record for ip, or nil when the table is full even after a sweep:
// then the caller refuses, because an attacker with many addresses must not be able to
// push itself out of the table and reset its own limits.
func (l *limiter) state(ip string, now time.Time) *ipState {
	if s, ok := l.ips[ip]; ok {
		return s
	}
	if now.Sub(l.lastSweep) > window || len(l.ips) >= l.maxIPs {
		l.sweep(now)
	}
	if len(l.ips) >= l.maxIPs {
		return nil
	}
	s := &ipState{windowStart: now, failedStart: now}
	l.ips[ip] = s
	return s
}

// sweep drops records that carry no information any more.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for ip, s := range l.ips {
		idle := now.Sub(s.windowStart) > 10*window && now.Sub(s.failedStart) > window
		if s.conns == 0 && !now.Before(s.blockedUntil) && (idle && s.violations == 0 || now.Sub(s.windowStart) > 60*window) {
			delete(l.ips, ip)
		}
	}
}

func (l *limiter) block(s *ipState, now time.Time, exp int) time.Duration {
	d := l.baseBlock
	for i := 0; i < exp && d < l.maxBlock; i++ {
		d *= 2
	}
	d = min(d, l.maxBlock)
	s.blockedUntil = now.Add(d)
	return d
}

// allow counts one message from ip. When refused, retry says for how long.
func (l *limiter) allow(ip string) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	s := l.state(ip, now)
	if s == nil {
		return false, window
	}
	if now.Before(s.blockedUntil) {
		return false, s.blockedUntil.Sub(now)
	}
	if !s.blockedUntil.IsZero() {
		// The block ran out: a fresh window, but the violations are remembered.
		s.blockedUntil = time.Time{}
		s.count, s.windowStart = 0, now
	}
	if now.Sub(s.windowStart) > window {
		s.count, s.windowStart = 0, now
		if s.violations > 0 {
			s.violations-- // a clean window forgives one violation
		}
	}
	s.count++
	if s.count > l.perMinute {
		s.violations++
		return false, l.block(s, now, s.violations-1)
	}
	return true, 0
}

// failedLookup records an unknown remote ID from ip; true means ip is now blocked
// (and counted twice as a violation, as MA does) and its socket must close with 4008.
func (l *limiter) failedLookup(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	s := l.state(ip, now)
	if s == nil {
		return true
	}
	if now.Sub(s.failedStart) > window {
		s.failed, s.failedStart = 0, now
	}
	s.failed++
	if s.failed < l.maxFailed {
		return false
	}
	s.violations += 2
	l.block(s, now, s.violations)
	s.failed, s.failedStart = 0, now
	return true
}

// openConn admits a new connection from ip, counting it as one message like MA does.
func (l *limiter) openConn(ip string) (ok bool, retry time.Duration) {
	if ok, retry := l.allow(ip); !ok {
		return false, retry
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(ip, l.clock.Now())
	if s == nil || s.conns >= l.maxConns {
		return false, window
	}
	s.conns++
	return true, 0
}

func (l *limiter) closeConn(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.ips[ip]; ok && s.conns > 0 {
		s.conns--
	}
}

func (l *limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ips)
}
