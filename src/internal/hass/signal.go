package hass

import "sync"

// fanout hands the latest value to each subscriber without ever blocking the producer:
// every subscriber has a one-slot channel and a newer value replaces an unread one.
type fanout[T any] struct {
	mu     sync.Mutex
	next   int
	subs   map[int]chan T
	latest *T
}

// subscribe returns a channel that first receives the latest value (if any) and then
// every change; cancel closes it.
func (f *fanout[T]) subscribe() (<-chan T, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[int]chan T{}
	}
	id := f.next
	f.next++
	ch := make(chan T, 1)
	if f.latest != nil {
		ch <- *f.latest
	}
	f.subs[id] = ch
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if c, ok := f.subs[id]; ok {
				delete(f.subs, id)
				close(c)
			}
		})
	}
}

// publish stores v as the latest value and offers it to every subscriber.
func (f *fanout[T]) publish(v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latest = &v
	for _, ch := range f.subs {
		select { // drop the unread older value: only the newest matters
		case <-ch:
		default:
		}
		ch <- v // cannot block: we are the only sender and hold the lock
	}
}

// current returns the latest value.
func (f *fanout[T]) current() (T, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.latest == nil {
		var zero T
		return zero, false
	}
	return *f.latest, true
}
