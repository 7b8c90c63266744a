package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/remote/client"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := client.CLI(ctxT(t), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The CLI uses the default (non-loopback) pion settings, as a user's would; on loopback
// the gateway still reaches it through its LAN address.
func TestCLILoginCallAndTunnel(t *testing.T) {
	checkGoroutines(t)
	sig := startSignaling(t, "")
	srv := startServer(t, sig.URL())
	id := srv.id.RemoteID()
	if code, out, errs := runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "id"); code != 0 || !strings.Contains(out, id) {
		t.Fatalf("id: %d %q %q", code, out, errs)
	}
	code, out, errs := runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "login", "--username", "admin", "--password", "correct horse")
	if code != 0 {
		t.Skipf("pairing without loopback candidates is not possible on this machine: %s", errs)
	}
	token := strings.TrimSpace(out)
	if len(token) < 20 {
		t.Fatalf("token %q", token)
	}
	code, out, errs = runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "call", "auth/me", "--token", token)
	if code != 0 || !strings.Contains(out, `"username": "admin"`) {
		t.Fatalf("call: %d %q %q", code, out, errs)
	}
	code, _, errs = runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "call", "auth/me", "--token", "wrong")
	if code == 0 || !strings.Contains(errs, "authentication failed") {
		t.Fatalf("bad token accepted: %q", errs)
	}
	if code, _, _ := runCLI(t, "--remote-id", "not-an-id", "call", "auth/me"); code != 2 {
		t.Fatal("bad remote id accepted")
	}
	// get: a public page through the http_proxy channel is what a direct GET returns.
	direct, err := http.Get("http://" + srv.app.PublicAddr() + "/info")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(direct.Body)
	direct.Body.Close()
	code, out, errs = runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "get", "/info")
	if code != 0 || !bytes.Equal(bytes.TrimSpace([]byte(out)), bytes.TrimSpace(want)) {
		t.Fatalf("get /info: %d %q %q, want %q", code, out, errs, want)
	}
	// The proxy does not authenticate: a protected page is refused, and the CLI says so.
	if code, _, errs := runCLI(t, "--signaling-url", sig.URL(), "--remote-id", id, "get", "/auth/me"); code != 1 || !strings.Contains(errs, "HTTP 401") {
		t.Fatalf("get /auth/me: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, "--remote-id", id, "get", "info"); code != 2 {
		t.Fatal("a path without / accepted")
	}

	// Tunnel: a plain WebSocket client speaks the API through it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tun := &client.Tunnel{Config: client.Config{SignalingURL: sig.URL(), RemoteID: id, Timeout: 20 * time.Second}, Retry: client.Retry{Attempts: 2}}
	done := make(chan struct{})
	go func() { defer close(done); _ = tun.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	var first map[string]any
	if err := ws.ReadJSON(&first); err != nil || first["server_id"] != srv.app.ServerID {
		t.Fatalf("tunnel first frame %v %v", first, err)
	}
	ws.WriteJSON(map[string]any{"message_id": "1", "command": "auth", "args": map[string]string{"token": token}})
	ws.WriteJSON(map[string]any{"message_id": "2", "command": "auth/me"})
	got := map[string]json.RawMessage{}
	for len(got) < 2 {
		var m struct {
			MessageID string          `json:"message_id"`
			Result    json.RawMessage `json:"result"`
		}
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		got[m.MessageID] = m.Result
	}
	if !strings.Contains(string(got["2"]), `"username":"admin"`) {
		t.Fatalf("auth/me through the tunnel: %s", got["2"])
	}
}
