package library

import "sync"

// ChangeOp is what happened to an item.
type ChangeOp int

const (
	Added ChangeOp = iota + 1
	Updated
	Deleted
)

// Change is one item that changed. UserID is set when only that user's data on
// the item changed (a star, a rating, a play).
type Change struct {
	Op     ChangeOp
	Kind   Kind
	ID     int64
	UserID string
}

// Event is what subscribers receive: coalesced changes (each item at most once
// per event), or scan progress, or both.
type Event struct {
	Changes []Change
	// Scan is set when scan progress or state changed.
	Scan *ScanStatus
}

// subscribers receive events in order, one goroutine per delivery batch.
type subscribers struct {
	mu   sync.Mutex
	next int
	fns  map[int]func(Event)
}

// Subscribe registers fn for library events until the returned cancel is called.
// fn must not block for long: it runs on the library's notifying goroutine.
func (l *Library) Subscribe(fn func(Event)) (cancel func()) {
	s := &l.subs
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fns == nil {
		s.fns = map[int]func(Event){}
	}
	id := s.next
	s.next++
	s.fns[id] = fn
	return func() {
		s.mu.Lock()
		delete(s.fns, id)
		s.mu.Unlock()
	}
}

func (l *Library) publish(e Event) {
	s := &l.subs
	s.mu.Lock()
	fns := make([]func(Event), 0, len(s.fns))
	for _, fn := range s.fns {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(e)
	}
}

// notify sends one user-data change at once (they are rare and individual).
func (l *Library) notify(c Change) { l.publish(Event{Changes: []Change{c}}) }
