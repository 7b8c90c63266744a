package web_test

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
	"segue/internal/clock/clocktest"
)

func dialFrom(ip, base string) (*websocket.Conn, int, error) {
	d := websocket.Dialer{NetDialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext,
		HandshakeTimeout: 30 * time.Second}
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", nil)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	return c, status, err
}

// Issue 11 item 2: 10 addresses × 120 sockets that never sign in cannot fill
// the server: they get a small pool of their own (16 per client) and 503
// beyond it, and a real client still connects, signs in and works.
func TestAnonymousSocketsCannotCrowdOutClients(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	admin := s.Setup(t, "admin", "correct-horse")
	var mu sync.Mutex
	var held []*websocket.Conn
	perIP := map[string]int{}
	refused := 0
	var wg sync.WaitGroup
	for a := 0; a < 10; a++ {
		ip := "127.0.1." + string(rune('0'+a))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 120; i++ {
				c, status, err := dialFrom(ip, s.URL)
				mu.Lock()
				if err == nil {
					held = append(held, c)
					perIP[ip]++
				} else if status == http.StatusServiceUnavailable {
					refused++
				} else {
					t.Errorf("dial from %s: %d %v", ip, status, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	for ip, n := range perIP {
		if n > 16 {
			t.Errorf("%s holds %d anonymous sockets, want at most 16", ip, n)
		}
	}
	t.Logf("flood: %d anonymous sockets held, %d refused with 503", len(held), refused)
	c, status, err := dialFrom("127.0.2.1", s.URL)
	if err != nil {
		t.Fatalf("a real client during the flood: %d %v", status, err)
	}
	defer c.Close()
	var info map[string]any
	if err := c.ReadJSON(&info); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteJSON(map[string]any{"message_id": "1", "command": "auth", "args": map[string]any{"token": admin}}); err != nil {
		t.Fatal(err)
	}
	var r apptest.Reply
	if err := c.ReadJSON(&r); err != nil || r.ErrorCode != 0 {
		t.Fatalf("sign in during the flood: %+v %v", r, err)
	}
}

// Issue 11 item 2: MA's login screen holds an unauthenticated socket and
// sends `time` every 60 s; it stays usable for minutes, and a silent
// anonymous socket is still closed.
func TestLoginScreenSocketStaysUsable(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s := apptest.Start(t, app.New, apptest.Options{App: app.Options{Clock: clk}})
	s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	for minute := 1; minute <= 5; minute++ {
		clk.Advance(60 * time.Second)
		if r := ws.Command("time", nil); r.ErrorCode != 0 || len(r.Result) == 0 {
			t.Fatalf("minute %d: time answered %+v", minute, r)
		}
	}
	clk.Advance(91 * time.Second) // silence beyond the idle limit
	_ = ws.C.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := ws.C.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
				t.Fatalf("silent anonymous socket: want close 1008, got %v", err)
			}
			return
		}
	}
}
