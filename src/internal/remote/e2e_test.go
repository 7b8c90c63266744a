package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/app"
	"segue/internal/auth"
	"segue/internal/backoff"
	"segue/internal/config"
	"segue/internal/httpx"
	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/remote/peer"
	"segue/internal/secrets"
	"segue/internal/signaling"
	"segue/internal/testutil"
)

// sigServer is the real signaling server (internal/signaling) on a fixed loopback port,
// so the test can kill it and start it again at the same address.
type sigServer struct {
	t      testing.TB
	addr   string
	cancel context.CancelFunc
	done   chan struct{}
}

func startSignaling(t testing.TB, addr string) *sigServer {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	// The old socket may linger a moment after a kill.
	testutil.Eventually(5*time.Second, func() bool { ln, err = net.Listen("tcp", addr); return err == nil })
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	s := &sigServer{t: t, addr: ln.Addr().String(), cancel: cancel, done: make(chan struct{})}
	cfg := signaling.Config{RateLimitPerMinute: 100000, ShutdownTimeout: time.Second}
	go func() { defer close(s.done); _ = signaling.Serve(ctx, ln, cfg, log) }()
	t.Cleanup(s.stop)
	return s
}

func (s *sigServer) URL() string { return "ws://" + s.addr + "/ws" }

func (s *sigServer) stop() {
	s.cancel()
	<-s.done
}

// e2eServer is a real Segue server (internal/app) with a gateway in front of its API.
type e2eServer struct {
	app    *app.App
	id     *remote.Identity
	gw     *remote.Gateway
	cancel context.CancelFunc
	done   chan struct{}
}

