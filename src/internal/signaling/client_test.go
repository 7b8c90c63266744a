package signaling

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"segue/internal/backoff"
	"segue/internal/testutil"
)

// TestClientLibraryPairing drives both roles through the library against a real server.
func TestClientLibraryPairing(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g, err := Register(ctx, ts.wsURL, strings.ToLower(testRID), testICE, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.RemoteID() != testRID {
		t.Fatalf("registered as %q", g.RemoteID())
	}
	// The gateway side: session-ready on client-connected, answer + candidate on offer.
	gwErr := make(chan error, 1)
	go func() {
		gwErr <- func() error {
			for {
				m, err := g.Recv(ctx)
				if err != nil {
					return err
				}
				switch m.Type {
				case TypeClientConnected:
					if err := g.SessionReady(ctx, m.SessionID, freshICE); err != nil {
						return err
					}
				case TypeOffer:
					sd, err := m.SessionDescription()
					if err != nil || sd.SDP != "offer-sdp" {
						return errors.New("bad offer: " + string(m.Data))
					}
					if err := g.Answer(ctx, m.SessionID, SessionDescription{Type: "answer", SDP: "answer-sdp"}); err != nil {
						return err
					}
					mid, idx := "0", uint16(0)
					if err := g.Candidate(ctx, m.SessionID, ICECandidate{Candidate: "candidate:gw", SDPMid: &mid, SDPMLineIndex: &idx}); err != nil {
						return err
					}
				case TypeICECandidate:
					if c, err := m.ICECandidate(); err != nil || c.Candidate != "candidate:cl" {
						return errors.New("bad candidate")
					}
				case TypeClientDisconnected:
					return nil
				}
			}
		}()
	}()
	c, err := Connect(ctx, ts.wsURL, testRID, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SessionID()) != 16 || !reflect.DeepEqual(c.ICEServers(), freshICE) || c.RemoteID() != testRID {
		t.Fatalf("connected: sid=%q ice=%+v rid=%q", c.SessionID(), c.ICEServers(), c.RemoteID())
	}
	if err := c.Offer(ctx, SessionDescription{Type: "offer", SDP: "offer-sdp"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Candidate(ctx, ICECandidate{Candidate: "candidate:cl"}); err != nil {
		t.Fatal(err)
	}
	m, err := c.Recv(ctx)
	if err != nil || m.Type != TypeAnswer {
		t.Fatalf("want answer: %+v %v", m, err)
	}
	m, err = c.Recv(ctx)
	if cand, _ := m.ICECandidate(); err != nil || cand.Candidate != "candidate:gw" || cand.SDPMid == nil || *cand.SDPMid != "0" {
		t.Fatalf("want candidate: %+v %v", m, err)
	}
	c.Close()
	if err := <-gwErr; err != nil {
		t.Fatalf("gateway: %v", err)
	}
	if !errors.Is(c.Err(), ErrClosed) {
		t.Fatalf("after Close, Err = %v", c.Err())
	}
}

func TestClientErrors(t *testing.T) {
	ts := startServer(t, testConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, ts.wsURL, "NOSUCHID", DialOptions{})
	if !errors.Is(err, ErrServerNotFound) {
		t.Fatalf("want ErrServerNotFound, got %v", err)
	}
	if _, err := Register(ctx, ts.wsURL, "bad id!", nil, DialOptions{}); err == nil {
		t.Fatal("invalid remote ID accepted")
	}
	if _, err := Dial(ctx, "ws://127.0.0.1:1/ws", DialOptions{}); err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
	g, err := Register(ctx, ts.wsURL, testRID, nil, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", DefaultMaxMessageBytes)
	if err := g.Answer(ctx, "s", SessionDescription{SDP: big}); err == nil {
		t.Fatal("oversized send not refused locally")
	}
	// Connect gives up at ctx (the gateway never answers, fallback is an hour here).
	short, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	if _, err := Connect(short, ts.wsURL, testRID, DialOptions{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
}

// TestClientPeerDisconnected: Recv surfaces peer-disconnected; the socket can request again.
func TestClientPeerDisconnected(t *testing.T) {
	cfg := testConfig()
	cfg.SessionReadyTimeout = 20 * time.Millisecond
	ts := startServer(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g, err := Register(ctx, ts.wsURL, testRID, testICE, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Connect(ctx, ts.wsURL, testRID, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.ICEServers(), testICE) {
		t.Fatalf("fallback ICE %+v", c.ICEServers())
	}
	g.Close()
	if m, err := c.Recv(ctx); err != nil || m.Type != TypePeerDisconnected {
		t.Fatalf("want peer-disconnected: %+v %v", m, err)
	}
	g2, err := Register(ctx, ts.wsURL, testRID, testICE, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	if _, err := Request(ctx, c.Conn, testRID); err != nil {
		t.Fatalf("second request on the same socket: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	b := backoff.Backoff{Min: 10 * time.Second, Max: 300 * time.Second}
	var got []time.Duration
	for i := 0; i < 7; i++ {
		got = append(got, nextWait(&b, errors.New("down")))
	}
	want := []time.Duration{10, 20, 40, 80, 160, 300, 300}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("schedule %v", got)
		}
	}
	b.Reset()
	if nextWait(&b, nil) != 10*time.Second {
		t.Fatal("reset")
	}
	if nextWait(&b, &CloseError{Code: CloseReplaced}) != 300*time.Second {
		t.Fatal("replaced must wait the maximum, not stop")
	}
}

// TestKillAndRestart: the signaling server stops and comes back on the same address;
// a gateway kept by KeepRegistered re-registers and a new client session works.
func TestKillAndRestart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	url := "ws://" + addr + "/ws"
	cfg := testConfig()
	cfg.SessionReadyTimeout = 20 * time.Millisecond
	serve := func(ln net.Listener) (context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- Serve(ctx, ln, cfg, quietLog()) }()
		return cancel, done
	}
	stop1, done1 := serve(ln)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	registered := make(chan struct{}, 8)
	downs := make(chan error, 8)
	keepDone := make(chan error, 1)
	go func() {
		keepDone <- KeepRegistered(ctx, url, testRID, KeepOptions{
			Backoff: backoff.Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond},
			OnDown:  func(err error, _ time.Duration) { downs <- err },
		}, func(ctx context.Context, g *Gateway) {
			registered <- struct{}{}
			for {
				m, err := g.Recv(ctx)
				if err != nil {
					return
				}
				if m.Type == TypeClientConnected {
					g.SessionReady(ctx, m.SessionID, freshICE)
				}
			}
		})
	}()
	<-registered
	if c, err := Connect(ctx, url, testRID, DialOptions{}); err != nil {
		t.Fatalf("before restart: %v", err)
	} else {
		c.Close()
	}

	stop1()
	if err := <-done1; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if err := <-downs; CloseCode(err) != 1001 {
		t.Fatalf("gateway saw %v, want a 1001 going-away close", err)
	}
	var ln2 net.Listener
	testutil.Eventually(5*time.Second, func() bool { ln2, err = net.Listen("tcp", addr); return err == nil })
	if ln2 == nil {
		t.Fatalf("relisten on %s: %v", addr, err)
	}
	stop2, done2 := serve(ln2)
	defer func() { stop2(); <-done2 }()
	select {
	case <-registered:
	case <-ctx.Done():
		t.Fatal("gateway did not re-register")
	}
	c, err := Connect(ctx, url, testRID, DialOptions{})
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if !reflect.DeepEqual(c.ICEServers(), freshICE) {
		t.Fatalf("session-ready from the re-registered gateway expected, got %+v", c.ICEServers())
	}
	c.Close()
	cancel()
	if err := <-keepDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("KeepRegistered returned %v", err)
	}
}
