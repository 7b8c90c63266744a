// Package apptest starts a real server (real SQLite in a temp dir, real
// listeners on loopback) for integration tests of any package. It does not
// import app (nothing but cmd/segue does): the test passes app.New in.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/sirupsen/logrus"

	"segue/internal/apphooks"
	"segue/internal/config"
	"segue/internal/logging"
	"segue/internal/secrets"
)

// FastArgon2 keeps password hashing cheap in tests that are not about hashing.
var FastArgon2 = secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// App is what Start needs of the server app.New builds.
type App interface {
	Listen() error
	PublicAddr() string
	IngressAddr() string
	Run(ctx context.Context) error
}

// NewApp builds the server: app.New.
type NewApp[A App] func(ctx context.Context, cfg config.Config, log *logrus.Logger, o apphooks.Options) (A, error)

// Server is a running app.
type Server[A App] struct {
	App A
	// URL is the public listener's base URL (http://127.0.0.1:port).
	URL string
	// IngressURL is the ingress listener's base URL, if configured.
	IngressURL string
	log        *LockedBuffer
	cancel     context.CancelFunc
	done       chan error
}

// Options tune Start.
type Options struct {
	// Config is applied on top of test defaults (data dir, loopback :0 addresses).
	Config func(c *config.Config)
	App    apphooks.Options
	// Ingress adds an ingress listener trusting 127.0.0.1 unless Config changes it.
	Ingress bool
	// DataDir reuses a directory (restart tests); empty makes a temp dir.
	DataDir string
}

