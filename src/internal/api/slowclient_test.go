package api

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
)

// stuckConn never finishes a write after the first (ServerInfo): a client that
// stopped reading. It records how the session closed it.
type stuckConn struct {
	in        chan []byte
	mu        sync.Mutex
	sends     int
	code      int
	reason    string
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *stuckConn) Receive(ctx context.Context) ([]byte, error) {
	select {
	case m := <-c.in:
		return m, nil
	case <-c.closed:
		return nil, io.EOF
	}
}

func (c *stuckConn) Send(ctx context.Context, msg []byte) error {
	c.mu.Lock()
	c.sends++
	first := c.sends == 1
	c.mu.Unlock()
	if !first {
		<-c.closed // blocked until the session gives up on the client
	}
	return nil
}

func (c *stuckConn) Close(code int, reason string) error {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.code, c.reason = code, reason
		c.mu.Unlock()
		close(c.closed)
	})
	return nil
}

// Replies beyond the queue's bound to a client that does not read close the
// session (1008 "client too slow") instead of queueing without limit.
func TestSlowClientLosesTheConnection(t *testing.T) {
	reg := NewRegistry()
	reg.Register(Command{Name: "echo", Public: true, Handler: func(ctx context.Context, c *Call) (any, error) { return 1, nil }})
	log := logrus.New()
	log.SetOutput(io.Discard)
	srv := NewServer(reg, noTokens{}, func(context.Context, ConnInfo) any { return map[string]string{"server_id": "x"} },
		log, Options{QueueSize: 3})
	c := &stuckConn{in: make(chan []byte, 16), closed: make(chan struct{})}
	for i := range 6 { // one written (and stuck), three queued, two over the bound
		b, _ := json.Marshal(map[string]any{"message_id": i, "command": "echo"})
		c.in <- b
	}
	srv.ServeConn(context.Background(), c, ConnInfo{Channel: auth.ChannelDirect})
	if c.code != 1008 || c.reason != "client too slow" {
		t.Fatalf("closed with %d %q, want 1008 \"client too slow\"", c.code, c.reason)
	}
}
