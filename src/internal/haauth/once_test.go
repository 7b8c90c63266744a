package haauth

import (
	"testing"
	"time"

	"segue/internal/clock"
)

func TestOnceStoreSingleUseAndExpiry(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	s := newOnceStore[string](clk, time.Minute, 2)
	if err := s.put("a", "A"); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.take("a"); !ok || v != "A" {
		t.Fatalf("first take: %q %v", v, ok)
	}
	if _, ok := s.take("a"); ok {
		t.Fatal("second take succeeded: not single use")
	}
	if _, ok := s.take(""); ok {
		t.Fatal("empty secret matched")
	}

	_ = s.put("b", "B")
	clk.Advance(time.Minute)
	if _, ok := s.take("b"); ok {
		t.Fatal("taken at its deadline: expired entries must fail")
	}

	// Bounded: full of live entries refuses; expired ones are pruned to make room.
	_ = s.put("c", "C")
	_ = s.put("d", "D")
	if err := s.put("e", "E"); err != errStoreFull {
		t.Fatalf("put into a full store: %v", err)
	}
	clk.Advance(2 * time.Minute)
	if err := s.put("e", "E"); err != nil {
		t.Fatalf("put after expiry: %v", err)
	}
	if s.len() != 1 {
		t.Fatalf("expired entries not pruned: %d", s.len())
	}
}
