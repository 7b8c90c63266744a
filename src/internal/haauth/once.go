package haauth

import (
	"errors"
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/secrets"
)

// errStoreFull is returned when a store holds its maximum of live entries.
var errStoreFull = errors.New("too many pending sign-ins")

// onceStore keeps short-lived secrets (OAuth states, one-time codes): each can be
// taken once, never after its deadline. Entries are keyed by the secret's SHA-256,
// so a lookup's timing tells nothing about stored values, and the map is bounded
// so a flood of unfinished sign-ins cannot grow memory without limit.
type onceStore[T any] struct {
	clock clock.Clock
	ttl   time.Duration
	max   int

	mu      sync.Mutex
	entries map[string]onceEntry[T]
}

type onceEntry[T any] struct {
	value   T
	expires time.Time
}

func newOnceStore[T any](clk clock.Clock, ttl time.Duration, max int) *onceStore[T] {
	return &onceStore[T]{clock: clk, ttl: ttl, max: max, entries: map[string]onceEntry[T]{}}
}

// put stores value under secret until the store's TTL passes.
func (s *onceStore[T]) put(secret string, value T) error {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.entries) >= s.max {
		s.pruneLocked(now)
	}
	if len(s.entries) >= s.max {
		return errStoreFull
	}
	s.entries[secrets.SHA256Hex(secret)] = onceEntry[T]{value: value, expires: now.Add(s.ttl)}
	return nil
}

// take removes the entry for secret and returns it if it has not expired. A second
// take of the same secret fails: every secret is single use, even when the first
// use then fails for another reason.
func (s *onceStore[T]) take(secret string) (T, bool) {
	var zero T
	if secret == "" {
		return zero, false
	}
	key := secrets.SHA256Hex(secret)
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok {
		return zero, false
	}
	delete(s.entries, key)
	if !now.Before(e.expires) {
		return zero, false
	}
	return e.value, true
}

// countLive counts unexpired entries whose value matches.
func (s *onceStore[T]) countLive(match func(T) bool) int {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.entries {
		if now.Before(e.expires) && match(e.value) {
			n++
		}
	}
	return n
}

// len counts stored entries, expired ones included (tests).
func (s *onceStore[T]) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

func (s *onceStore[T]) pruneLocked(now time.Time) {
	for k, e := range s.entries {
		if !now.Before(e.expires) {
			delete(s.entries, k)
		}
	}
}
