package peer

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"

	"segue/internal/signaling"
)

// Bounds on what Trickle holds for a peer that floods candidates.
const (
	maxQueuedCandidates = 64   // each way, while the descriptions are not through yet
	maxCandidateBytes   = 1024 // one candidate attribute
)

// Trickle is trickle ICE for one peer connection, the same at both ends: local
// candidates are held until our offer or answer has gone out (so none overtakes it)
// and remote ones until the remote description is set (pion refuses them before).
// Both queues are bounded; what does not fit is dropped, as a flooding peer deserves.
type Trickle struct {
	pc   *webrtc.PeerConnection
	log  logrus.FieldLogger
	send func(signaling.ICECandidate)

	mu     sync.Mutex
	local  gate[signaling.ICECandidate]  // opens when our description is out
	remote gate[webrtc.ICECandidateInit] // opens when the peer's is set
}

// gate holds values (at most maxQueuedCandidates) until it opens; the caller holds
// Trickle.mu.
type gate[T any] struct {
	open bool
	held []T
}

// pass reports whether v may go now; if not, v is held (or dropped when full).
func (g *gate[T]) pass(v T) bool {
	if !g.open && len(g.held) < maxQueuedCandidates {
		g.held = append(g.held, v)
	}
	return g.open
}

// release opens the gate and returns what it held.
func (g *gate[T]) release() []T {
	held := g.held
	g.open, g.held = true, nil
	return held
}

// NewTrickle takes over pc's OnICECandidate. send hands a local candidate to the
// signaling connection; pion's gathering calls it, so it must not block for long.
// Remote candidates pion refuses are logged at debug on log.
func NewTrickle(pc *webrtc.PeerConnection, log logrus.FieldLogger, send func(signaling.ICECandidate)) *Trickle {
	t := &Trickle{pc: pc, log: log, send: send}
	pc.OnICECandidate(t.onLocal)
	return t
}

func (t *Trickle) onLocal(c *webrtc.ICECandidate) {
	if c == nil {
		return // gathering complete: nothing to say (end-of-candidates is optional)
	}
	j := c.ToJSON()
	cand := signaling.ICECandidate{Candidate: j.Candidate, SDPMid: j.SDPMid, SDPMLineIndex: j.SDPMLineIndex, UsernameFragment: j.UsernameFragment}
	t.mu.Lock()
	now := t.local.pass(cand)
	t.mu.Unlock()
	if now {
		t.send(cand)
	}
}

// DescriptionSent releases the local candidates held until our offer or answer was
// handed to the signaling connection.
func (t *Trickle) DescriptionSent() {
	t.mu.Lock()
	held := t.local.release()
	t.mu.Unlock()
	for _, c := range held {
		t.send(c)
	}
}

// SetRemoteDescription applies the peer's offer or answer, then the candidates that
// came before it.
func (t *Trickle) SetRemoteDescription(sd webrtc.SessionDescription) error {
	if err := t.pc.SetRemoteDescription(sd); err != nil {
		return err
	}
	t.mu.Lock()
	queued := t.remote.release()
	t.mu.Unlock()
	for _, c := range queued {
		t.add(c)
	}
	return nil
}

// Remote adds a candidate from an ice-candidate message's data, or queues it until
// the remote description is set. Empty (end-of-candidates), oversized and
// undecodable ones are ignored.
func (t *Trickle) Remote(data json.RawMessage) {
	var c signaling.ICECandidate
	if err := json.Unmarshal(data, &c); err != nil || c.Candidate == "" || len(c.Candidate) > maxCandidateBytes {
		return
	}
	// Some clients (libdatachannel) send the attribute without its "candidate:" prefix.
	if !strings.HasPrefix(c.Candidate, "candidate:") {
		c.Candidate = "candidate:" + c.Candidate
	}
	init := webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex, UsernameFragment: c.UsernameFragment}
	t.mu.Lock()
	now := t.remote.pass(init)
	t.mu.Unlock()
	if now {
		t.add(init)
	}
}

func (t *Trickle) add(c webrtc.ICECandidateInit) {
	if err := t.pc.AddICECandidate(c); err != nil {
		t.log.WithError(err).Debug("remote: ignoring a bad remote candidate")
	}
}
