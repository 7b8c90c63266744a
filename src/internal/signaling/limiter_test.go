package signaling

import (
	"testing"
	"time"

	"segue/internal/clock"
	"segue/internal/clock/clocktest"
)

func newTestLimiter(clk clock.Clock, mut func(*Config)) *limiter {
	cfg := Config{Clock: clk}
	if mut != nil {
		mut(&cfg)
	}
	return newLimiter(cfg.withDefaults())
}

func TestLimiterExponentialBlock(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newTestLimiter(clk, nil)
	flood := func() time.Duration {
		t.Helper()
		for i := 0; i < 100; i++ {
			if ok, _ := l.allow("ip"); !ok {
				t.Fatalf("message %d refused", i+1)
			}
		}
		ok, retry := l.allow("ip")
		if ok {
			t.Fatal("101st message allowed")
		}
		return retry
	}
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
		if got := flood(); got != want {
			t.Fatalf("violation %d: block %s, want %s", i+1, got, want)
		}
		clk.Advance(want - time.Second)
		if ok, _ := l.allow("ip"); ok {
			t.Fatalf("violation %d: allowed before the block ended", i+1)
		}
		clk.Advance(time.Second)
	}
	// Clean windows forgive violations one at a time (MA's decay).
	l2 := newTestLimiter(clk, nil)
	flood2 := func() time.Duration {
		for i := 0; i < 100; i++ {
			l2.allow("x")
		}
		_, r := l2.allow("x")
		return r
	}
	flood2()
	clk.Advance(time.Minute)
	l2.allow("x") // block over, fresh window
	clk.Advance(time.Minute + time.Second)
	l2.allow("x") // a clean window: violations 1 → 0
	if got := flood2(); got != time.Minute {
		t.Fatalf("after a clean window the block should restart at 1 min, got %s", got)
	}
}

func TestLimiterFailedLookups(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newTestLimiter(clk, nil)
	for i := 0; i < 9; i++ {
		if l.failedLookup("ip") {
			t.Fatalf("blocked after %d failures", i+1)
		}
	}
	if !l.failedLookup("ip") {
		t.Fatal("10th failure did not block")
	}
	ok, retry := l.allow("ip")
	if ok || retry != 4*time.Minute { // violations += 2 ⇒ 60 s·2^2, as MA
		t.Fatalf("after guessing: ok=%v retry=%s", ok, retry)
	}
	if ok, _ := l.allow("other"); !ok {
		t.Fatal("another IP was blocked")
	}
	// Failures spread over more than a minute do not add up.
	l2 := newTestLimiter(clk, nil)
	for i := 0; i < 30; i++ {
		if l2.failedLookup("slow") {
			t.Fatalf("slow guesser blocked at %d", i)
		}
		if i%9 == 8 {
			clk.Advance(61 * time.Second)
		}
	}
}

func TestLimiterTableBounded(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newTestLimiter(clk, func(c *Config) { c.MaxTrackedIPs = 3; c.MaxConnsPerIP = 2 })
	for _, ip := range []string{"a", "b", "c"} {
		if ok, _ := l.allow(ip); !ok {
			t.Fatal(ip)
		}
	}
	if ok, _ := l.allow("d"); ok {
		t.Fatal("a full table must refuse new IPs rather than forget old ones")
	}
	clk.Advance(11 * time.Minute)
	if ok, _ := l.allow("d"); !ok {
		t.Fatal("idle entries were not swept")
	}
	if l.tracked() > 3 {
		t.Fatalf("table grew to %d", l.tracked())
	}
	l.allow("a")
	l.allow("b")
	if ok, _ := l.openConn("e"); ok {
		t.Fatal("table full")
	}
	clk.Advance(11 * time.Minute)
	for i := 0; i < 2; i++ {
		if ok, _ := l.openConn("e"); !ok {
			t.Fatalf("conn %d refused", i)
		}
	}
	if ok, _ := l.openConn("e"); ok {
		t.Fatal("third connection from one IP allowed")
	}
	l.closeConn("e")
	if ok, _ := l.openConn("e"); !ok {
		t.Fatal("closing a connection did not free a slot")
	}
}
