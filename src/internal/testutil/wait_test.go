package testutil

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestEventually(t *testing.T) {
	var calls atomic.Int32
	if !Eventually(time.Minute, func() bool { return calls.Add(1) >= 3 }) {
		t.Fatal("a condition that held on the third check was reported false")
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("cond checked %d times, want 3", n)
	}
	if Eventually(20*time.Millisecond, func() bool { return false }) {
		t.Fatal("a condition that never held was reported true")
	}
}
