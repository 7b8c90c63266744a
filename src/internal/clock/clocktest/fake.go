// Package clocktest holds the fake clock tests advance instead of sleeping.
// Only test files import it.
package clocktest

import (
	"sort"
	"sync"
	"time"

	"segue/internal/clock"
)

// Fake is a clock that moves only when a test moves it. Timers fire, in deadline
// order, when Advance or Set reaches their deadline. Those calls return once the
// AfterFunc callbacks they fired have returned, so a test that advances past a
// deadline can check right away that the deadline's work ran (or changed
// nothing). A NewTimer timer's value is only sent by then: the goroutine that
// receives it runs on its own, so a test waits for its effect, or for the loop
// to re-arm (WaitForTimers), before it looks.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced whenever a timer is armed
}

// NewFake starts a fake clock at t.
func NewFake(t time.Time) *Fake { return &Fake{now: t, changed: make(chan struct{})} }

var _ clock.Clock = (*Fake)(nil)

func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer sends the clock's time on C once the clock reaches now+d.
func (f *Fake) NewTimer(d time.Duration) clock.Timer {
	t := &fakeTimer{f: f, ch: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// AfterFunc calls fn in its own goroutine once the clock reaches now+d.
func (f *Fake) AfterFunc(d time.Duration, fn func()) clock.Timer {
	t := &fakeTimer{f: f, fn: fn}
	t.Reset(d)
	return t
}

// Advance moves the clock forward by d and fires every timer due by then.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	now := f.now
	f.mu.Unlock()
	f.fire(now)
}

// Set moves the clock to t and fires every timer due by then.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
	f.fire(t)
}

// Timers is the number of armed timers that have neither fired nor been stopped.
func (f *Fake) Timers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// WaitForTimers blocks until at least n timers are armed, so a test advances the
// clock only after the code under test has started waiting on it. It returns false
// if done is closed first (pass a test context's Done).
func (f *Fake) WaitForTimers(n int, done <-chan struct{}) bool {
	for {
		f.mu.Lock()
		armed, changed := len(f.timers), f.changed
		f.mu.Unlock()
		if armed >= n {
			return true
		}
		select {
		case <-changed:
		case <-done:
			return false
		}
	}
}

// fire sends to the channel timers due at now and runs the due callbacks,
// earliest first, outside the lock. Sends happen under the lock so that a Stop or
// Reset that returns afterwards can drain them (no stale tick, as with time.Timer).
func (f *Fake) fire(now time.Time) {
	f.mu.Lock()
	var due, keep []*fakeTimer
	for _, t := range f.timers {
		if !t.when.After(now) {
			due = append(due, t)
		} else {
			keep = append(keep, t)
		}
	}
	f.timers = keep
	sort.SliceStable(due, func(i, j int) bool { return due[i].when.Before(due[j].when) })
	var calls []func()
	for _, t := range due {
		if t.fn != nil {
			calls = append(calls, t.fn)
			continue
		}
		select {
		case t.ch <- t.when:
		default: // an unreceived value is still waiting, as with a real timer's buffer
		}
	}
	f.mu.Unlock()
	var running sync.WaitGroup
	for _, fn := range calls {
		running.Go(fn) // its own goroutine, as with time.AfterFunc
	}
	running.Wait()
}

// disarm removes t from the armed timers and drops a value it sent but nobody
// received; f.mu is held.
func (f *Fake) disarm(t *fakeTimer) bool {
	if t.ch != nil {
		select {
		case <-t.ch:
		default:
		}
	}
	for i, x := range f.timers {
		if x == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			return true
		}
	}
	return false
}

type fakeTimer struct {
	f    *Fake
	when time.Time
	fn   func()         // AfterFunc
	ch   chan time.Time // NewTimer
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	return t.f.disarm(t)
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	f := t.f
	f.mu.Lock()
	armed := f.disarm(t)
	t.when = f.now.Add(d)
	f.timers = append(f.timers, t)
	close(f.changed)
	f.changed = make(chan struct{})
	now := f.now
	f.mu.Unlock()
	if d <= 0 {
		f.fire(now)
	}
	return armed
}

// AdvanceToNext moves the clock to the earliest armed timer's deadline, fires
// what is due then, and returns how far it moved (0 when no timer is armed), so
// a test can follow a schedule of waits it does not know in advance.
func (f *Fake) AdvanceToNext() time.Duration {
	f.mu.Lock()
	if len(f.timers) == 0 {
		f.mu.Unlock()
		return 0
	}
	next := f.timers[0].when
	for _, t := range f.timers[1:] {
		if t.when.Before(next) {
			next = t.when
		}
	}
	d := max(next.Sub(f.now), 0)
	f.mu.Unlock()
	f.Advance(d)
	return d
}