// Start runs the server newApp builds (app.New) until the test ends.
func Start[A App](t testing.TB, newApp NewApp[A], o Options) *Server[A] {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = o.DataDir
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.PublicAddr = "127.0.0.1:0"
	cfg.RemoteAccess = "off"
	// Never reach a public signaling server from a test, even if remote access is switched on.
	cfg.SignalingURL = "ws://127.0.0.1:9/ws"
	if o.Ingress {
		cfg.IngressAddr = "127.0.0.1:0"
		cfg.IngressTrustedPeer = "127.0.0.1"
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	logBuf := &LockedBuffer{}
	log := logging.New(logBuf, "debug")
	if o.App.Argon2 == nil {
		p := FastArgon2
		o.App.Argon2 = &p
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, log, o.App)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	if err := a.Listen(); err != nil {
		cancel()
		t.Fatalf("listen: %v", err)
	}
	s := &Server[A]{App: a, URL: "http://" + a.PublicAddr(), cancel: cancel, done: make(chan error, 1), log: logBuf}
	if a.IngressAddr() != "" {
		s.IngressURL = "http://" + a.IngressAddr()
	}
	go func() { s.done <- a.Run(ctx) }()
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// Stop shuts the server down (idempotent).
func (s *Server[A]) Stop(t testing.TB) {
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		t.Errorf("server did not stop within 15 s")
	}
	s.done <- nil
}

// Logs returns everything logged so far.
func (s *Server[A]) Logs() string { return s.log.String() }

// Setup creates the first admin through POST /setup and returns its token.
func (s *Server[A]) Setup(t testing.TB, username, password string) string {
	t.Helper()
	var out struct {
		Success bool   `json:"success"`
		Token   string `json:"token"`
		Error   string `json:"error"`
	}
	status := s.PostJSON(t, "/setup", "", map[string]string{"username": username, "password": password}, &out)
	if status != 200 || !out.Success {
		t.Fatalf("setup: %d %s", status, out.Error)
	}
	return out.Token
}

// Login logs in through POST /auth/login and returns the token.
func (s *Server[A]) Login(t testing.TB, username, password string) string {
	t.Helper()
	var out struct {
		Success bool   `json:"success"`
		Token   string `json:"token"`
		Error   string `json:"error"`
	}
	status := s.PostJSON(t, "/auth/login", "", map[string]any{"credentials": map[string]string{"username": username, "password": password}}, &out)
	if status != 200 || !out.Success {
		t.Fatalf("login %s: %d %s", username, status, out.Error)
	}
	return out.Token
}

// Call runs a command through POST /api; it returns the status and raw body.
func (s *Server[A]) Call(t testing.TB, token, command string, args any) (int, []byte) {
	t.Helper()
	body := map[string]any{"command": command}
	if args != nil {
		body["args"] = args
	}
	return s.Do(t, "POST", "/api", token, body)
}

// MustCall runs a command and decodes a 200 result into out (may be nil).
func (s *Server[A]) MustCall(t testing.TB, token, command string, args any, out any) {
	t.Helper()
	status, body := s.Call(t, token, command, args)
	if status != 200 {
		t.Fatalf("%s: HTTP %d: %s", command, status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: decode %s: %v", command, body, err)
		}
	}
}

// PostJSON posts v as JSON and decodes the reply into out (if non-nil); returns the status.
func (s *Server[A]) PostJSON(t testing.TB, path, token string, v any, out any) int {
	t.Helper()
	status, body := s.Do(t, "POST", path, token, v)
	if out != nil {
		_ = json.Unmarshal(body, out) // a plain-text error body leaves out untouched
	}
	return status
}

// Do sends a request with an optional JSON body and bearer token.
func (s *Server[A]) Do(t testing.TB, method, path, token string, v any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// WS is a raw WebSocket client speaking the MA protocol.
type WS struct {
	C      *websocket.Conn
	t      testing.TB
	nextID int
	// Info is the ServerInfo frame received on connect.
	Info map[string]any
}

// DialWS connects to base (http URL) /ws and reads ServerInfo.
func DialWS(t testing.TB, base string, header http.Header) *WS {
	t.Helper()
	u := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	c, _, err := websocket.DefaultDialer.Dial(u, header)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { c.Close() })
	w := &WS{C: c, t: t}
	if err := w.ReadJSON(&w.Info); err != nil {
		t.Fatalf("read ServerInfo: %v", err)
	}
	return w
}

// ReadJSON reads one message with a 10 s deadline.
func (w *WS) ReadJSON(v any) error {
	_ = w.C.SetReadDeadline(time.Now().Add(10 * time.Second))
	return w.C.ReadJSON(v)
}

// ReadNonLibrary reads the next frame that is not the library's own news (scan
// progress as tasks_updated, media_item_* changes): a server's demo folder is
// scanned at start on its own schedule, so such frames can come at any point.
// It gives up at deadline.
func (w *WS) ReadNonLibrary(deadline time.Time) (Reply, error) {
	_ = w.C.SetReadDeadline(deadline)
	for {
		var r Reply
		if err := w.C.ReadJSON(&r); err != nil {
			return r, err
		}
		if r.Event != "tasks_updated" && !strings.HasPrefix(r.Event, "media_item_") {
			return r, nil
		}
	}
}

// Send sends a command and returns its message_id.
func (w *WS) Send(command string, args any) string {
	w.t.Helper()
	w.nextID++
	id := "m" + strconv.Itoa(w.nextID)
	msg := map[string]any{"message_id": id, "command": command}
	if args != nil {
		msg["args"] = args
	}
	if err := w.C.WriteJSON(msg); err != nil {
		w.t.Fatalf("send %s: %v", command, err)
	}
	return id
}

// Reply is a result or error frame.
type Reply struct {
	MessageID string          `json:"message_id"`
	Result    json.RawMessage `json:"result"`
	Partial   bool            `json:"partial"`
	ErrorCode int             `json:"error_code"`
	Details   string          `json:"details"`
	Event     string          `json:"event"`
	Data      json.RawMessage `json:"data"`
}

// Command sends a command and waits for its (non-partial) reply, skipping events.
func (w *WS) Command(command string, args any) Reply {
	w.t.Helper()
	id := w.Send(command, args)
	for {
		var r Reply
		if err := w.ReadJSON(&r); err != nil {
			w.t.Fatalf("%s: read reply: %v", command, err)
		}
		if r.MessageID == id && !r.Partial {
			return r
		}
	}
}
