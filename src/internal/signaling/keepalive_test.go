package signaling

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/clock/clocktest"
)

// TestKeepalive: the server sends protocol pings and JSON pings on its clock; a socket
// that never answers (never reads, so never pongs) is closed and forgotten, and one
// that answers stays. The test moves the server's fake clock; nothing sleeps.
func TestKeepalive(t *testing.T) {
	cfg := testConfig()
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	cfg.Clock = clk // defaults: ping every 30 s, a ping unanswered for 30 + 10 s drops the peer
	ts := startServer(t, cfg)

	alive := dial(t, ts.wsURL)
	pinged := make(chan struct{}, 1)
	alive.c.SetPingHandler(func(data string) error {
		err := alive.c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		select {
		case pinged <- struct{}{}:
		default:
		}
		return err
	})
	silent := dial(t, ts.wsURL) // never reads: pings go unanswered
	_ = silent
	if !clk.WaitForTimers(2, t.Context().Done()) { // both sockets' keepalives are armed
		t.Fatal("keepalives not armed")
	}

	clk.Advance(30 * time.Second)
	alive.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := alive.c.ReadMessage() // the ping handler runs inside ReadMessage
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := DecodeMessage(b, 0); m.Type != TypePing {
		t.Fatalf("want a JSON ping, got %s", b)
	}
	select {
	case <-pinged:
	default:
		t.Fatal("no protocol ping before the JSON ping")
	}
	alive.barrier()

	clk.Advance(40 * time.Second) // the silent socket's ping has waited 40 s
	waitFor(t, func() bool { return ts.srv.Stats().Peers == 1 })
	// The answering socket stays up through five more rounds of the server's pings.
	for round := range 5 {
		clk.Advance(30 * time.Second)
		alive.barrier() // reads the protocol ping (answered) and the JSON ping on the way
		select {
		case <-pinged:
		default:
			t.Fatalf("round %d: no protocol ping", round)
		}
		if n := ts.srv.Stats().Peers; n != 1 {
			t.Fatalf("round %d: %d peers, want the answering one", round, n)
		}
	}
}

// TestNoGoroutineLeak: after Close every goroutine the server started has ended, on a
// single node and in a cluster.
func TestNoGoroutineLeak(t *testing.T) {
	rd := startRedis(t, false)
	for _, redisURL := range []string{"", rd.URL()} {
		base := runtime.NumGoroutine()
		func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := testConfig()
			cfg.RedisURL = redisURL
			ts := startServer(t, cfg)
			g, err := Register(ctx, ts.wsURL, testRID, testICE, DialOptions{})
			if err != nil {
				t.Fatal(err)
			}
			c := dial(t, ts.wsURL)
			c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
			if m, err := g.Recv(ctx); err != nil || m.Type != TypeClientConnected {
				t.Fatalf("%+v %v", m, err)
			}
			ts.srv.Close()
			ts.http.Close()
			<-g.Done()
			c.c.Close()
		}()
		waitFor(t, func() bool { return runtime.NumGoroutine() <= base+2 })
	}
}
