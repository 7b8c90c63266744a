package wsx_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/wsx"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// deadCount counts calls of a keepalive's dead callback and keeps the last reason.
type deadCount struct {
	n   atomic.Int32
	why atomic.Value
}

func (d *deadCount) dead(err error) { d.why.Store(err); d.n.Add(1) }
func (d *deadCount) calls() int     { return int(d.n.Load()) }

// The fake clock's Advance returns once the callbacks it fired have returned, so
// each check below sees exactly what the keepalive did at that instant.
func TestKeepalivePingsAndDropsASilentPeerOnTime(t *testing.T) {
	clk := clocktest.NewFake(t0)
	var pings atomic.Int32
	var d deadCount
	k := wsx.StartKeepalive(clk, wsx.Timing{Every: 10 * time.Second, Wait: 25 * time.Second},
		func() error { pings.Add(1); return nil }, d.dead)
	defer k.Stop()

	for i := 1; i <= 5; i++ { // the peer answers every ping
		clk.Advance(10 * time.Second)
		if got := pings.Load(); got != int32(i) {
			t.Fatalf("after %d periods: %d pings", i, got)
		}
		k.Heard()
	}
	if d.calls() != 0 {
		t.Fatal("a peer that answers every ping was dropped")
	}
	// Silence from now on: the ping at 60 s goes unanswered, pings go on until it
	// has waited 25 s exactly.
	clk.Advance(10 * time.Second)
	clk.Advance(10 * time.Second)
	clk.Advance(10 * time.Second)
	clk.Advance(4*time.Second + 900*time.Millisecond)
	if d.calls() != 0 || pings.Load() != 8 {
		t.Fatalf("ping unanswered for 24.9 s: dead %d, pings %d (want alive, 8)", d.calls(), pings.Load())
	}
	clk.Advance(100 * time.Millisecond)
	if d.calls() != 1 || d.why.Load() != wsx.ErrUnanswered {
		t.Fatalf("ping unanswered for 25 s: dead called %d times (%v), want 1 (ErrUnanswered)", d.calls(), d.why.Load())
	}
	if clk.Timers() != 0 {
		t.Fatalf("%d timers armed after the peer was dropped", clk.Timers())
	}
}

// A test that advances the clock by an hour is not an hour of silence: only a ping
// sent and then left unanswered for the wait kills.
func TestKeepaliveClockJumpIsNotSilence(t *testing.T) {
	clk := clocktest.NewFake(t0)
	var d deadCount
	k := wsx.StartKeepalive(clk, wsx.Timing{Every: 10 * time.Second, Wait: 25 * time.Second},
		func() error { return nil }, d.dead)
	defer k.Stop()
	clk.Advance(time.Hour) // pings
	k.Heard()              // the peer answers
	clk.Advance(time.Hour) // pings again
	if d.calls() != 0 {
		t.Fatal("an answered peer was dropped after a clock jump")
	}
	clk.Advance(time.Hour) // the second ping was never answered
	if d.calls() != 1 {
		t.Fatalf("a ping unanswered for an hour: dead called %d times, want 1", d.calls())
	}
}

func TestKeepaliveFailedPingIsDeath(t *testing.T) {
	clk := clocktest.NewFake(t0)
	var d deadCount
	broken := errors.New("broken pipe")
	k := wsx.StartKeepalive(clk, wsx.Timing{Every: time.Second}, // no silence limit
		func() error { return broken }, d.dead)
	defer k.Stop()
	clk.Advance(time.Second)
	if d.calls() != 1 || d.why.Load() != broken || clk.Timers() != 0 {
		t.Fatalf("after a failed ping: dead %d (%v), timers %d", d.calls(), d.why.Load(), clk.Timers())
	}
}

func TestKeepaliveWithoutWaitTrustsSilence(t *testing.T) {
	clk := clocktest.NewFake(t0)
	var pings atomic.Int32
	var d deadCount
	k := wsx.StartKeepalive(clk, wsx.Timing{Every: time.Second}, func() error { pings.Add(1); return nil }, d.dead)
	defer k.Stop()
	for range 100 {
		clk.Advance(time.Second)
	}
	if d.calls() != 0 || pings.Load() != 100 {
		t.Fatalf("100 s of silence without a wait: dead %d, pings %d", d.calls(), pings.Load())
	}
}

func TestKeepaliveStopDisarms(t *testing.T) {
	clk := clocktest.NewFake(t0)
	var pings atomic.Int32
	var d deadCount
	k := wsx.StartKeepalive(clk, wsx.Timing{Every: time.Second, Wait: 3 * time.Second},
		func() error { pings.Add(1); return nil }, d.dead)
	clk.Advance(time.Second)
	k.Stop()
	if clk.Timers() != 0 {
		t.Fatalf("%d timers armed after Stop", clk.Timers())
	}
	clk.Advance(time.Minute)
	if pings.Load() != 1 || d.calls() != 0 {
		t.Fatalf("after Stop: pings %d, dead %d", pings.Load(), d.calls())
	}
}
