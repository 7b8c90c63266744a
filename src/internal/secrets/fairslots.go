package secrets

import (
	"context"
	"errors"
	"sync"
)

// ErrQueueFull means a client already has as much hashing work queued as it
// may; the caller answers "try later" without hashing.
var ErrQueueFull = errors.New("too much password work queued for this client")

// maxQueuedPerClient bounds the hash computations one client may have running
// or waiting. The login throttle admits three guesses per client before its
// first pause, so honest use never meets this bound.
const maxQueuedPerClient = 4

// fairSlots hands out a fixed number of hashing slots fairly between clients:
// a freed slot goes to the waiting client served least recently (new clients
// first), so one client's queue cannot delay everybody else's login.
type fairSlots struct {
	mu      sync.Mutex
	free    int
	clients map[string]*slotClient
	served  uint64 // counter for lastServed
	waiting int
	trace   func(event, client string)
}

type slotClient struct {
	queue      []chan struct{}
	busy       int // running + queued
	lastServed uint64
}

func newFairSlots(n int, trace func(event, client string)) *fairSlots {
	return &fairSlots{free: n, clients: map[string]*slotClient{}, trace: trace}
}

// acquire waits for a slot for client; it fails when the client has too much
// work queued already or ctx ends first. The unnamed client "" (hashing new
// passwords: setup, account changes) is queued fairly but not bounded.
func (s *fairSlots) acquire(ctx context.Context, client string) error {
	s.mu.Lock()
	c := s.clients[client]
	if c == nil {
		c = &slotClient{}
		s.clients[client] = c
	}
	if c.busy >= maxQueuedPerClient && client != "" {
		s.mu.Unlock()
		return ErrQueueFull
	}
	c.busy++
	if s.free > 0 && s.waiting == 0 {
		s.free--
		s.served++
		c.lastServed = s.served
		s.mu.Unlock()
		s.note("start", client)
		return nil
	}
	ready := make(chan struct{})
	c.queue = append(c.queue, ready)
	s.waiting++
	s.mu.Unlock()
	s.note("queued", client)
	select {
	case <-ready:
		s.note("start", client)
		return nil
	case <-ctx.Done():
	}
	defer s.note("left", client)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range c.queue {
		if q == ready {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			s.waiting--
			c.busy--
			s.dropIfIdle(client, c)
			return ctx.Err()
		}
	}
	// Granted just as ctx ended: hand the slot on.
	s.releaseLocked(client, c)
	return ctx.Err()
}

// release frees client's slot and grants it to the next client in turn.
func (s *fairSlots) release(client string) {
	s.mu.Lock()
	s.releaseLocked(client, s.clients[client])
	s.mu.Unlock()
}

func (s *fairSlots) releaseLocked(client string, c *slotClient) {
	c.busy--
	s.dropIfIdle(client, c)
	var next *slotClient
	for _, w := range s.clients {
		if len(w.queue) == 0 {
			continue
		}
		if next == nil || w.lastServed < next.lastServed ||
			w.lastServed == next.lastServed && len(w.queue) < len(next.queue) {
			next = w
		}
	}
	if next == nil {
		s.free++
		return
	}
	ready := next.queue[0]
	next.queue = next.queue[1:]
	s.waiting--
	s.served++
	next.lastServed = s.served
	close(ready)
}

func (s *fairSlots) dropIfIdle(client string, c *slotClient) {
	if c.busy == 0 {
		delete(s.clients, client)
	}
}

// idle reports whether no computation is running or waiting.
func (s *fairSlots) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients) == 0
}

func (s *fairSlots) note(event, client string) {
	if s.trace != nil {
		s.trace(event, client)
	}
}
