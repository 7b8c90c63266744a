package signaling

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestReplacementCloses4000: a second socket registering the same ID (any case) closes
// the first with 4000 and takes over; the old sessions' clients hear peer-disconnected.
func TestReplacementCloses4000(t *testing.T) {
	ts := startServer(t, testConfig())
	old, c, _ := pair(t, ts)
	nw := registerGateway(t, ts.wsURL, strings.ToLower(testRID))
	old.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var reason string
	for {
		_, _, err := old.c.ReadMessage()
		if err != nil {
			if code := closeCodeOf(err, &reason); code != CloseReplaced || reason != "Replaced by new connection" {
				t.Fatalf("old socket closed with %d %q, want 4000", code, reason)
			}
			break
		}
	}
	c.expect(TypePeerDisconnected)
	c2 := dialAs(t, ts.wsURL, "10.0.0.5")
	connectVia(t, nw, c2, testRID)
}

// TestReplacedViaClientLibrary: the library reports the 4000 distinctly.
func TestReplacedViaClientLibrary(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g1, err := Register(ctx, ts.wsURL, testRID, testICE, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := Register(ctx, ts.wsURL, testRID, testICE, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	_, err = g1.Recv(ctx)
	if !IsReplaced(err) || !IsReplaced(g1.Err()) {
		t.Fatalf("want replaced, got %v / %v", err, g1.Err())
	}
	b := DefaultBackoff()
	if w := nextWait(&b, err); w != 300*time.Second {
		t.Fatalf("a replaced gateway should retry slowly, waited %s", w)
	}
}

func closeCodeOf(err error, reason *string) int { return wsCloseCode(err, reason) }

// TestSessionReadyFallback: without session-ready the client gets the ICE servers of
// the latest register-server after the (here shortened) timeout; a late session-ready
// is ignored.
func TestSessionReadyFallback(t *testing.T) {
	cfg := testConfig()
	cfg.SessionReadyTimeout = 50 * time.Millisecond
	ts := startServer(t, cfg)
	g := registerGateway(t, ts.wsURL, testRID)
	updated := []ICEServer{{URLs: []string{"stun:updated:3478"}}}
	g.send(Message{Type: TypeRegisterServer, RemoteID: testRID, ICEServers: updated})
	g.expect(TypeRegistered)
	c := dialAs(t, ts.wsURL, "10.0.0.2")
	c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	cc := g.expect(TypeClientConnected)
	m := c.expect(TypeConnected)
	if m.SessionID != cc.SessionID || !reflect.DeepEqual(m.ICEServers, updated) {
		t.Fatalf("fallback connected %+v, want cached %+v", m, updated)
	}
	g.send(Message{Type: TypeSessionReady, SessionID: cc.SessionID, ICEServers: freshICE})
	g.barrier()
	c.barrier() // no second connected
}

// TestSessionReadyFresh: session-ready's ICE servers (not the cached ones) reach the client.
func TestSessionReadyFresh(t *testing.T) {
	ts := startServer(t, testConfig())
	g := registerGateway(t, ts.wsURL, testRID)
	c := dialAs(t, ts.wsURL, "10.0.0.2")
	c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	cc := g.expect(TypeClientConnected)
	g.send(Message{Type: TypeSessionReady, SessionID: cc.SessionID, ICEServers: freshICE})
	m := c.expect(TypeConnected)
	if !reflect.DeepEqual(m.ICEServers, freshICE) {
		t.Fatalf("got %+v, want fresh %+v", m.ICEServers, freshICE)
	}
}

func TestDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.SessionReadyTimeout != 10*time.Second || c.PingInterval != 30*time.Second ||
		c.RateLimitPerMinute != 100 || c.FailedLookupsPerMinute != 10 || c.Addr != "0.0.0.0:8787" ||
		c.MaxMessageBytes != 64<<10 || c.BaseBlock != time.Minute || c.MaxBlock != time.Hour {
		t.Fatalf("defaults drifted from MA's: %+v", c)
	}
	if err := (Config{Addr: "nohostport"}).Validate(); err == nil {
		t.Fatal("bad addr accepted")
	}
	if err := (Config{NodeID: "a.b"}).Validate(); err == nil {
		t.Fatal("node id with a dot accepted (it would break registration tokens)")
	}
}

// TestHTTPEndpoints: /health, /api/check (case-insensitive), failed checks count as
// guesses, unknown paths 404.
func TestHTTPEndpoints(t *testing.T) {
	ts := startServer(t, testConfig())
	registerGateway(t, ts.wsURL, testRID)
	check := func(id, ip string) (int, map[string]any) {
		req, _ := http.NewRequest("GET", ts.http.URL+"/api/check/"+id, nil)
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatal("missing CORS header")
		}
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	if code, v := check(strings.ToLower(testRID), "10.1.0.1"); code != 200 || v["online"] != true {
		t.Fatalf("registered id: %d %v", code, v)
	}
	for i := 0; i < 9; i++ {
		if code, v := check("UNKNOWN", "10.1.0.2"); code != 200 || v["online"] != false {
			t.Fatalf("unknown id %d: %d %v", i, code, v)
		}
	}
	if code, _ := check("UNKNOWN", "10.1.0.2"); code != http.StatusTooManyRequests {
		t.Fatalf("10th failed check should block, got %d", code)
	}
	if code, _ := check(testRID, "10.1.0.2"); code != http.StatusTooManyRequests {
		t.Fatalf("a blocked IP stays blocked, got %d", code)
	}
	if code, v := check(testRID, "10.1.0.3"); code != 200 || v["online"] != true {
		t.Fatalf("other IPs unaffected: %d %v", code, v)
	}
	h := checkHealth(t, ts)
	if h["gateways"] != float64(1) {
		t.Fatalf("health %v", h)
	}
	resp, err := http.Get(ts.http.URL + "/nope")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("unknown path: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestClientIP: X-Forwarded-For is honoured only when trusted, and then its last hop.
func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		trust bool
		xff   []string
		want  string
	}{
		{false, []string{"1.2.3.4"}, "192.0.2.1"},
		{true, nil, "192.0.2.1"},
		{true, []string{"6.6.6.6, 1.2.3.4"}, "1.2.3.4"},
		{true, []string{"6.6.6.6", "5.5.5.5"}, "5.5.5.5"},
		{true, []string{"garbage"}, "192.0.2.1"},
	} {
		s := &Server{cfg: Config{TrustForwardedFor: tc.trust}}
		r, _ := http.NewRequest("GET", "/ws", nil)
		r.RemoteAddr = "192.0.2.1:5555"
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("trust=%v xff=%v: got %s want %s", tc.trust, tc.xff, got, tc.want)
		}
	}
}

// TestShutdownClosesSockets: Close sends 1001 to every socket and refuses new ones.
func TestShutdownClosesSockets(t *testing.T) {
	ts := startServer(t, testConfig())
	g, c, _ := pair(t, ts)
	ts.srv.Close()
	if code := readUntilClose(g.c); code != 1001 {
		t.Fatalf("gateway got %d", code)
	}
	if code := readUntilClose(c.c); code != 1001 && code != -1 {
		t.Fatalf("client got %d", code)
	}
	late := dial(t, ts.wsURL)
	late.expectClose(1001)
}

// TestRun: Run serves until its context ends and returns nil; bad settings are errors.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{Addr: "127.0.0.1:0"}, quietLog()) }()
	cancel() // whether Run is still starting or already serving, it must stop cleanly
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := Run(context.Background(), Config{Addr: "127.0.0.1:99999"}, quietLog()); err == nil {
		t.Fatal("bad port accepted")
	}
	if err := Run(context.Background(), Config{Addr: "127.0.0.1:0", RedisURL: "http://x"}, quietLog()); err == nil ||
		!strings.Contains(err.Error(), "redis") {
		t.Fatalf("bad redis url: %v", err)
	}
}
