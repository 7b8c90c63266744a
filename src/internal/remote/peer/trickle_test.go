package peer

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"

	"segue/internal/signaling"
)

func quiet() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func candidateData(t *testing.T, c signaling.ICECandidate) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// drain takes what a Trickle sent so far.
func drain(ch chan signaling.ICECandidate) []signaling.ICECandidate {
	var out []signaling.ICECandidate
	for {
		select {
		case c := <-ch:
			out = append(out, c)
		default:
			return out
		}
	}
}

// Two real pion peers on loopback whose descriptions carry no candidates: they
// connect only if each side's held local candidates went out after its description
// and the other side applied the ones that came before its remote description —
// written without the "candidate:" prefix, as libdatachannel sends them.
func TestTrickleHoldsQueuesAndConnects(t *testing.T) {
	api := NewRTCAPI(RTCOptions{Loopback: true})
	a, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fromA, fromB := make(chan signaling.ICECandidate, 64), make(chan signaling.ICECandidate, 64)
	ta := NewTrickle(a, quiet(), func(c signaling.ICECandidate) { fromA <- c })
	tb := NewTrickle(b, quiet(), func(c signaling.ICECandidate) { fromB <- c })
	dc, err := a.CreateDataChannel(LabelAPI, nil)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	dc.OnOpen(func() { close(opened) })

	offer, err := a.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(a)
	if err := a.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if held := drain(fromA); len(held) != 0 {
		t.Fatalf("%d candidates sent before the offer", len(held))
	}
	ta.DescriptionSent()
	local := drain(fromA)
	if len(local) == 0 {
		t.Fatal("no loopback candidate released after the offer")
	}
	for _, c := range local { // before b has the offer: queued
		c.Candidate = strings.TrimPrefix(c.Candidate, "candidate:")
		tb.Remote(candidateData(t, c))
	}
	if err := tb.SetRemoteDescription(offer); err != nil {
		t.Fatal(err)
	}
	answer, err := b.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	if err := ta.SetRemoteDescription(answer); err != nil {
		t.Fatal(err)
	}
	tb.DescriptionSent()
	done := make(chan struct{})
	defer close(done)
	go func() { // b's candidates, as they are gathered, to a (answer already applied)
		for {
			select {
			case c := <-fromB:
				data, _ := json.Marshal(c)
				ta.Remote(data)
			case <-done:
				return
			}
		}
	}()
	select {
	case <-opened:
	case <-time.After(20 * time.Second):
		t.Fatal("the data channel did not open: trickled candidates were lost")
	}
}

// A peer that floods candidates before its description gets 64 queued; oversized,
// empty and undecodable ones are not even queued.
func TestTrickleBoundsTheQueue(t *testing.T) {
	pc, err := NewRTCAPI(RTCOptions{Loopback: true}).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	tr := NewTrickle(pc, quiet(), func(signaling.ICECandidate) {})
	tr.Remote(candidateData(t, signaling.ICECandidate{Candidate: "candidate:" + strings.Repeat("x", 2000)}))
	tr.Remote(candidateData(t, signaling.ICECandidate{}))
	tr.Remote(json.RawMessage(`{"candidate":`))
	if len(tr.remote.held) != 0 {
		t.Fatalf("queued %d malformed candidates", len(tr.remote.held))
	}
	for i := 0; i < 200; i++ {
		tr.Remote(candidateData(t, signaling.ICECandidate{Candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host"}))
	}
	if len(tr.remote.held) != maxQueuedCandidates {
		t.Fatalf("queued %d, want %d", len(tr.remote.held), maxQueuedCandidates)
	}
}
