package secrets

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// One client may hold at most maxQueuedPerClient computations (running or
// waiting); others still get theirs, and the least recently served goes first.
func TestFairSlotsBoundAndOrder(t *testing.T) {
	ctx := context.Background()
	s := newFairSlots(1, nil)
	if err := s.acquire(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	granted := make(chan string, 16)
	wait := func(client string) {
		go func() {
			if err := s.acquire(ctx, client); err == nil {
				granted <- client
			}
		}()
	}
	for i := 1; i < maxQueuedPerClient; i++ {
		wait("a")
	}
	for s.queuedFor("a") != maxQueuedPerClient-1 {
		runtime.Gosched()
	}
	if err := s.acquire(ctx, "a"); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("work beyond the per-client bound: %v", err)
	}
	wait("b")
	for s.queuedFor("b") != 1 {
		runtime.Gosched()
	}
	s.release("a")
	if got := <-granted; got != "b" {
		t.Fatalf("slot went to %q; the client never served must come first", got)
	}
	s.release("b")
	for i := 1; i < maxQueuedPerClient; i++ {
		if got := <-granted; got != "a" {
			t.Fatalf("got %q", got)
		}
		s.release("a")
	}
	if !s.idle() {
		t.Fatal("slots not idle after all releases")
	}
}

func (s *fairSlots) queuedFor(client string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[client]; c != nil {
		return len(c.queue)
	}
	return 0
}
