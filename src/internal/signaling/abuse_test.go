package signaling

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"segue/internal/testutil"
)

const heapBound = 64 << 20 // generous: the point is "bounded", not a tight budget

// TestFloodConnectRequests: 100 connect-requests from 100 addresses fill a gateway up to
// its session cap and no further; one address flooding on one socket holds at most one
// session and is rate-limited, then closed with 4029; pings stay exempt.
func TestFloodConnectRequests(t *testing.T) {
	before := heapAfterGC()
	ts := startServer(t, testConfig())
	g := registerGateway(t, ts.wsURL, testRID)
	var attackers []*wsc
	for i := 0; i < 100; i++ {
		a := dialAs(t, ts.wsURL, fmt.Sprintf("10.6.%d.%d", i/250, i%250+1))
		a.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
		attackers = append(attackers, a)
	}
	busy := 0
	for _, a := range attackers {
		// Sessions that got in are pending (the gateway does not answer); the rest are told.
		a.send(Message{Type: TypePing})
		if m := a.recv(); m.Type == TypeError && m.Error == ErrTextServerBusy {
			busy++
			a.expect(TypePong)
		} else if m.Type != TypePong {
			t.Fatalf("unexpected %+v", m)
		}
	}
	max := Config{}.withDefaults().MaxSessionsPerGateway
	if busy != 100-max {
		t.Fatalf("%d refused as busy, want %d", busy, 100-max)
	}
	for i := 0; i < max; i++ {
		g.expect(TypeClientConnected)
	}
	g.barrier()
	if st := ts.srv.Stats(); st.Sessions != max {
		t.Fatalf("sessions %d, want the cap %d", st.Sessions, max)
	}

	// One address, one socket, a flood of requests for a second gateway.
	g2 := registerGateway(t, ts.wsURL, "SECOND")
	a := dialAs(t, ts.wsURL, "10.9.9.9")
	for i := 0; i < 300; i++ {
		a.send(Message{Type: TypePing}) // exempt from the rate limit
		a.expect(TypePong)
	}
	for i := 0; i < 150; i++ {
		if err := a.c.WriteMessage(websocket.TextMessage, Message{Type: TypeConnectRequest, RemoteID: "SECOND"}.Encode()); err != nil {
			break // closed by the server
		}
	}
	code, rateLimited := drain(a.c)
	if code != CloseRateLimited || !rateLimited {
		t.Fatalf("flooding socket: close %d, told rate-limited=%v", code, rateLimited)
	}
	// Wait until the server has dropped the attacker's last session, then account for
	// everything the gateway saw.
	waitFor(t, func() bool { return ts.srv.Stats().Sessions == max })
	g2.send(Message{Type: TypePing})
	open, connects := 0, 0
	for m := g2.recv(); m.Type != TypePong; m = g2.recv() {
		switch m.Type {
		case TypeClientConnected:
			open++
			connects++
		case TypeClientDisconnected:
			open--
		}
		if open > 1 {
			t.Fatal("one socket held more than one session")
		}
	}
	if open != 0 || connects == 0 || connects >= 100 {
		t.Fatalf("gateway saw %d sessions (%d left open); the rate limit should cut the flood under 100", connects, open)
	}
	checkHealth(t, ts)
	if grown := int64(heapAfterGC()) - int64(before); grown > heapBound {
		t.Fatalf("heap grew by %d bytes", grown)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, 10*time.Second, "the condition", cond)
}

// drain reads until close; it reports the close code and whether a rate-limit error came.
func drain(c *websocket.Conn) (int, bool) {
	limited := false
	for {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			return wsCloseCode(err, nil), limited
		}
		if m, err := DecodeMessage(b, 0); err == nil && m.Type == TypeError && strings.HasPrefix(m.Error, "Rate limited.") {
			limited = true
		}
	}
}

// TestWrongRemoteIDFlood: 1000 guessed IDs from one address: nine "not found", then
// 4008 and a block; every later socket from that address is closed with 4029 at once.
// Memory stays bounded, the server stays up and other addresses are unaffected.
func TestWrongRemoteIDFlood(t *testing.T) {
	before := heapAfterGC()
	ts := startServer(t, testConfig())
	g := registerGateway(t, ts.wsURL, testRID)
	notFound, closes := 0, map[int]int{}
	attempts := 0
	for attempts < 1000 {
		a := dialAs(t, ts.wsURL, "10.66.6.6")
		for attempts < 1000 {
			attempts++
			id := fmt.Sprintf("GUESS%021d", attempts)
			if a.c.WriteMessage(websocket.TextMessage, Message{Type: TypeConnectRequest, RemoteID: id}.Encode()) != nil {
				break
			}
			a.c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, b, err := a.c.ReadMessage()
			if err != nil {
				closes[wsCloseCode(err, nil)]++
				break
			}
			m, _ := DecodeMessage(b, 0)
			if m.Error == ErrTextServerNotFound {
				notFound++
			} else if m.Error == ErrTextBlocked {
				closes[wsCloseCode(readErr(a.c), nil)]++
				break
			}
		}
		a.c.Close()
	}
	if notFound != 9 || closes[CloseBlocked] != 1 || closes[CloseRateLimited] < 900 {
		t.Fatalf("notFound=%d closes=%v", notFound, closes)
	}
	// Another address still pairs.
	c := dialAs(t, ts.wsURL, "10.1.2.3")
	connectVia(t, g, c, testRID)
	h := checkHealth(t, ts)
	if h["peers"].(float64) > 3 {
		t.Fatalf("rejected sockets left behind: %v", h)
	}
	if grown := int64(heapAfterGC()) - int64(before); grown > heapBound {
		t.Fatalf("heap grew by %d bytes", grown)
	}
}

