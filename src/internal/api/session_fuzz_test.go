package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/fail"
	"segue/internal/testutil"
)

// memConn is an in-memory Conn fed from a slice.
type memConn struct {
	// linger keeps the link open after the input until this many frames were sent.
	linger int
	in     chan []byte
	mu     sync.Mutex
	out    [][]byte
	closed chan struct{}
	once   sync.Once
}

func newMemConn(msgs ...[]byte) *memConn {
	c := &memConn{in: make(chan []byte, len(msgs)), closed: make(chan struct{})}
	for _, m := range msgs {
		c.in <- m
	}
	close(c.in)
	return c
}

func (c *memConn) Receive(ctx context.Context) ([]byte, error) {
	select {
	case m, ok := <-c.in:
		if !ok {
			testutil.Eventually(2*time.Second, func() bool { return c.sent() >= c.linger })
			return nil, io.EOF
		}
		return m, nil
	case <-c.closed:
		return nil, io.EOF
	}
}

func (c *memConn) sent() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.out)
}

func (c *memConn) Send(ctx context.Context, msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, append([]byte(nil), msg...))
	return nil
}

func (c *memConn) Close(int, string) error { c.once.Do(func() { close(c.closed) }); return nil }

type noTokens struct{}

func (noTokens) Authenticate(context.Context, string) (*auth.Principal, error) {
	return nil, auth.ErrInvalidToken
}

func testServer() *Server {
	reg := NewRegistry()
	reg.Register(Command{Name: "echo", Public: true, Handler: func(ctx context.Context, c *Call) (any, error) {
		v, err := DecodeArgs[map[string]any](c)
		return v, err
	}}, Command{Name: "boom", Public: true, Handler: func(ctx context.Context, c *Call) (any, error) {
		panic("boom")
	}}, Command{Name: "many", Public: true, Handler: func(ctx context.Context, c *Call) (any, error) {
		return make([]int, 1234), nil
	}}, Command{Name: "raw", Public: true, Handler: func(ctx context.Context, c *Call) (any, error) {
		return json.RawMessage(`{"big":"` + strings.Repeat("x", 2000) + `"}`), nil
	}}, Command{Name: "private", Handler: func(ctx context.Context, c *Call) (any, error) { return 1, nil }})
	log := logrus.New()
	log.SetOutput(io.Discard)
	return NewServer(reg, noTokens{}, func(context.Context, ConnInfo) any { return map[string]string{"server_id": "x"} }, log, Options{})
}

func replies(t testing.TB, linger int, msgs ...[]byte) []map[string]json.RawMessage {
	srv := testServer()
	c := newMemConn(msgs...)
	c.linger = linger
	srv.ServeConn(context.Background(), c, ConnInfo{Channel: auth.ChannelDirect})
	var out []map[string]json.RawMessage
	for _, m := range c.out {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(m, &v); err != nil {
			t.Fatalf("server sent invalid JSON %q", m)
		}
		out = append(out, v)
	}
	return out
}

func TestSessionBasics(t *testing.T) {
	out := replies(t, 7,
		[]byte(`{"message_id":"1","command":"private"}`),
		[]byte(`{"message_id":2,"command":"boom"}`),
		[]byte(`{"message_id":"3","command":"many"}`),
		[]byte(`{"message_id":"4","command":"raw"}`),
	)
	if len(out) < 2 || out[0]["server_id"] == nil {
		t.Fatalf("first frame: %v", out)
	}
	codes := map[string]string{}
	partials := 0
	for _, m := range out[1:] {
		if string(m["partial"]) == "true" {
			partials++
			continue
		}
		codes[string(m["message_id"])] = string(m["error_code"])
	}
	if codes[`"1"`] != "20" || codes["2"] != "999" || codes[`"4"`] != "" {
		t.Fatalf("codes %v", codes)
	}
	if partials != 2 {
		t.Fatalf("1234 items should come as 2 partial batches of 500 and a final one, got %d partials", partials)
	}
}

func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{`{"message_id":"1","command":"echo","args":{}}`, `{}`, `[]`, `{"command":5}`, `{"message_id":{},"command":"x"}`, "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		c, err := DecodeCommand(msg)
		if err == nil && c.Command == "" {
			t.Fatal("accepted a message without a command")
		}
		var fe *fail.Error
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("non-domain error %v", err)
		}
	})
}

// FuzzSession feeds arbitrary frames to a live session: no panic, every reply is JSON.
func FuzzSession(f *testing.F) {
	f.Add([]byte(`{"message_id":"1","command":"echo","args":{"a":1}}`))
	f.Add([]byte(`{"message_id":"1","command":"auth","args":{"token":"x"}}`))
	f.Add([]byte(`{"message_id":"1","command":"auth","args":[]}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		replies(t, 0, msg)
	})
}

func TestFloodClosesSession(t *testing.T) {
	srv := testServer()
	srv.opts.MaxPerSecond = 10
	srv.opts.Clock = clocktest.NewFake(time.Unix(1000, 0)) // never advanced: one second for the whole flood
	var msgs [][]byte
	for i := 0; i < 50; i++ {
		msgs = append(msgs, []byte(`{"message_id":"1","command":"echo"}`))
	}
	c := newMemConn(msgs...)
	srv.ServeConn(context.Background(), c, ConnInfo{Channel: auth.ChannelDirect})
	if n := c.sent(); n > 11 {
		t.Fatalf("%d replies: the flood was not cut off", n)
	}
	select {
	case <-c.closed:
	default:
		t.Fatal("connection not closed")
	}
}

// TestUnauthenticatedSessionClosedOnTheClock: a silent unauthenticated session
// closes when the session clock reaches AuthTimeout after its last message; a
// message restarts the count.
func TestUnauthenticatedSessionClosedOnTheClock(t *testing.T) {
	srv := testServer()
	clk := clocktest.NewFake(time.Unix(1000, 0))
	srv.opts.Clock, srv.opts.AuthTimeout = clk, 90*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in := make(chan []byte)
	c := &memConn{in: in, closed: make(chan struct{})}
	go srv.ServeConn(ctx, c, ConnInfo{Channel: auth.ChannelDirect})
	isClosed := func() bool {
		select {
		case <-c.closed:
			return true
		default:
			return false
		}
	}

	clk.WaitForTimers(1, ctx.Done())
	clk.Advance(60 * time.Second)
	in <- []byte(`{"message_id":"1","command":"echo"}`)
	testutil.WaitFor(t, 10*time.Second, "the echo reply", func() bool { return c.sent() >= 2 })
	clk.Advance(30 * time.Second) // the first deadline: 30 s after the message
	if !clk.WaitForTimers(1, ctx.Done()) || isClosed() {
		t.Fatal("closed 30 s after a message instead of re-arming")
	}
	clk.Advance(60 * time.Second)
	testutil.WaitFor(t, 10*time.Second, "the close", isClosed)
}
