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
	inFlight    int // entries being looked up: they count like wrong ones
}

// guessLimiter counts wrong user codes per client IP.
type guessLimiter struct {
	mu  sync.Mutex
	ips map[string]*guessState
}

func newGuessLimiter() *guessLimiter { return &guessLimiter{ips: map[string]*guessState{}} }

// reserve admits one entry from ip, or returns how long ip must wait. Entries
// still being looked up count like wrong ones, so parallel entries get no
// more guesses than sequential ones. Every admitted entry ends with wrong or right.
func (l *guessLimiter) reserve(ip string, now time.Time) time.Duration {
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
	if now.Before(st.lockedUntil) {
		return st.lockedUntil.Sub(now)
	}
	st.wrong = recentGuesses(st.wrong, now)
	if len(st.wrong)+st.inFlight >= guessLimit {
		return guessWindow
	}
	st.inFlight++
	return 0
}

func recentGuesses(list []time.Time, now time.Time) []time.Time {
	recent := list[:0]
	for _, t := range list {
		if now.Sub(t) < guessWindow {
			recent = append(recent, t)
		}
	}
	return recent
}

// right ends an admitted entry that named a real code.
func (l *guessLimiter) right(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if st := l.ips[ip]; st != nil && st.inFlight > 0 {
		st.inFlight--
	}
}

// wrong ends an admitted entry as wrong and reports whether ip is now locked out.
func (l *guessLimiter) wrong(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.ips[ip]
	if st == nil {
		st = &guessState{inFlight: 1}
		l.ips[ip] = st
	}
	if st.inFlight > 0 {
		st.inFlight--
	}
	st.wrong = append(recentGuesses(st.wrong, now), now)
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
		if st.inFlight == 0 && !now.Before(st.lockedUntil) && (len(st.wrong) == 0 || now.Sub(st.wrong[len(st.wrong)-1]) >= guessWindow) {
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
