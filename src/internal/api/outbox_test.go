package api

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// gatedSend is a transport write that blocks until the test opens the gate, and
// records what it wrote, in order.
type gatedSend struct {
	gate    chan struct{}
	started chan struct{} // one value per write begun
	mu      sync.Mutex
	wrote   []string
}

func newGatedSend() *gatedSend {
	return &gatedSend{gate: make(chan struct{}), started: make(chan struct{}, 16)}
}

func (g *gatedSend) send(msg []byte) error {
	g.started <- struct{}{}
	<-g.gate
	g.mu.Lock()
	g.wrote = append(g.wrote, string(msg))
	g.mu.Unlock()
	return nil
}

func TestOutboxIdleHoldsNothing(t *testing.T) {
	var sent atomic.Int32
	o := &outbox{max: 4, send: func([]byte) error { sent.Add(1); return nil }, failed: func() {}}
	if !o.write([]byte("a")) {
		t.Fatal("write refused on an empty outbox")
	}
	// The caller wrote it itself: done by the time write returns, no writer left.
	if sent.Load() != 1 || o.writing || o.queue != nil {
		t.Fatalf("after an idle write: sent %d, writing %v, queue %v", sent.Load(), o.writing, o.queue)
	}
	o.push([]byte("b"))
	o.wait()
	if sent.Load() != 2 || o.writing || o.queue != nil {
		t.Fatalf("after a pushed message drained: sent %d, writing %v, queue %v", sent.Load(), o.writing, o.queue)
	}
}

func TestOutboxKeepsOrderAndBoundsTheBurst(t *testing.T) {
	g := newGatedSend()
	o := &outbox{max: 2, send: g.send, failed: func() { t.Error("no write failed") }}
	go o.write([]byte("1")) // becomes the writer and blocks in send
	<-g.started
	if !o.push([]byte("2")) || !o.write([]byte("3")) {
		t.Fatal("the queue refused a message below its bound")
	}
	if o.push([]byte("4")) || o.write([]byte("4")) {
		t.Fatal("the queue took a message over its bound")
	}
	close(g.gate)
	o.wait()
	if got := g.wrote; len(got) != 3 || got[0] != "1" || got[1] != "2" || got[2] != "3" {
		t.Fatalf("wrote %v, want [1 2 3]", got)
	}
}

func TestOutboxCloseDropsTheQueue(t *testing.T) {
	g := newGatedSend()
	o := &outbox{max: 8, send: g.send, failed: func() {}}
	o.push([]byte("1"))
	<-g.started
	o.push([]byte("2"))
	o.close()
	if !o.push([]byte("3")) {
		t.Fatal("a push after close must be dropped quietly, not refused")
	}
	close(g.gate)
	o.wait()
	if len(g.wrote) != 1 {
		t.Fatalf("wrote %v after close, want only the write under way", g.wrote)
	}
}

func TestOutboxFailedWriteEndsTheSession(t *testing.T) {
	var failed atomic.Int32
	o := &outbox{max: 8, failed: func() { failed.Add(1) }}
	o.send = func([]byte) error { o.close(); return errors.New("broken pipe") }
	o.write([]byte("1"))
	if failed.Load() != 1 {
		t.Fatalf("failed called %d times, want 1", failed.Load())
	}
}