func startServer(t testing.TB, signalingURL string) *e2eServer {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.PublicAddr = "127.0.0.1:0"
	cfg.RemoteAccess = "off" // the test runs its own loopback gateway below
	cfg.SignalingURL = signalingURL
	log := logrus.New()
	log.SetOutput(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, app.Options{Argon2: &secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Users.CreateFirstAdmin(ctx, "admin", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	id, err := remote.LoadOrCreateIdentity(cfg.DataDir, time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// The public handler, plus one large resource: the server has no public endpoint
	// over 1 MiB yet (image proxy comes with the music stage).
	big := bigBody(1536 * 1024)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /e2e/big", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	mux.Handle("/", a.Web.Handler(httpx.Public))
	gw, err := remote.NewGateway(remote.GatewayConfig{
		SignalingURL: signalingURL, Identity: id, Serve: a.API.ServeConn, HTTPHandler: mux, ProxyHost: a.PublicAddr(),
		ICE: remote.StaticICE{}, API: peer.NewRTCAPI(peer.RTCOptions{Loopback: true}), Log: log,
		Backoff: backoff.Backoff{Min: 50 * time.Millisecond, Max: 500 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := &e2eServer{app: a, id: id, gw: gw, cancel: cancel, done: make(chan struct{})}
	appDone := make(chan struct{})
	go func() { defer close(appDone); _ = a.Run(ctx) }()
	go func() { defer close(s.done); gw.Run(ctx); <-appDone }()
	t.Cleanup(func() { cancel(); <-s.done })
	waitFor(t, "gateway registered", gw.Connected)
	return s
}

func e2eDial(t *testing.T, sigURL string, id string) *client.Conn {
	t.Helper()
	c, err := client.Dial(context.Background(), client.Config{SignalingURL: sigURL, RemoteID: id,
		API: peer.NewRTCAPI(peer.RTCOptions{Loopback: true}), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Acceptance 1: real signaling server, real server with the gateway; the remote client
// pairs by remote ID, logs in, runs auth/me, receives an event, fetches >1 MiB through
// http_proxy and a >64 KiB command result through chunking.
func TestEndToEnd(t *testing.T) {
	checkGoroutines(t)
	sig := startSignaling(t, "")
	srv := startServer(t, sig.URL())
	ctx := ctxT(t)
	// The user types the grouped, lower-case form.
	c := e2eDial(t, sig.URL(), strings.ToLower(peer.FormatRemoteID(srv.id.RemoteID())))

	var info struct {
		ServerID      string `json:"server_id"`
		SchemaVersion int    `json:"schema_version"`
	}
	if err := json.Unmarshal(c.ServerInfo(), &info); err != nil || info.ServerID != srv.app.ServerID {
		t.Fatalf("ServerInfo %s", c.ServerInfo())
	}
	token, err := c.Login(ctx, "admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "admin", "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if err := c.Auth(ctx, token); err != nil {
		t.Fatal(err)
	}
	me, err := c.Call(ctx, "auth/me", nil)
	if err != nil || !strings.Contains(string(me), `"username":"admin"`) {
		t.Fatalf("auth/me %s %v", me, err)
	}
	// >64 KiB both ways: a command just over 64 KiB (preferences at the server's 64 KiB
	// cap) goes out chunked; auth/me returns it chunked.
	blob := strings.Repeat("0123456789abcdef", 65500/16)
	if _, err := c.Call(ctx, "auth/user/update", map[string]any{"preferences": map[string]any{"blob": blob}}); err != nil {
		t.Fatalf("update with a chunked command: %v", err)
	}
	me, err = c.Call(ctx, "auth/me", nil)
	if err != nil || len(me) <= peer.ChunkSize || !strings.Contains(string(me), blob) {
		t.Fatalf("chunked result: %d bytes, %v", len(me), err)
	}
	// A much larger result: 400 users listed in one reply (~150 KiB).
	for i := 0; i < 400; i++ {
		dn := fmt.Sprintf("Listener number %d with a fairly long display name", i)
		if _, err := srv.app.Users.Create(ctx, auth.NewUser{Username: fmt.Sprintf("user%03d", i), Role: auth.RoleUser, DisplayName: &dn}); err != nil {
			t.Fatal(err)
		}
	}
	users, err := c.Call(ctx, "auth/users", nil)
	var list []map[string]any
	if err != nil || json.Unmarshal(users, &list) != nil || len(list) != 401 || len(users) < 2*peer.ChunkSize {
		t.Fatalf("auth/users: %d users, %d bytes, %v", len(list), len(users), err)
	}
	// >1 MiB through the http_proxy channel.
	resp, err := c.HTTPGet(ctx, "GET", "/e2e/big", nil)
	if err != nil || resp.Status != 200 || !bytes.Equal(resp.Body, bigBody(1536*1024)) {
		t.Fatalf("http_proxy: %v", err)
	}
	// A real public endpoint through the proxy equals the direct answer.
	direct, err := http.Get("http://" + srv.app.PublicAddr() + "/info")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(direct.Body)
	direct.Body.Close()
	viaProxy, err := c.HTTPGet(ctx, "GET", "/info", map[string]string{"accept": "application/json"})
	if err != nil || viaProxy.Status != 200 || !bytes.Equal(bytes.TrimSpace(viaProxy.Body), bytes.TrimSpace(want)) {
		t.Fatalf("/info via proxy: %v %q vs %q", err, viaProxy.Body, want)
	}
	// The proxy never authenticates: a protected route stays closed without a token.
	prot, err := c.HTTPGet(ctx, "GET", "/auth/me", map[string]string{"authorization": "Bearer " + token})
	if err != nil || prot.Status != http.StatusUnauthorized {
		t.Fatalf("/auth/me through the proxy with a smuggled token: %+v %v", prot, err)
	}
	// A real event: onboarding completion publishes core_state_updated. Last, because
	// the connection now switches to tunnel mode, where every message comes raw.
	raw := c.Raw()
	if err := c.Send([]byte(`{"message_id":"onboard","command":"config/onboard_complete"}`)); err != nil {
		t.Fatal(err)
	}
	// The demo library's start-up scan also sends its own events; wait for this one.
	if ev := rawUntil(t, raw, `"event":"core_state_updated"`); !strings.Contains(string(ev), srv.app.ServerID) {
		t.Fatalf("event %s", ev)
	}
}

// Acceptance 4: kill the signaling server and start it again; the gateway re-registers
// and a new client session works, without restarting Segue.
func TestSignalingRestart(t *testing.T) {
	checkGoroutines(t)
	sig := startSignaling(t, "")
	srv := startServer(t, sig.URL())
	addr := sig.addr
	c := e2eDial(t, sig.URL(), srv.id.RemoteID())
	ctx := ctxT(t)
	token, err := c.Login(ctx, "admin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	sig.stop()
	waitFor(t, "gateway notices", func() bool { return !srv.gw.Connected() })
	// An established session does not need signaling.
	if err := c.Auth(ctx, token); err != nil {
		t.Fatalf("established session broke with signaling: %v", err)
	}
	sig2 := startSignaling(t, addr)
	waitFor(t, "re-registered", srv.gw.Connected)
	c2 := e2eDial(t, sig2.URL(), srv.id.RemoteID())
	if err := c2.Auth(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Call(ctx, "auth/me", nil); err != nil {
		t.Fatal(err)
	}
}

// Acceptance 3 against the real signaling server (issue 11 item 7): an impostor
// registers the server's remote ID with its own certificate. The real gateway proved
// its ID, so the impostor displaces nothing and the client pairs with the real server.
// Where no proven gateway holds an ID (a server that is off), the impostor's
// registration stands, answers the client, and the client refuses before any API
// message.
func TestEndToEndMITM(t *testing.T) {
	checkGoroutines(t)
	sig := startSignaling(t, "")
	srv := startServer(t, sig.URL())
	var served atomic.Int64
	startImpostor := func(victimID string) {
		imp, err := remote.NewGateway(remote.GatewayConfig{
			SignalingURL: sig.URL(), Identity: remote.ImpostorIdentity(newIdentity(t), victimID), ICE: remote.StaticICE{},
			Serve: func(ctx context.Context, c api.Conn, info api.ConnInfo) {
				served.Add(1)
				srv.app.API.ServeConn(ctx, c, info)
			},
			API:     peer.NewRTCAPI(peer.RTCOptions{Loopback: true}),
			Backoff: backoff.Backoff{Min: time.Hour, Max: time.Hour}, Log: quietLog(),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); imp.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		waitFor(t, "impostor registered", imp.Connected)
	}

	victimID := srv.id.RemoteID()
	startImpostor(victimID)
	if !srv.gw.Connected() {
		t.Fatal("the impostor displaced the proven gateway")
	}
	c := e2eDial(t, sig.URL(), victimID)
	if _, err := c.Call(ctxT(t), "info", nil); err != nil {
		t.Fatalf("client did not reach the real server: %v", err)
	}

	offline := newIdentity(t).RemoteID()
	startImpostor(offline)
	_, err := client.Dial(ctxT(t), client.Config{SignalingURL: sig.URL(), RemoteID: offline,
		API: peer.NewRTCAPI(peer.RTCOptions{Loopback: true}), Timeout: 20 * time.Second})
	if !errors.Is(err, peer.ErrFingerprintMismatch) {
		t.Fatalf("want a fingerprint mismatch, got %v", err)
	}
	if served.Load() != 0 {
		t.Fatal("an API session reached the impostor")
	}
}
