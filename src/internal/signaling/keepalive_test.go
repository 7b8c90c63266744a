package signaling

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestKeepalive: the server sends protocol pings and JSON pings; a socket that never
// answers (never reads, so never pongs) is closed and forgotten.
func TestKeepalive(t *testing.T) {
	cfg := testConfig()
	// Silence is fatal after 2×100 ms + 1 s: long enough that a loaded CI machine does
	// not starve the answering socket, short enough for a unit test.
	cfg.PingInterval = 100 * time.Millisecond
	cfg.WriteTimeout = time.Second
	ts := startServer(t, cfg)

	alive := dial(t, ts.wsURL)
	pinged := make(chan struct{}, 1)
	alive.c.SetPingHandler(func(data string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return alive.c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
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

	silent := dial(t, ts.wsURL) // never reads: pings go unanswered
	_ = silent
	// The answering socket keeps reading (and so ponging) and outlives the silent one.
	waitFor(t, func() bool {
		alive.barrier()
		return ts.srv.Stats().Peers == 1
	})
	// It stays up through five more rounds of the server's pings, counted as they come.
	for rounds := 0; rounds < 5; {
		alive.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := alive.c.ReadMessage(); err != nil {
			t.Fatalf("the answering socket was dropped after %d ping rounds: %v", rounds, err)
		}
		select {
		case <-pinged:
			rounds++
		default:
		}
	}
	alive.barrier()
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
