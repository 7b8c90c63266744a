package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/webrtc/v4"

	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

// rawPeer is a misbehaving client: it pairs with the gateway through the signaling
// package's client role and pion directly, then writes whatever a test wants on the
// ma-api channel, past the limits and the chunking the real client keeps to.
type rawPeer struct {
	api   datachannel.ReadWriteCloser
	done  chan struct{} // closed when the peer connection or the channel ends
	ended sync.Once
}

// dialRaw pairs with h's gateway; rewriteAnswer (may be nil) alters the answer SDP
// before it is applied.
func dialRaw(t *testing.T, h *harness, rewriteAnswer func(sdp string) string) *rawPeer {
	t.Helper()
	ctx := ctxT(t)
	sc, err := signaling.Connect(ctx, h.relay.URL(), h.id.RemoteID(), signaling.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sc.Close() })
	pc, err := h.rtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	p := &rawPeer{done: make(chan struct{})}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			p.end()
		}
	})
	dc, err := pc.CreateDataChannel(peer.LabelAPI, nil)
	if err != nil {
		t.Fatal(err)
	}
	open := make(chan datachannel.ReadWriteCloser, 1)
	dc.OnOpen(func() {
		if rw, err := dc.Detach(); err == nil {
			open <- rw
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered // every candidate rides in the offer: nothing to trickle from this side
	if err := sc.Offer(ctx, signaling.SessionDescription{Type: "offer", SDP: pc.LocalDescription().SDP}); err != nil {
		t.Fatal(err)
	}
	// The gateway holds its candidates until its answer is out, so they arrive after it.
	go func() {
		for {
			m, err := sc.Recv(context.Background())
			if err != nil {
				return
			}
			switch m.Type {
			case signaling.TypeAnswer:
				var d signaling.SessionDescription
				if json.Unmarshal(m.Data, &d) != nil {
					return
				}
				if rewriteAnswer != nil {
					d.SDP = rewriteAnswer(d.SDP)
				}
				if pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: d.SDP}) != nil {
					return
				}
			case signaling.TypeICECandidate:
				var c signaling.ICECandidate
				if json.Unmarshal(m.Data, &c) == nil && c.Candidate != "" {
					_ = pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex})
				}
			}
		}
	}()
	select {
	case p.api = <-open:
	case <-ctx.Done():
		t.Fatal("the raw peer's channel never opened")
	}
	p.read(t) // ServerInfo
	return p
}

func (p *rawPeer) write(msg []byte) error {
	_, err := p.api.WriteDataChannel(msg, true)
	return err
}

func (p *rawPeer) read(t *testing.T) []byte {
	t.Helper()
	buf := make([]byte, peer.MaxMessageSize)
	n, _, err := p.api.ReadDataChannel(buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf[:n]
}

// auth authenticates the channel with the harness's good token.
func (p *rawPeer) auth(t *testing.T) {
	t.Helper()
	if err := p.write([]byte(`{"message_id":"auth","command":"auth","args":{"token":"good-token"}}`)); err != nil {
		t.Fatal(err)
	}
	if reply := p.read(t); !bytes.Contains(reply, []byte(`"authenticated":true`)) {
		t.Fatalf("auth: %s", reply)
	}
}

func (p *rawPeer) end() { p.ended.Do(func() { close(p.done) }) }

// waitEnded waits for the gateway to end the session: the channel's reads fail (the
// gateway closed it) or the peer connection goes down.
func (p *rawPeer) waitEnded(t *testing.T, why string) {
	t.Helper()
	go func() {
		defer p.end()
		buf := make([]byte, peer.MaxMessageSize)
		for {
			if _, _, err := p.api.ReadDataChannel(buf); err != nil {
				return
			}
		}
	}()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not end the session", why)
	}
}
