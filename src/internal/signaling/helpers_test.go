package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"
)

const testRID = "VVPN3TLP34YMGIZDINCEKQKSIR"

func quietLog() *logrus.Logger {
	l := logrus.New()
	if os.Getenv("SIGNALING_TEST_LOG") == "" {
		l.SetOutput(io.Discard)
	}
	return l
}

// testServer is a signaling server on a loopback httptest listener.
type testServer struct {
	srv   *Server
	http  *httptest.Server
	wsURL string
}

func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := NewServer(ctx, cfg, quietLog())
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
		cancel()
	})
	return &testServer{srv: srv, http: hs, wsURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"}
}

// wsc is a raw gorilla client, so tests speak the wire format directly.
type wsc struct {
	t *testing.T
	c *websocket.Conn
}

// dialAs connects pretending to come from ip (the server must trust X-Forwarded-For).
func dialAs(t *testing.T, url, ip string) *wsc {
	t.Helper()
	h := http.Header{}
	if ip != "" {
		h.Set("X-Forwarded-For", ip)
	}
	c, _, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &wsc{t: t, c: c}
}

func dial(t *testing.T, url string) *wsc { return dialAs(t, url, "") }

func (w *wsc) sendRaw(s string) {
	w.t.Helper()
	if err := w.c.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

func (w *wsc) send(m Message) { w.t.Helper(); w.sendRaw(string(m.Encode())) }

// recv returns the next non-ping message (the server's keepalive pings are skipped).
func (w *wsc) recv() Message {
	w.t.Helper()
	for {
		w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := w.c.ReadMessage()
		if err != nil {
			w.t.Fatalf("read: %v", err)
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			w.t.Fatalf("server sent non-JSON %q: %v", b, err)
		}
		if m.Type != TypePing {
			return m
		}
	}
}

func (w *wsc) expect(typ string) Message {
	w.t.Helper()
	m := w.recv()
	if m.Type != typ {
		w.t.Fatalf("want %s, got %+v", typ, m)
	}
	return m
}

func (w *wsc) expectError(text string) {
	w.t.Helper()
	m := w.expect(TypeError)
	if m.Error != text {
		w.t.Fatalf("want error %q, got %q", text, m.Error)
	}
}

// barrier proves nothing else is queued for w: a ping's pong must be the next message.
func (w *wsc) barrier() {
	w.t.Helper()
	w.send(Message{Type: TypePing})
	w.expect(TypePong)
}

// expectClose reads until the socket closes and checks the close code.
func (w *wsc) expectClose(code int) {
	w.t.Helper()
	if got := readUntilClose(w.c); got != code {
		w.t.Fatalf("want close %d, got %d", code, got)
	}
}

// readUntilClose returns the close code (-1 for a close without a code frame).
func readUntilClose(c *websocket.Conn) int {
	for {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := c.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

var testICE = []ICEServer{{URLs: []string{"stun:stun.example:3478"}}}
var freshICE = []ICEServer{{URLs: []string{"turn:turn.example:3478?transport=udp", "turns:turn.example:443"}, Username: "u", Credential: "c"}}

func registerGateway(t *testing.T, url, rid string) *wsc {
	t.Helper()
	g := dialAs(t, url, "10.0.0.1")
	g.send(Message{Type: TypeRegisterServer, RemoteID: rid, ICEServers: testICE})
	m := g.expect(TypeRegistered)
	if m.RemoteID != strings.ToUpper(rid) {
		t.Fatalf("registered as %q", m.RemoteID)
	}
	return g
}

// pair registers a gateway, connects a client and completes session-ready.
func pair(t *testing.T, ts *testServer) (g, c *wsc, sid string) {
	t.Helper()
	g = registerGateway(t, ts.wsURL, testRID)
	c = dialAs(t, ts.wsURL, "10.0.0.2")
	sid = connectVia(t, g, c, testRID)
	return g, c, sid
}

func connectVia(t *testing.T, g, c *wsc, rid string) string {
	t.Helper()
	c.send(Message{Type: TypeConnectRequest, RemoteID: rid})
	cc := g.expect(TypeClientConnected)
	g.send(Message{Type: TypeSessionReady, SessionID: cc.SessionID, ICEServers: freshICE})
	m := c.expect(TypeConnected)
	if m.SessionID != cc.SessionID || m.RemoteID != strings.ToUpper(rid) {
		t.Fatalf("connected %+v does not match client-connected %+v", m, cc)
	}
	return m.SessionID
}

func testConfig() Config {
	return Config{TrustForwardedFor: true, SessionReadyTimeout: time.Hour}
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func checkHealth(t *testing.T, ts *testServer) map[string]any {
	t.Helper()
	resp, err := http.Get(ts.http.URL + "/health")
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&v) != nil || v["status"] != "ok" {
		t.Fatalf("health: status %d %v", resp.StatusCode, v)
	}
	return v
}
