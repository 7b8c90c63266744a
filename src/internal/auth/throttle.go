package auth

import (
	"sync"
	"time"

	"segue/internal/clock"
)

// ThrottleWindow is how long failures are remembered.
const ThrottleWindow = 30 * time.Minute

// delayTiers: after at least N failures in the window, wait D after the last one.
var delayTiers = []struct {
	failures int
	delay    time.Duration
}{{15, 300 * time.Second}, {10, 120 * time.Second}, {6, 60 * time.Second}, {3, 30 * time.Second}}

// maxThrottleKeys bounds memory under a flood of distinct usernames or addresses.
const maxThrottleKeys = 50000

// Throttle slows down repeated credential failures, per key (a username, a client
// IP, an app id). Every credential path (login, Subsonic, client credentials,
// WebSocket auth) records through the same instance.
type Throttle struct {
	clock clock.Clock
	mu    sync.Mutex
	fails map[string][]time.Time
}

// NewThrottle builds an empty throttle.
func NewThrottle(clk clock.Clock) *Throttle {
	return &Throttle{clock: clk, fails: map[string][]time.Time{}}
}

// UserKey and IPKey name throttle keys.
func UserKey(username string) string { return "user:" + NormalizeUsername(username) }
func IPKey(ip string) string         { return "ip:" + ip }

// Wait returns how long the caller must still wait before another attempt for
// any of keys (0 when allowed).
func (t *Throttle) Wait(keys ...string) time.Duration {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var worst time.Duration
	for _, k := range keys {
		if w := t.waitLocked(k, now); w > worst {
			worst = w
		}
	}
	return worst
}

func (t *Throttle) waitLocked(key string, now time.Time) time.Duration {
	recent := t.prune(key, now)
	if len(recent) == 0 {
		return 0
	}
	for _, tier := range delayTiers {
		if len(recent) >= tier.failures {
			if w := recent[len(recent)-1].Add(tier.delay).Sub(now); w > 0 {
				return w
			}
			return 0
		}
	}
	return 0
}

func (t *Throttle) prune(key string, now time.Time) []time.Time {
	list := t.fails[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) > ThrottleWindow {
		i++
	}
	if i > 0 {
		list = list[i:]
		if len(list) == 0 {
			delete(t.fails, key)
		} else {
			t.fails[key] = list
		}
	}
	return list
}

// Fail records one failure for each key.
func (t *Throttle) Fail(keys ...string) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxThrottleKeys {
		t.evictLocked(now)
	}
	for _, k := range keys {
		list := t.prune(k, now)
		if len(list) >= 64 { // more than the top tier needs
			list = list[1:]
		}
		t.fails[k] = append(list, now)
	}
}

// evictLocked drops expired keys, then arbitrary ones if still full.
func (t *Throttle) evictLocked(now time.Time) {
	for k := range t.fails {
		t.prune(k, now)
	}
	for k := range t.fails {
		if len(t.fails) < maxThrottleKeys*9/10 {
			break
		}
		delete(t.fails, k)
	}
}

// Reset forgets a key's failures after a success.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.fails, key)
	t.mu.Unlock()
}
