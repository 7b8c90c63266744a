package web_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
)

// What DOCS promises a user sees when the pool of connections that have not
// signed in is full: HTTP 503 with Retry-After: 10 (16 per address, 256 in all).
func TestAnonymousPoolFullAnswers503WithRetryAfter(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "correct-horse")
	var held []*websocket.Conn
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	refusals := map[string]int{}
	for a := 0; a < 17; a++ {
		ip := fmt.Sprintf("127.0.3.%d", a+1)
		d := websocket.Dialer{NetDialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}).DialContext,
			HandshakeTimeout: 30 * time.Second}
		for i := 0; i < 17; i++ {
			c, resp, err := d.Dial("ws"+strings.TrimPrefix(s.URL, "http")+"/ws", nil)
			if err == nil {
				held = append(held, c)
				continue
			}
			if resp == nil {
				t.Fatalf("dial from %s: %v", ip, err)
			}
			refusals[fmt.Sprintf("%d Retry-After=%s", resp.StatusCode, resp.Header.Get("Retry-After"))]++
		}
	}
	// 17 addresses × 17: one over the per-address limit each, and 16 over the total.
	want := 17*17 - 256
	if len(held) != 256 || len(refusals) != 1 || refusals[fmt.Sprintf("%d Retry-After=10", http.StatusServiceUnavailable)] != want {
		t.Fatalf("held %d, refusals %v; want 256 held and %d × 503 with Retry-After: 10", len(held), refusals, want)
	}
}
