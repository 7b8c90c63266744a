package signaling

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func startNode(t *testing.T, redisURL, node string, mut func(*Config)) *testServer {
	t.Helper()
	cfg := testConfig()
	cfg.RedisURL, cfg.NodeID = redisURL, node
	cfg.RegistrationTTL = 2 * time.Second
	if mut != nil {
		mut(&cfg)
	}
	return startServer(t, cfg)
}

var checkProbes int // test-only counter, touched from test goroutines one at a time

func online(t *testing.T, ts *testServer, rid string) bool {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.http.URL+"/api/check/"+rid, nil)
	// A fresh address per probe: polling for "offline" must not trip the guessing block.
	checkProbes++
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.200.%d.%d", checkProbes/250%250, checkProbes%250+1))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ Online bool }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.Online
}

// TestClusterPairing: a client on node A pairs with a gateway on node B through a real
// Redis, plain (redis://) and TLS-only (--tls-port, rediss://); offer, answer and
// candidates cross both ways; departures are reported across.
func TestClusterPairing(t *testing.T) {
	for _, withTLS := range []bool{false, true} {
		t.Run(map[bool]string{false: "redis", true: "rediss"}[withTLS], func(t *testing.T) {
			testClusterPairing(t, withTLS)
		})
	}
}

func testClusterPairing(t *testing.T, withTLS bool) {
	rd := startRedis(t, withTLS)
	if withTLS && !strings.HasPrefix(rd.URL(), "rediss://") {
		t.Fatal(rd.URL())
	}
	tlsCfg := func(c *Config) { c.RedisTLS = rd.tls }
	a := startNode(t, rd.URL(), "nodeA", tlsCfg)
	b := startNode(t, rd.URL(), "nodeB", tlsCfg)
	g := registerGateway(t, b.wsURL, testRID)
	if !online(t, a, testRID) {
		t.Fatal("node A does not see the gateway on node B")
	}
	c := dialAs(t, a.wsURL, "10.0.0.2")
	sid := connectVia(t, g, c, testRID) // checks sessionId and fresh ICE across nodes

	c.send(Message{Type: TypeOffer, SessionID: "forged", Data: mustData(SessionDescription{Type: "offer", SDP: "o"})})
	if m := g.expect(TypeOffer); m.SessionID != sid || m.RemoteID != testRID {
		t.Fatalf("offer across nodes: %+v", m)
	}
	c.send(Message{Type: TypeICECandidate, Data: mustData(ICECandidate{Candidate: "candidate:c"})})
	if m := g.expect(TypeICECandidate); m.SessionID != sid {
		t.Fatalf("client candidate: %+v", m)
	}
	g.send(Message{Type: TypeAnswer, SessionID: sid, Data: mustData(SessionDescription{Type: "answer", SDP: "a"})})
	if sd, err := c.expect(TypeAnswer).SessionDescription(); err != nil || sd.SDP != "a" {
		t.Fatalf("answer across nodes: %+v %v", sd, err)
	}
	g.send(Message{Type: TypeICECandidate, SessionID: sid, Data: mustData(ICECandidate{Candidate: "candidate:g"})})
	if cand, err := c.expect(TypeICECandidate).ICECandidate(); err != nil || cand.Candidate != "candidate:g" {
		t.Fatalf("gateway candidate: %+v %v", cand, err)
	}

	// A second client on the gateway's own node and one more on A.
	local := dialAs(t, b.wsURL, "10.0.0.3")
	connectVia(t, g, local, testRID)
	c2 := dialAs(t, a.wsURL, "10.0.0.4")
	connectVia(t, g, c2, testRID)

	c.c.Close()
	if m := g.expect(TypeClientDisconnected); m.SessionID != sid {
		t.Fatalf("client-disconnected across nodes: %+v", m)
	}
	g.c.Close()
	c2.expect(TypePeerDisconnected)
	local.expect(TypePeerDisconnected)
	waitFor(t, func() bool { return !online(t, a, testRID) })
	c2.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	c2.expectError(ErrTextServerNotFound)
}

