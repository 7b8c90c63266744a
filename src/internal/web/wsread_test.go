package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/apptest"
)

// Messages of every size, sent back to back with a binary frame among them, each
// get their own answer: the socket reads them into a reused buffer (grown past its
// 512-byte start, and past what it keeps pooled), so a command that reads its args
// after the next message arrived must still see its own. A message over the limit
// closes the socket with 1009.
func TestSocketReadsEveryMessageWhole(t *testing.T) {
	s := apptest.Start(t, app.New, apptest.Options{})
	s.Setup(t, "admin", "correct-horse")
	ws := apptest.DialWS(t, s.URL, nil)
	sizes := []int{0, 100, 511, 512, 513, 5000, 100_000, 300_000, 100}
	for i, n := range sizes {
		if i == 3 {
			if err := ws.C.WriteMessage(websocket.BinaryMessage, []byte(strings.Repeat("b", 2000))); err != nil {
				t.Fatal(err)
			}
		}
		msg := fmt.Sprintf(`{"message_id":"m%d","command":"translations/set_locale","args":{"locale":"l%d","pad":"%s"}}`,
			i, i, strings.Repeat(string(rune('a'+i)), n))
		if err := ws.C.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for len(got) < len(sizes) {
		r, err := ws.ReadNonLibrary(time.Now().Add(10 * time.Second))
		if err != nil {
			t.Fatalf("after %d replies: %v", len(got), err)
		}
		var res struct {
			Locale string `json:"locale"`
		}
		if err := json.Unmarshal(r.Result, &res); err != nil || r.ErrorCode != 0 {
			t.Fatalf("reply %+v: %v", r, err)
		}
		got[r.MessageID] = res.Locale
	}
	for i := range sizes {
		if want := fmt.Sprintf("l%d", i); got[fmt.Sprintf("m%d", i)] != want {
			t.Fatalf("message m%d answered %q, want %q (all: %v)", i, got[fmt.Sprintf("m%d", i)], want, got)
		}
	}

	tooBig := make([]byte, api.MaxMessageBytes+1)
	for i := range tooBig {
		tooBig[i] = ' '
	}
	if err := ws.C.WriteMessage(websocket.TextMessage, tooBig); err != nil {
		t.Fatal(err)
	}
	_, err := ws.ReadNonLibrary(time.Now().Add(10 * time.Second))
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("after a message over the limit: %v, want close 1009", err)
	}
}
