package clocktest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestFakeAfterFuncRunsWhenAdvancedPastItsDeadline(t *testing.T) {
	f := NewFake(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var ran []string
	record := func(name string) func() {
		return func() { mu.Lock(); ran = append(ran, name); mu.Unlock() }
	}
	ranSoFar := func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(ran) }

	f.AfterFunc(2*time.Second, record("2s"))
	f.AfterFunc(time.Second, record("1s"))
	stopped := f.AfterFunc(time.Second, record("stopped"))
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop must report true once, then false")
	}
	if f.Timers() != 2 {
		t.Fatalf("%d armed timers, want 2", f.Timers())
	}

	f.Advance(999 * time.Millisecond)
	if got := ranSoFar(); len(got) != 0 {
		t.Fatalf("ran %v before any deadline", got)
	}
	f.Advance(time.Millisecond) // returns after the callback it fired has run
	if got := ranSoFar(); !slices.Equal(got, []string{"1s"}) {
		t.Fatalf("ran %v at 1 s, want [1s]", got)
	}
	f.Set(f.Now().Add(time.Hour))
	if got := ranSoFar(); !slices.Equal(got, []string{"1s", "2s"}) {
		t.Fatalf("ran %v, want [1s 2s]", got)
	}
	if f.Timers() != 0 {
		t.Fatalf("%d timers left", f.Timers())
	}
}

func TestWaitForTimersReturnsOnceArmedOrDone(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	armed := make(chan bool)
	go func() { armed <- f.WaitForTimers(1, nil) }()
	f.AfterFunc(time.Minute, func() {})
	if !<-armed {
		t.Fatal("WaitForTimers gave up")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if f.WaitForTimers(2, ctx.Done()) {
		t.Fatal("WaitForTimers reported 2 timers while 1 is armed")
	}
}

func TestFakeNewTimerSendsWhenAdvancedAndResetRearms(t *testing.T) {
	start := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	f := NewFake(start)
	tm := f.NewTimer(time.Minute)
	f.Advance(59 * time.Second)
	select {
	case <-tm.C():
		t.Fatal("fired before its deadline")
	default:
	}
	f.Advance(time.Second)
	if got := <-tm.C(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("sent %v, want the deadline", got)
	}
	if tm.Reset(time.Minute) {
		t.Fatal("Reset reported a fired timer as armed")
	}
	f.Advance(time.Minute) // fires, but nobody receives before Stop
	if tm.Stop() {
		t.Fatal("Stop reported a fired timer as armed")
	}
	select {
	case <-tm.C():
		t.Fatal("a value sent before Stop was still received after it")
	default:
	}
	tm.Reset(time.Minute)
	if f.Timers() != 1 {
		t.Fatalf("%d armed timers after Reset, want 1", f.Timers())
	}
	if !tm.Reset(time.Hour) {
		t.Fatal("Reset of an armed timer must report true")
	}
	f.Advance(time.Minute)
	select {
	case <-tm.C():
		t.Fatal("fired at the old deadline after Reset moved it")
	default:
	}
}

func TestAdvanceToNextMovesToTheEarliestDeadline(t *testing.T) {
	start := time.Unix(0, 0)
	f := NewFake(start)
	if f.AdvanceToNext() != 0 || !f.Now().Equal(start) {
		t.Fatal("moved with no timer armed")
	}
	late, early := f.NewTimer(time.Hour), f.NewTimer(time.Minute)
	if d := f.AdvanceToNext(); d != time.Minute {
		t.Fatalf("moved %v, want 1m", d)
	}
	select {
	case <-early.C():
	default:
		t.Fatal("the earliest timer did not fire")
	}
	if d := f.AdvanceToNext(); d != time.Hour-time.Minute {
		t.Fatalf("moved %v, want 59m", d)
	}
	<-late.C()
}
