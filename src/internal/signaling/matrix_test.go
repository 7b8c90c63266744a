package signaling

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMessageMatrix sends every message type from each side of a paired session (and
// from a fresh socket) and checks exactly what each party receives.
func TestMessageMatrix(t *testing.T) {
	type want struct {
		typ, err string
		sid      bool   // sessionId must be the session's
		data     string // substring of data
	}
	const sdp = `{"type":"offer","sdp":"v=0 o=- 1 2 IN IP4 127.0.0.1"}`
	const cand = `{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0}`
	big := `{"type":"offer","sdp":"` + strings.Repeat("x", DefaultMaxMessageBytes) + `"}`
	cases := []struct {
		name   string
		from   string // g = gateway, c = connected client, x = fresh socket
		send   string // {{SID}} is replaced by the session id
		sender []want
		other  []want
		close  int
	}{
		{name: "client offer reaches gateway with server's session id", from: "c",
			send:  `{"type":"offer","remoteId":"` + testRID + `","sessionId":"forged","data":` + sdp + `}`,
			other: []want{{typ: TypeOffer, sid: true, data: "v=0"}}},
		{name: "client ice-candidate reaches gateway", from: "c",
			send:  `{"type":"ice-candidate","sessionId":"{{SID}}","data":` + cand + `}`,
			other: []want{{typ: TypeICECandidate, sid: true, data: "typ host"}}},
		{name: "gateway answer reaches client", from: "g",
			send:  `{"type":"answer","sessionId":"{{SID}}","data":{"type":"answer","sdp":"v=0 answer"}}`,
			other: []want{{typ: TypeAnswer, sid: true, data: "v=0 answer"}}},
		{name: "gateway ice-candidate reaches client", from: "g",
			send:  `{"type":"ice-candidate","sessionId":"{{SID}}","data":` + cand + `}`,
			other: []want{{typ: TypeICECandidate, sid: true, data: "typ host"}}},
		{name: "gateway answer for unknown session", from: "g",
			send:   `{"type":"answer","sessionId":"AAAAAAAAAAAAAAAA","data":{"type":"answer","sdp":"x"}}`,
			sender: []want{{typ: TypeError, err: ErrTextClientNotFound}}},
		{name: "gateway answer without session", from: "g",
			send:   `{"type":"answer","data":{"type":"answer","sdp":"x"}}`,
			sender: []want{{typ: TypeError, err: ErrTextSessionRequired}}},
		{name: "gateway session-ready twice is ignored", from: "g",
			send: `{"type":"session-ready","sessionId":"{{SID}}","iceServers":[]}`},
		{name: "gateway session-ready without session", from: "g",
			send:   `{"type":"session-ready"}`,
			sender: []want{{typ: TypeError, err: ErrTextSessionRequired}}},
		{name: "gateway re-register updates ICE", from: "g",
			send:   `{"type":"register-server","remoteId":"` + strings.ToLower(testRID) + `","iceServers":[{"urls":"stun:new"}]}`,
			sender: []want{{typ: TypeRegistered}}},
		{name: "gateway connect-request is refused", from: "g",
			send:   `{"type":"connect-request","remoteId":"` + testRID + `"}`,
			sender: []want{{typ: TypeError, err: ErrTextWrongRole}}},
		{name: "client register-server is refused", from: "c",
			send:   `{"type":"register-server","remoteId":"OTHER"}`,
			sender: []want{{typ: TypeError, err: ErrTextWrongRole}}},
		{name: "client session-ready is refused", from: "c",
			send:   `{"type":"session-ready","sessionId":"{{SID}}"}`,
			sender: []want{{typ: TypeError, err: ErrTextWrongRole}}},
		{name: "client sending client-connected is unknown", from: "c",
			send:   `{"type":"client-connected","sessionId":"{{SID}}"}`,
			sender: []want{{typ: TypeError, err: "Unknown message type: client-connected"}}},
		{name: "gateway sending connected is unknown", from: "g",
			send:   `{"type":"connected","sessionId":"{{SID}}"}`,
			sender: []want{{typ: TypeError, err: "Unknown message type: connected"}}},
		{name: "unknown type", from: "c", send: `{"type":"bogus"}`,
			sender: []want{{typ: TypeError, err: "Unknown message type: bogus"}}},
		{name: "ping from client", from: "c", send: `{"type":"ping"}`, sender: []want{{typ: TypePong}}},
		{name: "ping from gateway", from: "g", send: `{"type":"ping"}`, sender: []want{{typ: TypePong}}},
		{name: "pong is ignored", from: "c", send: `{"type":"pong"}`},
		{name: "malformed JSON", from: "c", send: `{"type":`,
			sender: []want{{typ: TypeError, err: ErrTextInvalidFormat}}},
		{name: "missing type", from: "g", send: `{"sessionId":"{{SID}}"}`,
			sender: []want{{typ: TypeError, err: ErrTextInvalidFormat}}},
		{name: "data must be an object", from: "c", send: `{"type":"offer","data":"sdp"}`,
			sender: []want{{typ: TypeError, err: ErrTextInvalidFormat}}},
		{name: "oversized frame closes with 1009", from: "c", send: big, close: 1009,
			other: []want{{typ: TypeClientDisconnected, sid: true}}},
		{name: "fresh socket offer", from: "x", send: `{"type":"offer","data":` + sdp + `}`,
			sender: []want{{typ: TypeError, err: ErrTextNotRegistered}}},
		{name: "fresh socket connect-request for unknown id", from: "x",
			send:   `{"type":"connect-request","remoteId":"NOPE"}`,
			sender: []want{{typ: TypeError, err: ErrTextServerNotFound}}},
		{name: "fresh socket connect-request without id", from: "x",
			send:   `{"type":"connect-request"}`,
			sender: []want{{typ: TypeError, err: ErrTextRemoteIDRequired}}},
		{name: "fresh socket register-server without id", from: "x",
			send:   `{"type":"register-server"}`,
			sender: []want{{typ: TypeError, err: ErrTextRemoteIDRequired}}},
		{name: "fresh socket register-server with junk id", from: "x",
			send:   `{"type":"register-server","remoteId":"a b/c"}`,
			sender: []want{{typ: TypeError, err: ErrTextInvalidRemoteID}}},
		{name: "fresh socket answer", from: "x", send: `{"type":"answer","sessionId":"x"}`,
			sender: []want{{typ: TypeError, err: ErrTextNotRegistered}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, testConfig())
			g, c, sid := pair(t, ts)
			sender, other := c, g
			switch tc.from {
			case "g":
				sender, other = g, c
			case "x":
				sender, other = dialAs(t, ts.wsURL, "10.0.0.3"), nil
			}
			sender.sendRaw(strings.ReplaceAll(tc.send, "{{SID}}", sid))
			check := func(w *wsc, wants []want) {
				t.Helper()
				for _, wt := range wants {
					m := w.expect(wt.typ)
					if m.Error != wt.err {
						t.Fatalf("error %q, want %q", m.Error, wt.err)
					}
					if wt.sid && m.SessionID != sid {
						t.Fatalf("sessionId %q, want %q", m.SessionID, sid)
					}
					if !strings.Contains(string(m.Data), wt.data) {
						t.Fatalf("data %s lacks %q", m.Data, wt.data)
					}
					if wt.data != "" && !json.Valid(m.Data) {
						t.Fatalf("relayed data is not JSON: %s", m.Data)
					}
				}
			}
			if tc.close != 0 {
				sender.expectClose(tc.close)
			} else {
				check(sender, tc.sender)
				sender.barrier()
			}
			if other != nil {
				check(other, tc.other)
				other.barrier()
			}
			// The uninvolved party and the server are unaffected.
			if tc.from == "x" {
				g.barrier()
				c.barrier()
			}
			checkHealth(t, ts)
		})
	}
}

