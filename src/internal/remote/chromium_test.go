package remote_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"segue/internal/apptest"
	"segue/internal/backoff"
	"segue/internal/remote/peer"

	"segue/internal/api"
	"segue/internal/remote"
	"segue/internal/testutil"
)

type pageResult struct {
	OK              bool           `json:"ok"`
	Stage           string         `json:"stage"`
	Error           string         `json:"error"`
	ServerInfo      map[string]any `json:"serverInfo"`
	Me              map[string]any `json:"me"`
	APIMessagesSent int            `json:"apiMessagesSent"`
	ChunkedBlob     int            `json:"chunkedBlobLength"`
	ProxyStatus     int            `json:"proxyStatus"`
	ProxySize       int            `json:"proxySize"`
	ProxyReceived   int            `json:"proxyReceived"`
	ProxySum        uint32         `json:"proxySum"`
	PairMs          float64        `json:"pairMs"`
}

// runPage serves the test page, opens it in headless Chromium and returns what the page
// POSTs back.
func runPage(t testing.TB, chromium string, params url.Values) pageResult {
	t.Helper()
	page, err := os.ReadFile("testdata/remote_client.html")
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan pageResult, 1)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case "/result":
			var res pageResult
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err := json.Unmarshal(body, &res); err != nil {
				res = pageResult{Stage: "decode", Error: string(body)}
			}
			select {
			case results <- res:
			default:
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer web.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--remote-debugging-port=0", web.URL+"/?"+params.Encode())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Kill the whole process group we started (browser, zygote, renderers), by its id.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stderr apptest.LockedBuffer // written by exec's copying goroutine
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	select {
	case res := <-results:
		return res
	case <-ctx.Done():
		t.Fatalf("the page reported nothing; chromium said:\n%s", tail(stderr.String(), 6000))
	}
	return pageResult{}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Acceptance 2: headless Chromium speaks the client side (signaling, offer, trickle ICE,
// fingerprint check) and completes auth/login and auth/me through the gateway.
func TestChromiumClient(t *testing.T) {
	chromium := testutil.RequireTool(t, "chromium")
	sig := startSignaling(t, "")
	srv := startServer(t, sig.URL())
	res := runPage(t, chromium, url.Values{"signaling": {sig.URL()}, "remote_id": {peer.FormatRemoteID(srv.id.RemoteID())},
		"username": {"admin"}, "password": {"correct horse"}})
	if !res.OK {
		t.Fatalf("page failed at %s: %s", res.Stage, res.Error)
	}
	if res.ServerInfo["server_id"] != srv.app.ServerID || res.Me["username"] != "admin" {
		t.Fatalf("page saw %+v", res)
	}
	// The browser reassembled a chunked result and read >1 MiB of binary proxy frames.
	var sum uint32
	for _, b := range bigBody(1536 * 1024) {
		sum += uint32(b)
	}
	if res.ChunkedBlob != 65500 || res.ProxyStatus != 200 || res.ProxySize != 1536*1024 || res.ProxyReceived != res.ProxySize || res.ProxySum != sum {
		t.Fatalf("chunking/proxy in the browser: %+v (want sum %d)", res, sum)
	}
	t.Logf("Chromium paired (page start → data channel open) in %.1f ms", res.PairMs)

	// The browser refuses an impostor before sending any API message.
	victim := newIdentity(t).RemoteID()
	var served atomic.Int64
	imp, err := remote.NewGateway(remote.GatewayConfig{
		SignalingURL: sig.URL(), Identity: remote.ImpostorIdentity(newIdentity(t), victim), ICE: remote.StaticICE{},
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
	defer func() { cancel(); <-done }()
	waitFor(t, "impostor registered", imp.Connected)
	res = runPage(t, chromium, url.Values{"signaling": {sig.URL()}, "remote_id": {victim}, "username": {"admin"}, "password": {"correct horse"}})
	if res.OK || res.Stage != "pin" || res.APIMessagesSent != 0 || served.Load() != 0 {
		t.Fatalf("impostor not refused: %+v, served %d", res, served.Load())
	}
}

// BenchmarkChromiumPairingVia: headless Chromium pairs (page start → data channel
// open, as the page measures it) with a real server through `segue signaling` and
// through a reference signaling server, interleaved in one run, each with its own
// server and gateway. Then it signs in and runs the page's API and proxy checks, so a
// broken pairing cannot pass as fast. The reference is the relay of these tests (MA's
// message flow, nothing else), or MA's own server at $SEGUE_REFERENCE_SIGNALING_URL.
func BenchmarkChromiumPairingVia(b *testing.B) {
	chromium := testutil.RequireTool(b, "chromium")
	sig := startSignaling(b, "")
	viaSegue := startServer(b, sig.URL())
	refURL := referenceSignalingURL(b)
	viaRelay := startServer(b, refURL)
	page := func(sigURL string, s *e2eServer) float64 {
		res := runPage(b, chromium, url.Values{"signaling": {sigURL}, "remote_id": {s.id.RemoteID()},
			"username": {"admin"}, "password": {"correct horse"}})
		if !res.OK {
			b.Fatalf("page failed at %s: %s", res.Stage, res.Error)
		}
		return res.PairMs
	}
	var seg, ref []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seg = append(seg, time.Duration(page(sig.URL(), viaSegue)*float64(time.Millisecond)))
		ref = append(ref, time.Duration(page(refURL, viaRelay)*float64(time.Millisecond)))
	}
	b.StopTimer()
	s50, r50 := percentile(seg, 0.5), percentile(ref, 0.5)
	b.ReportMetric(float64(s50.Microseconds())/1000, "segue-p50-ms")
	b.ReportMetric(float64(r50.Microseconds())/1000, "ref-p50-ms")
	b.ReportMetric(float64(s50)/float64(r50), "segue/ref")
}
