package httpx

import (
	"errors"
	"sync"
	"time"

	"segue/internal/clock"
	"segue/internal/secrets"
)

// ErrStoreFull is returned when a store holds its maximum of live entries.
var ErrStoreFull = errors.New("too many pending sign-ins")

// ErrTooManyLike is returned by PutLimited when enough live entries already match.
var ErrTooManyLike = errors.New("too many pending entries of this kind")

// OnceStore keeps short-lived secrets (OAuth states, one-time codes): each can be
// taken once, never after its deadline. Entries are keyed by the secret's SHA-256,
// so a lookup's timing tells nothing about stored values, and the map is bounded
// so a flood of unfinished sign-ins cannot grow memory without limit.
type OnceStore[T any] struct {
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

func NewOnceStore[T any](clk clock.Clock, ttl time.Duration, max int) *OnceStore[T] {
	return &OnceStore[T]{clock: clk, ttl: ttl, max: max, entries: map[string]onceEntry[T]{}}
}

// Put stores value under secret until the store's TTL passes.
func (s *OnceStore[T]) Put(secret string, value T) error {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.putLocked(now, secret, value)
}

// PutLimited is Put refused with ErrTooManyLike when limit unexpired entries already
// match. Counting and storing happen under one lock, so requests arriving in
// parallel cannot all pass the count before any of them is stored.
func (s *OnceStore[T]) PutLimited(secret string, value T, match func(T) bool, limit int) error {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.countLiveLocked(now, match) >= limit {
		return ErrTooManyLike
	}
	return s.putLocked(now, secret, value)
}

func (s *OnceStore[T]) putLocked(now time.Time, secret string, value T) error {
	if len(s.entries) >= s.max {
		s.pruneLocked(now)
	}
	if len(s.entries) >= s.max {
		return ErrStoreFull
	}
	s.entries[secrets.SHA256Hex(secret)] = onceEntry[T]{value: value, expires: now.Add(s.ttl)}
	return nil
}

// Take removes the entry for secret and returns it if it has not expired. A second
// take of the same secret fails: every secret is single use, even when the first
// use then fails for another reason.
func (s *OnceStore[T]) Take(secret string) (T, bool) {
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

func (s *OnceStore[T]) countLiveLocked(now time.Time, match func(T) bool) int {
	n := 0
	for _, e := range s.entries {
		if now.Before(e.expires) && match(e.value) {
			n++
		}
	}
	return n
}

func (s *OnceStore[T]) pruneLocked(now time.Time) {
	for k, e := range s.entries {
		if !now.Before(e.expires) {
			delete(s.entries, k)
		}
	}
}
