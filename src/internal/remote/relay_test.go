package remote_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/signaling"
)

// relay is a minimal in-test signaling server (the real one lives in internal/signaling
// and is used by the end-to-end test). It lets gateway tests observe and inject messages.
type relay struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	gateway   *relayConn
	clients   map[string]*relayConn // by session id
	registers int
	seen      []signaling.Message // everything the gateway sent
	upgrader  websocket.Upgrader

	// rewriteAnswer, when set, alters answer SDPs on their way to the client (MITM tests).
	rewriteAnswer func(sdp string) string
	// stripPrefix removes "candidate:" from client candidates (libdatachannel style).
	stripPrefix bool
	// holdOffer delivers a client's first candidate before its offer.
	holdOffer bool
}

type relayConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex
}

func (c *relayConn) send(m signaling.Message) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteJSON(m)
}

func newRelay(t testing.TB) *relay {
	r := &relay{t: t, clients: map[string]*relayConn{}}
	// Like MA's server (and ours), any page may connect: browsers send an Origin.
	r.upgrader.CheckOrigin = func(*http.Request) bool { return true }
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.close)
	return r
}

func (r *relay) URL() string { return "ws" + strings.TrimPrefix(r.srv.URL, "http") + "/ws" }

func (r *relay) close() {
	r.srv.CloseClientConnections()
	r.srv.Close()
}

func (r *relay) Registers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.registers
}

func (r *relay) Seen() []signaling.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]signaling.Message(nil), r.seen...)
}

// SessionIDs are the ids of the client sessions the relay opened.
func (r *relay) SessionIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.clients))
	for id := range r.clients {
		ids = append(ids, id)
	}
	return ids
}

// ToGateway injects a message as if a client had sent it.
func (r *relay) ToGateway(m signaling.Message) {
	r.mu.Lock()
	g := r.gateway
	r.mu.Unlock()
	if g != nil {
		g.send(m)
	}
}

// Barrier returns once the gateway has handled every message injected before it: the
// gateway handles signaling messages one at a time, in order, so its pong to a ping
// sent now comes after all of them.
func (r *relay) Barrier(t testing.TB) {
	t.Helper()
	pongs := func() int {
		n := 0
		for _, m := range r.Seen() {
			if m.Type == signaling.TypePong {
				n++
			}
		}
		return n
	}
	before := pongs()
	r.ToGateway(signaling.Message{Type: signaling.TypePing})
	waitFor(t, "the gateway's pong", func() bool { return pongs() > before })
}

// KickGateway closes the gateway's socket with a close code.
func (r *relay) KickGateway(code int) {
	r.mu.Lock()
	g := r.gateway
	r.gateway = nil
	r.mu.Unlock()
	if g != nil {
		g.wmu.Lock()
		_ = g.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, "Replaced by new connection"))
		g.wmu.Unlock()
		_ = g.ws.Close()
	}
}

func (r *relay) serve(w http.ResponseWriter, req *http.Request) {
	ws, err := r.upgrader.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	c := &relayConn{ws: ws}
	defer ws.Close()
	var mySession string
	var heldOffer *signaling.Message
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			if mySession != "" {
				r.ToGateway(signaling.Message{Type: signaling.TypeClientDisconnected, SessionID: mySession})
			}
			return
		}
		var m signaling.Message
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		switch m.Type {
		case signaling.TypeRegisterServer:
			r.mu.Lock()
			r.gateway = c
			r.registers++
			r.seen = append(r.seen, m)
			r.mu.Unlock()
			c.send(signaling.Message{Type: signaling.TypeRegistered, RemoteID: m.RemoteID})
		case signaling.TypeConnectRequest:
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			mySession = hex.EncodeToString(b)
			r.mu.Lock()
			r.clients[mySession] = c
			r.mu.Unlock()
			r.ToGateway(signaling.Message{Type: signaling.TypeClientConnected, SessionID: mySession})
		case signaling.TypeOffer, signaling.TypeICECandidate:
			if r.isGateway(c) {
				r.record(m)
				r.toClient(m)
			} else {
				m.SessionID = mySession
				if m.Type == signaling.TypeOffer && r.holdOffer {
					held := m
					heldOffer = &held
					continue
				}
				if m.Type == signaling.TypeICECandidate && heldOffer != nil {
					r.ToGateway(m)
					r.ToGateway(*heldOffer)
					heldOffer = nil
					continue
				}
				if m.Type == signaling.TypeICECandidate && r.stripPrefix {
					var c signaling.ICECandidate
					if json.Unmarshal(m.Data, &c) == nil {
						c.Candidate = strings.TrimPrefix(c.Candidate, "candidate:")
						m.Data, _ = json.Marshal(c)
					}
				}
				r.ToGateway(m)
			}
		case signaling.TypeSessionReady:
			r.record(m)
			r.toClient(signaling.Message{Type: signaling.TypeConnected, SessionID: m.SessionID, ICEServers: m.ICEServers})
		case signaling.TypeAnswer:
			r.record(m)
			if r.rewriteAnswer != nil {
				var d signaling.SessionDescription
				if json.Unmarshal(m.Data, &d) == nil {
					d.SDP = r.rewriteAnswer(d.SDP)
					m.Data, _ = json.Marshal(d)
				}
			}
			r.toClient(m)
		default:
			r.record(m)
		}
	}
}

func (r *relay) isGateway(c *relayConn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gateway == c
}

func (r *relay) record(m signaling.Message) {
	r.mu.Lock()
	r.seen = append(r.seen, m)
	r.mu.Unlock()
}

func (r *relay) toClient(m signaling.Message) {
	r.mu.Lock()
	c := r.clients[m.SessionID]
	r.mu.Unlock()
	if c != nil {
		c.send(m)
	}
}