// TestSessionIsolation: answers and candidates reach only the client of their session.
func TestSessionIsolation(t *testing.T) {
	ts := startServer(t, testConfig())
	g, c1, sid1 := pair(t, ts)
	c2 := dialAs(t, ts.wsURL, "10.0.0.9")
	sid2 := connectVia(t, g, c2, testRID)
	if sid1 == sid2 || len(sid1) != 16 || strings.Trim(sid1, idAlphabet) != "" {
		t.Fatalf("bad session ids %q %q", sid1, sid2)
	}
	g.send(Message{Type: TypeAnswer, SessionID: sid2, Data: mustData(SessionDescription{Type: "answer", SDP: "for-2"})})
	m := c2.expect(TypeAnswer)
	if sd, err := m.SessionDescription(); err != nil || sd.SDP != "for-2" {
		t.Fatalf("c2 got %+v %v", sd, err)
	}
	c1.barrier()
	// A client cannot address another session by writing its id.
	c1.send(Message{Type: TypeOffer, SessionID: sid2, Data: mustData(SessionDescription{Type: "offer", SDP: "from-1"})})
	if m := g.expect(TypeOffer); m.SessionID != sid1 {
		t.Fatalf("offer from c1 labelled %q, want %q", m.SessionID, sid1)
	}
}

// TestDisconnects: client-disconnected to the gateway; peer-disconnected to connected
// clients and an error to pending ones when the gateway goes.
func TestDisconnects(t *testing.T) {
	ts := startServer(t, testConfig())
	g, c, sid := pair(t, ts)
	c2 := dialAs(t, ts.wsURL, "10.0.0.7")
	sid2 := connectVia(t, g, c2, testRID)
	c.c.Close()
	if m := g.expect(TypeClientDisconnected); m.SessionID != sid {
		t.Fatalf("client-disconnected for %q, want %q", m.SessionID, sid)
	}
	pending := dialAs(t, ts.wsURL, "10.0.0.8")
	pending.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	g.expect(TypeClientConnected)
	g.c.Close()
	c2.expect(TypePeerDisconnected)
	pending.expectError(ErrTextServerGone)
	// The client socket stays usable: the gateway is gone, so the ID is unknown now.
	c2.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	c2.expectError(ErrTextServerNotFound)
	_ = sid2
	if st := ts.srv.Stats(); st.Gateways != 0 || st.Sessions != 0 {
		t.Fatalf("state left behind: %+v", st)
	}
}

// TestNewRequestEndsPreviousSession: one session per socket.
func TestNewRequestEndsPreviousSession(t *testing.T) {
	ts := startServer(t, testConfig())
	g, c, sid := pair(t, ts)
	c.send(Message{Type: TypeConnectRequest, RemoteID: testRID})
	if m := g.expect(TypeClientDisconnected); m.SessionID != sid {
		t.Fatalf("old session %q not ended: %+v", sid, m)
	}
	if m := g.expect(TypeClientConnected); m.SessionID == sid {
		t.Fatal("session id reused")
	}
}
