package wsx

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"segue/internal/clock"
)

// Timing says how often to ping and how long a silent peer is trusted.
type Timing struct {
	Every time.Duration // ping period
	// Wait is how long a ping may stay unanswered (nothing at all heard from the peer
	// since it was sent) before the peer counts as dead. Zero: only a failing ping
	// counts, for pings that are round trips themselves (Home Assistant's).
	Wait time.Duration
}

// ErrUnanswered is why a peer that left a ping unanswered for Timing.Wait is dead.
var ErrUnanswered = errors.New("peer left a ping unanswered")

// Keepalive pings a peer and declares it dead when a ping fails or stays unanswered
// too long. It owns no goroutine: one clock timer at a time is armed, so an idle
// socket costs a timer, not a stack, and tests drive it with a fake clock. Death is
// counted from an unanswered ping, not from the last frame, so a clock that jumps
// (a test advancing an hour) is not mistaken for silence: the first check after the
// jump pings, and only a peer that then leaves the ping unanswered for Wait is dead.
type Keepalive struct {
	clk    clock.Clock
	timing Timing
	ping   func() error
	dead   func(error)

	heard atomic.Int64 // clock time of the peer's last frame, Unix nanoseconds

	// Touched only by check, and checks never overlap.
	nextPing   time.Time
	unanswered time.Time // when the oldest ping not answered yet was sent; zero if none

	mu      sync.Mutex
	timer   clock.Timer
	stopped bool
}

// StartKeepalive calls ping every timing.Every and dead once, with the ping's error
// or ErrUnanswered when nothing was heard (see Heard) for timing.Wait after a ping. Stop it when the link ends; a check
// already running may still finish, so ping and dead must tolerate a closed link.
func StartKeepalive(clk clock.Clock, timing Timing, ping func() error, dead func(error)) *Keepalive {
	k := &Keepalive{clk: clk, timing: timing, ping: ping, dead: dead}
	now := clk.Now()
	k.heard.Store(now.UnixNano())
	k.nextPing = now.Add(timing.Every)
	k.arm(timing.Every)
	return k
}

// Heard notes a frame from the peer: a message, a pong or a ping. Readers call it
// for every message; Listen wires the control frames of a gorilla socket.
func (k *Keepalive) Heard() { k.heard.Store(k.clk.Now().UnixNano()) }

// Stop disarms the keepalive.
func (k *Keepalive) Stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
}

func (k *Keepalive) arm(d time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.stopped {
		k.timer = k.clk.AfterFunc(d, k.check)
	}
}

// check runs when a ping is due or an unanswered ping's time is up, whichever is
// first, and arms the next check.
func (k *Keepalive) check() {
	now := k.clk.Now()
	if !k.unanswered.IsZero() && k.heard.Load() >= k.unanswered.UnixNano() {
		k.unanswered = time.Time{}
	}
	if k.timing.Wait > 0 && !k.unanswered.IsZero() && now.Sub(k.unanswered) >= k.timing.Wait {
		k.dead(ErrUnanswered)
		return
	}
	if !now.Before(k.nextPing) {
		if err := k.ping(); err != nil {
			k.dead(err)
			return
		}
		if k.unanswered.IsZero() {
			k.unanswered = now
		}
		k.nextPing = now.Add(k.timing.Every)
	}
	next := k.nextPing.Sub(now)
	if k.timing.Wait > 0 && !k.unanswered.IsZero() {
		next = min(next, k.unanswered.Add(k.timing.Wait).Sub(now))
	}
	k.arm(next)
}
