package signaling

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock"
)

// hub holds this node's half of the signaling state. Gateways registered on this node
// live in gateways (with the sessions opened towards them); clients connected to this
// node live in sessions. Everything that crosses from one half to the other is an
// envelope, so a single node and a cluster run the same code.
type hub struct {
	cfg     Config
	log     *logrus.Entry
	node    string
	reg     registry // nil on a single node
	limiter *limiter
	baseCtx context.Context

	mu       sync.Mutex
	peers    map[*peer]struct{}
	gateways map[string]*gateway       // remote ID → gateway registered here
	sessions map[string]*clientSession // session ID → client connected here
	serial   uint64
	closed   bool

	// regLocks serialise registrations of one remote ID on this node, so the order of
	// the in-memory change and of the Redis write agree.
	regLocks [64]sync.Mutex
}

type gateway struct {
	p        *peer
	rid      string
	token    string      // "<node>.<serial>", with a trailing "!" when proven
	proven   bool        // the socket proved it holds the ID's DTLS key
	ice      []ICEServer // from register-server: the fallback when session-ready is late
	sessions map[string]*gwSession
	perIP    map[string]int // open sessions per client IP
}

type gwSession struct {
	clientNode string
	clientIP   string
	pending    bool // client-connected sent, connected not yet
	timer      clock.Timer
}

type clientSession struct {
	p         *peer
	rid       string
	gwNode    string
	connected bool
}

type outbox []envelope

func newHub(ctx context.Context, cfg Config, log *logrus.Entry, node string, reg registry) *hub {
	return &hub{
		cfg: cfg, log: log, node: node, reg: reg, baseCtx: ctx,
		limiter:  newLimiter(cfg),
		peers:    make(map[*peer]struct{}),
		gateways: make(map[string]*gateway),
		sessions: make(map[string]*clientSession),
	}
}

func (h *hub) regLock(rid string) *sync.Mutex {
	f := fnv.New32a()
	f.Write([]byte(rid))
	return &h.regLocks[f.Sum32()%uint32(len(h.regLocks))]
}

func (h *hub) nextToken() string {
	h.serial++
	return h.node + "." + strconv.FormatUint(h.serial, 36)
}

// addPeer tracks a new socket; false once the hub is shutting down.
func (h *hub) addPeer(p *peer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.peers[p] = struct{}{}
	return true
}

// handle dispatches one decoded message from p. It runs on p's read goroutine.
func (h *hub) handle(ctx context.Context, p *peer, m Message) {
	switch m.Type {
	case TypePing:
		p.sendMsg(Message{Type: TypePong})
		return
	case TypePong:
		return
	}
	if ok, retry := h.limiter.allow(p.ip); !ok {
		h.rateLimited(p, retry)
		return
	}
	h.mu.Lock()
	p.dropped = 0
	h.mu.Unlock()
	switch m.Type {
	case TypeRegisterServer:
		h.register(ctx, p, m)
	case TypeConnectRequest:
		h.connectRequest(ctx, p, m)
	case TypeSessionReady:
		h.sessionReady(ctx, p, m)
	case TypeOffer, TypeAnswer, TypeICECandidate:
		h.relay(ctx, p, m)
	default:
		p.sendError(unknownTypeText(m.Type))
	}
}

// rateLimited tells the peer once, then closes it if it keeps sending while blocked.
func (h *hub) rateLimited(p *peer, retry time.Duration) {
	h.mu.Lock()
	p.dropped++
	n := p.dropped
	h.mu.Unlock()
	switch {
	case n == 1:
		p.sendError(rateLimitedText(retry))
	case n > 10:
		p.close(CloseRateLimited, "Rate limited")
	}
}

func rateLimitedText(retry time.Duration) string {
	secs := int((retry + time.Second - 1) / time.Second)
	return fmt.Sprintf(errTextRateLimitedFmt, max(secs, 1))
}

