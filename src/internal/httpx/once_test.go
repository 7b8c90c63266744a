package httpx

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"segue/internal/clock"
	"segue/internal/clock/clocktest"
)

func TestOnceStoreSingleUseAndExpiry(t *testing.T) {
	clk := clocktest.NewFake(time.Unix(1_700_000_000, 0))
	s := NewOnceStore[string](clk, time.Minute, 2)
	if err := s.Put("a", "A"); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Take("a"); !ok || v != "A" {
		t.Fatalf("first take: %q %v", v, ok)
	}
	if _, ok := s.Take("a"); ok {
		t.Fatal("second take succeeded: not single use")
	}
	if _, ok := s.Take(""); ok {
		t.Fatal("empty secret matched")
	}

	_ = s.Put("b", "B")
	clk.Advance(time.Minute)
	if _, ok := s.Take("b"); ok {
		t.Fatal("taken at its deadline: expired entries must fail")
	}

	// Bounded: full of live entries refuses; expired ones are pruned to make room.
	_ = s.Put("c", "C")
	_ = s.Put("d", "D")
	if err := s.Put("e", "E"); err != ErrStoreFull {
		t.Fatalf("put into a full store: %v", err)
	}
	clk.Advance(2 * time.Minute)
	if err := s.Put("e", "E"); err != nil {
		t.Fatalf("put after expiry: %v", err)
	}
	if n := len(s.entries); n != 1 {
		t.Fatalf("expired entries not pruned: %d", n)
	}
}

// Parallel puts of the same kind cannot all pass the limit before any is stored.
func TestPutLimitedHoldsInParallel(t *testing.T) {
	s := NewOnceStore[string](clock.Real{}, time.Minute, 1000)
	const limit, tries = 3, 200
	var stored atomic.Int32
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.PutLimited(fmt.Sprint("secret-", i), "ip", func(v string) bool { return v == "ip" }, limit) == nil {
				stored.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := stored.Load(); n != limit {
		t.Fatalf("%d of %d parallel puts stored, want %d", n, tries, limit)
	}
}
