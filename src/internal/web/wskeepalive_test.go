package web_test

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
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