// disconnect forgets p after its socket ended.
func (h *hub) disconnect(ctx context.Context, p *peer) {
	h.mu.Lock()
	delete(h.peers, p)
	var out outbox
	var unregRID, unregToken string
	switch p.role {
	case roleGateway:
		if g := h.gateways[p.remoteID]; g != nil && g.p == p {
			out = h.endGatewayLocked(g)
			unregRID, unregToken = g.rid, g.token
			h.log.WithField("remote_id", g.rid).Info("gateway disconnected")
		}
	case roleClient:
		out = h.endClientSessionLocked(p)
	}
	h.mu.Unlock()
	h.flush(ctx, out)
	if unregRID != "" && h.reg != nil {
		lk := h.regLock(unregRID)
		lk.Lock()
		defer lk.Unlock()
		if err := h.reg.unregister(ctx, unregRID, unregToken); err != nil {
			h.log.WithError(err).WithField("remote_id", unregRID).Warn("redis unregister failed; the entry expires by TTL")
		}
	}
}

// flush delivers envelopes: in-process when they are for this node (which may produce
// more), over Redis otherwise. It never runs under h.mu.
func (h *hub) flush(ctx context.Context, out outbox) {
	for len(out) > 0 {
		e := out[0]
		out = out[1:]
		e.From = h.node
		if e.To == h.node || h.reg == nil {
			out = append(out, h.apply(e)...)
			continue
		}
		if err := h.reg.publish(ctx, e.To, e); err != nil {
			h.log.WithError(err).WithField("kind", e.Kind).Warn("cluster publish failed")
			// A client waiting on a remote gateway must hear that it will not answer.
			if e.Kind == envConnect || e.Kind == envToGateway {
				text := ErrTextBackend
				if errors.Is(err, errNodeGone) {
					text = ErrTextServerNotFound // its node died; the entry is a leftover
				}
				out = append(out, envelope{To: h.node, Kind: envReject, SID: e.SID, Err: text})
			}
		}
	}
}

// apply runs one envelope against this node's state.
func (h *hub) apply(e envelope) outbox {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e.Kind {
	case envConnect:
		return h.onConnectLocked(e)
	case envToGateway:
		return h.onToGatewayLocked(e)
	case envClientGone:
		h.onClientGoneLocked(e)
	case envReplaced:
		if g := h.gateways[e.RID]; g != nil && g.token == e.Owner {
			h.log.WithField("remote_id", g.rid).Info("registration replaced by another node")
			out := h.endGatewayLocked(g)
			g.p.close(CloseReplaced, "Replaced by new connection")
			return out
		}
	case envConnected:
		h.onConnectedLocked(e)
	case envToClient:
		h.onToClientLocked(e)
	case envPeerGone, envReject:
		h.onSessionEndLocked(e)
	default:
		h.log.WithField("kind", e.Kind).Warn("unknown cluster envelope")
	}
	return nil
}

// shutdown closes every socket with 1001 and refuses new ones.
func (h *hub) shutdown() {
	h.mu.Lock()
	h.closed = true
	for _, g := range h.gateways {
		for _, s := range g.sessions {
			if s.timer != nil {
				s.timer.Stop()
			}
		}
	}
	peers := make([]*peer, 0, len(h.peers))
	for p := range h.peers {
		peers = append(peers, p)
	}
	h.mu.Unlock()
	for _, p := range peers {
		p.close(1001, "Server shutting down")
	}
}

// Stats is a snapshot for /health.
type Stats struct {
	Node       string `json:"node"`
	Peers      int    `json:"peers"`
	Gateways   int    `json:"gateways"`
	Sessions   int    `json:"sessions"`
	TrackedIPs int    `json:"tracked_ips"`
}

func (h *hub) stats() Stats {
	h.mu.Lock()
	st := Stats{Node: h.node, Peers: len(h.peers), Gateways: len(h.gateways), Sessions: len(h.sessions)}
	h.mu.Unlock()
	st.TrackedIPs = h.limiter.tracked()
	return st
}

// online reports whether rid is registered here or, in a cluster, anywhere.
func (h *hub) online(ctx context.Context, rid string) (bool, error) {
	h.mu.Lock()
	_, ok := h.gateways[rid]
	h.mu.Unlock()
	if ok || h.reg == nil {
		return ok, nil
	}
	tok, ok, err := h.reg.lookup(ctx, rid)
	return ok && nodeOf(tok) != h.node, err
}
