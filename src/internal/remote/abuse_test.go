package remote_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/clock/clocktest"
	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/remote/peer"
	"segue/internal/signaling"
)

func logged(h *harness, substr string) bool {
	for _, e := range h.logHook.AllEntries() {
		if strings.Contains(e.Message, substr) {
			return true
		}
	}
	return false
}

// A gateway with another certificate answers for our remote ID: the client refuses
// before any API message (security checklist 62).
func TestMITMOtherCertificateRefused(t *testing.T) {
	h := newHarness(t) // the relay routes every client to this gateway, whatever the ID
	victim := newIdentity(t)
	cfg := h.clientConfig()
	cfg.RemoteID = victim.RemoteID()
	c, err := client.Dial(ctxT(t), cfg)
	if err == nil {
		c.Close()
		t.Fatal("client accepted an impostor")
	}
	if !errors.Is(err, peer.ErrFingerprintMismatch) {
		t.Fatalf("want fingerprint mismatch, got %v", err)
	}
	if n := h.serves.Load(); n != 0 {
		t.Fatalf("%d API sessions reached the impostor", n)
	}
}

// The signaling path swaps the fingerprint in the answer to the victim's while the DTLS
// certificate stays the impostor's: the pin passes, the DTLS check must fail and the data
// channel never opens (security checklist 64).
func TestMITMSubstitutedFingerprintFailsDTLS(t *testing.T) {
	h := newHarness(t)
	victim := newIdentity(t)
	fps, _ := victim.Certificate().GetFingerprints()
	re := regexp.MustCompile(`a=fingerprint:sha-256 [0-9A-Fa-f:]+`)
	h.relay.rewriteAnswer = func(sdp string) string { return re.ReplaceAllString(sdp, "a=fingerprint:sha-256 "+fps[0].Value) }
	cfg := h.clientConfig()
	cfg.RemoteID = victim.RemoteID()
	cfg.Timeout = 8 * time.Second
	c, err := client.Dial(ctxT(t), cfg)
	if err == nil {
		c.Close()
		t.Fatal("client connected through a substituted fingerprint")
	}
	if errors.Is(err, peer.ErrFingerprintMismatch) {
		t.Fatal("the pin should have passed; this test is about the DTLS check")
	}
	t.Logf("refused: %v", err)
	if n := h.serves.Load(); n != 0 {
		t.Fatalf("%d API sessions opened", n)
	}
}

func TestReRegistersAfterSignalingDrop(t *testing.T) {
	h := newHarness(t)
	h.relay.KickGateway(1001)
	waitFor(t, "re-registration", func() bool { return h.relay.Registers() >= 2 && h.gw.Connected() })
	c := h.dial(t)
	if _, err := c.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
}

func TestReplacedKeepsRetryingWithWarning(t *testing.T) {
	h := newHarness(t)
	h.relay.KickGateway(signaling.CloseReplaced)
	waitFor(t, "retry after 4000", func() bool { return h.relay.Registers() >= 2 })
	var warned bool
	for _, e := range h.logHook.AllEntries() {
		if e.Level == logrus.WarnLevel && strings.Contains(e.Message, "another connection registered this remote ID") {
			warned = true
		}
	}
	if !warned {
		t.Fatal("no warning for close code 4000")
	}
}

func TestCandidatesWithoutPrefixAccepted(t *testing.T) {
	h := newHarness(t)
	h.relay.stripPrefix = true
	c := h.dial(t)
	if _, err := c.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if logged(h, "ignoring bad remote candidate") {
		t.Fatal("a prefix-less candidate was rejected")
	}
}

// A candidate that arrives before the offer is queued, not rejected.
func TestCandidateBeforeOfferIsQueued(t *testing.T) {
	h := newHarness(t)
	h.relay.holdOffer = true
	c := h.dial(t)
	if _, err := c.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
	if logged(h, "ignoring bad remote candidate") {
		t.Fatal("an early candidate was applied before the offer")
	}
}

