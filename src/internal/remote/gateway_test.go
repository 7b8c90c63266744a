package remote_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"segue/internal/api"
	"segue/internal/httpx"
	"segue/internal/remote"
	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

func TestPairLoginCallChunksProxy(t *testing.T) {
	h := newHarness(t)
	c := h.dial(t)
	ctx := ctxT(t)

	var info map[string]any
	if err := json.Unmarshal(c.ServerInfo(), &info); err != nil || info["server_id"] != "test" {
		t.Fatalf("first frame is not ServerInfo: %s", c.ServerInfo())
	}
	// Before auth a privileged command is refused (same rules as /ws).
	if _, err := c.Call(ctx, "auth/me", nil); err == nil {
		t.Fatal("auth/me before auth succeeded")
	}
	token, err := c.Login(ctx, "alice", "secret")
	if err != nil || token != "good-token" {
		t.Fatalf("login: %q %v", token, err)
	}
	if err := c.Auth(ctx, token); err != nil {
		t.Fatal(err)
	}
	me, err := c.Call(ctx, "auth/me", nil)
	if err != nil || !strings.Contains(string(me), `"username":"alice"`) {
		t.Fatalf("auth/me: %s %v", me, err)
	}
	ch, err := c.Call(ctx, "whoami/channel", nil)
	if err != nil || string(ch) != `{"channel":"webrtc","info_channel":"webrtc","ingress":false}` {
		t.Fatalf("channel: %s %v", ch, err)
	}
	// >64 KiB result arrives as __chunk__ frames and is reassembled.
	big, err := c.Call(ctx, "test/big", map[string]int{"size": 300 * 1024})
	if err != nil {
		t.Fatal(err)
	}
	var s string
	if err := json.Unmarshal(big, &s); err != nil || len(s) != 300*1024 {
		t.Fatalf("big result: %d bytes, %v", len(s), err)
	}
	// A >64 KiB command from the client is chunked too and reassembled by the gateway.
	arg := strings.Repeat("y", 100*1024)
	echo, err := c.Call(ctx, "test/echo", map[string]string{"v": arg})
	if err != nil || !strings.Contains(string(echo), arg) {
		t.Fatalf("echo of chunked command failed: %v", err)
	}
	// >1 MiB through the http_proxy channel (binary frames).
	resp, err := c.HTTPGet(ctx, "GET", "/imageproxy/big", map[string]string{"accept": "image/*"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || !bytes.Equal(resp.Body, bigBody(1536*1024)) {
		t.Fatalf("proxy: status %d, %d bytes", resp.Status, len(resp.Body))
	}
	if _, leaked := resp.Headers["Set-Cookie"]; leaked {
		t.Fatal("Set-Cookie passed through the proxy")
	}
	// From here on the connection is in tunnel mode: every message comes raw.
	raw := c.Raw()
	// Events reach the remote client.
	if err := c.Send([]byte(`{"message_id":"emit","command":"test/emit"}`)); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		ObjectID string `json:"object_id"`
	}
	if err := json.Unmarshal(rawUntil(t, raw, `"event":"test_event"`), &ev); err != nil || ev.ObjectID != "obj1" {
		t.Fatalf("event %+v %v", ev, err)
	}
	// The same GET through the API channel in the old hex form: twice the bytes,
	// JSON-framed, about 7 s under -race on a loaded 2-core machine.
	req, _ := json.Marshal(peer.ProxyRequest{Type: "http-proxy-request", ID: "hex1", Method: "GET", Path: "/imageproxy/big"})
	if err := c.Send(req); err != nil {
		t.Fatal(err)
	}
	var hexResp peer.ProxyResponse
	if err := json.Unmarshal(rawUntil(t, raw, `"type":"http-proxy-response"`), &hexResp); err != nil || hexResp.Status != 200 || hexResp.Body == nil {
		t.Fatalf("hex proxy: %+v %v", hexResp, err)
	}
	if body, err := hex.DecodeString(*hexResp.Body); err != nil || !bytes.Equal(body, resp.Body) {
		t.Fatalf("hex proxy body: %d bytes, %v", len(body), err)
	}
	// Register carried our ID and no credentials.
	for _, m := range h.relay.Seen() {
		if m.Type == "register-server" && m.RemoteID != h.id.RemoteID() {
			t.Fatalf("registered %q, want %q", m.RemoteID, h.id.RemoteID())
		}
	}
}

// Closing the http_proxy channel (a client gave up on a request) leaves the API session up.
func TestProxyChannelCloseKeepsSession(t *testing.T) {
	h := newHarness(t, func(c *remote.GatewayConfig) { c.Limits.ProxyTimeout = time.Second })
	c := h.dial(t)
	ctx := ctxT(t)
	if err := c.Auth(ctx, "good-token"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := c.HTTPGet(short, "GET", "/slow", nil); err == nil {
		t.Fatal("slow request returned")
	}
	// The slow handler gives up after the proxy timeout; its response finds the channel
	// closed, and the session must outlive that.
	waitFor(t, "the dropped proxy response", func() bool { return logged(h, "proxy channel gone before its response") })
	if _, err := c.Call(ctx, "auth/me", nil); err != nil {
		t.Fatalf("API session died with the proxy channel: %v", err)
	}
	if h.gw.Sessions() != 1 {
		t.Fatalf("%d sessions", h.gw.Sessions())
	}
	// The client opens a fresh proxy channel for the next request.
	r, err := c.HTTPGet(ctx, "GET", "/headers", nil)
	if err != nil || r.Status != 200 {
		t.Fatalf("proxy after a reopened channel: %v", err)
	}
}

// TestGatewayAgainstMASignaling: MA's signaling server (the relay here answers
// registered without a challenge) sees exactly what it always did from our gateway:
// one register-server without data, and pairing works.
func TestGatewayAgainstMASignaling(t *testing.T) {
	h := newHarness(t)
	c := h.dial(t)
	if err := c.Auth(ctxT(t), "good-token"); err != nil {
		t.Fatal(err)
	}
	if n := h.relay.Registers(); n != 1 {
		t.Fatalf("%d register-server messages, want 1", n)
	}
	for _, m := range h.relay.Seen() {
		if m.Type == signaling.TypeRegisterServer && len(m.Data) != 0 {
			t.Fatalf("register-server carried data for a server that asked for nothing: %s", m.Data)
		}
	}
}

// TestThrottleKeyIsThePeer (issue 11 item 1): every session from one peer presents the
// same address to the API (ma-api) and to proxied HTTP (http_proxy): the peer's address
// as ICE selected it, never the session id, so new sessions earn no fresh allowance.
func TestThrottleKeyIsThePeer(t *testing.T) {
	addrs := make(chan string, 4)
	h := newHarness(t, func(cfg *remote.GatewayConfig) {
		serve := cfg.Serve
		cfg.Serve = func(ctx context.Context, c api.Conn, info api.ConnInfo) {
			addrs <- info.RemoteAddr
			serve(ctx, c, info)
		}
	})
	ctx := ctxT(t)
	var apiKeys, proxyKeys []string
	for i := 0; i < 2; i++ {
		c := h.dial(t)
		apiKeys = append(apiKeys, <-addrs)
		r, err := c.HTTPGet(ctx, "GET", "/headers", nil)
		if err != nil || r.Status != 200 {
			t.Fatalf("proxy: %v", err)
		}
		var seen struct {
			RemoteAddr string `json:"remote_addr"`
		}
		if err := json.Unmarshal(r.Body, &seen); err != nil {
			t.Fatal(err)
		}
		proxyKeys = append(proxyKeys, seen.RemoteAddr)
		for _, sid := range h.relay.SessionIDs() {
			if strings.Contains(apiKeys[i], sid) || strings.Contains(proxyKeys[i], sid) {
				t.Fatalf("keyed by session: %q %q", apiKeys[i], proxyKeys[i])
			}
		}
	}
	want := "webrtc/127.0.0.1" // the loopback peer, as ICE selected it
	for _, k := range append(apiKeys, proxyKeys...) {
		if k != want {
			t.Fatalf("throttle keys %v / %v, want all %q", apiKeys, proxyKeys, want)
		}
	}
	if got := httpx.HostOf(want); got != want {
		t.Fatalf("httpx.HostOf turns the key into %q", got)
	}
}
