package api

import (
	"bytes"
	"sync"
)

// outbox is a session's outgoing queue. It holds nothing while idle: the queue
// grows with a burst up to its bound, and a writer goroutine runs only while
// there is something to write. An idle socket, the common case (a phone in a
// pocket, a dashboard left open), so costs neither a writer's stack nor a
// buffer allocated up front for the largest burst.
type outbox struct {
	send   func(msg []byte) error // the transport's write; one caller at a time
	failed func()                 // a write failed: the session ends
	max    int

	mu      sync.Mutex
	queue   [][]byte
	writing bool // a writer goroutine owns send
	closed  bool
	writers sync.WaitGroup
}

// push queues msg for the writer, starting one if none runs: for callers that
// must not wait on this client's socket (an event fanned out to every session).
// It reports false, queueing nothing, when max messages are already waiting;
// after close it drops msg and reports true (the session is ending, nobody is
// owed an answer).
func (o *outbox) push(msg []byte) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return true
	}
	if len(o.queue) >= o.max {
		return false
	}
	o.queue = append(o.queue, msg)
	if !o.writing {
		o.writing = true
		o.writers.Add(1)
		go func() {
			defer o.writers.Done()
			o.drain()
		}()
	}
	return true
}

// write is push for callers that may wait on the socket (a reply, from the
// command's own goroutine or the reader): when no writer runs, the caller writes
// msg itself, and what was queued meanwhile, sparing a goroutine hand-off per
// round trip. msg is only borrowed (the caller may reuse its buffer once write
// returns): it is copied when it has to wait. The results are push's.
func (o *outbox) write(msg []byte) bool {
	o.mu.Lock()
	if o.writing || o.closed || len(o.queue) > 0 {
		o.mu.Unlock()
		return o.push(bytes.Clone(msg))
	}
	o.writing = true
	o.writers.Add(1)
	o.mu.Unlock()
	defer o.writers.Done()
	if o.send(msg) != nil {
		o.failed()
	}
	o.drain()
	return true
}

// drain writes until the queue is empty or the outbox closed; the caller owns
// the writer role (writing is true) and gives it up here.
func (o *outbox) drain() {
	for {
		o.mu.Lock()
		if o.closed || len(o.queue) == 0 {
			o.writing = false
			o.queue = nil // the burst's backing array goes with it
			o.mu.Unlock()
			return
		}
		msg := o.queue[0]
		o.queue[0] = nil
		o.queue = o.queue[1:]
		o.mu.Unlock()
		if o.send(msg) != nil {
			o.failed()
		}
	}
}

// close drops what is queued; a write under way finishes (wait for it).
func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	o.queue = nil
	o.mu.Unlock()
}

// wait returns once no writer runs; call it after close.
func (o *outbox) wait() { o.writers.Wait() }
