package web_test

import (
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/app"
	"segue/internal/apptest"
)

// BenchmarkWSRoundTrip is one `time` command round trip on an authenticated socket.
func BenchmarkWSRoundTrip(b *testing.B) {
	s := apptest.Start(b, app.New, apptest.Options{})
	tok := s.Setup(b, "admin", "password-123")
	ws := apptest.DialWS(b, s.URL, nil)
	ws.Command("auth", map[string]any{"token": tok})
	msg := []byte(`{"message_id":"1","command":"time"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ws.C.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ws.C.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}