// TestClusterReplaced: registering an ID on node B closes its socket on node A with 4000.
func TestClusterReplaced(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	b := startNode(t, rd.URL(), "nodeB", nil)
	g1 := registerGateway(t, a.wsURL, testRID)
	c := dialAs(t, b.wsURL, "10.0.0.2")
	connectVia(t, g1, c, testRID)
	g2 := registerGateway(t, b.wsURL, testRID)
	var reason string
	if code := wsCloseCode(readErr(g1.c), &reason); code != CloseReplaced || reason != "Replaced by new connection" {
		t.Fatalf("old socket on node A closed with %d %q", code, reason)
	}
	c.expect(TypePeerDisconnected)
	c2 := dialAs(t, a.wsURL, "10.0.0.5")
	connectVia(t, g2, c2, testRID)
	if st := a.srv.Stats(); st.Gateways != 0 {
		t.Fatalf("node A still holds a gateway: %+v", st)
	}
}

// TestClusterFallback: the gateway's node serves the fallback ICE servers.
func TestClusterFallback(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	b := startNode(t, rd.URL(), "nodeB", func(c *Config) { c.SessionReadyTimeout = 50 * time.Millisecond })
	g := registerGateway(t, b.wsURL, testRID)
	c := dialAs(t, a.wsURL, "10.0.0.2")
	c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	cc := g.expect(TypeClientConnected)
	m := c.expect(TypeConnected)
	if m.SessionID != cc.SessionID || !reflect.DeepEqual(m.ICEServers, testICE) {
		t.Fatalf("fallback across nodes: %+v", m)
	}
}

// TestClusterRedisRestart: after Redis restarts empty, nodes resubscribe and re-assert
// their registrations, and cross-node pairing works again.
func TestClusterRedisRestart(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	b := startNode(t, rd.URL(), "nodeB", nil)
	g := registerGateway(t, b.wsURL, testRID)
	rd.restart(t)
	waitFor(t, func() bool { return online(t, a, testRID) })
	var sid string
	// The first publish after the restart may meet a dead pooled connection; the client
	// is told so and simply asks again.
	for i := 0; i < 3 && sid == ""; i++ {
		c := dialAs(t, a.wsURL, "10.0.0.2")
		c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
		c.send(Message{Type: TypePing})
		if m := c.recv(); m.Type == TypeError {
			continue
		} else if m.Type != TypePong {
			t.Fatalf("unexpected %+v", m)
		}
		cc := g.expect(TypeClientConnected)
		g.send(Message{Type: TypeSessionReady, SessionID: cc.SessionID})
		sid = c.expect(TypeConnected).SessionID
	}
	if sid == "" {
		t.Fatal("no pairing after the Redis restart")
	}
}

// TestClusterDeadNode: a registration left by a node that died (nobody on its channel)
// answers "Server not found" instead of leaving the client waiting.
func TestClusterDeadNode(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	opts, _ := redisOptions(Config{RedisURL: rd.URL()})
	rc := redis.NewClient(opts)
	defer rc.Close()
	if err := rc.Set(context.Background(), "segue:signaling:gw:"+testRID, "deadnode.1", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	c := dialAs(t, a.wsURL, "10.0.0.2")
	c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	c.expectError(ErrTextServerNotFound)
	if st := a.srv.Stats(); st.Sessions != 0 {
		t.Fatalf("session left pending: %+v", st)
	}
}

// TestEmptyICEListSurvives: a gateway that says "no ICE servers" ([]) is not turned
// into "use your defaults" (absent), on one node or across two.
func TestEmptyICEListSurvives(t *testing.T) {
	rd := startRedis(t, false)
	a := startNode(t, rd.URL(), "nodeA", nil)
	b := startNode(t, rd.URL(), "nodeB", nil)
	g := registerGateway(t, b.wsURL, testRID)
	for _, node := range []*testServer{a, b} {
		c := dialAs(t, node.wsURL, "10.0.0.2")
		c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
		cc := g.expect(TypeClientConnected)
		g.sendRaw(`{"type":"session-ready","sessionId":"` + cc.SessionID + `","iceServers":[]}`)
		c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, raw, err := c.c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), `"iceServers":[]`) {
			t.Fatalf("empty list lost: %s", raw)
		}
	}
}
