package wsx_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/clock/clocktest"
	"segue/internal/wsx"
)

// serveWatched starts a loopback WebSocket server whose one socket is kept alive by a
// keepalive on clk (ping every 10 s, dead when a ping stays unanswered 25 s). Every pong the
// server reads is reported on pongs; dead closes the socket and is reported on dead.
func serveWatched(t *testing.T, clk *clocktest.Fake) (url string, pongs, dead <-chan struct{}) {
	t.Helper()
	pong, died := make(chan struct{}, 16), make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		k := wsx.StartKeepalive(clk, wsx.Timing{Every: 10 * time.Second, Wait: 25 * time.Second},
			wsx.ProtocolPing(ws, time.Second), func(error) { died <- struct{}{}; ws.Close() })
		defer k.Stop()
		k.Listen(ws)
		heard := ws.PongHandler()
		ws.SetPongHandler(func(s string) error { err := heard(s); pong <- struct{}{}; return err })
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
			k.Heard()
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), pong, died
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// await fails the test unless ch delivers within a generous real-time bound (a
// guard against hanging, not a pause: the signal normally comes at once).
func await(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s", what)
	}
}

func TestPongsKeepASocketAlive(t *testing.T) {
	clk := clocktest.NewFake(t0)
	url, pongs, dead := serveWatched(t, clk)
	c := dial(t, url)
	go func() { // reading makes gorilla answer pings
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	clk.WaitForTimers(1, t.Context().Done())
	for range 10 { // 100 s, four times the silence limit
		clk.Advance(10 * time.Second)
		await(t, pongs, "pong")
	}
	select {
	case <-dead:
		t.Fatal("a peer answering every ping was dropped")
	default:
	}
}

func TestSilentPeerIsDropped(t *testing.T) {
	clk := clocktest.NewFake(t0)
	url, _, dead := serveWatched(t, clk)
	c := dial(t, url) // never reads, so never answers a ping
	clk.WaitForTimers(1, t.Context().Done())
	clk.Advance(10 * time.Second) // first ping
	clk.Advance(10 * time.Second)
	clk.Advance(10 * time.Second)
	clk.Advance(4*time.Second + 900*time.Millisecond)
	select {
	case <-dead:
		t.Fatal("dropped 24.9 s after an unanswered ping; the limit is 25 s")
	default:
	}
	clk.Advance(100 * time.Millisecond)
	await(t, dead, "drop 25 s after an unanswered ping")
	// The socket is closed: the client's next read fails.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("socket still open after the drop")
			}
			return
		}
	}
}
