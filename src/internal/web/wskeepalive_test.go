package web_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
	"segue/internal/testutil"
)

// A signed-in MA socket whose peer stops answering is dropped on the server's clock:
// the ping at 25 s goes unanswered, and 35 s later the socket is closed (1001).
func TestSilentWebSocketIsDropped(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := apptest.Start(t, app.New, apptest.Options{App: app.Options{Clock: clk}})
	tok := s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	if r := ws.Command("auth", map[string]any{"token": tok}); r.ErrorCode != 0 {
		t.Fatalf("auth: %+v", r)
	}
	// From here the client answers no ping (it reads nothing until the end, and
	// then ignores the pings it finds).
	ws.C.SetPingHandler(func(string) error { return nil })
	clk.Advance(25 * time.Second)
	clk.Advance(34 * time.Second)
	clk.Advance(time.Second)
	_ = ws.C.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := ws.C.ReadMessage()
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Fatalf("silent signed-in socket: want close 1001, got %v", err)
		}
		return
	}
}

// An idle signed-in MA socket costs the server one goroutine (the connection's
// reader): no writer, no ping loop, no sign-in watcher wait while nothing happens.
func TestIdleSignedInSocketHoldsOneGoroutine(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	tok := s.Setup(t, "admin", "correct-horse")
	const sockets = 20
	settled := func() int {
		n := runtime.NumGoroutine()
		for range 3 { // the count wobbles while finished work unwinds
			runtime.Gosched()
			n = min(n, runtime.NumGoroutine())
		}
		return n
	}
	base := settled()
	for range sockets {
		ws := apptest.DialWS(t, s.URL, nil)
		if r := ws.Command("auth", map[string]any{"token": tok}); r.ErrorCode != 0 {
			t.Fatalf("auth: %+v", r)
		}
	}
	// Each socket's reply goroutines end once the reply is out; wait for that, and
	// fail if more than one goroutine per socket stays.
	if !testutil.Eventually(5*time.Second, func() bool { return settled()-base <= sockets }) {
		t.Fatalf("%d idle signed-in sockets hold %d goroutines, want at most one each", sockets, settled()-base)
	}
}
