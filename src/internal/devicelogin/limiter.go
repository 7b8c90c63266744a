package devicelogin

import (
	"sync"
	"time"
)

// Wrong user-code entries: at most guessLimit per guessWindow per IP, then the
// IP may not enter codes for guessLockout (checklist 39).
const (
	guessLimit   = 5
	guessWindow  = time.Minute
	guessLockout = 15 * time.Minute
	maxGuessIPs  = 10000
)

type guessState struct {
	wrong       []time.Time
	lockedUntil time.Time
}

// guessLimiter counts wrong user codes per client IP.
type guessLimiter struct {
	mu  sync.Mutex
	ips map[string]*guessState
}

func newGuessLimiter() *guessLimiter { return &guessLimiter{ips: map[string]*guessState{}} }

// wait returns how long ip is still locked out (0 when it may try).
func (l *guessLimiter) wait(ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.ips[ip]
	if st == nil || !now.Before(st.lockedUntil) {
		return 0
	}
	return st.lockedUntil.Sub(now)
}

// wrong records a wrong entry and reports whether ip is now locked out.
func (l *guessLimiter) wrong(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.ips[ip]
	if st == nil {
		if len(l.ips) >= maxGuessIPs {
			l.pruneLocked(now)
		}
		st = &guessState{}
		l.ips[ip] = st
	}
	recent := st.wrong[:0]
	for _, t := range st.wrong {
		if now.Sub(t) < guessWindow {
			recent = append(recent, t)
		}
	}
	st.wrong = append(recent, now)
	if len(st.wrong) >= guessLimit {
		st.lockedUntil = now.Add(guessLockout)
		st.wrong = nil
		return true
	}
	return false
}

// pruneLocked drops idle IPs, then arbitrary ones if the map is still full,
// so a flood of addresses cannot grow memory without bound.
func (l *guessLimiter) pruneLocked(now time.Time) {
	for ip, st := range l.ips {
		if !now.Before(st.lockedUntil) && (len(st.wrong) == 0 || now.Sub(st.wrong[len(st.wrong)-1]) >= guessWindow) {
			delete(l.ips, ip)
		}
	}
	for ip := range l.ips {
		if len(l.ips) < maxGuessIPs*9/10 {
			break
		}
		delete(l.ips, ip)
	}
}
