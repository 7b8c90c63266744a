package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
)

// One parser for tokens: every spelling the Authorization header accepts works in
// the WebSocket `auth` command too, and what one refuses the other refuses.
func TestOneBearerParser(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	tok := s.Setup(t, "admin", "correct-horse")
	cases := []struct {
		name     string
		header   string // Authorization header value; the WS argument is the same string
		wsArg    string
		accepted bool
	}{
		{"bearer", "Bearer " + tok, tok, true},
		{"trailing spaces", "Bearer " + tok + "   ", tok + "   ", true},
		{"bearer with trailing spaces", "Bearer " + tok + "   ", "Bearer " + tok + "   ", true},
		{"lower-case scheme, double space", "bearer  " + tok, "bearer  " + tok, true},
		{"scheme only", "Bearer ", "Bearer ", false},
		{"other scheme", "Basic " + tok, "Basic " + tok, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.URL+"/auth/me", nil)
			req.Header.Set("Authorization", c.header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.StatusCode == http.StatusOK; got != c.accepted {
				t.Errorf("HTTP %q: status %d, accepted want %v", c.header, resp.StatusCode, c.accepted)
			}
			ws := apptest.DialWS(t, s.URL, nil)
			r := ws.Command("auth", map[string]any{"token": c.wsArg})
			if got := r.ErrorCode == 0; got != c.accepted {
				t.Errorf("WS auth %q: %+v, accepted want %v", c.wsArg, r, c.accepted)
			}
		})
	}
}

// A text frame that is not UTF-8 fails the connection with 1007 instead of being
// parsed and echoed.
func TestInvalidUTF8TextFrameCloses1007(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	if err := ws.C.WriteMessage(websocket.TextMessage, []byte("{\"message_id\":\"1\",\"command\":\"\xff\xfe\"}")); err != nil {
		t.Fatal(err)
	}
	_ = ws.C.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, msg, err := ws.C.ReadMessage()
		if err == nil {
			if strings.Contains(string(msg), `"message_id":"1"`) {
				t.Fatalf("invalid UTF-8 was answered: %s", msg)
			}
			continue // an event sent before the frame was read
		}
		if !websocket.IsCloseError(err, websocket.CloseInvalidFramePayloadData) {
			t.Fatalf("after invalid UTF-8: %v, want close 1007", err)
		}
		return
	}
}