func readErr(c *websocket.Conn) error {
	for {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
	}
}

// TestMessageRateLimit: the 100th message of a minute (the connection counted as the
// first) is refused with MA's text; continuing to send while blocked closes with 4029.
func TestMessageRateLimit(t *testing.T) {
	ts := startServer(t, testConfig())
	a := dialAs(t, ts.wsURL, "10.3.3.3")
	for i := 0; i < 120; i++ {
		a.sendRaw(`{"type":"nope"}`)
	}
	for i := 0; i < 99; i++ {
		a.expectError("Unknown message type: nope")
	}
	a.expectError("Rate limited. Try again in 60 seconds.")
	a.expectClose(CloseRateLimited)
	// Reconnecting while blocked is refused at once.
	dialAs(t, ts.wsURL, "10.3.3.3").expectClose(CloseRateLimited)
	checkHealth(t, ts)
}

// TestSlowConsumerDropped: a client that never reads while its gateway floods it is
// disconnected once its bounded queue fills; the gateway hears client-disconnected.
func TestSlowConsumerDropped(t *testing.T) {
	before := heapAfterGC()
	cfg := testConfig()
	cfg.RateLimitPerMinute = 1 << 30
	cfg.WriteTimeout = 300 * time.Millisecond
	ts := startServer(t, cfg)
	g, _, sid := pair(t, ts) // the client never reads again
	payload := mustData(SessionDescription{Type: "answer", SDP: strings.Repeat("a", 60<<10)})
	frame := Message{Type: TypeAnswer, SessionID: sid, Data: payload}.Encode()
	stop := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				errc <- nil
				return
			default:
			}
			g.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := g.c.WriteMessage(websocket.TextMessage, frame); err != nil {
				errc <- err
				return
			}
		}
	}()
	for {
		g.c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, b, err := g.c.ReadMessage()
		if err != nil {
			t.Fatalf("gateway read: %v", err)
		}
		m, _ := DecodeMessage(b, 0)
		if m.Type == TypeClientDisconnected && m.SessionID == sid {
			break
		}
	}
	close(stop)
	if err := <-errc; err != nil {
		t.Fatalf("gateway writer: %v", err)
	}
	checkHealth(t, ts)
	if grown := int64(heapAfterGC()) - int64(before); grown > heapBound {
		t.Fatalf("heap grew by %d bytes", grown)
	}
}

// TestSessionsPerClientIP: one address holding many sockets gets only its share of a
// gateway's sessions; another address still gets in.
func TestSessionsPerClientIP(t *testing.T) {
	ts := startServer(t, testConfig())
	g := registerGateway(t, ts.wsURL, testRID)
	perIP := Config{}.withDefaults().MaxSessionsPerClientIP
	var socks []*wsc
	for i := 0; i < perIP+3; i++ {
		a := dialAs(t, ts.wsURL, "10.4.4.4")
		a.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
		socks = append(socks, a)
	}
	// The server handles each socket on its own, so which of them were refused is not
	// the order they were dialled in: remember one that was let through.
	busy := 0
	var admitted *wsc
	for _, a := range socks {
		a.send(Message{Type: TypePing})
		if m := a.recv(); m.Type == TypeError && m.Error == ErrTextServerBusy {
			busy++
			a.expect(TypePong)
		} else if admitted == nil {
			admitted = a
		}
	}
	if busy != 3 {
		t.Fatalf("%d refused, want 3", busy)
	}
	for i := 0; i < perIP; i++ {
		g.expect(TypeClientConnected)
	}
	// Closing one frees a slot for that address again.
	admitted.c.Close()
	g.expect(TypeClientDisconnected)
	again := dialAs(t, ts.wsURL, "10.4.4.4")
	connectVia(t, g, again, testRID)
	other := dialAs(t, ts.wsURL, "10.5.5.5")
	connectVia(t, g, other, testRID)
}
