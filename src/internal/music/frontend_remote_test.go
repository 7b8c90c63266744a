package music_test

import (
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/backoff"
	"segue/internal/httpx"
	"segue/internal/remote"
	"segue/internal/remote/peer"
	"segue/internal/signaling"
	"segue/internal/testutil"
)

// TestRealFrontendRemote: the same walk as TestRealFrontendDirect, with the real
// frontend paired by remote ID through Segue's signaling server (`segue
// signaling`, in process) and the remote gateway: commands over the WebRTC data
// channel, covers through the http_proxy channel.
func TestRealFrontendRemote(t *testing.T) {
	build := frontendBuild(t, "TestReplayFrontendWalk")
	e := newEnv(t, 24)
	p := e.pick(t)
	sigURL := startLoopbackSignaling(t)
	gw := startLoopbackGateway(t, e, sigURL)
	fe := httptest.NewServer(http.FileServer(http.Dir(build)))
	defer fe.Close()
	env := append(walkEnv(p), "MODE=remote", "MAFE_URL="+fe.URL, "SIGNALING_URL="+sigURL, "REMOTE_ID="+peer.FormatRemoteID(gw.RemoteID()))
	out := runFrontend(t, "mafe.mjs", env)
	logTimings(t, "remote", out)
	assertFavourite(t, e, p)
}

// startLoopbackSignaling runs Segue's signaling server on loopback until the test ends.
func startLoopbackSignaling(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = signaling.Serve(ctx, ln, signaling.Config{RateLimitPerMinute: 100000, ShutdownTimeout: time.Second}, quietLog())
	}()
	t.Cleanup(func() { cancel(); <-done })
	return "ws://" + ln.Addr().String() + "/ws"
}

type loopbackGateway struct {
	id *remote.Identity
}

func (g loopbackGateway) RemoteID() string { return g.id.RemoteID() }

// startLoopbackGateway registers a remote gateway for the test server with the
// signaling server, serving the MA API and the public handler (/imageproxy) as the
// add-on does; its WebRTC peer offers loopback candidates (the browser runs here).
func startLoopbackGateway(t *testing.T, e *env, sigURL string) loopbackGateway {
	t.Helper()
	id, err := remote.LoadOrCreateIdentity(t.TempDir(), time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := remote.NewGateway(remote.GatewayConfig{
		SignalingURL: sigURL, Identity: id, Serve: e.srv.App.API.ServeConn, HTTPHandler: e.srv.App.Web.Handler(httpx.Public),
		ProxyHost: e.srv.App.PublicAddr(), ICE: remote.StaticICE{}, API: peer.NewRTCAPI(peer.RTCOptions{Loopback: true}),
		Log: quietLog(), Backoff: backoff.Backoff{Min: 50 * time.Millisecond, Max: 500 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); gw.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	testutil.WaitFor(t, 20*time.Second, "the gateway to register with the signaling server", gw.Connected)
	return loopbackGateway{id: id}
}

func quietLog() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}
