package remote

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"

	"segue/internal/clock"
	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

const (
	sessionInbox      = 64 // signaling messages waiting for one session's worker
	maxChannels       = 8  // data channels one peer may open
	iceFetchTimeout   = 5 * time.Second
	defaultSetupLimit = 30 * time.Second
)

// session is one remote client: a peer connection and its data channels. Signaling
// messages are handled by one worker goroutine per session, so a slow SDP operation
// never stalls the signaling reader and pion callbacks only hand work over.
type session struct {
	g      *Gateway
	id     string
	log    logrus.FieldLogger
	ctx    context.Context
	cancel context.CancelFunc
	inbox  chan signaling.Message

	trickle *peer.Trickle // set before the worker loop; used by the worker only

	mu       sync.Mutex
	apiTaken bool
	channels int
	opened   bool
	authed   bool
	timers   []clock.Timer
	links    []*link
	pc       *webrtc.PeerConnection
	p2p      bool // ICE+DTLS connected: signaling no longer matters
	work     sync.WaitGroup
}

// spawn runs f on its own goroutine unless the session already ended; teardown waits
// for all of them, so a stopped gateway leaves nothing running.
func (s *session) spawn(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return false
	}
	s.work.Add(1)
	go func() {
		defer s.work.Done()
		f()
	}()
	return true
}

// clientGone handles client-disconnected. A session still pairing is dropped; an
// established one lives on, because the signaling socket going away (a signaling restart,
// a browser closing it after pairing) says nothing about the peer — ICE consent checks
// end the session if the peer is really gone.
func (s *session) clientGone() {
	s.mu.Lock()
	p2p := s.p2p
	s.mu.Unlock()
	if !p2p {
		s.cancel()
	}
}

// deliver hands a signaling message to the worker; a peer that floods its own session
// loses it.
func (s *session) deliver(m signaling.Message) {
	select {
	case s.inbox <- m:
	default:
		s.log.Warn("remote: too many signaling messages for one session; closing it")
		s.cancel()
	}
}

// run is the session worker.
func (s *session) run() {
	defer s.teardown()
	ice := s.g.sessionICEServers(s.ctx)
	pc, err := s.g.api.NewPeerConnection(webrtc.Configuration{
		ICEServers:   peer.ToPion(ice),
		Certificates: []webrtc.Certificate{s.g.cfg.Identity.Certificate()},
	})
	if err != nil {
		s.log.WithError(err).Warn("remote: cannot create peer connection")
		return
	}
	s.mu.Lock()
	s.pc = pc
	s.mu.Unlock()
	s.trickle = peer.NewTrickle(pc, s.log, s.sendCandidate)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			s.mu.Lock()
			s.p2p = true
			s.mu.Unlock()
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			s.cancel()
		}
	})
	pc.OnDataChannel(s.onDataChannel)
	s.g.signal(signaling.Message{Type: signaling.TypeSessionReady, SessionID: s.id, ICEServers: announced(ice)})

	// A half-open session (no channel ever opens) is closed after the setup limit.
	s.after(s.g.cfg.Limits.SetupTimeout, func() {
		s.mu.Lock()
		opened := s.opened
		s.mu.Unlock()
		if !opened {
			s.log.Debug("remote: session never opened a data channel; closing")
			s.cancel()
		}
	})

	for {
		select {
		case <-s.ctx.Done():
			return
		case m := <-s.inbox:
			switch m.Type {
			case signaling.TypeOffer:
				if err := s.handleOffer(pc, m.Data); err != nil {
					s.log.WithError(err).Info("remote: bad offer; closing session")
					return
				}
			case signaling.TypeICECandidate:
				s.trickle.Remote(m.Data)
			}
		}
	}
}

func (s *session) handleOffer(pc *webrtc.PeerConnection, data json.RawMessage) error {
	var d signaling.SessionDescription
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if d.Type != "" && d.Type != "offer" {
		return errBadOffer
	}
	if len(d.SDP) > 64<<10 {
		return errBadOffer
	}
	if err := s.trickle.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: d.SDP}); err != nil {
		return err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return err
	}
	if err := pc.SetLocalDescription(answer); err != nil {
		return err
	}
	// Answer at once (trickle ICE): candidates follow as ice-candidate messages, held
	// until now so they never overtake the answer.
	raw, _ := json.Marshal(signaling.SessionDescription{Type: "answer", SDP: pc.LocalDescription().SDP})
	s.g.signal(signaling.Message{Type: signaling.TypeAnswer, SessionID: s.id, Data: raw})
	s.trickle.DescriptionSent()
	return nil
}

func (s *session) sendCandidate(c signaling.ICECandidate) {
	raw, _ := json.Marshal(c)
	s.g.signal(signaling.Message{Type: signaling.TypeICECandidate, SessionID: s.id, Data: raw})
}

// after runs f once after d unless the session ended first.
func (s *session) after(d time.Duration, f func()) {
	if d <= 0 {
		return
	}
	t := s.g.cfg.Clock.AfterFunc(d, func() {
		if s.ctx.Err() == nil {
			f()
		}
	})
	s.mu.Lock()
	s.timers = append(s.timers, t)
	s.mu.Unlock()
}

// markOpened starts the authentication deadline when the first channel opens.
func (s *session) markOpened() {
	s.mu.Lock()
	first := !s.opened
	s.opened = true
	s.mu.Unlock()
	if !first {
		return
	}
	s.after(s.g.cfg.Limits.AuthTimeout, func() {
		s.mu.Lock()
		ok := s.authed
		s.mu.Unlock()
		if !ok {
			s.log.Info("remote: data channel did not authenticate in time; closing session")
			s.cancel()
		}
	})
}

func (s *session) markAuthed() {
	s.mu.Lock()
	s.authed = true
	s.mu.Unlock()
}

func (s *session) addLink(l *link) {
	s.mu.Lock()
	s.links = append(s.links, l)
	s.mu.Unlock()
	if s.ctx.Err() != nil {
		l.close()
	}
}

func (s *session) teardown() {
	s.cancel()
	s.mu.Lock() // once held, spawn sees the cancelled context: no new work starts
	timers, links, pc := s.timers, s.links, s.pc
	s.timers, s.links = nil, nil
	s.mu.Unlock()
	for _, t := range timers {
		t.Stop()
	}
	for _, l := range links {
		l.close()
	}
	if pc != nil {
		if err := pc.Close(); err != nil {
			s.log.WithError(err).Debug("remote: closing peer connection")
		}
	}
	s.work.Wait()
	s.g.removeSession(s)
}

// peerKey names the remote peer by its address as ICE sees it (the remote side of the
// selected candidate pair), e.g. "webrtc/203.0.113.7". Login throttles key on it, so a
// new session from the same peer gets no fresh allowance (a session id would). The
// prefix keeps it from parsing as an IP or host:port, so no address-based trust
// applies and httpx.HostOf keeps it whole.
func (s *session) peerKey() string {
	s.mu.Lock()
	pc := s.pc
	s.mu.Unlock()
	if pc != nil {
		if sctp := pc.SCTP(); sctp != nil {
			pair, err := sctp.Transport().ICETransport().GetSelectedCandidatePair()
			if err == nil && pair != nil {
				return "webrtc/" + pair.Remote.Address
			}
		}
	}
	return "webrtc/unknown" // not yet connected: one shared, strict bucket
}