func TestClientConnectedFloodIsCapped(t *testing.T) {
	clk := clocktest.NewFake(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	h := newHarness(t, func(c *remote.GatewayConfig) { c.Clock = clk })
	flood := func(prefix string) {
		for i := 0; i < 100; i++ {
			h.relay.ToGateway(signaling.Message{Type: signaling.TypeClientConnected, SessionID: fmt.Sprintf("%s%03d", prefix, i)})
		}
	}
	flood("a")
	waitFor(t, "16 sessions", func() bool { return h.gw.Sessions() == 16 })
	h.relay.Barrier(t) // the rest of the flood has been handled
	if n := h.gw.Sessions(); n != 16 {
		t.Fatalf("%d concurrent sessions, cap is 16", n)
	}
	for i := 0; i < 100; i++ {
		h.relay.ToGateway(signaling.Message{Type: signaling.TypeClientDisconnected, SessionID: fmt.Sprintf("a%03d", i)})
	}
	waitFor(t, "sessions closed", func() bool { return h.gw.Sessions() == 0 })
	// Same minute: only 30-16 = 14 more may start.
	flood("b")
	waitFor(t, "14 sessions", func() bool { return h.gw.Sessions() == 14 })
	h.relay.Barrier(t)
	if n := h.gw.Sessions(); n != 14 {
		t.Fatalf("%d sessions in the first minute beyond the 30/min budget", n)
	}
	for i := 0; i < 100; i++ {
		h.relay.ToGateway(signaling.Message{Type: signaling.TypeClientDisconnected, SessionID: fmt.Sprintf("b%03d", i)})
	}
	waitFor(t, "sessions closed", func() bool { return h.gw.Sessions() == 0 })
	// A minute later a real client gets in.
	clk.Advance(61 * time.Second)
	c := h.dial(t)
	if _, err := c.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
}

// authDeadlineHarness runs the gateway on a fake clock with a 2 s authentication
// deadline and dials one client; it returns once the session's setup and
// authentication deadlines are both armed.
func authDeadlineHarness(t *testing.T) (*harness, *client.Conn, *clocktest.Fake) {
	clk := clocktest.NewFake(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	h := newHarness(t, func(c *remote.GatewayConfig) { c.Clock = clk; c.Limits.AuthTimeout = 2 * time.Second })
	c := h.dial(t)
	if !clk.WaitForTimers(2, ctxT(t).Done()) {
		t.Fatal("the session never armed its setup and authentication deadlines")
	}
	return h, c, clk
}

func TestIdleUnauthenticatedChannelClosed(t *testing.T) {
	h, c, clk := authDeadlineHarness(t)
	clk.Advance(2 * time.Second)
	select {
	case <-c.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("idle unauthenticated session stayed open")
	}
	waitFor(t, "session removed", func() bool { return h.gw.Sessions() == 0 })
	if !logged(h, "did not authenticate in time") {
		t.Fatal("closed for another reason")
	}
}

func TestAuthenticatedChannelOutlivesDeadline(t *testing.T) {
	h, c, clk := authDeadlineHarness(t)
	ctx := ctxT(t)
	if err := c.Auth(ctx, "good-token"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Second) // returns once the deadline's check has run
	if clk.Timers() != 1 {
		t.Fatalf("%d timers armed after the deadline, want only the setup one", clk.Timers())
	}
	if logged(h, "did not authenticate in time") {
		t.Fatal("an authenticated session hit the deadline")
	}
	if _, err := c.Call(ctx, "auth/me", nil); err != nil {
		t.Fatalf("authenticated session closed: %v", err)
	}
}

func TestOversizedMessageEndsSession(t *testing.T) {
	h := newHarness(t)
	// The peer pretends we advertised 1 MiB so pion lets it send more than 256 KiB.
	p := dialRaw(t, h, func(sdp string) string {
		return strings.ReplaceAll(sdp, "a=max-message-size:262144", "a=max-message-size:1048576")
	})
	p.auth(t)
	if err := p.write([]byte(`{"message_id":"x","command":"test/echo","args":{"v":"` + strings.Repeat("o", 300<<10) + `"}}`)); err != nil {
		t.Fatalf("send: %v", err)
	}
	p.waitEnded(t, "oversized message")
	waitFor(t, "log", func() bool { return logged(h, "message too large") })
	waitFor(t, "session removed", func() bool { return h.gw.Sessions() == 0 })
	// The process and gateway are fine.
	c2 := h.dial(t)
	if _, err := c2.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
}

func TestChunkBombEndsSession(t *testing.T) {
	h := newHarness(t)
	p := dialRaw(t, h, nil)
	p.auth(t)
	// 2 MiB announced as one chunked message: over the 1 MiB reassembly bound.
	frames := peer.ChunkFrames(1, []byte(strings.Repeat("b", 2<<20)))
	for _, f := range frames {
		if err := p.write(f); err != nil {
			break
		}
	}
	p.waitEnded(t, "chunk bomb")
	waitFor(t, "log", func() bool { return logged(h, "protocol violation") })
}

func TestPreAuthFloodEndsSession(t *testing.T) {
	h := newHarness(t)
	p := dialRaw(t, h, nil)
	for i := 0; i < 10000; i++ {
		if err := p.write([]byte(fmt.Sprintf(`{"message_id":"%d","command":"auth/me"}`, i))); err != nil {
			break
		}
	}
	p.waitEnded(t, "flood")
	waitFor(t, "log", func() bool { return logged(h, "protocol violation") })
	waitFor(t, "session removed", func() bool { return h.gw.Sessions() == 0 })
	c2 := h.dial(t)
	if _, err := c2.Login(ctxT(t), "alice", "secret"); err != nil {
		t.Fatal(err)
	}
}

var _ = sha256.Sum256
var _ = context.Background
