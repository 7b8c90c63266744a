package remote_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/backoff"
	"segue/internal/fail"
	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/remote/peer"
	"segue/internal/testutil"
)

// checkGoroutines fails the test if goroutines started during it are still running
// a few seconds after cleanup (pion peers, readers, timers).
func checkGoroutines(t testing.TB) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		// Generous: pion peers take a while to wind down on a loaded machine.
		if testutil.Eventually(30*time.Second, func() bool { return runtime.NumGoroutine() <= before+2 }) {
			return
		}
		if n := runtime.NumGoroutine(); n > before+2 {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf)
		}
	})
}

type tokens struct{}

func (tokens) Authenticate(_ context.Context, token string) (*auth.Principal, error) {
	if token != "good-token" {
		return nil, auth.ErrInvalidToken
	}
	return &auth.Principal{User: auth.User{ID: "u1", Username: "alice", Role: "admin", Enabled: true},
		Scopes: auth.NewScopeSet(auth.ScopeAll), Method: auth.MethodToken, TokenID: "t1"}, nil
}

// bigBody is deterministic content for proxy tests.
func bigBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// testAPI is the real command API server with a few test commands.
func testAPI(t testing.TB) *api.Server {
	reg := api.NewRegistry()
	log := logrus.New()
	log.SetLevel(logrus.WarnLevel)
	var srv *api.Server
	reg.Register(
		api.Command{Name: "auth/login", Public: true, Handler: func(ctx context.Context, call *api.Call) (any, error) {
			var a struct{ Username, Password, Device_name string }
			_ = json.Unmarshal(call.Args, &a)
			if a.Username == "alice" && a.Password == "secret" {
				return map[string]any{"success": true, "access_token": "good-token", "user": map[string]any{"username": "alice"}}, nil
			}
			return map[string]any{"success": false, "error": "Invalid credentials"}, nil
		}},
		api.Command{Name: "auth/me", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			return call.Principal.User, nil
		}},
		api.Command{Name: "whoami/channel", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			return map[string]any{"channel": call.Principal.Channel, "info_channel": call.Info.Channel, "ingress": call.Info.Ingress}, nil
		}},
		api.Command{Name: "test/big", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			var a struct{ Size int }
			_ = json.Unmarshal(call.Args, &a)
			return strings.Repeat("x", a.Size), nil
		}},
		api.Command{Name: "test/ping", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			return true, nil
		}},
		api.Command{Name: "test/echo", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			var v map[string]any // not json.RawMessage: api batches byte slices (reported)
			err := json.Unmarshal(call.Args, &v)
			return v, err
		}},
		api.Command{Name: "test/emit", Handler: func(ctx context.Context, call *api.Call) (any, error) {
			srv.Publish("test_event", "obj1", map[string]any{"n": 1})
			return true, nil
		}},
		api.Command{Name: "test/admin", Scope: auth.ScopeSystemManage, Handler: func(ctx context.Context, call *api.Call) (any, error) {
			return nil, fail.Forbidden("never")
		}},
	)
	srv = api.NewServer(reg, tokens{}, func(ctx context.Context, info api.ConnInfo) any {
		return map[string]any{"server_id": "test", "server_version": "0.0.0", "schema_version": 49, "min_supported_schema_version": 28}
	}, log, api.Options{})
	return srv
}

// testHTTP stands in for the public HTTP handler.
func testHTTP() http.Handler {
	mux := http.NewServeMux()
	big := bigBody(1536 * 1024)
	mux.HandleFunc("/imageproxy/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Set-Cookie", "leak=1")
		_, _ = w.Write(big)
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{"remote_addr": r.RemoteAddr, "host": r.Host, "path": r.URL.Path}
		h := map[string]string{}
		for k := range r.Header {
			h[strings.ToLower(k)] = r.Header.Get(k)
		}
		out["headers"] = h
		_ = json.NewEncoder(w).Encode(out)
	})
	four := bigBody(4 << 20)
	mux.HandleFunc("/bench/4m", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(four) })
	cover := bigBody(benchCover)
	mux.HandleFunc("/bench/cover", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(cover)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for i := 0; i < 1024; i++ { // 1 GiB unless the writer refuses
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "path=%s", r.URL.Path)
	})
	return mux
}

type harness struct {
	t       testing.TB
	relay   *relay
	id      *remote.Identity
	gw      *remote.Gateway
	srv     *api.Server
	rtc     *webrtc.API
	serves  atomic.Int64
	logHook *logtest.Hook
	cancel  context.CancelFunc
	done    chan struct{}
}

type harnessOpt func(*remote.GatewayConfig)

func newIdentity(t testing.TB) *remote.Identity {
	id, err := remote.LoadOrCreateIdentity(t.TempDir(), time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	checkGoroutines(t)
	h := &harness{t: t, relay: newRelay(t), id: newIdentity(t), srv: testAPI(t), done: make(chan struct{})}
	h.rtc = peer.NewRTCAPI(peer.RTCOptions{Loopback: true})
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	h.logHook = hook
	cfg := remote.GatewayConfig{
		SignalingURL: h.relay.URL(),
		Identity:     h.id,
		Serve: func(ctx context.Context, c api.Conn, info api.ConnInfo) {
			h.serves.Add(1)
			h.srv.ServeConn(ctx, c, info)
		},
		HTTPHandler: testHTTP(),
		ICE:         remote.StaticICE{},
		API:         h.rtc,
		Log:         log,
		Backoff:     backoff.Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond},
	}
	for _, o := range opts {
		o(&cfg)
	}
	gw, err := remote.NewGateway(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.gw = gw
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { defer close(h.done); gw.Run(ctx) }()
	t.Cleanup(h.stop)
	waitFor(t, "gateway registered", gw.Connected)
	return h
}

func (h *harness) stop() {
	h.cancel()
	<-h.done
}

func (h *harness) clientConfig() client.Config {
	return client.Config{SignalingURL: h.relay.URL(), RemoteID: h.id.RemoteID(), API: h.rtc, Timeout: 20 * time.Second}
}

func (h *harness) dial(t testing.TB) *client.Conn {
	t.Helper()
	c, err := client.Dial(context.Background(), h.clientConfig())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// waitFor waits up to 20 s for cond; it asserts an outcome, not a duration.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, 20*time.Second, what, cond)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawUntil reads tunnel-mode messages (client.Conn.Raw) until one contains marker.
func rawUntil(t testing.TB, raw <-chan []byte, marker string) []byte {
	t.Helper()
	timeout := time.After(30 * time.Second) // the hex proxy's 3 MiB take ~7 s under -race on 2 loaded cores
	for {
		select {
		case msg := <-raw:
			if bytes.Contains(msg, []byte(marker)) {
				return msg
			}
		case <-timeout:
			t.Fatalf("no message with %s", marker)
		}
	}
}

func quietLog() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}
